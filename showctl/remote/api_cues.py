"""The QLab API's cue methods: ``/cue/{number}/…``, ``/cue_id/{id}/…``, cue lists'
methods, the playhead and ``/reset``.

:class:`_CueMethods` is a mixin of :class:`~showctl.remote.api.QLabApi`, which owns the
engine, the workspace and the access check these methods use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from showctl.drivers.base import OscArg
from showctl.engine.engine import Engine
from showctl.remote.api_args import _EachCue, _Error, _int, _keys, _seconds, _text
from showctl.remote.config import Level
from showctl.remote.workspace import VALUE_KEYS, CueRef, Workspace

if TYPE_CHECKING:
    from showctl.remote.api import Client

_CUE_ACTIONS = frozenset({"start", "stop", "hardStop", "pause", "resume", "togglePause", "load",
                          "go", "panic", "preview", "reset"})
_GETTERS = frozenset(VALUE_KEYS)
_ON_RUNNING = frozenset({"stop", "hardStop", "pause", "resume", "togglePause"})


_Shape = Literal["one", "each", "list"]


def _shaped(shape: _Shape, values: list[Any]) -> Any:
    """One query's answer for its cues in the shape :meth:`_CueMethods._targets` chose."""
    if shape == "one":
        return values[0]
    if shape == "each" and len(values) == 1:
        return values[0]
    if shape == "each" and len(values) > 1:
        return _EachCue(values)
    return values


def _paused(ws: Workspace, ref: CueRef) -> bool:
    run = ws.run_of(ref)
    return run is not None and run.paused


class _CueMethods:
    """Cue- and cue-list-addressed methods (see the module docstring)."""

    # Provided by QLabApi.
    engine: Engine
    ws: Workspace

    if TYPE_CHECKING:

        def _need(self, client: Client, level: Level) -> None: ...

    def _by_number(self, number: str) -> CueRef:
        ref = self.ws.cue_by_number(number)
        if ref is None:
            raise _Error(f"no cue numbered {number!r}")
        return ref

    def _by_uid(self, uid: str) -> CueRef:
        ref = self.ws.by_uid.get(uid.upper())
        if ref is None:
            raise _Error(f"no cue with id {uid!r}")
        return ref

    def _targets(self, by_id: bool, ident: str) -> tuple[list[CueRef], str | None, _Shape]:
        """(cues, list name if the identifier is a cue list, answer shape) for an identifier.

        The shape of a query's answer: ``one`` the cue's value; ``each`` for ``active``
        and ``selected``, as QLab: one cue answers like a single cue, several answer one
        reply per cue, none an empty list; ``list`` (``*``) one list of values."""
        if ident == "active":
            return self.ws.active(), None, "each"
        if ident == "*":
            return list(self.ws.all_cues()), None, "list"
        if ident == "selected":
            return self.ws.selected(), None, "each"
        if ident == "playhead":
            ph = self.ws.playhead()
            if ph is None:
                raise _Error("no cue on standby")
            return [ph], None, "one"
        if by_id:
            lst = self.ws.list_by_uid.get(ident.upper())
            if lst is not None:
                return [], lst.name, "one"
            return [self._by_uid(ident)], None, "one"
        ref = self.ws.cue_by_number(ident)
        if ref is not None:
            return [ref], None, "one"
        if ident in self.ws.lists:
            return [], ident, "one"
        raise _Error(f"no cue numbered {ident!r}")

    def _cue_method(self, by_id: bool, ident: str, action: str, args: tuple[OscArg, ...],
                    client: Client) -> Any:
        refs, list_name, shape = self._targets(by_id, ident)
        if list_name is not None:
            return self._list_method(list_name, action, args, client)
        if action == "valuesForKeys":
            self._need(client, Level.VIEW)
            keys = _keys(args)
            return _shaped(shape, [self.ws.values(r, keys) for r in refs])
        if action == "panicInTime":
            self._need(client, Level.CONTROL)
            if not args:
                raise _Error("panicInTime needs a time in seconds")
            seconds = _seconds(args[0])
            for ref in refs:
                self.engine.fade_out(ref.list, ref.number, seconds)
            return None
        if action in _CUE_ACTIONS:
            self._need(client, Level.CONTROL)
            if ident == "*" and action not in _ON_RUNNING:
                # Starting every cue of a show at once is never a show; refuse it cheaply.
                raise _Error(f"/cue/*/{action} is not allowed; use a cue number")
            for ref in refs:
                self._cue_action(ref, action)
            return None
        if action in _GETTERS:
            if args:
                self._need(client, Level.EDIT)
                if action != "armed":
                    raise _Error(f"{action} is read-only here")
                for ref in refs:
                    self.engine.set_armed(ref.list, ref.number, bool(_int(args[0])))
                return None
            self._need(client, Level.VIEW)
            return _shaped(shape, [self.ws.value(r, action) for r in refs])
        raise _Error(f"unknown cue method {action!r}")

    def _cue_action(self, ref: CueRef, action: str) -> None:
        engine = self.engine
        if action == "start":
            engine.fire(ref.list, ref.number)
        elif action == "stop" or action == "hardStop":
            engine.stop_cue(ref.list, ref.number)
        elif action == "pause":
            engine.pause_cue(ref.list, ref.number)
        elif action == "resume":
            engine.resume_cue(ref.list, ref.number)
        elif action == "togglePause":
            run = self.ws.run_of(ref)
            if run is not None and run.paused:
                engine.resume_cue(ref.list, ref.number)
            else:
                engine.pause_cue(ref.list, ref.number)
        elif action == "go":
            engine.goto(ref.number, ref.list)
            engine.go(ref.list)
        elif action == "panic":
            engine.fade_out(ref.list, ref.number, engine.show.settings.panic_time)
        elif action == "reset":
            engine.stop_cue(ref.list, ref.number)  # QLab: stop it, back to its saved state
        elif action in ("load", "preview"):
            pass  # nothing to preload; accepted so clients' buttons don't error

    def _list_method(self, name: str, action: str, args: tuple[OscArg, ...],
                     client: Client) -> Any:
        engine = self.engine
        if action == "valuesForKeys":
            self._need(client, Level.VIEW)
            return self.ws.list_values(name, _keys(args))
        if action in ("playheadID", "playheadId"):
            if args:
                self._need(client, Level.CONTROL)
                ref = self._by_uid(_text(args[0]))
                engine.goto(ref.number, name)
                return None
            self._need(client, Level.VIEW)
            ph = self.ws.playhead(name)
            return ph.uid if ph is not None else ""
        if action.startswith("playhead/"):
            self._need(client, Level.CONTROL)
            self._playhead(name, action.split("/", 1)[1])
            return None
        if action in ("children", "cues"):
            self._need(client, Level.VIEW)
            return self.ws.list_json(name)["cues"]
        if action in ("uniqueID", "name", "number", "type", "listName", "playbackPosition"):
            self._need(client, Level.VIEW)
            if action == "playbackPosition":
                ph = self.ws.playhead(name)
                return ph.uid if ph is not None else ""
            return self.ws.list_values(name, [action]).get(action)
        self._need(client, Level.CONTROL)
        if action in ("go", "start"):
            engine.go(name)
        elif action in ("stop", "hardStop"):
            engine.stop(name)
        elif action == "pause":
            engine.pause(name)
        elif action == "resume":
            engine.resume(name)
        elif action == "panic":
            engine.fade_out(name, None, engine.show.settings.panic_time)
        elif action == "panicInTime":
            if not args:
                raise _Error("panicInTime needs a time in seconds")
            engine.fade_out(name, None, _seconds(args[0]))
        elif action == "reset":
            self._reset_list(name)
        elif action == "load":
            pass
        else:
            raise _Error(f"unknown cue list method {action!r}")
        return None

    def _playhead(self, list_name: str, where: str) -> None:
        engine = self.engine
        if where == "previous":
            engine.back(list_name)
        elif where == "next":
            lst = engine.lists[list_name]
            flat = lst.nav.flat
            if lst.playhead is None:
                return
            pos = lst.nav.position[lst.playhead.number]
            if pos + 1 < len(flat):
                engine.goto(flat[pos + 1].number, list_name)
        else:
            ref = self.ws.ref(list_name, where) or self._by_number(where)
            engine.goto(ref.number, ref.list)

    def _reset(self) -> None:
        """``/reset``: stop everything, restore armed states, clear the selection and put
        every list's playhead back on its first cue (QLab: "the top of the list")."""
        engine = self.engine
        engine.stop()
        for (list_name, number), _armed in list(engine.armed.items()):
            ref = self.ws.ref(list_name, number)
            if ref is not None and engine.is_armed(list_name, ref.cue) != ref.cue.armed:
                engine.set_armed(list_name, number, ref.cue.armed)
        self.ws.selection = []
        for name in engine.lists:
            self._playhead_to_top(name)

    def _reset_list(self, name: str) -> None:
        """``/cue_id/{list}/reset``: stop that list and put its playhead on its first cue."""
        self.engine.stop(name)
        self._playhead_to_top(name)

    def _playhead_to_top(self, name: str) -> None:
        first = self.engine.lists[name].nav.first()
        if first is not None and self.engine.lists[name].playhead is not first:
            self.engine.goto(first.number, name)
