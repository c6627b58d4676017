"""The QLab API's cue methods: ``/cue/{number}/…``, ``/cue_id/{id}/…``, cue lists'
methods, the playhead and ``/reset``.

:class:`_CueMethods` is a mixin of :class:`~showctl.remote.api.QLabApi`, which owns the
engine, the workspace and the access check these methods use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from showctl.drivers.base import OscArg
from showctl.engine.engine import Engine
from showctl.remote.api_args import _Error, _int, _keys, _text
from showctl.remote.config import Level
from showctl.remote.workspace import VALUE_KEYS, CueRef, Workspace

if TYPE_CHECKING:
    from showctl.remote.api import Client

_CUE_ACTIONS = frozenset({"start", "stop", "hardStop", "pause", "resume", "togglePause", "load",
                          "go", "panic", "preview", "reset"})
_GETTERS = frozenset(VALUE_KEYS)
_ON_RUNNING = frozenset({"stop", "hardStop", "pause", "resume", "togglePause"})


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

    def _targets(self, by_id: bool, ident: str) -> tuple[list[CueRef], str | None, bool]:
        """(cues, list name if the identifier is a cue list, several?) for an identifier."""
        if ident == "active":
            return self.ws.active(), None, True
        if ident == "*":
            return list(self.ws.all_cues()), None, True
        if ident == "selected":
            sel = self.ws.selected()
            return sel, None, len(sel) != 1
        if ident == "playhead":
            ph = self.ws.playhead()
            if ph is None:
                raise _Error("no cue on standby")
            return [ph], None, False
        if by_id:
            lst = self.ws.list_by_uid.get(ident.upper())
            if lst is not None:
                return [], lst.name, False
            return [self._by_uid(ident)], None, False
        ref = self.ws.cue_by_number(ident)
        if ref is not None:
            return [ref], None, False
        if ident in self.ws.lists:
            return [], ident, False
        raise _Error(f"no cue numbered {ident!r}")

    def _cue_method(self, by_id: bool, ident: str, action: str, args: tuple[OscArg, ...],
                    client: Client) -> Any:
        refs, list_name, several = self._targets(by_id, ident)
        if list_name is not None:
            return self._list_method(list_name, action, args, client)
        if action == "valuesForKeys":
            self._need(client, Level.VIEW)
            keys = _keys(args)
            results = [self.ws.values(r, keys) for r in refs]
            return results if several else results[0]
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
            vals = [self.ws.value(r, action) for r in refs]
            return vals if several else vals[0]
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
        elif action in ("load", "preview", "reset"):
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
        elif action in ("load", "reset"):
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
        engine = self.engine
        engine.stop()
        for (list_name, number), _armed in list(engine.armed.items()):
            ref = self.ws.ref(list_name, number)
            if ref is not None and engine.is_armed(list_name, ref.cue) != ref.cue.armed:
                engine.set_armed(list_name, number, ref.cue.armed)
        self.ws.selection = []
