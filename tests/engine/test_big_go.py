"""A GO of a cue bigger than BIG_GO attributes is set up in slices between frames: the
stage ends up exactly as with a one-piece setup, every fade timed from the GO, and the
GO's frame carries the whole change."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from showctl.clocks.clock import LoopClock
from showctl.clocks.virtual import run_virtual
from showctl.engine import light_cues
from showctl.model import show as m
from showctl.session import Session

UNIVERSES = 130  # 66,560 attributes: over BIG_GO


def _show() -> m.Show:
    rng = np.random.default_rng(7)
    start = rng.integers(0, 101, (UNIVERSES, 512))
    end = rng.integers(0, 101, (UNIVERSES, 512))

    def cue(number: str, levels: Any, time: float, **extra: Any) -> dict[str, Any]:
        chans = {f"{u + 1}/{a + 1}": float(levels[u, a])
                 for u in range(UNIVERSES) for a in range(512)}
        return {"number": number, "type": "light", "channels": chans, "time": time, **extra}

    return m.Show.model_validate({
        "show": {"title": "big"}, "settings": {"go_guard": 0},
        "outputs": {"lx": {"kind": "dmx"}},
        "cuelists": {"main": {"cues": [cue("1", start, 0), cue("2", end, 4.0, delay=0.5)]}},
    })


Frames = list[tuple[float, int]]


def _run(show: m.Show) -> tuple[list[np.ndarray], list[float], Frames]:
    async def main() -> tuple[list[np.ndarray], list[float], Frames]:
        session = Session(show, clock=LoopClock())
        session.router.trace_outputs = False
        frames: Frames = []
        real = session.router.dmx_frame

        def count(output: str, now: float, changed: Any) -> None:
            frames.append((round(now - t0, 6), len(changed)))
            real(output, now, changed)

        session.lighting._send_frame = count
        await session.open()
        clock, lighting = session.clock, session.lighting
        t0 = clock.now()
        session.engine.go()
        await clock.sleep_until(t0 + 1.0)
        frames.clear()
        session.engine.go()  # the big one
        snaps, durations = [], []
        for t in (1.2, 1.5, 3.0, 5.5, 6.0):
            await clock.sleep_until(t0 + t)
            snaps.append(lighting.last_values.copy())
        durations = [r.duration or 0.0 for r in session.engine.running()]
        await session.close()
        return snaps, durations, frames

    return run_virtual(main)


def test_a_big_go_in_slices_gives_the_same_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    show = _show()
    sliced, d1, go1 = _run(show)
    monkeypatch.setattr(light_cues, "BIG_GO", 10**9)  # the one-piece setup
    whole, d2, go2 = _run(show)
    for a, b in zip(sliced, whole, strict=True):
        # float32 times are kept relative to a reference that the two setups choose
        # differently: 1e-7 apart, far below a 16-bit DMX step (1.5e-5).
        assert np.allclose(a, b, rtol=0, atol=1e-6)
    assert not np.allclose(sliced[0], sliced[2])  # the fade moved the stage
    assert d1 == d2  # the same duration, known before the slices ran
    # The same frames, at the same times, each with every universe once the fade runs
    # (its 0.5 s delay over).
    assert go1 == go2
    moving = [f for f in go1 if f[1]]
    assert moving[0] == (round(1.5 + 1 / 44, 6), UNIVERSES)


def test_slices_are_small_and_a_second_go_finishes_the_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    show = _show()
    steps: list[int] = []
    real = light_cues.LightProgram.fade_slices

    def counting(self: Any, *args: Any) -> Any:
        for spec in real(self, *args):
            steps.append(len(spec.indices))
            yield spec

    monkeypatch.setattr(light_cues.LightProgram, "fade_slices", counting)

    async def main() -> None:
        session = Session(show, clock=LoopClock())
        session.router.trace_outputs = False
        await session.open()
        clock, engine = session.clock, session.engine
        engine.go()
        await clock.sleep_until(clock.now() + 0.1)
        assert len(steps) > 1 and max(steps) <= light_cues.GO_CHUNK
        steps.clear()
        engine.stop()
        engine.goto("1")
        engine.go()  # a big GO …
        engine.go()  # … and the next one at once: the first is finished before
        assert engine.lighting is not None and engine.lighting._job is not None
        await clock.sleep_until(clock.now() + 0.1)
        assert engine.lighting._job is None
        await session.close()

    run_virtual(main)
