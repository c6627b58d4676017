"""Lighting state as arrays, playbacks that fade them, and the DMX frame loop.

The rig is a vector of *attributes* (a dimmer channel, a fixture's pan, its red…), each
a float 0..1 with a home value, an intensity flag (HTP) and where it lands in DMX. Every
cue list is a *playback* with its own current values and fades; the output is their
merge: intensity highest-takes-precedence, everything else latest-takes-precedence,
intensity scaled by the grandmaster. All of it is computed on whole numpy arrays per
frame, so cost grows with the number of attributes, not with Python loops.

Frames are sent on deadlines (frame k at ``t0 + k / rate``); a GO computes and sends a
frame at once instead of waiting for the next tick. With no fade running and no driver
needing keep-alive ticks, the loop sleeps until woken, so a replay skips idle time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from showctl.drivers.base import DmxPayload
from showctl.engine.clock import Clock
from showctl.engine.curves import apply_curve_array

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
CURVES = ("linear", "s_curve", "snap")


@dataclass(slots=True)
class Slot:
    """Where one attribute lands: output, universe, coarse offset, optional fine offset."""

    output: str
    universe: int
    coarse: int
    fine: int | None = None


@dataclass(slots=True)
class RigLayout:
    """The attribute table of a rig: built from the patch and any raw channels."""

    names: list[str] = field(default_factory=list)
    home: list[float] = field(default_factory=list)
    intensity: list[bool] = field(default_factory=list)
    master: list[bool] = field(default_factory=list)
    snap: list[bool] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, slot: Slot, *, home: float = 0.0, intensity: bool = False,
            master: bool | None = None, snap: bool = False) -> int:
        """Add an attribute; ``master`` (grandmaster-scaled) defaults to ``intensity``."""
        if name in self.index:
            return self.index[name]
        self.index[name] = len(self.names)
        self.names.append(name)
        self.home.append(home)
        self.intensity.append(intensity)
        self.master.append(intensity if master is None else master)
        self.snap.append(snap)
        self.slots.append(slot)
        return self.index[name]


def _as_slice(idx: npt.NDArray[np.int64]) -> slice | None:
    """``idx`` as a slice when it is a contiguous ascending run, else None."""
    if len(idx) == 0 or int(idx[-1]) - int(idx[0]) != len(idx) - 1:
        return None
    if not bool((np.diff(idx) == 1).all()):
        return None
    return slice(int(idx[0]), int(idx[-1]) + 1)


class Renderer:
    """Writes attribute values into per-universe 512-byte buffers with index arrays."""

    def __init__(self, layout: RigLayout) -> None:
        self.keys = sorted({(s.output, s.universe) for s in layout.slots})
        kpos = {k: i for i, k in enumerate(self.keys)}
        self.buffers = np.zeros((max(1, len(self.keys)), 512), dtype=np.uint8)
        self._last = self.buffers.copy()
        n = len(layout.slots)
        coarse_flat = np.array(
            [kpos[(s.output, s.universe)] * 512 + s.coarse for s in layout.slots], dtype=np.int64
        ) if n else np.zeros(0, dtype=np.int64)
        is16 = np.array([s.fine is not None for s in layout.slots], dtype=bool)
        self.idx8 = np.nonzero(~is16)[0]
        self.idx16 = np.nonzero(is16)[0]
        self.pos8 = coarse_flat[self.idx8]
        self.pos16c = coarse_flat[self.idx16]
        self.pos16f = np.array(
            [kpos[(layout.slots[i].output, layout.slots[i].universe)] * 512
             + (layout.slots[i].fine or 0) for i in self.idx16], dtype=np.int64)
        # Fast path: attributes that fill universes in order (raw channels, dimmer racks)
        # are contiguous on both sides, so gathers and scatters become slice copies.
        self._src8: slice | None = _as_slice(self.idx8)
        self._dst8: slice | None = _as_slice(self.pos8)
        self._t8 = np.zeros(len(self.idx8), dtype=np.float32)
        # Per universe row: its attributes (8-bit and 16-bit) and their byte positions,
        # so a GO can render just the universes it changes.
        self.row_of = np.array([kpos[(s.output, s.universe)] for s in layout.slots],
                               dtype=np.int64) if n else np.zeros(0, dtype=np.int64)
        self._rows: dict[int, tuple[npt.NDArray[np.int64], ...]] = {}
        self._pos16f_by_attr = dict(zip(self.idx16.tolist(), self.pos16f.tolist(), strict=True))
        self._coarse_flat = coarse_flat

    def row_parts(self, row: int) -> tuple[npt.NDArray[np.int64], ...]:
        """(8-bit attrs, their positions, 16-bit attrs, coarse positions, fine positions)."""
        if row not in self._rows:
            attrs = np.nonzero(self.row_of == row)[0]
            is16 = np.isin(attrs, self.idx16)
            a8, a16 = attrs[~is16], attrs[is16]
            fine = np.array([self._pos16f_by_attr[int(a)] for a in a16], dtype=np.int64)
            self._rows[row] = (a8, self._coarse_flat[a8], a16, self._coarse_flat[a16], fine)
        return self._rows[row]

    def render_rows(self, rows: list[int], value_of: Callable[[npt.NDArray[np.int64]], F32]
                    ) -> list[tuple[str, int, bytes]]:
        """Render only ``rows`` (values from ``value_of(attribute indices)``); return the
        changed ones. Same bytes as :meth:`render` would write for those rows."""
        flat = self.buffers.reshape(-1)
        out = []
        for r in rows:
            a8, p8, a16, p16c, p16f = self.row_parts(r)
            if len(a8):
                flat[p8] = value_of(a8) * np.float32(255.0) + np.float32(0.5)
            if len(a16):
                v16 = np.floor(value_of(a16).astype(np.float64) * 65535.0 + 0.5).astype(
                    np.uint32)
                flat[p16c] = (v16 >> 8).astype(np.uint8)
                flat[p16f] = (v16 & 0xFF).astype(np.uint8)
            if not np.array_equal(self.buffers[r], self._last[r]):
                self._last[r] = self.buffers[r]
                out.append((self.keys[r][0], self.keys[r][1], self.buffers[r].tobytes()))
        return out

    def render(self, values: F32) -> list[tuple[str, int, bytes]]:
        """Render and return the universes whose bytes changed since the last render.

        Bytes are ``floor(v * 255 + 0.5)`` (16-bit: ``floor(v * 65535 + 0.5)``, coarse
        then fine), as the fixture library computes them. Values are in 0..1 by
        construction (fades interpolate between in-range levels), so no clip is needed
        and the float→uint8 store truncates, which for non-negative values is floor.
        """
        flat = self.buffers.reshape(-1)
        if len(self.idx8):
            v8 = values[self._src8] if self._src8 is not None else values[self.idx8]
            t8 = self._t8
            np.multiply(v8, 255.0, out=t8)
            np.add(t8, 0.5, out=t8)
            if self._dst8 is not None:
                flat[self._dst8] = t8
            else:
                flat[self.pos8] = t8
        if len(self.idx16):
            v16 = np.floor(values[self.idx16].astype(np.float64) * 65535.0 + 0.5).astype(np.uint32)
            flat[self.pos16c] = (v16 >> 8).astype(np.uint8)
            flat[self.pos16f] = (v16 & 0xFF).astype(np.uint8)
        # Compare 512-byte rows as 64 machine words each: 8x less work than byte-wise.
        changed_rows = np.nonzero(
            (self.buffers.view(np.uint64) != self._last.view(np.uint64)).any(axis=1))[0]
        out = []
        keys, buffers = self.keys, self.buffers
        for r in changed_rows.tolist():
            out.append((keys[r][0], keys[r][1], buffers[r].tobytes()))
        self._last[changed_rows] = self.buffers[changed_rows]
        return out

    def all_universes(self) -> list[tuple[str, int, bytes]]:
        return [(k[0], k[1], self.buffers[i].tobytes()) for i, k in enumerate(self.keys)]


class Playback:
    """One cue list's lighting: current fades of every attribute it has touched.

    The fade arrays (start, target, times) are the state; ``touch()`` after changing
    them compiles a per-frame form in float32 (half the memory traffic of float64, and
    24 bits of mantissa are plenty for 16-bit DMX): times relative to a recent reference
    so float32 keeps sub-millisecond precision, ``1 / duration`` precomputed, paused
    attributes folded into constants. A frame is then a handful of in-place array
    operations over the attributes.
    """

    def __init__(self, name: str, home: F32) -> None:
        n = len(home)
        self.name = name
        self.start = home.astype(np.float32)
        self.target = home.astype(np.float32)
        self.t_start = np.zeros(n)
        self.dur = np.zeros(n)
        self.curve = np.zeros(n, dtype=np.int8)
        self.owner = np.full(n, -1, dtype=np.int64)
        """Run id owning each attribute's fade (for pause/stop of one cue)."""
        self.frozen_at = np.full(n, np.nan)
        """Time at which a paused fade is frozen (NaN = running)."""
        self.touched = np.zeros(n, dtype=bool)
        self.set_time = np.full(n, -np.inf)
        """When this playback last took each attribute (for LTP)."""
        self._p = np.zeros(n, dtype=np.float32)
        self._out = np.zeros(n, dtype=np.float32)
        self.is_int = np.zeros(n, dtype=bool)
        """Which attributes are intensities (set by the Lighting that owns this)."""
        self.touch()

    def touch(self, idx: npt.NDArray[np.int64] | None = None) -> None:
        """Call after changing the fade arrays: recompiles the per-frame form.

        With ``idx`` (the attributes a new fade changed) only those are recompiled, so a
        GO that moves one special costs one special even in a big rig."""
        if idx is not None and self._incremental(idx):
            return
        running = np.isnan(self.frozen_at) & (self.target != self.start)
        self._ends = (float((self.t_start[running] + self.dur[running]).max())
                      if running.any() else -np.inf)
        self._frozen = bool((~np.isnan(self.frozen_at)).any())
        self.all_touched = bool(self.touched.all())
        self.touched_idx = np.nonzero(self.touched)[0]
        self.touched_int = self.is_int[self.touched_idx]
        self._ref = float(self.t_start[running].min()) if running.any() else 0.0
        zero = self.dur <= 0
        with np.errstate(divide="ignore"):
            inv = np.where(zero, 1e12, 1.0 / np.where(zero, 1.0, self.dur))
        # A zero-time fade is complete at its start instant, not one tick later.
        rel = self.t_start - self._ref - np.where(zero, 1e-6, 0.0)
        base = self.start.astype(np.float32)
        delta = (self.target - self.start).astype(np.float32)
        self._curves = [(ci, np.nonzero(self.curve == ci)[0]) for ci in range(1, len(CURVES))]
        self._curves = [(ci, idx) for ci, idx in self._curves if len(idx)]
        if self._frozen:
            # A paused fade is a constant until resumed: fold it into start, no delta.
            frozen = ~np.isnan(self.frozen_at)
            p = np.clip((self.frozen_at[frozen] - self.t_start[frozen]) * inv[frozen], 0, 1)
            shaped = p.copy()
            for ci, name in enumerate(CURVES):
                m = self.curve[frozen] == ci
                if ci and m.any():
                    shaped[m] = apply_curve_array(name, p[m])
            base[frozen] = self.start[frozen] + (self.target[frozen] - self.start[frozen]) * shaped
            delta[frozen] = 0.0
        self._rel = rel.astype(np.float32)
        self._inv = inv.astype(np.float32)
        self._base = base
        self._delta = delta

    def _incremental(self, idx: npt.NDArray[np.int64]) -> bool:
        """Recompile only ``idx``; False when a full compile is needed instead."""
        if getattr(self, "_rel", None) is None or self._frozen:
            return False
        t_start, dur = self.t_start[idx], self.dur[idx]
        if len(idx) > len(self.t_start) // 8 or float(t_start.min(initial=self._ref)) - \
                self._ref > 300.0:
            # Big changes, or float32 times drifting far from their reference: rebuild.
            return False
        if not np.isnan(self.frozen_at[idx]).all():
            return False
        zero = dur <= 0
        with np.errstate(divide="ignore"):
            inv = np.where(zero, 1e12, 1.0 / np.where(zero, 1.0, dur))
        self._rel[idx] = t_start - self._ref - np.where(zero, 1e-6, 0.0)
        self._inv[idx] = inv
        self._base[idx] = self.start[idx]
        self._delta[idx] = self.target[idx] - self.start[idx]
        moving = self.target[idx] != self.start[idx]
        if moving.any():
            self._ends = max(self._ends, float((t_start[moving] + dur[moving]).max()))
        self._curves = [(ci, np.nonzero(self.curve == ci)[0]) for ci in range(1, len(CURVES))]
        self._curves = [(ci, i) for ci, i in self._curves if len(i)]
        self.all_touched = bool(self.touched.all())
        self.touched_idx = np.nonzero(self.touched)[0]
        self.touched_int = self.is_int[self.touched_idx]
        return True

    def values(self, now: float) -> F32:
        if now >= self._ends and not self._frozen:
            # Nothing is fading: every attribute sits on its target (the common case).
            return self.target
        p, out = self._p, self._out
        np.subtract(np.float32(now - self._ref), self._rel, out=p)
        np.multiply(p, self._inv, out=p)
        np.clip(p, 0.0, 1.0, out=p)
        for ci, idx in self._curves:
            p[idx] = apply_curve_array(CURVES[ci], p[idx].astype(np.float64))
        np.multiply(self._delta, p, out=out)
        np.add(out, self._base, out=out)
        return out

    def values_at(self, now: float, idx: npt.NDArray[np.int64]) -> F32:
        """``values(now)[idx]`` computed for ``idx`` only (a GO's few universes)."""
        if now >= self._ends and not self._frozen:
            return self.target[idx]
        p = np.clip((np.float32(now - self._ref) - self._rel[idx]) * self._inv[idx], 0.0, 1.0)
        curve = self.curve[idx]
        for ci in range(1, len(CURVES)):
            m = curve == ci
            if m.any():
                p[m] = apply_curve_array(CURVES[ci], p[m].astype(np.float64))
        return np.asarray(self._base[idx] + self._delta[idx] * p, dtype=np.float32)

    def any_frozen(self) -> bool:
        return self._frozen

    def ends(self) -> float:
        """When the last running (not paused) fade of this playback ends."""
        return self._ends

    def busy_until(self) -> float:
        return self._ends


@dataclass(slots=True)
class FadeSpec:
    """A fade of some attributes of one playback, as a light cue asks for it."""

    indices: npt.NDArray[np.int64]
    targets: F64
    delays: F64
    durations: F64
    curves: npt.NDArray[np.int8]


class Lighting:
    def __init__(
        self,
        layout: RigLayout,
        clock: Clock,
        send_frame: Callable[[str, float, list[DmxPayload]], None],
        *,
        rate: float = 44.0,
        wants_ticks: Callable[[], bool] = lambda: False,
    ) -> None:
        self.layout = layout
        self.clock = clock
        self.rate = rate
        self.home = np.array(layout.home, dtype=np.float32)
        self.is_int = np.array(layout.intensity, dtype=bool)
        self.is_master = np.array(layout.master, dtype=bool)
        self.renderer = Renderer(layout)
        self.playbacks: dict[str, Playback] = {}
        self._claimed = np.zeros(len(self.home), dtype=bool)
        self._ltp_owner = np.full(len(self.home), -1, dtype=np.int16)
        """Per attribute: the playback that set it last (latest takes precedence)."""
        self.grandmaster = 1.0
        self.blackout = False
        self._send_frame = send_frame
        self._wants_ticks = wants_ticks
        self._wake = asyncio.Event()
        self.frames = 0
        self.skipped = 0
        """Frames dropped because the loop fell a whole frame behind (never sent late)."""
        self.t0: float | None = None
        self.last_values = self.home.copy()

    def playback(self, name: str) -> Playback:
        if name not in self.playbacks:
            pb = Playback(name, self.home)
            pb.is_int = self.is_int
            pb.touch()
            self.playbacks[name] = pb
        return self.playbacks[name]

    # ------------------------------------------------------------------ merging

    def values(self, now: float) -> F32:
        """The merged output: HTP for intensity, LTP for the rest, grandmaster applied."""
        scale = 0.0 if self.blackout else self.grandmaster
        out = self.home
        if len(self.playbacks) == 1:
            pb = next(iter(self.playbacks.values()))
            vals = pb.values(now)
            if pb.all_touched:
                out = vals if scale == 1.0 else vals.copy()
            else:
                out = np.where(pb.touched, vals, self.home)
        elif self.playbacks:
            out = self._merge(now)
        if scale != 1.0:
            if out is self.home:
                out = out.copy()
            out[self.is_master] *= np.float32(scale)
        return out

    def _merge(self, now: float) -> F32:
        """Several playbacks: HTP for intensity, LTP (latest set) for the rest.

        The playback covering most of the rig is the base, computed with whole-array
        operations; every other playback is merged on its own attributes only, so a list
        running a few specials beside a big look costs a few specials."""
        pbs = list(self.playbacks.values())
        k_base = max(range(len(pbs)), key=lambda k: len(pbs[k].touched_idx))
        base = pbs[k_base]
        if 4 * len(base.touched_idx) > len(self.home):
            vals = base.values(now)
            out = vals.copy() if base.all_touched else np.where(base.touched, vals, self.home)
        else:
            k_base, out = -1, self.home.copy()
        sparse = [(k, pb) for k, pb in enumerate(pbs) if k != k_base and len(pb.touched_idx)]
        if not sparse:
            return out
        claimed = self._claimed
        for _k, pb in sparse:
            idx = pb.touched_idx
            claimed[idx] = base.touched[idx] if k_base >= 0 else False
        for k, pb in sparse:
            idx = pb.touched_idx
            v = pb.values_at(now, idx)
            ltp = (self._ltp_owner[idx] == k) & ~pb.touched_int
            out[idx[ltp]] = v[ltp]
            sel, vi = idx[pb.touched_int], v[pb.touched_int]
            out[sel] = np.where(claimed[sel], np.maximum(out[sel], vi), vi)
            claimed[sel] = True
        return out

    # ------------------------------------------------------------------ fades

    def fade(self, playback: str, spec: FadeSpec, owner: int, *, at: float | None = None) -> None:
        """Start fades from each attribute's current value (interrupted fades never jump).

        ``at`` is when the fade counts from (default now): the moment its cue started."""
        now = self.clock.now() if at is None else at
        pb = self.playback(playback)
        idx = spec.indices
        current = pb.values(now)
        pb.start[idx] = current[idx]
        pb.target[idx] = spec.targets
        pb.t_start[idx] = now + spec.delays
        pb.dur[idx] = spec.durations
        pb.curve[idx] = spec.curves
        pb.owner[idx] = owner
        pb.frozen_at[idx] = np.nan
        pb.touched[idx] = True
        pb.set_time[idx] = now
        self._ltp_owner[idx] = list(self.playbacks).index(playback)
        pb.touch(idx)
        self.send_now(first=idx)

    def target_of(self, playback: str) -> F32:
        return self.playback(playback).target

    def pause(self, owner: int) -> None:
        now = self.clock.now()
        for pb in self.playbacks.values():
            mask = (pb.owner == owner) & np.isnan(pb.frozen_at)
            pb.frozen_at[mask] = now
            pb.touch()

    def resume(self, owner: int) -> None:
        now = self.clock.now()
        for pb in self.playbacks.values():
            mask = (pb.owner == owner) & ~np.isnan(pb.frozen_at)
            pb.t_start[mask] += now - pb.frozen_at[mask]
            pb.frozen_at[mask] = np.nan
            pb.touch()
        self._wake.set()

    def stop(self, owner: int) -> None:
        """Stop a cue's fades where they are (a stopped light cue holds, as on a desk)."""
        now = self.clock.now()
        for pb in self.playbacks.values():
            mask = pb.owner == owner
            if mask.any():
                cur = pb.values(now)
                pb.start[mask] = cur[mask]
                pb.target[mask] = cur[mask]
                pb.frozen_at[mask] = np.nan
                pb.owner[mask] = -1
                pb.touch()

    def fade_intensity_out(self, owner: int, duration: float) -> None:
        """Panic / fade-out cue: fade the intensities a cue owns to zero."""
        now = self.clock.now()
        for pb in self.playbacks.values():
            mask = (pb.owner == owner) & self.is_int
            if mask.any():
                cur = pb.values(now)
                pb.start[mask] = cur[mask]
                pb.target[mask] = 0.0
                pb.t_start[mask] = now
                pb.dur[mask] = duration
                pb.curve[mask] = 0
                pb.frozen_at[mask] = np.nan
                pb.touch()
        self.send_now()

    # ------------------------------------------------------------------ frames

    def busy(self, now: float) -> bool:
        return any(pb.ends() > now for pb in self.playbacks.values())

    def compute_frame(self, now: float) -> dict[str, list[DmxPayload]]:
        self.last_values = self.values(now)
        by_output: dict[str, list[DmxPayload]] = {}
        for output, universe, data in self.renderer.render(self.last_values):
            by_output.setdefault(output, []).append(DmxPayload(universe, data))
        return by_output

    def values_at(self, now: float, idx: npt.NDArray[np.int64]) -> F32:
        """:meth:`values` for some attributes only (same merge, same grandmaster)."""
        out = self.home[idx].copy()
        htp = np.full(len(idx), -1.0, dtype=np.float32)
        owner = self._ltp_owner[idx]
        is_int = self.is_int[idx]
        for k, pb in enumerate(self.playbacks.values()):
            touched = pb.touched[idx]
            if not touched.any():
                continue
            v = pb.values_at(now, idx)
            ltp = (owner == k) & ~is_int
            out[ltp] = v[ltp]
            mine = is_int & touched
            htp[mine] = np.maximum(htp[mine], v[mine])
        np.copyto(out, htp, where=htp >= 0.0)
        scale = 0.0 if self.blackout else self.grandmaster
        if scale != 1.0:
            out[self.is_master[idx]] *= np.float32(scale)
        return out

    def send_now(self, first: npt.NDArray[np.int64] | None = None) -> None:
        """Send what a GO changed immediately (a GO does not wait for the next tick).

        ``first``: the attributes the GO changed. When they sit in a few universes, only
        those universes are rendered and sent now — a GO's latency does not grow with the
        size of whatever else is fading; the next frame tick carries the rest. Without
        it (or for a GO that touches much of the rig) a whole frame is sent."""
        now = self.clock.now()
        rows = None
        if first is not None and len(first):
            rows = np.unique(self.renderer.row_of[first]).tolist()
            if len(rows) > 8:
                rows = None
        if rows is None:
            frame = self.compute_frame(now)
        else:
            frame = {}
            for output, universe, data in self.renderer.render_rows(
                    rows, lambda idx: self.values_at(now, idx)):
                frame.setdefault(output, []).append(DmxPayload(universe, data))
        for output, changed in frame.items():
            self._send_frame(output, now, changed)
        self._wake.set()

    async def run(self) -> None:
        """The frame loop: frame k at t0 + k / rate, never ``sleep(interval)``."""
        self.t0 = self.clock.now()
        k = 0
        outputs = sorted({s.output for s in self.layout.slots})
        while True:
            now = self.clock.now()
            if not self.busy(now) and not self._wants_ticks():
                self._wake.clear()
                await self._wake.wait()
                # Restart the grid from where we are so frames stay on deadlines.
                self.t0 = self.clock.now()
                k = 0
            k += 1
            deadline = self.t0 + k / self.rate
            now = self.clock.now()
            if deadline < now:
                # We fell behind (a stall): skip the missed deadlines, never burst.
                behind = int((now - self.t0) * self.rate) + 1
                self.skipped += behind - k
                k = behind
                deadline = self.t0 + k / self.rate
            await self.clock.sleep_until(deadline)
            frame = self.compute_frame(deadline)
            self.frames += 1
            for output in outputs:
                self._send_frame(output, deadline, frame.get(output, []))
