"""A playback: one cue list's fades of the rig's attributes, compiled for fast frames."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from showctl.engine.curves import apply_curve_array
from showctl.engine.rig import CURVES, F32


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

    def ends(self) -> float:
        """When the last running (not paused) fade of this playback ends."""
        return self._ends

    def busy_until(self) -> float:
        return self._ends
