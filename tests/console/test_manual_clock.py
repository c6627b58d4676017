"""ManualClock: time moves only on advance(); timers and sleepers fire in deadline order."""

from __future__ import annotations

import asyncio

import pytest

from showctl.clocks.manual import ManualClock
from showctl.engine.countdown import Countdown


def test_advance_fires_due_timers_in_order_at_their_deadlines() -> None:
    clock = ManualClock()
    seen: list[tuple[str, float]] = []
    clock.call_at(2.0, lambda: seen.append(("b", clock.now())))
    clock.call_at(1.0, lambda: seen.append(("a", clock.now())))
    cancelled = clock.call_at(1.5, lambda: seen.append(("x", clock.now())))
    cancelled.cancel()
    clock.advance(1.0)
    assert seen == [("a", 1.0)] and clock.now() == 1.0
    clock.advance(5.0)
    assert seen == [("a", 1.0), ("b", 2.0)] and clock.now() == 6.0
    with pytest.raises(ValueError, match="time cannot go backwards"):
        clock.advance(-1)


def test_timers_scheduled_by_callbacks_inside_the_window_fire() -> None:
    clock = ManualClock()
    seen: list[float] = []
    clock.call_at(1.0, lambda: clock.call_at(1.5, lambda: seen.append(clock.now())))
    clock.advance(2.0)
    assert seen == [1.5]


def test_countdown_pause_resume_exact() -> None:
    clock = ManualClock()
    done: list[float] = []
    c = Countdown(clock, 4.0, lambda: done.append(clock.now()))
    clock.advance(1.0)
    c.pause()
    clock.advance(10.0)
    assert c.remaining() == 3.0
    c.resume()
    clock.advance(3.0)
    assert done == [14.0]


async def test_sleepers_wake_in_deadline_order() -> None:
    clock = ManualClock()
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, t: float) -> None:
        await clock.sleep_until(t)
        woke.append((name, clock.now()))

    tasks = [asyncio.ensure_future(sleeper("late", 3.0)),
             asyncio.ensure_future(sleeper("early", 1.0))]
    await asyncio.sleep(0)
    await clock.advance_async(1.0)
    assert woke == [("early", 1.0)]
    await clock.advance_async(5.0)
    assert woke == [("early", 1.0), ("late", 3.0)]
    await asyncio.gather(*tasks)
    assert clock.pending() == 0


async def test_periodic_sleeper_sees_every_deadline_with_advance_async() -> None:
    clock = ManualClock()
    ticks: list[float] = []

    async def loop() -> None:
        for k in range(1, 6):
            await clock.sleep_until(k * 0.25)
            ticks.append(k * 0.25)

    task = asyncio.ensure_future(loop())
    await clock.advance_async(2.0)
    await task
    assert ticks == [0.25, 0.5, 0.75, 1.0, 1.25]
