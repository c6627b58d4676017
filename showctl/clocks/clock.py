"""Time as the engine sees it: a small ``Clock`` interface and its two implementations.

Everything under ``engine/`` and ``drivers/`` reads time only through a ``Clock``. The
real clock is the running event loop's monotonic time; the virtual clock is the same
``LoopClock`` running on a :class:`~showctl.clocks.virtual.VirtualEventLoop`, whose time
jumps straight to the next deadline whenever every task is waiting. That keeps one code
path for live runs and replays: a replay is not a simulation of the engine, it *is* the
engine on a loop whose time is virtual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol


class TimerHandle(Protocol):
    """What ``Clock.call_at`` returns: something that can be cancelled."""

    def cancel(self) -> None: ...


class Clock(Protocol):
    """The engine's only source of time. Times are seconds on one monotonic axis."""

    def now(self) -> float: ...

    async def sleep_until(self, deadline: float) -> None: ...

    def call_at(self, deadline: float, callback: Callable[[], None]) -> TimerHandle: ...


class LoopClock:
    """A clock that reads the running event loop's time.

    On a normal loop that is the monotonic clock; on a ``VirtualEventLoop`` it is
    virtual time. Deadlines are absolute, so a late wake-up never accumulates drift.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    def now(self) -> float:
        return self.loop.time()

    async def sleep_until(self, deadline: float) -> None:
        delay = deadline - self.loop.time()
        if delay > 0:
            fut: asyncio.Future[None] = self.loop.create_future()
            handle = self.loop.call_at(deadline, _set_done, fut)
            try:
                await fut
            finally:
                handle.cancel()
        else:
            # Yield once so a loop of sleep_until calls can never starve other tasks.
            await asyncio.sleep(0)

    def call_at(self, deadline: float, callback: Callable[[], None]) -> TimerHandle:
        return self.loop.call_at(deadline, callback)


def _set_done(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)
