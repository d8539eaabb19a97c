"""A real HTTP server (waitress, on a free local port) over a test store, and a raw client."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from waitress import create_server

from registry.app import close_app, create_app
from registry.config import Settings
from registry.store import Store


@dataclass
class Live:
    url: str
    app: object
    settings: Settings

    @property
    def port(self) -> int:
        return urlsplit(self.url).port


@contextmanager
def live_server(store: Store, base: str, **settings) -> Iterator[Live]:
    """Serve the app over ``store`` on 127.0.0.1 (a free port) until the block ends."""
    config = Settings(data_dir=store.path, base=base, **settings).checked()
    app = create_app(config, store=store)
    server = create_server(app, host="127.0.0.1", port=0, threads=12, ident="pes-registry-test")
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield Live(url=f"http://127.0.0.1:{server.effective_port}", app=app, settings=config)
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
        close_app(app)


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    error: Exception | None = field(default=None)

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(url: str, method: str, path: str, *, headers: dict[str, str] | None = None,
            body: bytes | str | None = None, timeout: float = 60, chunked: bool = False) -> Reply:
    """One raw HTTP exchange, exactly as given (no header or body added but Host)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None and not chunked:
            conn.putheader("Content-Length", str(len(body)))
        if chunked:
            conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        if body is not None:
            if chunked:
                for i in range(0, len(body), 4096):
                    piece = body[i:i + 4096]
                    conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                conn.send(b"0\r\n\r\n")
            else:
                conn.send(body)
        response = conn.getresponse()
        try:
            data = response.read()
            error = None
        except http.client.IncompleteRead as e:
            data, error = e.partial, e
        return Reply(response.status, response.headers, data, error)
    finally:
        conn.close()
