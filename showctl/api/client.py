"""A client of a running show's native API: commands out, state in.

:class:`ApiClient` keeps the latest :class:`~showctl.api.views.State`, the show
document (a :class:`~showctl.model.show.Show` rebuilt from the engine's JSON whenever
its revision changes) and the log lines not yet shown. It talks over a *link*: a
WebSocket (:func:`connect`) or, in tests, an in-memory link to an engine in the same
event loop (:mod:`showctl.live.server` makes those). The in-memory link carries the
same JSON text, synchronously, so tests on the virtual or manual clock stay exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from showctl.api.protocol import API_VERSION, Command, CommandError, Level, decode, encode
from showctl.api.views import LogLine, State
from showctl.model import show as m

MAX_MESSAGE = 256 << 20
"""The largest message a client takes: a welcome carries the whole show document."""


class Link(Protocol):
    """How a client's messages reach the engine."""

    def send(self, text: str) -> Awaitable[None] | None: ...

    def close(self) -> Awaitable[None] | None: ...


@dataclass(frozen=True, slots=True)
class Result:
    ok: bool
    message: str = ""
    data: Any = None


class ApiError(Exception):
    """The engine refused a command (the message says why) or the link is gone.
    ``data``: what the refusal carries (e.g. ``{"conflict": true}`` for a save)."""

    def __init__(self, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.data = data


class ApiClient:
    """One connection to a running show (see the module doc)."""

    def __init__(self) -> None:
        self.link: Link | None = None
        self.state: State | None = None
        self.show: m.Show | None = None
        self.show_path: str = ""
        self.revision = -1
        self.level = Level.VIEW
        self.engine_pid: int | None = None
        self.closed = False
        self.close_reason = ""
        self.remote_error = ""
        self.resumed = ""
        """"resumed after a crash at … (down … s)" when the show was resumed (welcome)."""
        """Why the show's OSC API is off (a busy port), from the welcome; "" when it is on."""
        self.log: deque[LogLine] = deque(maxlen=2000)
        """Log lines not yet taken by :meth:`drain_log`."""
        self.on_change: list[Callable[[str], None]] = []
        """Called with ``"state"``, ``"show"``, ``"log"`` or ``"bye"`` as messages arrive."""
        self._names: dict[str, tuple[str, ...]] = {}
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._welcome: asyncio.Future[dict[str, Any]] | None = None
        self._tasks: set[asyncio.Future[None]] = set()

    # ------------------------------------------------------------------ incoming

    def receive(self, text: str | bytes) -> None:
        """One message from the engine (called by the link)."""
        try:
            msg = decode(text, limit=MAX_MESSAGE)
        except CommandError:
            return
        op = msg["op"]
        if op == "welcome":
            self.level = Level[str(msg.get("level", "view")).upper()]
            self.engine_pid = msg.get("pid")
            self.show_path = str(msg.get("path", ""))
            self.remote_error = str(msg.get("remote_error") or "")
            self.resumed = str(msg.get("resumed") or "")
            self.log.clear()  # the welcome brings the recent lines
            for line in msg.get("log", ()):
                self.log.append(LogLine.from_json(line))
            self._take_show(msg)
            self._take_state(msg.get("state"))
            if self._welcome is not None and not self._welcome.done():
                self._welcome.set_result(msg)
        elif op == "state":
            self._take_state(msg.get("state"))
            self._resolve(msg)
        elif op == "show":
            self._take_show(msg)
        elif op == "log":
            for line in msg.get("lines", ()):
                self.log.append(LogLine.from_json(line))
            self._notify("log")
        elif op == "result":
            self._resolve(msg)
        elif op in ("bye", "error"):
            self._gone(str(msg.get("reason", "the engine closed the connection")))
            if self._welcome is not None and not self._welcome.done():
                self._welcome.set_exception(ApiError(self.close_reason))

    def _take_show(self, msg: dict[str, Any]) -> None:
        if "show" in msg and msg["show"] is not None:
            self.show = m.Show.model_validate(msg["show"])
            self.revision = int(msg.get("revision", 0))
            self._notify("show")

    def _take_state(self, data: dict[str, Any] | None) -> None:
        if data is None:
            return
        try:
            state = State.from_json(data, self.state)
        except (ValueError, KeyError, IndexError, TypeError):
            # A patch that does not fit what we have: ask for the whole state again.
            self._resync()
            return
        # Attribute names come once per layout: keep them, fill them in.
        for out, view in state.lighting.items():
            if view.names:
                self._names[out] = view.names
            elif out in self._names and len(self._names[out]) == len(view.values):
                state.lighting[out] = replace(view, names=self._names[out])
        self.state = state
        self._notify("state")

    def _resync(self) -> None:
        """Ask the engine for a whole state (no patch) at once."""
        if self.link is None or self.closed:
            return
        sent = self.link.send(encode({"op": "state", "whole": True}))
        if sent is not None:
            task = asyncio.ensure_future(sent)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _resolve(self, msg: dict[str, Any]) -> None:
        fut = self._waiting.pop(int(msg.get("id", 0) or 0), None)
        if fut is not None and not fut.done():
            fut.set_result(msg)

    def _notify(self, what: str) -> None:
        for fn in list(self.on_change):
            fn(what)

    def _gone(self, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.close_reason = reason
        for fut in self._waiting.values():
            if not fut.done():
                fut.set_exception(ApiError(reason))
        self._waiting.clear()
        self._notify("bye")

    # ------------------------------------------------------------------ outgoing

    async def _send(self, msg: dict[str, Any]) -> None:
        if self.link is None or self.closed:
            raise ApiError(self.close_reason or "not connected")
        sent = self.link.send(encode(msg))
        if sent is not None:
            await sent

    async def _request(self, msg: dict[str, Any], timeout: float | None) -> dict[str, Any]:
        rid = next(self._ids)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[rid] = fut
        await self._send({**msg, "id": rid})
        if timeout is None or fut.done():
            return await fut
        return await asyncio.wait_for(fut, timeout)

    async def hello(self, *, passcode: str | None = None, lists: list[str] | None = None,
                    outputs: list[str] | None = None, rate: float | None = None,
                    timeout: float | None = 10.0, patches: bool = True) -> None:
        """Introduce this client; returns once the engine's welcome has arrived.
        ``patches``: take only the changed cue rows after the first state."""
        self._welcome = asyncio.get_running_loop().create_future()
        msg: dict[str, Any] = {"op": "hello", "version": API_VERSION, "patches": patches}
        if passcode is not None:
            msg["passcode"] = passcode
        if lists is not None:
            msg["lists"] = lists
        if outputs is not None:
            msg["outputs"] = outputs
        if rate is not None:
            msg["rate"] = rate
        await self._send(msg)
        if self._welcome.done():
            self._welcome.result()
        else:
            await asyncio.wait_for(self._welcome, timeout)

    async def command(self, verb: str, timeout: float | None = 10.0, **args: Any) -> Result:
        """Run one command in the engine; raises :class:`ApiError` if it is refused."""
        cmd = Command(verb, {k: v for k, v in args.items() if v is not None})
        reply = await self._request({"op": "cmd", **cmd.to_json()}, timeout)
        if not reply.get("ok"):
            raise ApiError(str(reply.get("message", "refused")), reply.get("data"))
        return Result(True, str(reply.get("message", "")), reply.get("data"))

    async def try_command(self, verb: str, **args: Any) -> Result:
        """:meth:`command`, with a refusal as a Result instead of an exception."""
        try:
            return await self.command(verb, **args)
        except ApiError as exc:
            return Result(False, str(exc), exc.data)

    async def refresh(self, timeout: float | None = 10.0) -> State | None:
        """Ask for the state as of now (pushes come ~10 times a second anyway)."""
        await self._request({"op": "state"}, timeout)
        return self.state

    async def subscribe(self, *, lists: list[str] | None = None,
                        outputs: list[str] | None = None) -> None:
        """Change which lists' rows and which outputs' levels the state carries."""
        msg: dict[str, Any] = {"op": "subscribe"}
        if lists is not None:
            msg["lists"] = lists
        if outputs is not None:
            msg["outputs"] = outputs
        await self._request(msg, 10.0)

    def drain_log(self) -> list[LogLine]:
        lines = list(self.log)
        self.log.clear()
        return lines

    async def close(self) -> None:
        if self.link is not None:
            done = self.link.close()
            if done is not None:
                with contextlib.suppress(Exception):
                    await done
        self._gone("closed by the client")


class _WebSocketLink:
    def __init__(self, ws: Any) -> None:
        self.ws = ws

    async def send(self, text: str) -> None:
        await self.ws.send(text)

    async def close(self) -> None:
        await self.ws.close()


async def connect(address: str, *, passcode: str | None = None,
                  lists: list[str] | None = None, outputs: list[str] | None = None,
                  timeout: float = 5.0) -> ApiClient:
    """Connect to a running show's native API (``host:port`` or a ``ws://`` URL)."""
    from websockets.asyncio.client import connect as ws_connect

    uri = address if address.startswith("ws") else f"ws://{address}/"
    ws = await asyncio.wait_for(ws_connect(uri, max_size=MAX_MESSAGE,
                                           open_timeout=timeout), timeout)
    client = ApiClient()
    client.link = _WebSocketLink(ws)

    async def read() -> None:
        try:
            async for text in ws:
                client.receive(text)
        except Exception as exc:  # the connection dropped: say so, don't raise here
            client._gone(f"connection lost: {exc}")
        else:
            client._gone(client.close_reason or "the engine closed the connection")

    client._reader = asyncio.get_running_loop().create_task(read())  # type: ignore[attr-defined]
    await client.hello(passcode=passcode, lists=lists, outputs=outputs, timeout=timeout)
    return client
