"""The programmer layer: held attribute values over the lighting output (set, release,
sneak), and what it holds as a light cue's ``fixtures:`` block.

See :mod:`showctl.engine.programmer` for how the layer works."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from showctl.engine.rig import F32
from showctl.lighting.patch import Patch
from showctl.lighting.selection import select_fixtures
from showctl.lighting.values import canonical_attribute, to_normalized
from showctl.model.yamlsource import YamlSyntaxError, load_located

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
            return load_located(t, raw_keys=frozenset()).data  # bounded, like every file
        except YamlSyntaxError:
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


def _show_value(v: Any) -> str:
    if isinstance(v, float) and math.isfinite(v) and v == int(v):
        return str(int(v))
    return str(v)
