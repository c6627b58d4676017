"""A clock whose time moves only when a test says so.

``ManualClock`` implements the :class:`~showctl.clocks.clock.Clock` protocol for tests
of front ends that run inside someone else's event loop (a Textual app under
``run_test``), where the virtual event loop cannot be used. Time starts at ``start``
and never reads the wall clock: :meth:`advance` moves it forward, firing every due
timer in deadline order with ``now()`` equal to that timer's deadline, so countdowns,
the double-GO guard and fades can be asserted exactly.

Sleepers (``await clock.sleep_until(t)``) are woken by resolving a future when their
deadline is passed; the sleeping task itself resumes the next time the event loop runs
it. :meth:`advance` is synchronous (callbacks run inside it); :meth:`advance_async`
also lets the loop run woken tasks between deadlines, so a task that sleeps again
(the lighting frame loop) sees every one of its deadlines.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable


class ManualTimer:
    """A scheduled callback of a :class:`ManualClock`; ``cancel()`` it to drop it."""

    __slots__ = ("_cancelled", "callback", "deadline")

    def __init__(self, deadline: float, callback: Callable[[], None]) -> None:
        self.deadline = deadline
        self.callback = callback
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled


class ManualClock:
    """A :class:`~showctl.clocks.clock.Clock` driven by :meth:`advance` only."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)
        self._heap: list[tuple[float, int, ManualTimer]] = []
        self._seq = itertools.count()

    # ------------------------------------------------------------------ Clock protocol

    def now(self) -> float:
        return self._now

    def call_at(self, deadline: float, callback: Callable[[], None]) -> ManualTimer:
        timer = ManualTimer(float(deadline), callback)
        heapq.heappush(self._heap, (timer.deadline, next(self._seq), timer))
        return timer

    async def sleep_until(self, deadline: float) -> None:
        if deadline <= self._now:
            await asyncio.sleep(0)  # yield once, as LoopClock does
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not fut.done():
                fut.set_result(None)

        timer = self.call_at(deadline, wake)
        try:
            await fut
        finally:
            timer.cancel()

    # ------------------------------------------------------------------ test controls

    def next_deadline(self) -> float | None:
        """The earliest pending (not cancelled) deadline, if any."""
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def pending(self) -> int:
        """How many timers are scheduled and not cancelled."""
        return sum(1 for _, _, t in self._heap if not t.cancelled)

    def _fire_due(self, target: float) -> bool:
        nxt = self.next_deadline()
        if nxt is None or nxt > target:
            return False
        _, _, timer = heapq.heappop(self._heap)
        self._now = max(self._now, timer.deadline)
        timer.cancel()  # a timer fires once
        timer.callback()
        return True

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``, firing due timers in deadline order.

        Timers scheduled by a callback for a deadline inside the window fire too.
        """
        if seconds < 0:
            raise ValueError("time cannot go backwards")
        target = self._now + seconds
        while self._fire_due(target):
            pass
        self._now = target

    async def advance_async(self, seconds: float, *, yields: int = 3) -> None:
        """Like :meth:`advance`, but let the event loop run after each due timer.

        Tasks woken from :meth:`sleep_until` then run (and may sleep again) before
        time moves on to the next deadline.
        """
        if seconds < 0:
            raise ValueError("time cannot go backwards")
        target = self._now + seconds
        for _ in range(yields):
            await asyncio.sleep(0)
        while self._fire_due(target):
            for _ in range(yields):
                await asyncio.sleep(0)
        self._now = target
        for _ in range(yields):
            await asyncio.sleep(0)
