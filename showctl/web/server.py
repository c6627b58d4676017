"""The page server: the browser page and the native API on one port of the engine process.

One ``websockets`` server answers plain HTTP GETs with the page's static files (shipped
in the package, ``showctl/web/static``, no build step) and WebSocket upgrades on
``/api`` with the native API (:meth:`ApiServer.handle_websocket`): the page speaks the
same JSON messages as the console, with the same passcodes and levels. It listens on
127.0.0.1:53190 by default; any other address needs passcodes.

A WebSocket upgrade from a page of another site (its ``Origin`` is not this server) is
refused: without it, any web page the operator opens could drive a loopback show that
needs no passcode.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from showctl.api.protocol import listen_address
from showctl.live.server import ApiServer

_log = logging.getLogger(__name__)

DEFAULT_WEB_PORT = 53190
"""The page's default TCP port (127.0.0.1); the native API keeps 53180, the OSC API
53000."""
LOOPBACK = ("127.0.0.1", "::1", "localhost")
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
         ".json": "application/json", ".png": "image/png", ".ico": "image/x-icon"}
CSP = ("default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
       "style-src 'self'; script-src 'self'; frame-ancestors 'none'")


class WebError(ValueError):
    """A page that cannot be served as asked (no passcode off loopback)."""


@dataclass(frozen=True, slots=True)
class WebAddress:
    """Where the page listens; ``fixed`` = the port was asked for explicitly."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_WEB_PORT
    fixed: bool = False

    @classmethod
    def parse(cls, text: str) -> WebAddress:
        """``PORT``, ``HOST:PORT`` or ``HOST``; ``0`` = any free port; "" = the default."""
        default = cls()
        return cls(*listen_address(text, "--web", default.host, default.port))


def static_files() -> dict[str, bytes]:
    """The page's files by URL path (read once, from the installed package)."""
    root = resources.files("showctl.web") / "static"
    out: dict[str, bytes] = {}
    for entry in root.iterdir():
        if entry.is_file() and not entry.name.startswith("."):
            out["/" + entry.name] = entry.read_bytes()
    out["/"] = out["/index.html"]
    return out


class WebServer:
    """Serves the page and the native API of ``api`` on one address."""

    def __init__(self, api: ApiServer, *, host: str = "127.0.0.1",
                 port: int = DEFAULT_WEB_PORT) -> None:
        self.api = api
        self.host = host
        self.port = port
        self.files = static_files()
        self._server: Any = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    async def start(self) -> tuple[str, int]:
        """Listen; returns the bound (host, port). Raises :class:`WebError` off loopback
        without passcodes, ``OSError`` for a busy port."""
        from websockets.asyncio.server import serve

        if self.host not in LOOPBACK and not self.api.passcodes:
            raise WebError(f"the page on {self.host} (not loopback) needs a passcode "
                           "(--passcode)")
        self._server = await serve(self.api.handle_websocket, self.host, self.port,
                                   process_request=self._http, max_size=1 << 20,
                                   ping_interval=5, ping_timeout=10, server_header=None,
                                   # deflate per page would cost the engine's loop more
                                   # than a LAN saves (bench/bench_web.py)
                                   compression=None)
        sock = next(iter(self._server.sockets))
        self.port = int(sock.getsockname()[1])
        return self.host, self.port

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    def _http(self, connection: Any, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        upgrade = "websocket" in request.headers.get("Upgrade", "").lower()
        if path == "/api" and not upgrade:
            return self._respond(426, "Upgrade Required", b"the native API: a WebSocket\n",
                                 "text/plain; charset=utf-8")
        if path == "/api":
            origin = request.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc != request.headers.get("Host"):
                _log.info("page: refused a WebSocket from origin %s", origin)
                return self._respond(403, "Forbidden", b"another site's page cannot drive "
                                     b"this show\n", "text/plain; charset=utf-8")
            return None  # the handshake goes on: the native API
        body = self.files.get(path)
        if body is None:
            return self._respond(404, "Not Found", b"not found\n", "text/plain; charset=utf-8")
        ext = path[path.rfind("."):] if "." in path else ".html"
        return self._respond(200, "OK", body, TYPES.get(ext, "application/octet-stream"))

    @staticmethod
    def _respond(status: int, reason: str, body: bytes, ctype: str) -> Response:
        headers = Headers([
            ("Date", formatdate(usegmt=True)), ("Content-Type", ctype),
            ("Content-Length", str(len(body))), ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"), ("Content-Security-Policy", CSP),
            ("Referrer-Policy", "no-referrer"), ("Connection", "close"),
        ])
        return Response(status, reason, headers, body)


async def start_web(api: ApiServer, web: WebAddress,
                    out: Callable[[str], None]) -> WebServer | None:
    """The page of the engine process (headless): on the asked address, or on any free
    port when the default one is taken (another show runs); None, with a line saying
    why, when it cannot listen. Prints where it is."""
    server = WebServer(api, host=web.host, port=web.port)
    try:
        await server.start()
    except OSError as exc:
        if web.fixed:
            out(f"showctl: the page is off: {exc.strerror or exc} (--web for another port)")
            return None
        server.port = 0
        await server.start()
    except WebError as exc:
        out(f"showctl: the page is off: {exc}")
        return None
    out(f"showctl: page on {server.url}")
    return server
