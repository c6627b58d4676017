"""A timecode generator: MTC quarter frames on exact deadlines, and a per-frame feed.

:class:`TimecodeGenerator` runs on the injected :class:`~showctl.clocks.clock.Clock`.
From a start instant ``t0`` at timecode ``tc0`` it emits:

* an MTC full frame at start and on every :meth:`~TimecodeGenerator.locate` (the way
  a receiver is told to jump);
* quarter frame ``k`` at exactly ``t0 + k / (4 · fps)`` (computed from ``k`` each time
  with exact fractions, so there is no drift however long it runs; at 29.97 DF the
  real rate is 30000/1001 and only the *labels* skip, which
  :meth:`~showctl.protocols.midi.Timecode.from_frames` handles). Piece 0 of each
  8-piece cycle falls on a frame start and the cycle carries that frame's label;
* ``on_frame(tc)`` at every frame start, with the label showing from then on: feed
  ``tc.as_artnet()`` (hours, minutes, seconds, frames, type) to an ArtTimeCode encoder.

If the loop falls more than two quarter frames behind (a stalled machine), the generator
skips ahead to the next cycle boundary instead of bursting stale pieces: receivers see a
short gap and relock to correct time rather than chasing wrong time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from fractions import Fraction

from showctl.clocks.clock import Clock
from showctl.protocols.midi import FrameRate, MtcFullFrame, MtcQuarterFrame, Timecode

__all__ = ["TimecodeGenerator"]


class TimecodeGenerator:
    """Generates MTC (and a per-frame timecode feed) from a start timecode.

    ``send`` gets each MIDI message as bytes (e.g. ``lambda b:
    midi_driver.send(MidiPayload(b))``); ``on_frame`` gets the :class:`Timecode` of
    each frame as it starts. Both are called on the event loop and must not block.
    """

    def __init__(
        self,
        clock: Clock,
        send: Callable[[bytes], None] | None = None,
        rate: FrameRate | str | int | float = FrameRate.FPS_25,
        *,
        on_frame: Callable[[Timecode], None] | None = None,
        device: int = 0x7F,
        quarter_frames: bool = True,
    ) -> None:
        self.clock = clock
        self.send = send
        self.rate = FrameRate.parse(rate)
        self.on_frame = on_frame
        self.device = device
        self.quarter_frames = quarter_frames and send is not None
        self._slots = 4 if self.quarter_frames else 1  # ticks per frame
        self._tick = 1 / (self.rate.fps * self._slots)  # exact Fraction
        self._t0 = 0.0
        self._n0 = 0
        self._task: asyncio.Task[None] | None = None
        self._position = Timecode(rate=self.rate)
        self.resyncs = 0
        """How often the generator fell behind and skipped to the next cycle."""

    # ------------------------------------------------------------------ control

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def position(self) -> Timecode:
        """The timecode showing now (while running), else where it stopped/was located."""
        if not self.running:
            return self._position
        elapsed = Fraction(self.clock.now() - self._t0) * self.rate.fps
        return Timecode.from_frames(self._n0 + max(0, int(elapsed)), self.rate)

    def start(self, at: Timecode | str | None = None, *, when: float | None = None) -> None:
        """Run from ``at`` (default: the current position) starting at clock time ``when``
        (default: now). The full frame goes out at ``when``, with quarter frame 0."""
        tc = self._coerce(at) if at is not None else self.position
        self.stop()
        self._position = tc
        self._t0 = self.clock.now() if when is None else when
        self._n0 = tc.frame_count
        self._task = asyncio.get_running_loop().create_task(
            self._run(self._t0, self._n0), name="showctl-timecode"
        )

    def stop(self) -> None:
        """Stop sending; :attr:`position` keeps the last frame shown."""
        if self._task is not None:
            self._position = self.position
            self._task.cancel()
            self._task = None

    def locate(self, at: Timecode | str) -> None:
        """Jump to ``at``: a full frame now; if running, quarter frames resume from it."""
        tc = self._coerce(at)
        if self.running:
            self.start(tc)
        else:
            self._position = tc
            self._send_full_frame(tc)

    async def aclose(self) -> None:
        """Stop and wait until the sending task has finished."""
        if self._task is None:
            return
        self._position = self.position
        task, self._task = self._task, None
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def deadline(self, k: int) -> float:
        """Clock time of tick ``k`` (a quarter frame, or a frame without MTC)."""
        return self._t0 + float(k * self._tick)

    # ------------------------------------------------------------------ internals

    def _coerce(self, at: Timecode | str) -> Timecode:
        if isinstance(at, str):
            return Timecode.parse(at, self.rate)
        if at.rate is not self.rate:
            # Same instant of the day, relabelled at our rate.
            return Timecode.from_seconds(at.to_seconds(), self.rate)
        return at

    def _send_full_frame(self, tc: Timecode) -> None:
        if self.send is not None:
            self.send(MtcFullFrame(tc, self.device).encode())

    async def _run(self, t0: float, n0: int) -> None:
        clock, slots = self.clock, self._slots
        await clock.sleep_until(t0)
        self._send_full_frame(Timecode.from_frames(n0, self.rate))
        cycle = 8 if self.quarter_frames else 1
        k = 0
        cycle_tc = Timecode.from_frames(n0, self.rate)
        while True:
            due = self.deadline(k)
            await clock.sleep_until(due)
            late = clock.now() - due
            if late > 2 * float(self._tick):
                # Behind: jump to the first cycle start that is still in the future.
                self.resyncs += 1
                behind = int(Fraction(clock.now() - t0) / self._tick) + 1
                k = -(-behind // cycle) * cycle
                continue
            frame, slot = divmod(k, slots)
            if slot == 0 and self.on_frame is not None:
                self.on_frame(Timecode.from_frames(n0 + frame, self.rate))
            if self.quarter_frames:
                piece = k % 8
                if piece == 0:
                    # A cycle spans two frames and carries the label of its first one.
                    cycle_tc = Timecode.from_frames(n0 + frame, self.rate)
                assert self.send is not None
                self.send(MtcQuarterFrame.of(cycle_tc, piece).encode())
            k += 1
