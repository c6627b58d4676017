"""Lighting state as arrays, playbacks that fade them, and the DMX frame loop.

The rig is a vector of *attributes* (a dimmer channel, a fixture's pan, its red…), each
a float 0..1 with a home value, an intensity flag (HTP) and where it lands in DMX. Every
cue list is a *playback* with its own current values and fades; the output is their
merge: intensity highest-takes-precedence, everything else latest-takes-precedence,
intensity scaled by the grandmaster. All of it is computed on whole numpy arrays per
frame, so cost grows with the number of attributes, not with Python loops.

Frames are sent on deadlines (frame k at ``t0 + k / rate``); a GO computes and sends a
frame at once instead of waiting for the next tick. With no fade running the loop sleeps
until woken, so a replay skips idle time (drivers keep their receivers alive with their
own timers). The loop is supervised: a frame that fails is a fault event (once per
cause), and the loop goes on with the next deadline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from showctl.clocks.clock import Clock
from showctl.drivers.base import DmxPayload
from showctl.engine.dmx_render import Renderer
from showctl.engine.playback import Playback
from showctl.engine.rig import CURVES, F32, F64, RigLayout, Slot

_DONE = object()

__all__ = ["CURVES", "F32", "F64", "FadeSpec", "Lighting", "Overlay", "Playback",
           "Renderer", "RigLayout", "Slot"]


class Overlay(Protocol):
    """A layer over the merged output (see :attr:`Lighting.overlay`).

    ``apply`` gets the merged values (possibly an array the caller must not change)
    and returns the output (a new array when it changes anything); ``apply_at`` does
    the same for the attributes ``idx`` only; ``busy`` says it is fading at ``now``."""

    def apply(self, out: F32, now: float) -> F32: ...

    def apply_at(self, out: F32, now: float, idx: npt.NDArray[np.int64]) -> F32: ...

    def busy(self, now: float) -> bool: ...


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
        on_fault: Callable[[str], None] = lambda reason: None,
        on_recovered: Callable[[str], None] = lambda reason: None,
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
        self.on_fault = on_fault
        """Reports a failed frame (the session turns it into a ``fault`` event)."""
        self.on_recovered = on_recovered
        """Reports frames going out again after failures (a ``recovered`` event)."""
        self.failed_frames = 0
        self._fault_reason: str | None = None
        self._wake = asyncio.Event()
        self.frames = 0
        self.skipped = 0
        """Frames dropped because the loop fell a whole frame behind (never sent late)."""
        self.t0: float | None = None
        self.last_values = self.home.copy()
        self._job: Iterator[None] | None = None
        """A big GO being set up slice by slice (see :meth:`run_job`)."""
        self._rendering = True
        self.overlay: Overlay | None = None
        """A highest-priority layer over the merged playbacks, before the grandmaster:
        the console's programmer (:mod:`showctl.engine.programmer`). None = none."""

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
        if self.overlay is not None:
            out = self.overlay.apply(out, now)
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

    def fade(self, playback: str, spec: FadeSpec, owner: int, *, at: float | None = None,
             send: bool = True, sliced: bool = False) -> None:
        """Start fades from each attribute's current value (interrupted fades never jump).

        ``at`` is when the fade counts from (default now): the moment its cue started.
        ``sliced``: one slice of a big GO (:meth:`run_job`): only its attributes are
        computed, and the GO's frame is sent (``send``) after the last slice."""
        if not sliced:
            self.finish_jobs()
        now = self.clock.now() if at is None else at
        pb = self.playback(playback)
        idx = spec.indices
        pb.start[idx] = pb.values_at(now, idx) if sliced else pb.values(now)[idx]
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
        if send:
            self.send_now(first=idx)
        else:
            self._wake.set()

    # ------------------------------------------------------------------ big GOs

    def run_job(self, steps: Iterator[None]) -> None:
        """Run ``steps`` one per event-loop turn (a big GO's slices), so the frame loop
        keeps its deadlines in between; then send a whole frame at once. Anything that
        changes the lighting first finishes a pending job (:meth:`finish_jobs`), so
        slices never interleave with another change."""
        self.finish_jobs()
        self._job = steps

        def step() -> None:
            if self._job is not steps:
                return  # finished by someone else
            if next(steps, _DONE) is _DONE:
                # The next frame (the loop is awake) carries the whole GO: an immediate
                # full frame here would cost the frame after it a frame's time.
                self._job = None
                self._wake.set()
                return
            self.clock.call_at(self.clock.now(), step)

        # Even the first slice waits for the loop's next turn: the GO itself returns
        # at once (a frame due now goes first).
        self.clock.call_at(self.clock.now(), step)

    def finish_jobs(self) -> None:
        """Apply what is left of a pending big GO now."""
        job, self._job = self._job, None
        if job is not None:
            for _ in job:
                pass
            self.send_now()

    def target_of(self, playback: str) -> F32:
        return self.playback(playback).target

    def pause(self, owner: int) -> None:
        self.finish_jobs()
        now = self.clock.now()
        for pb in self.playbacks.values():
            mask = (pb.owner == owner) & np.isnan(pb.frozen_at)
            pb.frozen_at[mask] = now
            pb.touch()

    def resume(self, owner: int) -> None:
        self.finish_jobs()
        now = self.clock.now()
        for pb in self.playbacks.values():
            mask = (pb.owner == owner) & ~np.isnan(pb.frozen_at)
            pb.t_start[mask] += now - pb.frozen_at[mask]
            pb.frozen_at[mask] = np.nan
            pb.touch()
        self._wake.set()

    def stop(self, owner: int) -> None:
        """Stop a cue's fades where they are (a stopped light cue holds, as on a desk)."""
        self.finish_jobs()
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
        self._fade_to_zero(lambda pb: (pb.owner == owner) & self.is_int, duration,
                           release=False)
        self.send_now()

    def panic_out(self, duration: float) -> None:
        """Panic (``panic_lights: out``): every intensity on stage, in every playback,
        fades from where it is to zero over ``duration``; other attributes keep doing
        what they do."""
        self._fade_to_zero(lambda pb: pb.touched & self.is_int, duration, release=True)

    def _fade_to_zero(self, select: Callable[[Playback], npt.NDArray[np.bool_]],
                      duration: float, *, release: bool) -> None:
        """Fade the attributes ``select`` picks in each playback from where they are to
        zero; ``release``: they no longer belong to any cue (stopping a cue won't hold
        them)."""
        self.finish_jobs()
        now = self.clock.now()
        for pb in self.playbacks.values():
            mask = select(pb)
            if mask.any():
                cur = pb.values(now)
                pb.start[mask] = cur[mask]
                pb.target[mask] = 0.0
                pb.t_start[mask] = now
                pb.dur[mask] = duration
                pb.curve[mask] = 0
                pb.frozen_at[mask] = np.nan
                if release:
                    pb.owner[mask] = -1
                pb.touch()
        self.send_now()

    def hold_all(self) -> None:
        """Panic (``panic_lights: hold``): every fade stops where it is now."""
        self.settle_at(self.clock.now())

    def settle_at(self, when: float) -> None:
        """Every fade jumps to where it will be at clock time ``when`` and holds there
        (a second panic completes the first: no level freezes part-way)."""
        self.finish_jobs()
        for pb in self.playbacks.values():
            if not pb.touched.any():
                continue
            cur = pb.values(when).copy()
            pb.start[:] = cur
            pb.target[:] = cur
            pb.frozen_at[:] = np.nan
            pb.owner[:] = -1
            pb.touch()
        self.send_now()

    # ------------------------------------------------------------------ frames

    def busy(self, now: float) -> bool:
        return any(pb.ends() > now for pb in self.playbacks.values()) or (
            self.overlay is not None and self.overlay.busy(now))

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
        if self.overlay is not None:
            out = self.overlay.apply_at(out, now, idx)
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
        if first is not None and 0 < len(first) <= 8 * 512:
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
            assert first is not None
            # What was just sent is what views show (``last_values``), not the last tick's.
            # Into a copy: when nothing was fading, the last tick's values *are* the
            # playback's target array (``values()`` returns it as is), and writing into
            # it would put the old levels back as the new fade's targets (a fade down
            # ended back at its start level).
            self.last_values = self.last_values.copy()
            self.last_values[first] = self.values_at(now, first)
        for output, changed in frame.items():
            self._send_frame(output, now, changed)
        self._wake.set()

    @property
    def rendering(self) -> bool:
        """False: the frame loop computes and sends nothing and sleeps until this is
        True again (a crash resume fast-forwarding, whose outputs are muted anyway: a
        frame tick per 1/44 s of a two-hour journal would be most of its time)."""
        return self._rendering

    @rendering.setter
    def rendering(self, on: bool) -> None:
        self._rendering = on
        if on:
            self._wake.set()

    async def run(self) -> None:
        """The frame loop: frame k at t0 + k / rate, never ``sleep(interval)``."""
        self.t0 = self.clock.now()
        k = 0
        outputs = sorted({s.output for s in self.layout.slots})
        rendered_at = -np.inf
        overlay_was_busy = False
        while True:
            now = self.clock.now()
            try:
                ends = max((pb.ends() for pb in self.playbacks.values()), default=-np.inf)
                overlay_busy = self.overlay is not None and self.overlay.busy(now)
            except Exception as exc:  # supervised: keep ticking, say so once
                self._report(f"frame loop: {exc!r}", type(exc).__name__ + str(exc))
                ends, overlay_busy = np.inf, True
            # Idle only once a frame at or after the last fade's end has gone out: a frame
            # that finishes late must not leave a fade one step short of its level. (The
            # overlay's release fades get one frame after they end, for the same reason.)
            settled = ends <= now and rendered_at >= ends
            quiet = not overlay_busy and not overlay_was_busy
            overlay_was_busy = overlay_busy
            if (settled and quiet) or not self._rendering:
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
            rendered_at = deadline
            if self.rendering:
                self.tick(deadline, outputs)

    def tick(self, deadline: float, outputs: list[str]) -> bool:
        """Compute and send the frame due at ``deadline``; False if it failed.

        A failure (a fixture program, a playback, a renderer that raises) never ends the
        frame loop: it is reported once per cause and the next deadline is tried anew."""
        try:
            frame = self.compute_frame(deadline)
        except Exception as exc:
            self.failed_frames += 1
            self._report(f"frame at {deadline:.3f} failed: {exc!r}",
                         type(exc).__name__ + str(exc))
            return False
        if self._fault_reason is not None:
            self._fault_reason = None
            self.on_recovered(f"frames resumed at {deadline:.3f} after "
                              f"{self.failed_frames} failed")
        self.frames += 1
        for output in outputs:
            self._send_frame(output, deadline, frame.get(output, []))
        return True

    def _report(self, reason: str, cause: str) -> None:
        if cause != self._fault_reason:
            self._fault_reason = cause
            self.on_fault(reason)
