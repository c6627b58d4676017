"""The programmer: live fixture values over the show's output, and recording them.

Like a lighting desk's programmer, it is the highest-priority layer of the lighting
output: an attribute the programmer holds overrides whatever the playbacks say
(intensity included — no HTP against the cues), before the grandmaster scales
intensities. Values arrive as people type them (``intensity: 80``, ``color: "warm
white"``, ``pan: 45``, ``gobo: breakup``) and go through the patch
(:meth:`~showctl.lighting.patch.Patch.resolve_values`) into normalized attributes; a
change is sent at once (like a GO, only the universes it touches) and then with every
frame.

Release (:meth:`Programmer.clear`) gives attributes back to the cue state: at once by
default, or fading from the held value to whatever the playbacks give over ``time``
seconds (a desk's "sneak").

The programmer remembers what was typed per fixture and attribute (``101``'s
``color`` is ``"warm white"``), with later values taking real attributes away from
earlier ones (``color`` then ``red``: the red is the later one). That is what
:meth:`Programmer.record_mapping` and :func:`plan_update` write back into a light cue's
``fixtures:`` block — in people's units, and only what differs from the tracked state
the cue starts from (:func:`tracked_state`).

The engine hook is :attr:`showctl.engine.lighting.Lighting.overlay`: this class
implements its protocol (``apply``, ``apply_at``, ``busy``). The programmer outlives
the :class:`~showctl.engine.lighting.Lighting` it is attached to (the console
rebuilds its session after every edit): :meth:`Programmer.attach` re-targets it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from showctl.engine.rig import F32
from showctl.lighting.patch import Patch
from showctl.lighting.selection import select_fixtures
from showctl.lighting.values import canonical_attribute, to_normalized

I64 = npt.NDArray[np.int64]
EPS = 1e-5
"""Two normalized values closer than this are the same level (well under 1/65535)."""


class ProgrammerError(ValueError):
    """A programmer request that cannot be done; the message is for a person."""


@dataclass(slots=True)
class Hold:
    """One attribute of one fixture as typed, and the real attributes it still holds."""

    attr: str
    """The attribute as written in a cue (canonical: ``intensity``, ``color``, ``pan``)."""
    value: Any
    """The value as typed (``80``, ``"warm white"``)."""
    levels: dict[str, float]
    """Real attribute → normalized value, minus those a later hold took over."""
    full: frozenset[str]
    """Every real attribute the typed value sets (``color`` → red, green, blue, white)."""
    selection: str
    """The selection it was typed with (``front``, ``1-4``, ``101``)."""


@dataclass(slots=True)
class _Release:
    idx: I64
    start: F32
    t0: float
    dur: float


def parse_value(text: str) -> Any:
    """A typed value: numbers become numbers, ``[..]`` / ``{..}`` YAML, else the text."""
    t = text.strip()
    if re.fullmatch(r"[+-]?\d+", t):
        return int(t)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", t):
        return float(t)
    if t[:1] in "[{":
        try:
            return yaml.safe_load(t)
        except yaml.YAMLError:
            return t
    return t


class Programmer:
    """Held attribute values over a :class:`~showctl.engine.lighting.Lighting`."""

    def __init__(self, patch: Patch | None = None, lighting: Any = None) -> None:
        self.patch = patch
        self.lighting: Any = None
        self.fixtures: dict[str, dict[str, Hold]] = {}
        """fixture key → typed attribute → hold, in the order set (later wins)."""
        self.selections: list[str] = []
        """Selections typed, first use first (to write groups back as groups)."""
        self.release_time = 0.0
        self._idx: I64 = np.zeros(0, dtype=np.int64)
        self._val: F32 = np.zeros(0, dtype=np.float32)
        self._pos: I64 = np.zeros(0, dtype=np.int64)
        self._releases: list[_Release] = []
        if lighting is not None:
            self.attach(lighting, patch)

    # ------------------------------------------------------------------ wiring

    def attach(self, lighting: Any, patch: Patch | None = None) -> None:
        """Become the overlay of ``lighting`` (a rebuilt session), keeping what is held.

        Holds whose fixture or attribute the new rig does not have are dropped."""
        if patch is not None:
            self.patch = patch
        if self.lighting is not None and getattr(self.lighting, "overlay", None) is self:
            self.lighting.overlay = None
        self.lighting = lighting
        self._releases = []
        names = lighting.layout.index
        for fk in list(self.fixtures):
            if self.patch is None or fk not in self.patch.by_key:
                del self.fixtures[fk]
                continue
            for a, h in list(self.fixtures[fk].items()):
                h.levels = {ra: v for ra, v in h.levels.items() if f"{fk}.{ra}" in names}
                if not h.levels:
                    del self.fixtures[fk][a]
            if not self.fixtures[fk]:
                del self.fixtures[fk]
        lighting.overlay = self
        self._compile()

    def _compile(self) -> None:
        """Rebuild the held index/value arrays from the holds."""
        lighting = self.lighting
        if lighting is None:
            return
        index = lighting.layout.index
        pairs = [(index[f"{fk}.{ra}"], v) for fk, holds in self.fixtures.items()
                 for h in holds.values() for ra, v in h.levels.items()]
        pairs.sort()
        self._idx = np.array([i for i, _ in pairs], dtype=np.int64)
        self._val = np.array([v for _, v in pairs], dtype=np.float32)
        n = len(lighting.layout.names)
        self._pos = np.full(n, -1, dtype=np.int64)
        self._pos[self._idx] = np.arange(len(self._idx))

    # ------------------------------------------------------------------ queries

    @property
    def active(self) -> bool:
        return bool(len(self._idx)) or bool(self._releases)

    def held(self) -> dict[str, float]:
        """Attribute name (``"101.pan"``) → normalized value held."""
        return {f"{fk}.{ra}": v for fk, holds in self.fixtures.items()
                for h in holds.values() for ra, v in h.levels.items()}

    def held_indices(self) -> I64:
        return self._idx

    def lines(self) -> list[str]:
        """What the programmer holds, as typed: ``front color warm white``."""
        out: list[str] = []
        for sel, attrs in self.record_mapping(self.fixtures).items():
            for a, v in attrs.items():
                out.append(f"{sel} {a} {_show_value(v)}")
        return out

    # ------------------------------------------------------------------ changes

    def set(self, selection: str, values: Mapping[str, Any]) -> list[str]:
        """Hold ``values`` (people's units) on the fixtures ``selection`` names.

        Everything is converted before anything changes: a bad value changes nothing.
        Returns the fixture keys set."""
        if self.patch is None:
            raise ProgrammerError("the show has no patch: there are no fixtures to set")
        sel = selection.strip()
        try:
            fixtures = select_fixtures(self.patch, sel)
            staged = []
            for f in fixtures:
                for attr, value in values.items():
                    a = canonical_attribute(attr)
                    levels = to_normalized(f.layout, attr, value, fixture=f.label)
                    staged.append((f.key, a, value, levels))
        except (LookupError, ValueError) as exc:
            raise ProgrammerError(str(exc)) from None
        for fk, a, value, levels in staged:
            holds = self.fixtures.setdefault(fk, {})
            holds.pop(a, None)
            for other in list(holds):
                h = holds[other]
                for ra in levels:
                    h.levels.pop(ra, None)
                if not h.levels:
                    del holds[other]
            holds[a] = Hold(a, value, dict(levels), frozenset(levels), sel)
        if sel not in self.selections:
            self.selections.append(sel)
        touched = self._touched([(fk, lv) for fk, _a, _v, lv in staged])
        self._drop_releases(touched)
        self._compile()
        self._send(touched)
        return list(dict.fromkeys(f.key for f in fixtures))

    def clear(self, selection: str | None = None, *, time: float | None = None) -> int:
        """Release everything (or the fixtures of ``selection``) back to the cue state.

        ``time`` (default :attr:`release_time`, 0 = at once) fades from the held value
        to what the playbacks give. Returns how many attributes were released."""
        if selection is None:
            keys = list(self.fixtures)
        else:
            if self.patch is None:
                return 0
            try:
                keys = [f.key for f in select_fixtures(self.patch, selection.strip())]
            except LookupError as exc:
                raise ProgrammerError(str(exc)) from None
        gone = [(fk, h.levels) for fk in keys for h in self.fixtures.get(fk, {}).values()]
        idx = self._touched(gone)
        if not len(idx):
            return 0
        start = self._val[self._pos[idx]].copy()
        for fk in keys:
            self.fixtures.pop(fk, None)
        if not self.fixtures:
            self.selections = []
        t = self.release_time if time is None else float(time)
        self._drop_releases(idx)
        if t > 0 and self.lighting is not None:
            self._releases.append(_Release(idx, start, self.lighting.clock.now(), t))
        self._compile()
        self._send(idx)
        return len(idx)

    def _touched(self, items: Iterable[tuple[str, Mapping[str, float]]]) -> I64:
        if self.lighting is None:
            return np.zeros(0, dtype=np.int64)
        index = self.lighting.layout.index
        return np.unique(np.array([index[f"{fk}.{ra}"] for fk, lv in items for ra in lv],
                                  dtype=np.int64))

    def _drop_releases(self, idx: I64) -> None:
        """A new hold or release of an attribute ends its running release."""
        keep = []
        for r in self._releases:
            m = ~np.isin(r.idx, idx)
            if m.any():
                keep.append(_Release(r.idx[m], r.start[m], r.t0, r.dur))
        self._releases = keep

    def _send(self, idx: I64) -> None:
        if self.lighting is not None and len(idx):
            self.lighting.send_now(first=idx)

    # ------------------------------------------------------------------ overlay protocol

    def busy(self, now: float) -> bool:
        """True while a release fade runs (the frame loop must keep ticking)."""
        self._releases = [r for r in self._releases if now < r.t0 + r.dur]
        return bool(self._releases)

    def apply(self, out: F32, now: float) -> F32:
        """The merged output with the programmer on top (a new array when it changes)."""
        if not len(self._idx) and not self._releases:
            return out
        res = out.copy()
        for r in self._releases:
            p = np.float32(min(1.0, max(0.0, (now - r.t0) / r.dur)))
            res[r.idx] = r.start + (out[r.idx] - r.start) * p
        res[self._idx] = self._val
        return res

    def apply_at(self, out: F32, now: float, idx: I64) -> F32:
        """:meth:`apply` for some attributes only (``out`` = the merge at ``idx``)."""
        if not len(self._idx) and not self._releases:
            return out
        res = out.copy()
        for r in self._releases:
            common, i_out, i_rel = np.intersect1d(idx, r.idx, return_indices=True)
            if len(common):
                p = np.float32(min(1.0, max(0.0, (now - r.t0) / r.dur)))
                res[i_out] = r.start[i_rel] + (out[i_out] - r.start[i_rel]) * p
        pos = self._pos[idx]
        mine = pos >= 0
        res[mine] = self._val[pos[mine]]
        return res

    # ------------------------------------------------------------------ recording

    def differing(self, state: Mapping[str, float]) -> dict[str, dict[str, Hold]]:
        """The holds that differ from ``state`` (attribute name → level; home if absent)
        in any of their real attributes: what a tracking cue has to record."""
        home = self._home()
        out: dict[str, dict[str, Hold]] = {}
        for fk, holds in self.fixtures.items():
            for a, h in holds.items():
                if any(abs(v - state.get(f"{fk}.{ra}", home.get(f"{fk}.{ra}", 0.0))) > EPS
                       for ra, v in h.levels.items()):
                    out.setdefault(fk, {})[a] = h
        return out

    def _home(self) -> dict[str, float]:
        if self.lighting is None:
            return {}
        layout = self.lighting.layout
        return dict(zip(layout.names, layout.home, strict=True))

    def record_mapping(self, holds: Mapping[str, Mapping[str, Hold]]) -> dict[str, dict[str, Any]]:
        """A cue's ``fixtures:`` block for ``holds``: selections as typed where every
        fixture of one holds exactly the same values, else one key per fixture."""
        remaining = {fk: dict(h) for fk, h in holds.items() if h}
        out: dict[str, dict[str, Any]] = {}
        if self.patch is None:
            return out
        for sel in self.selections:
            try:
                fks = [f.key for f in select_fixtures(self.patch, sel)]
            except LookupError:
                continue
            if len(fks) < 2 or not all(fk in remaining for fk in fks):
                continue
            if all(_same_holds(remaining[fks[0]], remaining[fk]) for fk in fks[1:]):
                out[sel] = {a: h.value for a, h in remaining[fks[0]].items()}
                for fk in fks:
                    del remaining[fk]
        for f in self.patch.fixtures:
            if f.key in remaining:
                out[f.key] = {a: h.value for a, h in remaining[f.key].items()}
        return out


def _same_holds(x: Mapping[str, Hold], y: Mapping[str, Hold]) -> bool:
    """Whether two fixtures' holds write the same block. Order counts only when a
    hold lost some of its attributes to a later one (``color`` then ``red``)."""
    if [(a, repr(h.value)) for a, h in x.items()] == [(a, repr(h.value)) for a, h in y.items()]:
        return True
    partial = any(len(h.levels) < len(h.full) for holds in (x, y) for h in holds.values())
    return not partial and {a: repr(h.value) for a, h in x.items()} == {
        a: repr(h.value) for a, h in y.items()}


# ---------------------------------------------------------------------------- tracking


def tracked_state(program: Any, list_name: str, before: Iterable[str]) -> dict[str, float]:
    """The tracked state of a list after its light cues numbered in ``before`` (in list
    order; cue-only changes do not track on): attribute name → normalized level, for
    every attribute the list touches (others are at home)."""
    names = program.layout.names
    state = np.array(program.layout.home, dtype=np.float32)
    numbers = set(before)
    for cue in program.order.get(list_name, []):
        if cue.number not in numbers:
            continue
        if cue.cue_only:
            continue
        idx, vals = program.changes[(list_name, cue.number)]
        state[idx] = vals
    return {names[i]: float(state[i]) for i in range(len(names))}


def cues_before(show: Any, list_name: str, number: str | None, *, inclusive: bool) -> list[str]:
    """Cue numbers before a point of a list, in list order (depth first).

    ``inclusive``: the point is just after ``number`` and everything inside it (a new
    cue inserted after it); else just before ``number`` (the state it starts from)."""
    walk = [(c, parent) for ln, c, parent in show.walk() if ln == list_name]
    if number is None:
        return []
    numbers = [c.number for c, _ in walk]
    if number not in numbers:
        return numbers
    i = numbers.index(number)
    if not inclusive:
        return numbers[:i]
    inside = {number}
    end = i + 1
    while end < len(walk) and walk[end][1] is not None and walk[end][1].number in inside:
        inside.add(walk[end][0].number)
        end += 1
    return numbers[:end]


# ---------------------------------------------------------------------------- update


def simulate(patch: Patch, mapping: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """What a ``fixtures:`` block sets: attribute name → level (later keys win)."""
    out: dict[str, float] = {}
    for key, values in mapping.items():
        for f in select_fixtures(patch, str(key)):
            for attr, value in values.items():
                for ra, v in to_normalized(f.layout, attr, value, fixture=f.label).items():
                    out[f"{f.key}.{ra}"] = v
    return out


def plan_update(programmer: Programmer, existing: Mapping[str, Mapping[str, Any]],
                before: Mapping[str, float]) -> dict[str, dict[str, Any]]:
    """The ``fixtures:`` block of a light cue after merging the programmer into it.

    ``existing``: the cue's block as written; ``before``: the tracked state the cue
    starts from. Held values that differ from ``before`` are written (in place where
    the cue already sets that attribute of that fixture, or of a whole selection the
    programmer set alike; else under the fixture's id at the end); held values equal to
    ``before`` are taken out of the cue (they track). Everything else the cue does
    stays as it was. Raises :class:`ProgrammerError` when no such block is found."""
    patch = programmer.patch
    if patch is None:
        raise ProgrammerError("the show has no patch")
    home = programmer._home()

    def level(name: str) -> float:
        return before.get(name, home.get(name, 0.0))

    holds = programmer.fixtures
    differ = programmer.differing(before)

    def wanted(fk: str, a: str) -> tuple[bool, Any]:
        """(write it?, value) for a hold."""
        return (a in differ.get(fk, {}), holds[fk][a].value)

    mapping: dict[str, dict[str, Any]] = {str(k): dict(v) for k, v in existing.items()}
    try:
        sel_of = {k: [f.key for f in select_fixtures(patch, k)] for k in mapping}
    except LookupError as exc:
        raise ProgrammerError(str(exc)) from None
    # 1. In place: keys that set an attribute every fixture they select holds. The same
    #    value and fate (write / track) for all: set it there, or take it out (it
    #    tracks); else take it out and let step 2 give the fixtures that need it their own.
    for key, attrs in mapping.items():
        for a in list(attrs):
            ca = canonical_attribute(a)
            fks = sel_of[key]
            if not all(ca in holds.get(fk, {}) for fk in fks):
                continue
            fates = {(wanted(fk, ca)[0], repr(wanted(fk, ca)[1])) for fk in fks}
            write, value = wanted(fks[0], ca)
            if len(fates) == 1 and write:
                attrs[a] = value
            else:
                del attrs[a]
    # 2. What still comes out wrong gets the fixture's own key, at the end.
    base = {**{n: level(n) for n in programmer.held()}}
    result = {**base, **_safe_simulate(patch, mapping)}
    extra: dict[str, dict[str, Any]] = {}
    for fk, fholds in holds.items():
        for a, h in fholds.items():
            if any(abs(result.get(f"{fk}.{ra}", level(f"{fk}.{ra}")) - v) > EPS
                   for ra, v in h.levels.items()):
                extra.setdefault(fk, {})[a] = h.value
    for fk, attrs in extra.items():
        own = next((k for k in mapping if sel_of.get(k) == [fk]), None)
        if own is not None and list(mapping)[-1] != own and any(
                fk in sel_of[k] for k in list(mapping)[list(mapping).index(own) + 1:]):
            raise ProgrammerError(
                f"cannot merge fixture {fk} into this cue: a later key of the cue sets it "
                "too; record a new cue instead")
        target = mapping.setdefault(own if own is not None else fk, {})
        for a, v in attrs.items():
            old = next((k for k in target if canonical_attribute(k) == a), None)
            if old is not None:
                del target[old]
            target[a] = v
        sel_of.setdefault(fk, [fk])
    mapping = {k: v for k, v in mapping.items() if v}
    # 3. Check: held attributes come out as held, everything else as before.
    new_levels = _safe_simulate(patch, mapping)
    old_levels = _safe_simulate(patch, existing)
    held = programmer.held()
    for name in set(new_levels) | set(old_levels) | set(held):
        got = new_levels.get(name, level(name))
        want = held[name] if name in held else old_levels.get(name, level(name))
        if abs(got - want) > EPS:
            raise ProgrammerError(
                f"cannot merge the programmer into this cue ({name} would be "
                f"{got * 100:.1f}% instead of {want * 100:.1f}%); record a new cue instead")
    return mapping


def _safe_simulate(patch: Patch, mapping: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    try:
        return simulate(patch, mapping)
    except (LookupError, ValueError) as exc:
        raise ProgrammerError(str(exc)) from None


def _show_value(v: Any) -> str:
    if isinstance(v, float) and math.isfinite(v) and v == int(v):
        return str(int(v))
    return str(v)




# ---------------------------------------------------------------------------- rebuilds


def carry_lighting(old: Any, new: Any) -> None:
    """Give a rebuilt session's lighting the state of the old one (by attribute name).

    The console rebuilds its session after every edit; without this the new session
    would start from the rig's home state, and the stage would go dark under the TD
    recording a look on top of it. Each list's playback takes over where the old one
    is now (fades end there: edits happen on an idle show), with the same touched
    attributes and latest-takes-precedence owner; grandmaster and blackout too.
    Call before the new session opens (its first frame then carries the state)."""
    index = new.layout.index
    pairs = [(i, index[n]) for i, n in enumerate(old.layout.names) if n in index]
    if not pairs:
        return
    oi = np.array([p[0] for p in pairs], dtype=np.int64)
    ni = np.array([p[1] for p in pairs], dtype=np.int64)
    now = old.clock.now()
    old_names = list(old.playbacks)
    for name, pb in old.playbacks.items():
        cur = pb.values(now)
        npb = new.playback(name)
        npb.start[ni] = cur[oi]
        npb.target[ni] = cur[oi]
        npb.dur[ni] = 0.0
        npb.touched[ni] = pb.touched[oi]
        npb.set_time[ni] = pb.set_time[oi]
        npb.touch()
    new_names = list(new.playbacks)
    owner = old._ltp_owner[oi]
    mapped = np.array([new_names.index(old_names[k]) if k >= 0 else -1
                       for k in owner.tolist()], dtype=new._ltp_owner.dtype)
    new._ltp_owner[ni] = mapped
    new.grandmaster = old.grandmaster
    new.blackout = old.blackout


__all__ = ["EPS", "Hold", "Programmer", "ProgrammerError", "carry_lighting", "cues_before",
           "parse_value", "plan_update", "simulate", "tracked_state"]
