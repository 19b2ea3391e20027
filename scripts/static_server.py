"""Serve a built site on 127.0.0.1 the way GitHub Pages does: gzip for text.

Browser tests, the Lighthouse audit and `make bench` all measure the site
through this server, so compression counts as it will for a reader.
Run it by hand with: python scripts/static_server.py site/ [port]
"""

import gzip
import os
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")
# The Run buttons' Python (runtime/): JavaScript modules and WebAssembly,
# which a browser only runs when sent with these types.
COMPRESSIBLE += (".mjs", ".wasm")


class GzipHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
    }

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not path.endswith(COMPRESSIBLE):
            return super().send_head()
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        try:
            with open(path, "rb") as f:
                body = gzip.compress(f.read(), compresslevel=6)
        except OSError:
            return super().send_head()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, *args):
        pass


class _Body:
    """A file-like object for copyfile(), holding the compressed bytes."""

    def __init__(self, data):
        self.data = data

    def read(self, *args):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that leaves a page, or stops a Run button's Worker, drops
        # its downloads half-way: nothing went wrong here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def start(directory, port=0):
    """Serve directory in a background thread; return (base URL, server)."""
    handler = partial(GzipHandler, directory=str(directory))
    server = Server(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


if __name__ == "__main__":
    url, server = start(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8001)
    print(f"Serving {sys.argv[1]} at {url}")
    threading.Event().wait()
