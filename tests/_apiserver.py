"""A local HTTP server for offline API tests: serves recorded responses on 127.0.0.1.

Each test registers a handler per path: either a list of responses served in turn (the last one
repeats) or a function of the request. Every request is recorded (method, path, query and form
parameters, headers) so tests can check what was sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DATA = Path(__file__).parent / "data" / "api"


@dataclass
class Reply:
    """One scripted response."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    close: bool = False
    """Drop the connection without answering (a broken response)."""
    delay: float = 0.0
    """Seconds to wait before answering (a slow service, a timeout)."""
    declared_length: int | None = None
    """``Content-Length`` to announce instead of the real one (a body cut short)."""
    drip: float = 0.0
    """Seconds between chunks of the body (an answer that trickles in)."""


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    headers: dict[str, str]
    body: str = ""
    """The raw request body (a JSON body is not a form)."""

    def param(self, name: str) -> str:
        values = self.form.get(name) or self.query.get(name) or [""]
        return values[0]


Handler = Callable[[Seen], Reply]


def fixture(name: str) -> bytes:
    """Bytes of a recorded response in ``tests/data/api``."""
    return (DATA / name).read_bytes()


class ApiServer:
    """Serve scripted replies; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply] | Handler] = {}
        self.prefixes: dict[str, Handler] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                seen = Seen(
                    method=self.command,
                    path=split.path,
                    query=parse_qs(split.query, keep_blank_values=True),
                    form=parse_qs(body, keep_blank_values=True),
                    headers=dict(self.headers.items()),
                    body=body,
                )
                reply = server._reply(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.close:
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.close()
                    return
                payload = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                length = reply.declared_length if reply.declared_length else len(payload)
                self.send_header("Content-Length", str(length))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    if reply.drip:
                        for start in range(0, len(payload), 16):
                            self.wfile.write(payload[start : start + 16])
                            self.wfile.flush()
                            time.sleep(reply.drip)
                    else:
                        self.wfile.write(payload)
                except OSError:  # the client gave up first
                    return
                if reply.declared_length:
                    self.close_connection = True

            do_GET = _serve
            do_POST = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def route(self, path: str, *replies: Reply | Handler) -> None:
        """Serve ``replies`` in turn at ``path`` (one callable = a dynamic handler)."""
        if len(replies) == 1 and callable(replies[0]):
            self.routes[path] = replies[0]
        else:
            self.routes[path] = [r for r in replies if isinstance(r, Reply)]

    def route_prefix(self, prefix: str, handler: Handler) -> None:
        """Serve every path starting with ``prefix`` (and not routed exactly) by ``handler``."""
        self.prefixes[prefix] = handler

    def _reply(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            route = self.routes.get(seen.path)
            if route is None:
                matches = [p for p in self.prefixes if seen.path.startswith(p)]
                if matches:
                    route = self.prefixes[max(matches, key=len)]
            if route is None:
                return Reply(
                    b"<html><title>404 Not Found</title></html>", 404, content_type="text/html"
                )
            if callable(route):
                return route(seen)
            return route.pop(0) if len(route) > 1 else route[0]

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def __enter__(self) -> ApiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
