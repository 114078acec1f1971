"""Serving the app with uvicorn: :func:`serve` until stopped, :func:`running` for a while.

uvicorn runs the ASGI app on one event loop; the route handlers run on Litestar's worker
threads, so the library's blocking calls never stall the loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from jobtrack_core.service import Jobtrack
from jobtrack_web.app import create_app
from jobtrack_web.settings import WebSettings

#: Where a server listens unless told otherwise: this machine only.
HOST = "127.0.0.1"
PORT = 8000


class _Server(uvicorn.Server):
    """uvicorn's server, which says where it listens once it does."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[str], None] | None) -> None:
        super().__init__(config)
        self.on_ready = on_ready

    @property
    def url(self) -> str:
        host = self.config.host
        port = self.servers[0].sockets[0].getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.started and self.on_ready is not None:
            self.on_ready(self.url)


def _server(
    jobtrack: Jobtrack,
    host: str,
    port: int,
    settings: WebSettings | None,
    log_level: str,
    on_ready: Callable[[str], None] | None = None,
) -> _Server:
    config = uvicorn.Config(
        create_app(jobtrack, settings),
        host=host,
        port=port,
        log_level=log_level,
        server_header=False,
        proxy_headers=False,
    )
    return _Server(config, on_ready)


def serve(
    jobtrack: Jobtrack,
    *,
    host: str = HOST,
    port: int = PORT,
    settings: WebSettings | None = None,
    log_level: str = "info",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``jobtrack`` on ``host``:``port`` until interrupted (Ctrl-C); ``on_ready`` is
    called with the base URL (``http://127.0.0.1:8000``) once the server listens (port 0
    picks a free one)."""
    _server(jobtrack, host, port, settings, log_level, on_ready).run()


@contextmanager
def running(
    jobtrack: Jobtrack,
    *,
    host: str = HOST,
    port: int = 0,
    settings: WebSettings | None = None,
    log_level: str = "warning",
) -> Iterator[str]:
    """Serve ``jobtrack`` on a thread for the ``with`` block; yields the base URL
    (``http://127.0.0.1:PORT``; port 0 picks a free one). For tests, benchmarks and
    examples that talk to a real server."""
    server = _server(jobtrack, host, port, settings, log_level)
    thread = threading.Thread(target=server.run, name="jobtrack-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start on {host}:{port}")
        time.sleep(0.01)
    try:
        yield server.url
    finally:
        server.should_exit = True
        thread.join(timeout=30)
