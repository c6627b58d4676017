"""The QLab-compatible OSC API, as a pure dispatcher: OSC message in, reply out.

No sockets here (see :mod:`showctl.remote.server`): :meth:`QLabApi.handle_packet` takes
the bytes of one datagram or stream frame and a :class:`Client`, and returns the reply
messages. Everything it does is bounded: at most ``max_messages_per_packet`` messages
per packet, key lists of at most 64 keys, and every command is one engine call, so a
hostile or broken packet costs microseconds and gets an error reply (or nothing, when
it cannot even be decoded); it never raises into the server and never blocks the loop.

Addresses follow QLab 4/5's OSC dictionary: every method works bare (``/go``) or under
the workspace prefix (``/workspace/{id}/go``, ``id`` = our workspace's uniqueID or its
display name). Replies go to ``/reply{address}`` with one JSON string
``{"workspace_id", "address", "status", "data"}``; status is ``ok``, ``error`` or
``denied`` (the client lacks the access level). Pushes for clients that sent
``/updates 1``: ``/update/workspace/{id}/cueList/{list_id}/playbackPosition
[cue_id]`` when a playhead moves and ``/update/workspace/{id}/cue_id/{cue_id}`` when a
cue changes state; they are coalesced and sent once per loop iteration.

Here: packets, the dispatch table :data:`ROUTES` (method name → handler, see
:mod:`showctl.remote.routes`), workspace-level methods, ``/connect`` and update pushes.
The cue and cue list methods are in :mod:`showctl.remote.api_cues` (a mixin of
:class:`QLabApi`), the argument checks in :mod:`showctl.remote.api_args`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from showctl.api.protocol import Command
from showctl.drivers.base import OscArg, OscMessage
from showctl.engine import events as ev
from showctl.engine.engine import Engine, EngineError
from showctl.live.commands import apply_operator
from showctl.protocols.osc import OscDecodeError, iter_messages
from showctl.remote.api_args import _Denied, _EachCue, _Error, _int, _seconds, _text
from showctl.remote.api_cues import _CueMethods, _paused
from showctl.remote.config import ALL_LEVELS, Level, OscApiConfig
from showctl.remote.routes import AT_MOST_ONE, NONE, ONE, Routes
from showctl.remote.workspace import Workspace

__all__ = ["API_VERSION", "ROUTES", "Client", "OscTriggerSink", "QLabApi"]

API_VERSION = "5.0.0-showctl"
"""What ``/version`` answers: QLab clients branch on the major version (Companion
treats anything not starting with 4 or 5 as QLab 3)."""

Status = Literal["ok", "error", "denied"]

OVERRIDES = frozenset({
    "midiInputEnabled", "midiOutputEnabled", "mscInputEnabled", "mscOutputEnabled",
    "sysexInputEnabled", "sysexOutputEnabled", "oscOutputEnabled", "timecodeInputEnabled",
    "timecodeOutputEnabled", "artNetEnabled", "dmxOutputEnabled",
    "networkExternalInputEnabled", "networkExternalOutputEnabled",
    "networkLocalInputEnabled", "networkLocalOutputEnabled",
})
"""QLab's ``/overrides/{name}`` (QLab 4 and 5): each true = that input or output enabled."""

_NEVER_ON = frozenset({"alwaysAudition", "auditionMonitors", "overrideWindow", "liveFadePreview"})
_VIEW_ONLY = frozenset({Level.VIEW})


@dataclass(eq=False)
class Client:
    """One remote peer: a TCP connection, or a UDP (host, port) pair."""

    transport: Literal["udp", "tcp", "local"]
    host: str
    port: int
    levels: frozenset[Level] = frozenset()
    updates: bool = False
    reply_port: int | None = None
    """UDP: where replies go (None = the sender's source port)."""
    last_seen: float = 0.0
    send: Callable[[OscMessage], None] | None = None
    """Set by the server: deliver one message to this client (replies and updates)."""
    received: int = 0
    errors: int = field(default=0)


class OscTriggerSink(Protocol):
    """Cue triggers listening on the API (see :class:`showctl.remote.triggers.Triggers`)."""

    @property
    def osc_addresses(self) -> frozenset[str]: ...

    def fire_osc(self, address: str) -> bool: ...


class QLabApi(_CueMethods):
    """QLab's OSC dictionary (the subset in docs/remote.md) over one engine."""

    def __init__(
        self,
        engine: Engine,
        config: OscApiConfig,
        *,
        triggers: OscTriggerSink | None = None,
    ) -> None:
        self.engine = engine
        self.config = config
        self.ws = Workspace(engine, config.workspace_id)
        self.triggers = triggers
        """Cue OSC triggers: an address one of them listens to fires its cues."""
        self.clients: OrderedDict[tuple[str, str, int], Client] = OrderedDict()
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._dirty_cues: set[tuple[str, str]] = set()
        self._dirty_lists: set[str] = set()
        self._flush_scheduled = False
        self.stats = {"packets": 0, "undecodable": 0, "messages": 0, "errors": 0,
                      "denied": 0, "updates": 0}
        self._unsubscribe = engine.bus.subscribe(self._on_event)

    def close(self) -> None:
        self._unsubscribe()

    # ------------------------------------------------------------------ clients

    def default_levels(self) -> frozenset[Level]:
        if not self.config.protected:
            return ALL_LEVELS
        return frozenset(self.config.open_access)

    def udp_client(self, host: str, port: int) -> Client:
        """The state of a UDP peer (created on first contact; least recently seen
        peers are forgotten beyond ``max_udp_clients``)."""
        key = ("udp", host, port)
        client = self.clients.get(key)
        if client is None:
            client = Client("udp", host, port, self.default_levels(),
                            reply_port=self.config.udp_reply_port)
            self.clients[key] = client
            while sum(1 for k in self.clients if k[0] == "udp") > self.config.max_udp_clients:
                oldest = next(k for k in self.clients if k[0] == "udp")
                del self.clients[oldest]
        else:
            self.clients.move_to_end(key)
        client.last_seen = self.engine.clock.now()
        return client

    def add_client(self, client: Client) -> Client:
        """Register a stream (TCP) or local client; its ``levels`` start at the default."""
        client.levels = self.default_levels()
        client.last_seen = self.engine.clock.now()
        self.clients[(client.transport, client.host, id(client))] = client
        return client

    def remove_client(self, client: Client) -> None:
        for key, c in list(self.clients.items()):
            if c is client:
                del self.clients[key]

    # ------------------------------------------------------------------ packets

    def handle_packet(self, data: bytes, client: Client) -> list[OscMessage]:
        """Decode one packet (message or bundle) and handle each message in it."""
        self.stats["packets"] += 1
        client.received += 1
        if len(data) > self.config.max_packet:
            self.stats["undecodable"] += 1
            return []
        try:
            messages = [msg for _, msg in iter_messages(data)]
        except (OscDecodeError, ValueError, AssertionError):
            self.stats["undecodable"] += 1
            return []
        replies: list[OscMessage] = []
        for msg in messages[: self.config.max_messages_per_packet]:
            replies.extend(self.handle_all(msg, client))
        return replies

    def handle(self, msg: OscMessage, client: Client) -> OscMessage | None:
        """Handle one message; return its reply (None only for a nameless address).

        For a query that answers one reply per cue (see :meth:`handle_all`) this is the
        first of them."""
        replies = self.handle_all(msg, client)
        return replies[0] if replies else None

    def handle_all(self, msg: OscMessage, client: Client) -> list[OscMessage]:
        """Handle one message; return its replies: one, except a query of ``/cue/active``
        or ``/cue/selected`` matching several cues, which answers one reply per cue (as
        QLab does), and a nameless address, which gets none."""
        self.stats["messages"] += 1
        address = msg.address
        if not address.startswith("/") or len(address) > 1024:
            self.stats["errors"] += 1
            return []
        try:
            data = self._dispatch(address, msg.args, client)
        except _Denied:
            self.stats["denied"] += 1
            return [self._reply(address, "denied")]
        except (_Error, EngineError) as exc:
            self.stats["errors"] += 1
            client.errors += 1
            return [self._reply(address, "error", str(exc) or None)]
        except Exception as exc:  # a bug must cost one error reply, never the server
            self.stats["errors"] += 1
            return [self._reply(address, "error", f"internal error: {exc!r}")]
        if isinstance(data, _EachCue):
            return [self._reply(address, "ok", value) for value in data]
        return [self._reply(address, "ok", data)]

    def _reply(self, address: str, status: Status, data: Any = None) -> OscMessage:
        body = {"workspace_id": self.ws.uid, "address": address, "status": status,
                "data": data}
        return OscMessage("/reply" + address, (json.dumps(body, separators=(",", ":")),))

    # ------------------------------------------------------------------ dispatch

    def _need(self, client: Client, level: Level) -> None:
        if level not in client.levels:
            raise _Denied()

    def _dispatch(self, address: str, args: tuple[OscArg, ...], client: Client) -> Any:
        if self.triggers is not None and self.triggers.osc_addresses:
            # Cue triggers on the API: the address as received, or without the prefix.
            known = self.triggers.osc_addresses
            bare = "/" + "/".join(self._strip_workspace(address.split("/"), strict=False))
            hit = address if address in known else bare if bare in known else None
            if hit is not None:
                self._need(client, Level.CONTROL)
                self.triggers.fire_osc(hit)
                return None
        parts = address.split("/")
        rest = self._strip_workspace(parts, strict=True)
        if not rest or not rest[0]:
            raise _Error("no method")
        method, tail = rest[0], rest[1:]
        route = ROUTES.match(method, tail, args)
        if route is None:
            # An unknown method may be a show action a newer client knows: a client that
            # may not control the show hears "denied" before it hears "unknown".
            self._need(client, Level.CONTROL)
            raise _Error(f"unknown method {address}")
        if route.level is not None:
            self._need(client, route.level)
        return route.handler(self, method, tail, args, client)

    # One handler per route in ROUTES (below the class); each gets the method name, the
    # address after it, the arguments and the client, the access level already checked.

    def _on_connect(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                    client: Client) -> Any:
        return self._connect(args, client)

    def _on_disconnect(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                       client: Client) -> Any:
        client.updates = False
        client.levels = self.default_levels()
        return None

    def _on_version(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                    client: Client) -> Any:
        return API_VERSION

    def _on_workspaces(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                       client: Client) -> Any:
        return [self._workspace_json()]

    def _on_thump(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                  client: Client) -> Any:
        return "thump"

    def _on_udp_reply_port(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                           client: Client) -> Any:
        if args:
            port = _int(args[0])
            if not 1 <= port <= 65535:
                raise _Error("port must be 1-65535")
            client.reply_port = port
            return None
        return client.reply_port or client.port

    def _on_nothing(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                    client: Client) -> Any:
        return None

    def _on_updates(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                    client: Client) -> Any:
        if args:
            client.updates = bool(_int(args[0]))
            client.last_seen = self.engine.clock.now()
            return None
        return int(client.updates)

    def _on_show_mode(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                      client: Client) -> Any:
        if args:
            raise _Error("read-only here")
        return method == "showMode"

    def _on_never_on(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                     client: Client) -> Any:
        # QLab 5's audition, override-window and live-fade-preview states: none of
        # them exists in showctl, so each is (and stays) off.
        if args:
            self._need(client, Level.CONTROL)
            if _int(args[0]):
                raise _Error(f"{method} is not available in showctl")
            return None
        return False

    def _on_override(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                     client: Client) -> Any:
        # QLab's global output/input overrides: showctl never overrides, so every
        # input and output is enabled.
        if args:
            self._need(client, Level.CONTROL)
            if not _int(args[0]):
                raise _Error(f"{tail[0]} cannot be turned off in showctl")
            return None
        return True

    def _on_min_go_time(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                        client: Client) -> Any:
        # QLab's double-GO protection = our go guard (seconds).
        if args:
            raise _Error("minGoTime is the show's go_guard; set it in the show file")
        return self.engine.show.settings.go_guard

    def _on_double_go_window(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                             client: Client) -> Any:
        left = self.engine.go_accepts_at(self.ws.main) - self.engine.now()
        return round(max(0.0, left), 6)

    def _on_playhead_id_query(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                              client: Client) -> Any:
        # The main list's playhead ("none" when it is past the end), as QLab 5.
        ph = self.ws.playhead()
        return ph.uid if ph is not None else "none"

    def _on_cue_lists(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                      client: Client) -> Any:
        return [self.ws.list_json(name) for name in self.ws.lists]

    def _on_cue_sets(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                     client: Client) -> Any:
        if method == "selectedCues":
            refs = self.ws.selected()
        else:
            refs = [r for r in self.ws.active()
                    if method == "runningOrPausedCues" or not _paused(self.ws, r)]
        return [self.ws.cue_json(r) for r in refs]

    def _on_cue(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                client: Client) -> Any:
        if len(tail) < 2:
            raise _Error("expected /cue/{number}/{method}")
        return self._cue_method(method == "cue_id", tail[0], "/".join(tail[1:]), args, client)

    # The workspace's transport verbs are the runtime's commands, carried out where
    # console keys, headless lines and calling scripts are.

    def _on_go(self, method: str, tail: list[str], args: tuple[OscArg, ...],
               client: Client) -> Any:
        main = self.ws.main
        if args:
            apply_operator(self.engine, Command("goto", {"cue": _text(args[0]), "list": main}))
        apply_operator(self.engine, Command("go", {"list": main}))
        return None

    def _on_transport(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                      client: Client) -> Any:
        apply_operator(self.engine, Command("stop" if method == "hardStop" else method))
        return None

    def _on_panic_in_time(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                          client: Client) -> Any:
        if not args:
            raise _Error("panicInTime needs a time in seconds")
        apply_operator(self.engine, Command("panic", {"time": _seconds(args[0])}))
        return None

    def _on_blackout(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                     client: Client) -> Any:
        on = None if not args else bool(_int(args[0]))  # showctl: no arg toggles, 1/0 on/off
        apply_operator(self.engine, Command("blackout", {"on": on}))
        return None

    def _on_grandmaster(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                        client: Client) -> Any:
        level = max(0.0, min(_seconds(args[0]), 1.0)) * 100.0  # showctl: 0..1
        apply_operator(self.engine, Command("grandmaster", {"level": level}))
        return None

    def _on_reset(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                  client: Client) -> Any:
        self._reset()
        return None

    def _on_playhead(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                     client: Client) -> Any:
        self._playhead(self.ws.main, tail[0])
        return None

    def _on_playhead_id(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                        client: Client) -> Any:
        ref = self._by_uid(tail[0] if tail else _text(args[0]))
        self.engine.goto(ref.number, ref.list)
        return None

    def _on_select(self, method: str, tail: list[str], args: tuple[OscArg, ...],
                   client: Client) -> Any:
        ref = self._by_uid(tail[0]) if method == "select_id" else self._by_number(tail[0])
        self.ws.selection = [ref]
        return None

    def _strip_workspace(self, parts: list[str], *, strict: bool) -> list[str]:
        rest = parts[1:]
        if len(rest) >= 2 and rest[0] == "workspace":
            ws = rest[1]
            if ws.upper() != self.ws.uid and ws != self.ws.title:
                if strict:
                    raise _Error(f"no workspace {ws!r}")
                return rest
            return rest[2:]
        return rest

    def _workspace_json(self) -> dict[str, Any]:
        return {
            "uniqueID": self.ws.uid, "displayName": self.ws.title,
            "hasPasscode": self.config.protected, "version": API_VERSION,
            "port": self.config.port, "udpReplyPort": self.config.udp_reply_port or 0,
        }

    # ------------------------------------------------------------------ connect

    def _connect(self, args: tuple[OscArg, ...], client: Client) -> str:
        cfg = self.config
        if not cfg.protected:
            client.levels = ALL_LEVELS
            return self._ok_levels(client.levels)
        now = self.engine.clock.now()
        failures, until = self._failures.get(client.host, (0, 0.0))
        if now < until:
            raise _Denied()
        code = _text(args[0]) if args else None
        granted: set[Level] = set()
        if code is not None:
            given = code.encode("utf-8", "replace")
            for pc in cfg.passcodes:
                if hmac.compare_digest(pc.code.encode(), given):
                    granted.update(pc.levels)
        if granted:
            self._failures.pop(client.host, None)
            client.levels = frozenset(granted)
            return self._ok_levels(client.levels)
        if code is None and cfg.open_access:
            client.levels = frozenset(cfg.open_access)
            return self._ok_levels(client.levels)
        failures += 1
        locked = now + cfg.lockout if failures >= cfg.failed_connect_limit else 0.0
        self._failures[client.host] = (0 if locked else failures, locked)
        self._failures.move_to_end(client.host)
        while len(self._failures) > 1024:
            self._failures.popitem(last=False)
        client.levels = self.default_levels()
        return "badpass"

    def _ok_levels(self, levels: frozenset[Level]) -> str:
        if self.config.connect_reply == "qlab4":
            return "ok"
        order = [lv.value for lv in (Level.VIEW, Level.EDIT, Level.CONTROL) if lv in levels]
        return "ok:" + "|".join(order) if order else "ok"

    # ------------------------------------------------------------------ updates

    def _on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.PlayheadMoved):
            self._dirty_lists.add(event.list)
        elif isinstance(event, ev.CueEvent):
            if isinstance(event, ev.CueFailed):
                self.ws.broken.add((event.list, event.cue))
            self._dirty_cues.add((event.list, event.cue))
        else:
            return
        if not self._flush_scheduled and any(c.updates for c in self.clients.values()):
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            self._flush_scheduled = True
            loop.call_soon(self.flush_updates)

    def update_messages(self) -> list[OscMessage]:
        """The pending ``/update`` pushes (and forget them)."""
        prefix = f"/update/workspace/{self.ws.uid}"
        out: list[OscMessage] = []
        for name in sorted(self._dirty_lists):
            ph = self.ws.playhead(name)
            out.append(OscMessage(f"{prefix}/cueList/{self.ws.lists[name].uid}/playbackPosition",
                                  (ph.uid,) if ph is not None else ()))
        for key in sorted(self._dirty_cues):
            ref = self.ws.cues.get(key)
            if ref is not None:
                out.append(OscMessage(f"{prefix}/cue_id/{ref.uid}"))
        self._dirty_lists.clear()
        self._dirty_cues.clear()
        return out

    def flush_updates(self) -> None:
        self._flush_scheduled = False
        msgs = self.update_messages()
        if not msgs:
            return
        now = self.engine.clock.now()
        for client in list(self.clients.values()):
            if not client.updates or client.send is None:
                continue
            silent = now - client.last_seen
            if client.transport == "udp" and silent > self.config.udp_update_timeout:
                client.updates = False  # a silent UDP client is presumed gone
                continue
            for msg in msgs:
                self.stats["updates"] += 1
                client.send(msg)

    def disconnect_message(self) -> OscMessage:
        return OscMessage(f"/update/workspace/{self.ws.uid}/disconnect")


_Handler = Callable[[QLabApi, str, list[str], tuple[OscArg, ...], Client], Any]


def _min_go_time(tail: Sequence[str]) -> bool:
    return list(tail) == ["general", "minGoTime"]


def _an_override(tail: Sequence[str]) -> bool:
    return len(tail) == 1 and tail[0] in OVERRIDES


ROUTES: Routes[_Handler] = Routes()
"""The API's methods (after the optional ``/workspace/{id}`` prefix), in the order the
first matching route answers. A method no route answers is ``denied`` to a client
without control and an ``unknown method`` error to one with it."""

# Session and workspace: open to every client.
ROUTES.map("connect", QLabApi._on_connect)
ROUTES.map("disconnect", QLabApi._on_disconnect)
ROUTES.map("version", QLabApi._on_version)
ROUTES.map("workspaces", QLabApi._on_workspaces)
ROUTES.map("thump", QLabApi._on_thump)
ROUTES.map("udpReplyPort", QLabApi._on_udp_reply_port)
ROUTES.map("alwaysReply", QLabApi._on_nothing)
# Queries (view access).
ROUTES.map("updates", QLabApi._on_updates, level=Level.VIEW)
ROUTES.map(("showMode", "auditionWindow"), QLabApi._on_show_mode, tail=NONE, level=Level.VIEW)
ROUTES.map(sorted(_NEVER_ON), QLabApi._on_never_on, tail=NONE, level=Level.VIEW)
ROUTES.map("overrides", QLabApi._on_override, tail=_an_override, level=Level.VIEW)
ROUTES.map("settings", QLabApi._on_min_go_time, tail=_min_go_time, level=Level.VIEW)
ROUTES.map("doubleGoWindowRemaining", QLabApi._on_double_go_window, tail=NONE,
           level=Level.VIEW)
ROUTES.map("playheadID", QLabApi._on_playhead_id_query, tail=NONE, args=NONE, level=Level.VIEW)
ROUTES.map("cueLists", QLabApi._on_cue_lists, level=Level.VIEW)
ROUTES.map(("selectedCues", "runningCues", "runningOrPausedCues"), QLabApi._on_cue_sets,
           level=Level.VIEW)
# Cue and cue list methods check their own access (a query views, an action controls).
ROUTES.map(("cue", "cue_id"), QLabApi._on_cue)
# Actions on the show (control access).
ROUTES.map("go", QLabApi._on_go, tail=NONE, level=Level.CONTROL)
ROUTES.map(("stop", "hardStop", "pause", "resume", "panic"), QLabApi._on_transport, tail=NONE,
           level=Level.CONTROL)
ROUTES.map("panicInTime", QLabApi._on_panic_in_time, tail=NONE, level=Level.CONTROL)
ROUTES.map("blackout", QLabApi._on_blackout, tail=NONE, level=Level.CONTROL)
ROUTES.map("grandmaster", QLabApi._on_grandmaster, tail=NONE, args=ONE, level=Level.CONTROL)
ROUTES.map("reset", QLabApi._on_reset, tail=NONE, level=Level.CONTROL)
ROUTES.map("playhead", QLabApi._on_playhead, tail=ONE, level=Level.CONTROL)
ROUTES.map("playheadID", QLabApi._on_playhead_id, tail=AT_MOST_ONE, level=Level.CONTROL)
ROUTES.map(("select", "select_id"), QLabApi._on_select, tail=ONE, level=Level.CONTROL)
