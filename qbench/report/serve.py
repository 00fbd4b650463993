"""``qbench report --serve``: preview a built site on localhost with the standard library's HTTP server."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path
from typing import Callable

from qbench.errors import QBenchError

HOST = "127.0.0.1"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass


def make_server(out: Path, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A server for ``out`` bound to 127.0.0.1 only (port 0: any free port)."""
    handler = functools.partial(_QuietHandler, directory=str(out))
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        raise QBenchError(f"cannot serve on {HOST}:{port} ({exc.strerror or exc}); choose another --port") from None


def serve(out: Path, port: int = 8000, echo: Callable[[str], None] = print) -> None:
    """Serve ``out`` until Ctrl-C; prints the URL first."""
    server = make_server(out, port)
    echo(f"Serving {out} at http://{HOST}:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
