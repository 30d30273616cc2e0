"""python3 -m tasks.web --port 8000: GET /health answers "ok <version>", GET /tasks counts them."""

import argparse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tasks import DONE, QUEUE, version


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            self.answer(200, f"ok {version()}")
        elif self.path == "/tasks":
            queued = len(list(QUEUE.glob("*.task"))) if QUEUE.exists() else 0
            done = len(list(DONE.glob("*.task"))) if DONE.exists() else 0
            self.answer(200, f"queued {queued} done {done}")
        else:
            self.answer(404, "not found")

    def answer(self, status, text):
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--bind", default="127.0.0.1")
    args = parser.parse_args()
    ThreadingHTTPServer((args.bind, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
