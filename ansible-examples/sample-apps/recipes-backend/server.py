"""Recipes backend: a tiny JSON API on the Python standard library.

Reads its settings from the .env file of its release (written by the deploy role):
RECIPES_PORT, RECIPES_BIND (default 127.0.0.1) and RECIPES_SECRET_KEY (never logged).
GET /health answers "ok <release id>"; GET /api/recipes answers the recipes as JSON.
"""
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))


def read_env(path):
    """Reads the .env format the deploy role and Deployster write: NAME='literal' or
    NAME="text with \\\\ and \\" escaped", either of which may span lines; other lines are skipped."""
    values = {}
    if not os.path.exists(path):
        return values
    with open(path, encoding="utf-8", newline="") as env:
        text = env.read()
    i = 0
    while i < len(text):
        end = text.find("\n", i)
        line = text[i:] if end < 0 else text[i:end]
        eq = line.find("=")
        if line.startswith("#") or eq <= 0 or eq + 1 >= len(line) or line[eq + 1] not in "'\"":
            i = len(text) if end < 0 else end + 1
            continue
        key, quote, j = line[:eq], line[eq + 1], i + eq + 2
        value = []
        while j < len(text) and text[j] != quote:
            if quote == '"' and text[j] == "\\" and j + 1 < len(text) and text[j + 1] in '\\"':
                j += 1
            value.append(text[j])
            j += 1
        values[key] = "".join(value)
        end = text.find("\n", j)
        i = len(text) if end < 0 else end + 1
    return values


def release_id():
    try:
        with open(os.path.join(HERE, ".deploy-release.json"), encoding="utf-8") as marker:
            return json.load(marker)["release"]
    except (OSError, ValueError, KeyError):
        return "unknown"


ENV = read_env(os.path.join(HERE, ".env"))
RELEASE = release_id()
with open(os.path.join(HERE, "recipes.json"), encoding="utf-8") as data:
    RECIPES = json.load(data)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            self.answer(200, "text/plain", "ok " + RELEASE)
        elif self.path == "/api/recipes":
            self.answer(200, "application/json", json.dumps(RECIPES))
        else:
            self.answer(404, "text/plain", "not found")

    def answer(self, status, content_type, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    if not ENV.get("RECIPES_SECRET_KEY"):
        raise SystemExit("RECIPES_SECRET_KEY is not set in .env")
    port = int(ENV.get("RECIPES_PORT", "8080"))
    HTTPServer((ENV.get("RECIPES_BIND", "127.0.0.1"), port), Handler).serve_forever()
