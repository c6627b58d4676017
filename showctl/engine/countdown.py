"""A pausable one-shot timer on the injected clock.

Prewaits, postwaits, cue actions and fades are all countdowns: each has an absolute
deadline (so a late wake-up never shifts later deadlines), and pausing remembers the
time left so resuming continues exactly where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable

from showctl.clocks.clock import Clock, TimerHandle


class Countdown:
    def __init__(self, clock: Clock, duration: float, callback: Callable[[], None], *,
                 start: float | None = None) -> None:
        """``start``: when the countdown ideally began (default now). A chain of
        countdowns passes each one's deadline on as the next one's start, so a late
        wake-up on the real clock never shifts the deadlines after it."""
        self._clock = clock
        self._callback = callback
        self.duration = duration
        self.started = clock.now() if start is None else min(start, clock.now())
        self.deadline = self.started + duration
        self._remaining: float | None = None
        self._handle: TimerHandle | None = clock.call_at(self.deadline, self._fire)
        self.done = False

    @property
    def paused(self) -> bool:
        return self._remaining is not None

    def remaining(self) -> float:
        if self.done:
            return 0.0
        if self._remaining is not None:
            return self._remaining
        return max(0.0, self.deadline - self._clock.now())

    def elapsed(self) -> float:
        return self.duration - self.remaining()

    def pause(self) -> None:
        if self.done or self._remaining is not None:
            return
        self._remaining = max(0.0, self.deadline - self._clock.now())
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def resume(self) -> None:
        if self.done or self._remaining is None:
            return
        self.deadline = self._clock.now() + self._remaining
        self._remaining = None
        self._handle = self._clock.call_at(self.deadline, self._fire)

    def cancel(self) -> None:
        self.done = True
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        if self.done:
            return
        self.done = True
        self._handle = None
        self._callback()
