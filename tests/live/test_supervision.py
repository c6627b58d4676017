"""The one frame loop is supervised (virtual clock, exact times): a failing frame is a
fault event, once per cause, and frames go on at the next deadline; a raising driver
costs that driver's frame only. And the stress that broke the old frame thread: GOs of
light cues in 60 lists in a row while 256 universes fade."""

from __future__ import annotations

from typing import Any

import numpy as np
import yaml

from showctl.clocks.clock import LoopClock
from showctl.clocks.virtual import run_virtual
from showctl.drivers.base import DmxPayload
from showctl.engine import events as ev
from showctl.live.runtime import LiveRuntime
from showctl.testing import make_show as _make_show


def make_show(data: dict[str, Any]) -> Any:
    return _make_show(yaml.safe_dump(data, sort_keys=False))

FADE = {
    "show": {"title": "supervised"},
    "outputs": {"lx": {"kind": "dmx", "universes": [1]}},
    "cuelists": {"main": {"cues": [
        {"number": "1", "type": "light", "channels": {"1": 100}, "time": 2},
    ]}},
}


def _faults(events: list[ev.Event]) -> list[tuple[float, str, str]]:
    return [(round(e.t, 6), e.output, e.reason) for e in events
            if isinstance(e, ev.DriverFaulted | ev.DriverRecovered)]


def test_a_frame_that_raises_is_a_fault_and_frames_go_on() -> None:
    async def main() -> None:
        rt = LiveRuntime(make_show(FADE), clock=LoopClock())
        events: list[ev.Event] = []
        rt.on_event.append(events.append)
        await rt.start()
        session = rt.session
        assert session is not None
        lighting = session.lighting
        clock = session.clock
        t0 = clock.now()
        real = lighting.compute_frame
        broken = {"on": False}

        def compute(now: float) -> dict[str, list[DmxPayload]]:
            if broken["on"]:
                raise RuntimeError("dictionary changed size during iteration")
            return real(now)

        lighting.compute_frame = compute  # type: ignore[method-assign]
        await rt.execute(_go())
        await clock.sleep_until(t0 + 0.5 + 1e-6)  # just after the frame due at 0.5
        frames_before = lighting.frames
        broken["on"] = True  # ten frames fail …
        await clock.sleep_until(t0 + 0.5 + 10 / 44 + 1e-6)
        broken["on"] = False  # … then the fixture program is well again
        await clock.sleep_until(t0 + 1.0 + 1e-6)
        faults = _faults(events)
        assert len(faults) == 2, faults  # once for the cause, once for the recovery
        assert faults[0][1] == "lighting" and "RuntimeError" in faults[0][2]
        assert "frames resumed" in faults[1][2] and "after 10 failed" in faults[1][2]
        assert lighting.failed_frames == 10
        # The loop kept its deadlines: every frame is either sent or counted as failed.
        assert lighting.frames + lighting.failed_frames - frames_before == round(0.5 * 44)
        assert lighting.skipped == 0
        # The first frame after the failures went out exactly on its deadline.
        ok_at = faults[1][0]
        assert abs(ok_at * 44 - round(ok_at * 44)) < 1e-6
        await rt.stop()

    run_virtual(main)


def test_a_driver_whose_frame_raises_faults_and_the_loop_goes_on() -> None:
    async def main() -> None:
        rt = LiveRuntime(make_show(FADE), clock=LoopClock())
        events: list[ev.Event] = []
        rt.on_event.append(events.append)
        await rt.start()
        session = rt.session
        assert session is not None
        driver: Any = session.drivers["lx"]
        calls: list[float] = []

        def frame(now: float, changed: Any) -> None:
            calls.append(now)
            if len(calls) == 3:
                raise OSError("network is unreachable")

        driver.frame = frame
        clock = session.clock
        t0 = clock.now()
        await rt.execute(_go())
        await clock.sleep_until(t0 + 1.0 + 1e-6)
        faults = _faults(events)
        assert len(faults) == 1 and faults[0][1] == "lx"
        assert "network is unreachable" in faults[0][2]
        # Every deadline still reached the driver, before and after its failure.
        assert len(calls) >= 44
        assert session.lighting.failed_frames == 0 and session.lighting.skipped == 0
        await rt.stop()

    run_virtual(main)


def _go(list_name: str | None = None) -> Any:
    from showctl.api.protocol import Command

    return Command("go", {"list": list_name})


def test_gos_in_60_lists_while_256_universes_fade() -> None:
    universes = list(range(1, 257))
    lists: dict[str, Any] = {
        "main": {"cues": [{"number": "1", "type": "light", "time": 10,
                           "channels": {f"{u}/{c}": 100 for u in universes
                                        for c in (1, 256, 512)}}]}}
    for k in range(60):
        u = universes[k * 4 % 256]
        lists[f"l{k}"] = {"cues": [
            {"number": "1", "type": "light", "time": 1.5,
             "channels": {f"{u}/{c}": 50 + k % 50 for c in range(2, 40)}},
            {"number": "2", "type": "light", "time": 0.5,
             "channels": {f"{u}/{c}": 0 for c in range(2, 40)}}]}
    show = make_show({"show": {"title": "stress"},
                      "outputs": {"lx": {"kind": "dmx", "universes": universes}},
                      "cuelists": lists})

    async def main() -> None:
        rt = LiveRuntime(show, clock=LoopClock())
        events: list[ev.Event] = []
        rt.on_event.append(events.append)
        await rt.start()
        session = rt.session
        assert session is not None
        clock, lighting = session.clock, session.lighting
        t0 = clock.now()
        assert (await rt.execute(_go("main"))).ok
        for k in range(60):  # one GO per list, one every 50 ms, then again
            await clock.sleep_until(t0 + 0.05 * (k + 1))
            assert (await rt.execute(_go(f"l{k}"))).ok
        for k in range(60):
            await clock.sleep_until(t0 + 3.0 + 0.05 * (k + 1))
            assert (await rt.execute(_go(f"l{k}"))).ok
        await clock.sleep_until(t0 + 8.0 + 1e-6)
        assert _faults(events) == [] and rt.engine.bus.errors == []
        assert lighting.failed_frames == 0 and lighting.skipped == 0
        assert lighting.frames == round(8.0 * 44)  # not one frame missed
        values = lighting.last_values
        assert np.isfinite(values).all()
        await rt.stop()

    run_virtual(main)
