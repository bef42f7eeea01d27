"""Serving a fake platform: a Starlette app on 127.0.0.1 (a port the OS picks), in a daemon thread.

WebSocket routes (the fake Slack's Socket Mode) are served when the `websockets` package (a dev dependency) is
installed, through uvicorn's sans-I/O implementation — its legacy "websockets" one warns of deprecation on import
with websockets >= 14 —, else through `wsproto` when that is installed; with neither, WebSockets are refused.
"""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from typing import Literal

import uvicorn
from starlette.applications import Starlette
from uvicorn.config import WS_PROTOCOLS


def _websocket_protocol() -> Literal["websockets-sansio", "websockets", "wsproto", "none"]:
    if importlib.util.find_spec("websockets") is not None:
        return "websockets-sansio" if "websockets-sansio" in WS_PROTOCOLS else "websockets"  # uvicorn < 0.35
    if importlib.util.find_spec("wsproto") is not None:
        return "wsproto"
    return "none"


class LoopbackServer:
    def __init__(self, app: Starlette, *, name: str, lifespan: Literal["on", "off"] = "off") -> None:
        self._app = app
        self._lifespan = lifespan
        self._name = name
        self._sock: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, port: int = 0) -> int:
        """Serve and return the port once the server accepts connections (`port`: a given one, e.g. one a client
        under test was pointed at while nothing listened there yet)."""
        if self._thread is not None:
            raise RuntimeError("already started")
        # proto IPPROTO_TCP, not 0: asyncio turns Nagle off only for accepted sockets whose proto says TCP; without
        # it two small frames in a row (a gateway's READY then GUILD_CREATE) wait ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        self._sock = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            log_config=None,
            access_log=False,
            lifespan=self._lifespan,
            loop="asyncio",
            http="h11",
            ws=_websocket_protocol(),
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=f"{self._name}-{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the {self._name} server did not start")
            time.sleep(0.005)
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None
