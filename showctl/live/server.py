"""The native API server: a :class:`LiveRuntime` served to its clients.

Clients connect over WebSocket (the ``websockets`` package) on 127.0.0.1 by default,
or in memory (:meth:`ApiServer.memory_client`, for tests and for front ends in the
engine's own loop). Both carry the same JSON messages (docs/api.md). After a client's
``hello`` the server sends a ``welcome`` with the show and a state, then pushes the
state about ten times a second (on the runtime's clock, so tests on a manual or
virtual clock see exact times), the log lines as they are written, and the show again
after each applied edit. Each command runs in the runtime and is answered with a
``result``, right after a fresh ``state`` sent to every client, so a client that
awaits a command sees its effect and every other console sees it at once.

Access levels are the OSC API's: view < control < edit. Without passcodes (loopback
only) every client gets edit; with passcodes, a client gets what its passcode grants.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from showctl.api.client import ApiClient
from showctl.api.protocol import (
    API_VERSION,
    DEFAULT_PORT,
    Command,
    CommandError,
    Level,
    decode,
    encode,
)
from showctl.api.views import CueRow, State
from showctl.clocks.clock import TimerHandle
from showctl.engine import events as ev
from showctl.live.runtime import LiveRuntime

_log = logging.getLogger(__name__)

MAX_QUEUED = 512
"""Messages waiting for one slow WebSocket client before it is disconnected."""


class Peer:
    """One connected client: its access level, what it views, how to reach it."""

    def __init__(self, deliver: Callable[[str], None], name: str) -> None:
        self.deliver = deliver
        self.name = name
        self.level: Level | None = None
        """None until the client's hello was accepted."""
        self.lists: list[str] | None = None
        self.outputs: list[str] | None = None
        self.layout_key = 0
        """The runtime's layout key this client has the attribute names of."""
        self.patches = False
        """The client takes rows patches (it said so in its hello)."""
        self.rows_sent: dict[str, tuple[CueRow, ...]] = {}
        """The cue rows of each list this client has (the rows patches' base)."""
        self.closed = False

    def send(self, msg: dict[str, Any], *, show: str | None = None) -> None:
        """Send one message; ``show``: the show document's JSON text, spliced in as the
        message's ``show`` (it is encoded once per revision, not per client)."""
        if self.closed:
            return
        text = encode(msg)
        if show is not None:
            text = f'{text[:-1]},"show":{show}}}'
        self.deliver(text)


class ApiServer:
    """Serves one runtime (see the module doc)."""

    def __init__(self, runtime: LiveRuntime, *, host: str = "127.0.0.1",
                 port: int = DEFAULT_PORT, passcodes: dict[str, Level] | None = None,
                 rate: float = 10.0) -> None:
        self.runtime = runtime
        self.host = host
        self.port = port
        self.passcodes = dict(passcodes or {})
        self.rate = rate
        self.peers: list[Peer] = []
        self._ws_server: Any = None
        self._timer: TimerHandle | None = None
        self._next_push = 0.0
        runtime.on_show_changed.append(self._broadcast_show)
        runtime.on_event.append(self._on_event)

    # ------------------------------------------------------------------ transports

    async def start(self) -> tuple[str, int]:
        """Listen for WebSocket clients; returns the bound (host, port)."""
        from websockets.asyncio.server import serve

        if self.host not in ("127.0.0.1", "::1", "localhost") and not self.passcodes:
            raise CommandError(f"listening on {self.host} (not loopback) needs a passcode")
        self._ws_server = await serve(self._ws_handler, self.host, self.port,
                                      max_size=1 << 20, ping_interval=5, ping_timeout=10)
        sock = next(iter(self._ws_server.sockets))
        self.port = int(sock.getsockname()[1])
        return self.host, self.port

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    async def handle_websocket(self, ws: Any) -> None:
        """Serve one WebSocket connection (also for other servers: the page's)."""
        await self._ws_handler(ws)

    async def _ws_handler(self, ws: Any) -> None:
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def deliver(text: str) -> None:
            if queue.qsize() > MAX_QUEUED:
                peer.closed = True
                queue.put_nowait(None)
                return
            queue.put_nowait(text)

        peer = Peer(deliver, f"ws {ws.remote_address}")
        self._add(peer)

        async def writer() -> None:
            while (text := await queue.get()) is not None:
                await ws.send(text)

        write_task = asyncio.get_running_loop().create_task(writer())
        try:
            async for text in ws:
                await self.handle(peer, text)
                if peer.closed:
                    break
        except Exception as exc:  # a client that goes away is not the show's problem
            _log.debug("api client %s: %r", peer.name, exc)
        finally:
            self._remove(peer)
            queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(write_task, 1.0)
            write_task.cancel()

    def memory_client(self) -> ApiClient:
        """A client linked to this server in memory (same loop, same JSON, no socket).
        Call ``await client.hello()`` before using it."""
        client = ApiClient()
        peer = Peer(lambda text: client.receive(text), "memory")
        server = self

        class _Link:
            def send(self, text: str) -> Awaitable[None]:
                return server.handle(peer, text)

            def close(self) -> None:
                server._remove(peer)

        client.link = _Link()
        self._add(peer)
        return client

    async def close(self, reason: str = "show ended") -> None:
        for peer in list(self.peers):
            peer.send({"op": "bye", "reason": reason})
            self._remove(peer)
        if self._ws_server is not None:
            self._ws_server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws_server.wait_closed(), 2.0)
            self._ws_server = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        with contextlib.suppress(ValueError):
            self.runtime.on_show_changed.remove(self._broadcast_show)
        with contextlib.suppress(ValueError):
            self.runtime.on_event.remove(self._on_event)

    def _add(self, peer: Peer) -> None:
        self.peers.append(peer)

    def _remove(self, peer: Peer) -> None:
        peer.closed = True
        if peer in self.peers:
            self.peers.remove(peer)
        self.runtime.clients = sum(1 for p in self.peers if p.level is not None)

    # ------------------------------------------------------------------ messages

    async def handle(self, peer: Peer, text: str | bytes) -> None:
        """One message from a client."""
        try:
            msg = decode(text)
        except CommandError as exc:
            peer.send({"op": "result", "id": 0, "ok": False, "message": str(exc)})
            return
        op = msg["op"]
        rid = msg.get("id", 0)
        if op == "hello":
            self._hello(peer, msg)
            return
        if peer.level is None:
            peer.send({"op": "error", "reason": "say hello first"})
            return
        if op == "state":
            if msg.get("whole"):
                peer.rows_sent = {}  # the client lost track of its rows
            self._push_state(peer, rid)
            return
        if op == "subscribe":
            self._views(peer, msg)
            self._push_state(peer, rid)
            return
        if op != "cmd":
            peer.send({"op": "result", "id": rid, "ok": False,
                       "message": f"unknown op {op!r}"})
            return
        try:
            cmd = Command(str(msg.get("verb", "")), dict(msg.get("args") or {}))
        except (CommandError, TypeError, ValueError) as exc:
            peer.send({"op": "result", "id": rid, "ok": False, "message": str(exc)})
            return
        if cmd.level > peer.level:
            peer.send({"op": "result", "id": rid, "ok": False,
                       "message": f"{cmd.verb} needs {cmd.level.word} access; this "
                                  f"connection has {peer.level.word}"})
            return
        outcome = await self.runtime.execute(cmd)
        self._flush_log()
        # Every client sees what a command did at once, not at the next push.
        self._push_states([p for p in self.peers if p.level is not None])
        peer.send({"op": "result", "id": rid, "ok": outcome.ok, "message": outcome.message,
                   "data": outcome.data})

    def _hello(self, peer: Peer, msg: dict[str, Any]) -> None:
        passcode = msg.get("passcode")
        if self.passcodes:
            level = self.passcodes.get(str(passcode)) if passcode is not None else None
            if level is None:
                peer.send({"op": "bye", "reason": "wrong passcode" if passcode is not None
                           else "this show needs a passcode"})
                self._remove(peer)
                return
        else:
            level = Level.EDIT
        self._flush_log()  # the others get what is pending; the newcomer the recent lines
        peer.level = level
        peer.patches = bool(msg.get("patches", False))
        peer.rows_sent = {}  # the welcome's state is whole
        self._views(peer, msg)
        self.runtime.clients = sum(1 for p in self.peers if p.level is not None)
        rt = self.runtime
        recent = [{"t": round(x.t, 6), "text": x.text, "style": x.style}
                  for x in rt.log.recent]
        peer.send({"op": "welcome", "version": API_VERSION, "level": level.word,
                   "pid": os.getpid(), "path": str(rt.path or ""), "revision": rt.revision,
                   "state": self._state(peer), "remote_error": rt.remote_error,
                   "resumed": rt.resumed, "log": recent},
                  show=rt.show_text())
        self._arm()

    def _views(self, peer: Peer, msg: dict[str, Any]) -> None:
        if "lists" in msg:
            peer.lists = None if msg["lists"] is None else [str(x) for x in msg["lists"]]
        if "outputs" in msg:
            peer.outputs = None if msg["outputs"] is None else [str(x) for x in msg["outputs"]]
            peer.layout_key = 0  # new outputs: their names with the next state

    def _state(self, peer: Peer) -> dict[str, Any]:
        key = self.runtime.layout_key
        names = key != peer.layout_key
        peer.layout_key = key
        state = self.runtime.state(lists=peer.lists, outputs=peer.outputs, names=names)
        return self._for(peer, state)

    @staticmethod
    def _for(peer: Peer, state: State) -> dict[str, Any]:
        """The state as JSON for one client: only the changed rows if it takes patches."""
        out = state.to_json(peer.rows_sent if peer.patches else None)
        if peer.patches:
            peer.rows_sent = {k: v.rows for k, v in state.lists.items()}
        return out

    def _push_states(self, peers: list[Peer]) -> None:
        """The same state to many clients: built and encoded once per distinct view (the
        lists and outputs a client shows, with or without the attribute names, and the
        rows it already has), not once per client — fifty browser pages cost about what
        one does."""
        key = self.runtime.layout_key
        states: dict[tuple[Any, ...], State] = {}
        texts: dict[tuple[Any, ...], str] = {}
        for peer in peers:
            if peer.closed:
                continue
            names = key != peer.layout_key
            peer.layout_key = key
            view = (None if peer.lists is None else tuple(peer.lists),
                    None if peer.outputs is None else tuple(peer.outputs), names)
            state = states.get(view)
            if state is None:
                state = states[view] = self.runtime.state(
                    lists=peer.lists, outputs=peer.outputs, names=names)
            # The rows the client has: the same objects for every client that got the
            # same states (their ids are stable while the peer holds them).
            had: tuple[Any, ...] = ()
            if peer.patches:
                had = (True, *((k, id(v)) for k, v in peer.rows_sent.items()))
            text = texts.get((*view, had))
            if text is None:
                text = texts[(*view, had)] = encode(
                    {"op": "state", "state": self._for(peer, state)})
            elif peer.patches:
                peer.rows_sent = {k: v.rows for k, v in state.lists.items()}
            peer.deliver(text)

    def _push_state(self, peer: Peer, rid: int = 0) -> None:
        msg: dict[str, Any] = {"op": "state", "state": self._state(peer)}
        if rid:
            msg["id"] = rid
        peer.send(msg)

    def _flush_log(self) -> None:
        lines = self.runtime.log.drain()
        if lines:
            data = [{"t": round(x.t, 6), "text": x.text, "style": x.style} for x in lines]
            for peer in self.peers:
                if peer.level is not None:
                    peer.send({"op": "log", "lines": data})

    def _broadcast_show(self) -> None:
        show = self.runtime.show_text()
        for peer in self.peers:
            if peer.level is not None:
                peer.send({"op": "show", "revision": self.runtime.revision}, show=show)

    def _on_event(self, e: ev.Event) -> None:
        # Faults and cue changes reach the log at once, not at the next push.
        if isinstance(e, ev.DriverFaulted | ev.Panic | ev.CueFailed):
            self._flush_log()

    # ------------------------------------------------------------------ pushes

    def _arm(self) -> None:
        if self._timer is not None or not self.peers:
            return
        clock = self.runtime.clock
        if clock is None:
            return
        self._next_push = clock.now() + 1.0 / self.rate
        self._timer = clock.call_at(self._next_push, self._tick)

    def _tick(self) -> None:
        self._timer = None
        active = [p for p in self.peers if p.level is not None]
        if not active:
            return
        self._flush_log()
        try:
            self._push_states(active)
        except Exception:  # a state that cannot be built must not stop the pushes
            _log.exception("state push failed")
        clock = self.runtime.clock
        assert clock is not None
        # Deadlines, not intervals; after a stall, the next push is from now.
        self._next_push = max(self._next_push + 1.0 / self.rate, clock.now())
        self._timer = clock.call_at(self._next_push, self._tick)
