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

    def render(self, values: F64) -> list[tuple[str, int, bytes]]:
        """Render and return the universes whose bytes changed since the last render."""
        flat = self.buffers.reshape(-1)
        if len(self.idx8):
            # Round half up, as the fixture library does: byte = floor(v * 255 + 0.5).
            flat[self.pos8] = np.floor(np.clip(values[self.idx8], 0, 1) * 255.0 + 0.5
                                       ).astype(np.uint8)
        if len(self.idx16):
            v16 = np.floor(np.clip(values[self.idx16], 0, 1) * 65535.0 + 0.5).astype(np.uint32)
            flat[self.pos16c] = (v16 >> 8).astype(np.uint8)
            flat[self.pos16f] = (v16 & 0xFF).astype(np.uint8)
        changed_rows = np.nonzero((self.buffers != self._last).any(axis=1))[0]
        out = []
        for r in changed_rows:
            out.append((self.keys[r][0], self.keys[r][1], self.buffers[r].tobytes()))
        self._last[changed_rows] = self.buffers[changed_rows]
        return out

    def all_universes(self) -> list[tuple[str, int, bytes]]:
        return [(k[0], k[1], self.buffers[i].tobytes()) for i, k in enumerate(self.keys)]


class Playback:
    """One cue list's lighting: current fades of every attribute it has touched."""

    def __init__(self, name: str, home: F64) -> None:
        n = len(home)
        self.name = name
        self.start = home.copy()
        self.target = home.copy()
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
        self._ends: float | None = None
        self._frozen: bool | None = None

    def touch(self) -> None:
        """Call after changing the fade arrays: drops cached summaries."""
        self._ends = None
        self._frozen = None

    def values(self, now: float) -> F64:
        if now >= self.ends() and not self.any_frozen():
            # Nothing is fading: every attribute sits on its target (the common case).
            return self.target
        eff = np.where(np.isnan(self.frozen_at), now, self.frozen_at)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(self.dur > 0, (eff - self.t_start) / self.dur,
                         np.where(eff >= self.t_start, 1.0, 0.0))
        p = np.clip(p, 0.0, 1.0)
        shaped = p.copy()
        for ci, name in enumerate(CURVES):
            if name == "linear":
                continue
            mask = self.curve == ci
            if mask.any():
                shaped[mask] = apply_curve_array(name, p[mask])
        return np.asarray(self.start + (self.target - self.start) * shaped)

    def any_frozen(self) -> bool:
        if self._frozen is None:
            self._frozen = bool((~np.isnan(self.frozen_at)).any())
        return self._frozen

    def ends(self) -> float:
        """When the last running (not paused) fade of this playback ends."""
        if self._ends is None:
            running = np.isnan(self.frozen_at) & (self.target != self.start)
            self._ends = (float((self.t_start[running] + self.dur[running]).max())
                          if running.any() else -np.inf)
        return self._ends

    def busy_until(self) -> float:
        return self.ends()


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
        self.home = np.array(layout.home, dtype=np.float64)
        self.is_int = np.array(layout.intensity, dtype=bool)
        self.is_master = np.array(layout.master, dtype=bool)
        self.renderer = Renderer(layout)
        self.playbacks: dict[str, Playback] = {}
        self.grandmaster = 1.0
        self.blackout = False
        self._send_frame = send_frame
        self._wants_ticks = wants_ticks
        self._wake = asyncio.Event()
        self.frames = 0
        self.t0: float | None = None
        self.last_values = self.home.copy()

    def playback(self, name: str) -> Playback:
        if name not in self.playbacks:
            self.playbacks[name] = Playback(name, self.home)
        return self.playbacks[name]

    # ------------------------------------------------------------------ merging

    def values(self, now: float) -> F64:
        """The merged output: HTP for intensity, LTP for the rest, grandmaster applied."""
        out = self.home.copy()
        if len(self.playbacks) == 1:
            pb = next(iter(self.playbacks.values()))
            out = np.where(pb.touched, pb.values(now), out)
        elif self.playbacks:
            pbs = list(self.playbacks.values())
            vals = np.stack([pb.values(now) for pb in pbs])
            touched = np.stack([pb.touched for pb in pbs])
            set_time = np.stack([np.where(pb.touched, pb.set_time, -np.inf) for pb in pbs])
            any_t = touched.any(axis=0)
            latest = set_time.argmax(axis=0)
            ltp = vals[latest, np.arange(vals.shape[1])]
            htp = np.where(touched, vals, 0.0).max(axis=0)
            merged = np.where(self.is_int, htp, ltp)
            out = np.where(any_t, merged, out)
        scale = 0.0 if self.blackout else self.grandmaster
        if scale != 1.0:
            out[self.is_master] *= scale
        return out

    # ------------------------------------------------------------------ fades

    def fade(self, playback: str, spec: FadeSpec, owner: int) -> None:
        """Start fades from each attribute's current value (interrupted fades never jump)."""
        now = self.clock.now()
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
        pb.touch()
        self.send_now()

    def target_of(self, playback: str) -> F64:
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

    def send_now(self) -> None:
        """Send a frame immediately (a GO does not wait for the next tick)."""
        now = self.clock.now()
        frame = self.compute_frame(now)
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
                k = int((now - self.t0) * self.rate) + 1
                deadline = self.t0 + k / self.rate
            await self.clock.sleep_until(deadline)
            frame = self.compute_frame(deadline)
            self.frames += 1
            for output in outputs:
                self._send_frame(output, deadline, frame.get(output, []))
