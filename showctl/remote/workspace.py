"""The show as a QLab workspace: stable unique IDs, cue look-ups and cue state as JSON.

QLab identifies everything by a ``uniqueID`` (a UUID string): the workspace, each cue
list and each cue. Clients such as Bitfocus Companion keep those IDs, cut them out of
addresses by position (they assume 36 characters), and ask for a cue's state again when
an ``/update/.../cue_id/{id}`` arrives. Our IDs are name-based UUIDs (RFC 4122 version 5)
of the workspace, list name and cue number: the same show gives the same IDs on every
run and every machine, so a Companion page keeps working after a restart.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from showctl.engine.engine import Engine
from showctl.engine.runs import Phase, Run
from showctl.model import show as m

__all__ = ["VALUE_KEYS", "CueRef", "ListRef", "Workspace"]

_NAMESPACE = uuid.UUID("6f1c2a0e-5d43-4b8e-9a51-3c2d7e0b9f10")

QLAB_TYPES: dict[str, str] = {
    "memo": "Memo",
    "wait": "Wait",
    "group": "Group",
    "start": "Start",
    "stop": "Stop",
    "pause": "Pause",
    "resume": "Start",
    "goto": "Goto",
    "arm": "Arm",
    "disarm": "Disarm",
    "fade_out": "Fade",
    "osc": "Network",
    "midi": "MIDI",
    "msc": "MIDI",
    "light": "Light",
}
"""Our cue types as QLab 5 names them (clients lower-case and compare them)."""

_CONTINUE = {m.ContinueMode.NONE: 0, m.ContinueMode.AUTO_CONTINUE: 1,
             m.ContinueMode.AUTO_FOLLOW: 2}
_GROUP_MODE = {m.GroupMode.FIRST: 1, m.GroupMode.TIMELINE: 3, m.GroupMode.PLAYLIST: 6}
ROOT_PARENT = "[root group of cue lists]"

VALUE_KEYS: tuple[str, ...] = (
    "number", "uniqueID", "listName", "name", "displayName", "type", "isRunning", "isPaused",
    "isBroken", "isLoaded", "isActionRunning", "isTailingOut", "duration", "currentDuration",
    "actionElapsed", "percentActionElapsed", "preWait", "preWaitElapsed", "percentPreWaitElapsed",
    "postWait", "postWaitElapsed", "percentPostWaitElapsed", "continueMode", "armed", "flagged",
    "notes", "colorName", "parent", "mode", "children", "autoLoad", "cartPosition",
    "cueTargetNumber", "cueTargetID",
)
"""Keys ``valuesForKeys`` (and the single-key getters) answer."""


def make_uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts))).upper()


@dataclass(frozen=True, slots=True)
class ListRef:
    name: str
    uid: str


@dataclass(frozen=True, slots=True)
class CueRef:
    list: str
    cue: m.CueBase
    uid: str

    @property
    def number(self) -> str:
        return self.cue.number


class Workspace:
    """ID maps and state queries over one engine. Pure: no sockets, no clock reads
    except through the engine."""

    def __init__(self, engine: Engine, workspace_id: str | None = None) -> None:
        self.engine = engine
        show = engine.show
        self.title = show.show.title
        self.uid = (workspace_id or make_uuid("workspace", self.title)).upper()
        self.lists: dict[str, ListRef] = {}
        self.list_by_uid: dict[str, ListRef] = {}
        self.cues: dict[tuple[str, str], CueRef] = {}
        self.by_uid: dict[str, CueRef] = {}
        self._by_number: dict[str, list[CueRef]] = {}
        self.parent_uid: dict[tuple[str, str], str] = {}
        for name in show.cuelists:
            ref = ListRef(name, make_uuid(self.uid, "list", name))
            self.lists[name] = ref
            self.list_by_uid[ref.uid] = ref
        for list_name, cue, parent in show.walk():
            ref_c = CueRef(list_name, cue, make_uuid(self.uid, "cue", list_name, cue.number))
            self.cues[(list_name, cue.number)] = ref_c
            self.by_uid[ref_c.uid] = ref_c
            self._by_number.setdefault(cue.number, []).append(ref_c)
            self.parent_uid[(list_name, cue.number)] = (
                make_uuid(self.uid, "cue", list_name, parent.number) if parent is not None
                else self.lists[list_name].uid
            )
        main = show.main_list
        for refs in self._by_number.values():
            refs.sort(key=lambda r: r.list != main)  # the main list wins a shared number
        self.broken: set[tuple[str, str]] = set()
        """Cues that failed at run time (``isBroken``)."""
        self.selection: list[CueRef] = []

    # ------------------------------------------------------------------ look-ups

    @property
    def main(self) -> str:
        return self.engine.main

    def cue_by_number(self, number: str) -> CueRef | None:
        refs = self._by_number.get(number)
        return refs[0] if refs else None

    def ref(self, list_name: str, number: str | None) -> CueRef | None:
        if number is None:
            return None
        return self.cues.get((list_name, number))

    def playhead(self, list_name: str | None = None) -> CueRef | None:
        name = list_name or self.main
        cue = self.engine.lists[name].playhead
        return self.ref(name, cue.number) if cue is not None else None

    def run_of(self, ref: CueRef) -> Run | None:
        return self.engine.lists[ref.list].runs.get(ref.number)

    def active(self) -> list[CueRef]:
        """Running or paused cues, in the order they were triggered."""
        runs = sorted(self.engine.running(), key=lambda r: r.triggered_at)
        return [r for r in (self.ref(run.list, run.number) for run in runs) if r is not None]

    def all_cues(self) -> Iterator[CueRef]:
        return iter(self.cues.values())

    def selected(self) -> list[CueRef]:
        if self.selection:
            return list(self.selection)
        ph = self.playhead()
        return [ph] if ph is not None else []

    # ------------------------------------------------------------------ JSON views

    def list_json(self, name: str, *, deep: bool = True) -> dict[str, Any]:
        ref = self.lists[name]
        out: dict[str, Any] = {
            "uniqueID": ref.uid, "number": "", "name": name, "listName": name,
            "type": "Cue List", "colorName": "none", "flagged": False, "armed": True,
        }
        if deep:
            out["cues"] = [self.cue_json(self.cues[(name, c.number)])
                           for c in self.engine.show.cuelists[name].cues]
        return out

    def cue_json(self, ref: CueRef) -> dict[str, Any]:
        """A cue as ``/cueLists`` shows it (children nested under ``cues``)."""
        cue = ref.cue
        out: dict[str, Any] = {
            "uniqueID": ref.uid, "number": cue.number, "name": cue.name,
            "listName": self.list_name_of(ref), "type": QLAB_TYPES.get(_type(cue), "Memo"),
            "colorName": cue.color or "none", "flagged": False,
            "armed": self.engine.is_armed(ref.list, cue),
        }
        if isinstance(cue, m.GroupCue):
            out["cues"] = [self.cue_json(self.cues[(ref.list, c.number)]) for c in cue.cues]
        return out

    def list_name_of(self, ref: CueRef) -> str:
        cue = ref.cue
        if cue.name:
            return cue.name
        target = getattr(cue, "target", None)
        return f"{_type(cue)} {target}" if target else _type(cue)

    def values(self, ref: CueRef, keys: list[str]) -> dict[str, Any]:
        """``valuesForKeys``: unknown keys are left out, as QLab does."""
        run = self.run_of(ref)
        return {k: self.value(ref, k, run) for k in keys if k in _KEYSET}

    def value(self, ref: CueRef, key: str, run: Run | None = None) -> Any:
        cue = ref.cue
        if run is None:
            run = self.run_of(ref)
        now = self.engine.now()
        if key == "number":
            return cue.number
        if key == "uniqueID":
            return ref.uid
        if key in ("listName", "displayName"):
            return self.list_name_of(ref)
        if key == "name":
            return cue.name
        if key == "type":
            return QLAB_TYPES.get(_type(cue), "Memo")
        if key == "isRunning":
            return run is not None and not run.paused and run.phase is not Phase.FINISHED
        if key == "isPaused":
            return run is not None and run.paused
        if key == "isBroken":
            return (ref.list, cue.number) in self.broken
        if key in ("isLoaded", "isTailingOut", "flagged", "autoLoad"):
            return False
        if key == "isActionRunning":
            return run is not None and run.phase is Phase.ACTION and not run.paused
        if key in ("duration", "currentDuration"):
            if run is not None and run.duration is not None:
                return round(run.duration, 6)
            return round(cue.action_duration(), 6)
        if key in ("actionElapsed", "percentActionElapsed"):
            elapsed = 0.0
            if run is not None and run.phase is not Phase.PREWAIT:
                elapsed = run.elapsed(now)
            if key == "actionElapsed":
                return round(elapsed, 6)
            dur = run.duration if run is not None and run.duration else cue.action_duration()
            return round(min(1.0, elapsed / dur), 6) if dur else 0.0
        if key == "preWait":
            return cue.prewait
        if key in ("preWaitElapsed", "percentPreWaitElapsed"):
            el = run.prewait.elapsed() if run is not None and run.prewait is not None else 0.0
            if key == "preWaitElapsed":
                return round(el, 6)
            return round(min(1.0, el / cue.prewait), 6) if cue.prewait else 0.0
        if key == "postWait":
            return cue.postwait
        if key in ("postWaitElapsed", "percentPostWaitElapsed"):
            el = run.postwait.elapsed() if run is not None and run.postwait is not None else 0.0
            if key == "postWaitElapsed":
                return round(el, 6)
            return round(min(1.0, el / cue.postwait), 6) if cue.postwait else 0.0
        if key == "continueMode":
            return _CONTINUE[cue.continue_]
        if key == "armed":
            return self.engine.is_armed(ref.list, cue)
        if key == "notes":
            return cue.notes
        if key == "colorName":
            return cue.color or "none"
        if key == "parent":
            return self.parent_uid[(ref.list, cue.number)]
        if key == "mode":
            return _GROUP_MODE.get(cue.mode, 0) if isinstance(cue, m.GroupCue) else 0
        if key == "children":
            if not isinstance(cue, m.GroupCue):
                return []
            return [self.cue_json(self.cues[(ref.list, c.number)]) for c in cue.cues]
        if key == "cartPosition":
            return [0, 0]
        if key == "cueTargetNumber":
            return getattr(cue, "target", None) or ""
        if key == "cueTargetID":
            target = getattr(cue, "target", None)
            if not target:
                return ""
            tref = self.ref(getattr(cue, "list", None) or ref.list, target)
            return tref.uid if tref is not None else ""
        raise KeyError(key)

    def list_values(self, name: str, keys: list[str]) -> dict[str, Any]:
        """``valuesForKeys`` on a cue list itself."""
        ref = self.lists[name]
        ph = self.playhead(name)
        base: dict[str, Any] = {
            "number": "", "uniqueID": ref.uid, "listName": name, "name": name,
            "displayName": name, "type": "Cue List",
            "isRunning": bool(self.engine.lists[name].runs), "isPaused": False,
            "isBroken": False, "isLoaded": False, "armed": True, "flagged": False,
            "notes": self.engine.show.cuelists[name].description, "colorName": "none",
            "parent": ROOT_PARENT, "mode": 0, "continueMode": 0,
            "playheadID": ph.uid if ph is not None else "",
            "children": self.list_json(name)["cues"],
        }
        return {k: base[k] for k in keys if k in base}


def _type(cue: m.CueBase) -> str:
    return str(getattr(cue, "type", "memo"))


_KEYSET = frozenset(VALUE_KEYS)
