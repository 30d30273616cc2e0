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
    values = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as env:
            for line in env:
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    key, value = line.split("=", 1)
                    if len(value) >= 2 and value[0] == value[-1] == '"':
                        value = value[1:-1].replace('\\"', '"').replace("\\$", "$").replace("\\\\", "\\")
                    values[key] = value
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
