"""Timecode chase: fire a list's cues when incoming timecode reaches their trigger.

Pure logic on the injected clock, fed decoded timecode, so it is tested on the virtual
clock frame by frame:

* :class:`MtcDecoder` turns MIDI timecode (quarter frames, full frames) into
  :class:`TcSample` s — a position in real seconds since 00:00:00:00 and the clock
  time it was true. Once locked, *every* quarter frame is a sample (four a frame), and
  the time of a cycle's piece 0 is the exact start of the frame it carries. A full
  frame (a locate) is a stopped position; quarter frames that start after it (at once,
  or when playback starts later) lock at once to the full frame's label instead of
  waiting two frames for a cycle.
* :class:`ArtnetTimecodeDecoder` does the same for ArtTimeCode (one packet a frame; a
  label repeated for more than a frame means the sender is paused).
* :class:`Chaser` keeps, per cue list, a model ``position(t) = t - origin`` of the
  incoming timecode. ``origin`` is the *minimum* of ``arrival - position`` over the
  last samples: network and scheduling delays only ever make a sample late, so the
  minimum is the best estimate of when the sender meant it. Each cue's fire time is
  then known in advance (``origin + trigger``) and is a single ``clock.call_at``: a
  cue fires on its frame, not on the next sample after it.

Jumps: a sample more than two frames away from the model is a jump (a locate, a
skip, the day wrapping). Cues jumped over forward are *not* fired unless the list
says ``fire_skipped: true``; jumping back re-arms the cues after the new position.
A cue exactly on the frame located to (within half a frame) counts as reached.

Dropouts: without samples for ``dropout_after`` (0.1 s) the chaser is *freewheeling*:
it keeps running on its model and keeps firing cues, for ``freewheel`` seconds after
the last sample; then it stops and fires nothing until timecode comes back.
"""

from __future__ import annotations

import bisect
import enum
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from showctl.clocks.clock import Clock, TimerHandle
from showctl.model.triggers import TimecodeChase
from showctl.protocols.midi import FrameRate, MtcFullFrame, MtcQuarterFrame, Timecode

__all__ = [
    "ArtnetTimecodeDecoder",
    "ChaseState",
    "Chaser",
    "MtcDecoder",
    "TcSample",
    "artnet_rate",
]

_log = logging.getLogger(__name__)
_WINDOW = 24
"""Samples the origin estimate looks back over (6 frames of quarter frames)."""
_WINDOW_AGE = 1.0
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class TcSample:
    """Incoming timecode: ``seconds`` after 00:00:00:00 was showing at clock time ``at``."""

    seconds: float
    at: float
    rate: FrameRate
    running: bool = True
    """False for a locate (MTC full frame) or a paused sender: the position stands still."""


class ChaseState(enum.StrEnum):
    STOPPED = "stopped"
    """No timecode (never seen, or lost longer than the freewheel time)."""
    LOCATED = "located"
    """Parked on a position (a full frame), waiting for timecode to run."""
    RUNNING = "running"
    FREEWHEEL = "freewheel"
    """Timecode stopped arriving; running on the model for up to ``freewheel`` s."""


def _frame_seconds(rate: FrameRate) -> float:
    return float(1 / rate.fps)


# ============================================================================ decoders


class MtcDecoder:
    """MIDI timecode → samples, for one MIDI input."""

    def __init__(self) -> None:
        self._values = [0] * 8
        self._expect = 0
        self._cycle: Timecode | None = None
        """The label the current 8-piece cycle carries (known once locked)."""
        self._full: tuple[Timecode, float] | None = None
        self._last_at = float("-inf")

    def full_frame(self, ff: MtcFullFrame, at: float) -> TcSample:
        tc = ff.timecode
        self._cycle = None
        self._expect = 0
        self._full = (tc, at)
        return TcSample(tc.to_seconds(), at, tc.rate, running=False)

    def quarter_frame(self, qf: MtcQuarterFrame, at: float) -> TcSample | None:
        piece = qf.piece
        gap = at - self._last_at
        self._last_at = at
        if gap > 2 / 24:
            # Two frames without a quarter frame (four are sent a frame): whatever we
            # predicted is stale; relock from the stream itself.
            self._cycle = None
            self._expect = 0
        if piece != self._expect:
            self._cycle = None  # out of sequence: a dropped byte, reverse play, start-up
            self._expect = 0
            if piece != 0:
                return None
        self._values[piece] = qf.value
        self._expect = (piece + 1) % 8
        if piece == 0 and self._cycle is None and self._full is not None:
            tc, t_full = self._full
            if at >= t_full:
                # Quarter frames starting after a locate (at once, or when playback
                # starts seconds later) start from the located frame: lock now. Piece 7
                # corrects it if the stream says otherwise.
                self._cycle = tc
        if piece == 0:
            self._full = None
        sample: TcSample | None = None
        if self._cycle is not None:
            cyc = self._cycle
            sample = TcSample(cyc.to_seconds() + piece / 4 * _frame_seconds(cyc.rate), at,
                              cyc.rate)
        if piece == 7:
            decoded = self._decode()
            if decoded is not None and (self._cycle is None or decoded != self._cycle):
                # First lock, or the stream says something else than we predicted.
                sample = TcSample(decoded.to_seconds() + 1.75 * _frame_seconds(decoded.rate),
                                  at, decoded.rate)
                self._cycle = decoded
            if self._cycle is not None:
                self._cycle = self._cycle + 2
        return sample

    def _decode(self) -> Timecode | None:
        v = self._values
        try:
            rate = FrameRate(v[7] >> 1 & 0x03)
            hours = (v[7] & 0x01) << 4 | v[6]
            return Timecode(hours, v[5] << 4 | v[4], v[3] << 4 | v[2], v[1] << 4 | v[0], rate)
        except ValueError:
            return None


def artnet_rate(type_code: int) -> FrameRate:
    """ArtTimeCode ``Type`` (0 film 24, 1 EBU 25, 2 DF 29.97, 3 SMPTE 30) → rate."""
    return FrameRate(type_code)


class ArtnetTimecodeDecoder:
    """ArtTimeCode packets → samples (one a frame; a repeated label = paused)."""

    def __init__(self) -> None:
        self._last: tuple[Timecode, float] | None = None

    def feed(self, hours: int, minutes: int, seconds: int, frames: int, type_code: int,
             at: float) -> TcSample | None:
        try:
            tc = Timecode(hours, minutes, seconds, frames, artnet_rate(type_code))
        except ValueError:
            return None
        last = self._last
        if last is not None and last[0] == tc:
            if at - last[1] > 1.5 * _frame_seconds(tc.rate):
                return TcSample(tc.to_seconds(), at, tc.rate, running=False)
            return None  # a duplicate within the frame: nothing new
        self._last = (tc, at)
        return TcSample(tc.to_seconds(), at, tc.rate)


# ============================================================================ chaser


class Chaser:
    """Chases incoming timecode for one cue list and fires its timecode-triggered cues."""

    def __init__(
        self,
        list_name: str,
        settings: TimecodeChase,
        clock: Clock,
        fire: Callable[[str, str], None],
        triggers: list[tuple[str, str]],
        *,
        dropout_after: float = 0.1,
        precision: float = 0.0,
    ) -> None:
        """``triggers``: (cue number, "HH:MM:SS:FF" at ``settings.fps``).

        ``precision`` > 0: wake that many seconds before a cue's instant and wait the
        rest precisely (a busy-wait bounded by ``precision`` + 0.5 ms of wall time).
        The loop's timers have 1 ms granularity (epoll), so a plain timer fires up to
        1 ms late; this trades at most that much CPU per timecode cue for accuracy.
        Use 0 on the virtual clock (its timers are exact).
        """
        self.list = list_name
        self.settings = settings
        self.clock = clock
        self._fire_cb = fire
        self.rate = FrameRate.parse(f"{settings.fps:g}")  # 25.0 → "25"
        self.dropout_after = dropout_after
        self.precision = precision
        self.problems: list[str] = []
        points: list[tuple[float, str]] = []
        for number, label in triggers:
            try:
                tc = Timecode.parse(label, self.rate)
            except ValueError as exc:
                self.problems.append(f"cue {number}: {exc}")
                continue
            points.append((float(Fraction(tc.frame_count) / self.rate.fps), number))
        points.sort()
        self.points = points
        self._times = [p[0] for p in points]
        self.state = ChaseState.STOPPED
        self.in_rate: FrameRate | None = None
        self._origin = 0.0
        self._window: deque[tuple[float, float]] = deque(maxlen=_WINDOW)
        self._static = 0.0
        self._last_seen = float("-inf")
        self._next = 0
        self._handled: float | None = None
        self._timer: TimerHandle | None = None
        self._timer_at = 0.0
        self._watchdog: TimerHandle | None = None
        self.fired: list[tuple[float, str]] = []
        """(clock time, cue number) of every cue this chaser fired."""
        self.jumps = 0

    # ------------------------------------------------------------------ display

    def position(self, now: float | None = None) -> float | None:
        """Where the incoming timecode is now (seconds), or None if never seen."""
        if self.state in (ChaseState.RUNNING, ChaseState.FREEWHEEL):
            t = self.clock.now() if now is None else now
            return t - self._origin
        if self.state is ChaseState.LOCATED or self._handled is not None:
            return self._static
        return None

    @property
    def timecode(self) -> Timecode | None:
        """The current incoming timecode, labelled at the incoming rate."""
        pos = self.position()
        if pos is None:
            return None
        return Timecode.from_seconds(max(0.0, pos), self.in_rate or self.rate)

    # ------------------------------------------------------------------ input

    def feed(self, sample: TcSample) -> None:
        """One decoded timecode sample (call it as soon as it arrives)."""
        at = sample.at
        self._last_seen = at
        self.in_rate = sample.rate
        tol = 2 * _frame_seconds(sample.rate)
        if not sample.running:
            if self.state is ChaseState.LOCATED and abs(sample.seconds - self._static) <= _EPS:
                return
            here = self.position(at) if self.state is not ChaseState.STOPPED else None
            self._cancel_timer()
            self._window.clear()
            if here is None or abs(sample.seconds - here) > tol:
                self._jump(sample.seconds, sample.rate)
            else:  # stopped (or re-announced) where it was: not a jump
                self._fire_due_at(sample.seconds)
            self.state = ChaseState.LOCATED
            self._static = sample.seconds
            self._arm_watchdog()
            return
        if self.state in (ChaseState.RUNNING, ChaseState.FREEWHEEL):
            expected: float | None = at - self._origin
        elif self.state is ChaseState.LOCATED:
            expected = self._static  # running from the locate point: no jump
        else:
            expected = None
        if expected is None or abs(sample.seconds - expected) > tol:
            self._jump(sample.seconds, sample.rate)
            self._window.clear()
        elif self.state is ChaseState.LOCATED:
            self._window.clear()
        self._window.append((at, at - sample.seconds))
        while self._window and at - self._window[0][0] > _WINDOW_AGE:
            self._window.popleft()
        self._origin = min(o for _, o in self._window)
        self.state = ChaseState.RUNNING
        self._fire_due(at)
        self._arm_timer()
        self._arm_watchdog()

    # ------------------------------------------------------------------ jumps & firing

    def _jump(self, pos: float, rate: FrameRate) -> None:
        half = _frame_seconds(rate) / 2
        first = bisect.bisect_left(self._times, pos - half)
        prev = self._handled
        if prev is not None and pos > prev and self.settings.fire_skipped:
            for _t, number in self.points[self._next:first]:
                self._fire(number)
        if prev is not None:
            self.jumps += 1
        self._next = first
        self._handled = pos - half
        self._static = pos

    def _fire_due(self, now: float) -> None:
        self._fire_due_at(now - self._origin)

    def _fire_due_at(self, pos: float) -> None:
        while self._next < len(self.points) and self.points[self._next][0] <= pos + _EPS:
            number = self.points[self._next][1]
            self._next += 1
            self._fire(number)
        self._handled = pos if self._handled is None else max(self._handled, pos)
        self._static = pos

    def _fire(self, number: str) -> None:
        self.fired.append((self.clock.now(), number))
        try:
            self._fire_cb(self.list, number)
        except Exception:  # a cue must never stop the chase
            _log.exception("timecode chase %s: firing cue %s failed", self.list, number)

    def _arm_timer(self) -> None:
        if self._next >= len(self.points):
            self._cancel_timer()
            return
        when = self._origin + self.points[self._next][0]
        if self._timer is not None and abs(when - self._timer_at) < 20e-6:
            return
        self._cancel_timer()
        self._timer_at = when
        self._timer = self.clock.call_at(when - self.precision, self._on_timer)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _on_timer(self) -> None:
        self._timer = None
        now = self.clock.now()
        if self.state not in (ChaseState.RUNNING, ChaseState.FREEWHEEL):
            return
        if now - self._last_seen > self._ride_out():
            self._stop(now)
            return
        if self.precision > 0 and now < self._timer_at:
            # Woken early on purpose: wait out the rest, then the cue is due.
            now = max(self._wait_until(self._timer_at), self._timer_at)
        self._fire_due(now)
        self._arm_timer()

    def _wait_until(self, when: float) -> float:
        """Busy-wait on the clock until ``when``, bounded in wall time."""
        give_up = time.perf_counter() + self.precision + 0.0005
        now = self.clock.now()
        while now < when and time.perf_counter() < give_up:
            now = self.clock.now()
        return now

    # ------------------------------------------------------------------ dropouts

    def _ride_out(self) -> float:
        return max(self.settings.freewheel, self.dropout_after)

    def _arm_watchdog(self) -> None:
        if self._watchdog is None:
            self._watchdog = self.clock.call_at(self._last_seen + self.dropout_after,
                                                self._check)

    def _check(self) -> None:
        self._watchdog = None
        now = self.clock.now()
        silent = now - self._last_seen
        if self.state is ChaseState.STOPPED:
            return
        if silent < self.dropout_after - _EPS:
            self._arm_watchdog()
            return
        if self.state is ChaseState.LOCATED:
            return  # parked: nothing to ride out
        if silent >= self._ride_out() - _EPS:
            self._stop(now)
            return
        self.state = ChaseState.FREEWHEEL
        self._watchdog = self.clock.call_at(self._last_seen + self._ride_out(), self._check)

    def _stop(self, now: float) -> None:
        end = min(now, self._last_seen + self._ride_out())
        pos = end - self._origin  # cues after this point stay unfired
        self._handled = pos
        self._static = pos
        self._cancel_timer()
        self.state = ChaseState.STOPPED
        self._window.clear()

    def close(self) -> None:
        self._cancel_timer()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
