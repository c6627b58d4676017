"""The fast lighting paths agree with a plain reference implementation.

The frame engine merges playbacks on subsets, renders single universes for a GO, and
recompiles fades incrementally; each is checked here against the obvious whole-array
computation on random rigs and fades.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from showctl.engine.lighting import CURVES, FadeSpec, Lighting, RigLayout, Slot


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t


def rig(universes: int, rng: np.random.Generator) -> RigLayout:
    layout = RigLayout()
    for u in range(1, universes + 1):
        a = 0
        while a < 510:
            sixteen = rng.random() < 0.3
            layout.add(f"{u}/{a}", Slot("lx", u, a, a + 1 if sixteen else None),
                       home=float(rng.random()), intensity=bool(rng.random() < 0.5))
            a += 2 if sixteen else 1
    return layout


def reference(lt: Lighting, now: float) -> np.ndarray:
    """HTP for intensity across the playbacks that touched it, LTP by set time else."""
    out = lt.home.astype(np.float64).copy()
    pbs = list(lt.playbacks.values())
    for i in range(len(out)):
        touching = [pb for pb in pbs if pb.touched[i]]
        if not touching:
            continue
        if lt.is_int[i]:
            out[i] = max(float(pb.values(now)[i]) for pb in touching)
        else:
            latest = max(touching, key=lambda pb: pb.set_time[i])
            out[i] = float(latest.values(now)[i])
    return out


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), lists=st.integers(1, 3), fades=st.integers(1, 6))
def test_merge_and_partial_render_match_the_reference(seed: int, lists: int, fades: int) -> None:
    rng = np.random.default_rng(seed)
    layout = rig(2, rng)
    clock = Clock()
    lt = Lighting(layout, clock, lambda output, now, changed: None)
    n = len(layout.names)
    for f in range(fades):
        clock.t += float(rng.uniform(0, 2))
        dense = rng.random() < 0.4
        size = n if dense else int(rng.integers(1, 12))
        idx = np.sort(rng.choice(n, size=size, replace=False)).astype(np.int64)
        spec = FadeSpec(idx, rng.random(size), rng.uniform(0, 0.5, size),
                        rng.uniform(0, 3, size), rng.integers(0, len(CURVES), size).astype(np.int8))
        lt.fade(f"list{f % lists}", spec, owner=f)
    for _ in range(4):
        clock.t += float(rng.uniform(0, 1.5))
        got = lt.values(clock.t)
        want = reference(lt, clock.t)
        np.testing.assert_allclose(got, want, atol=2e-6)
        some = np.sort(rng.choice(n, size=7, replace=False)).astype(np.int64)
        np.testing.assert_allclose(lt.values_at(clock.t, some), want[some], atol=2e-6)


def test_rendering_one_universe_writes_the_same_bytes_as_a_whole_frame() -> None:
    rng = np.random.default_rng(5)
    layout = rig(3, rng)
    clock = Clock()
    sent: list[tuple[int, bytes]] = []
    lt = Lighting(layout, clock, lambda o, now, ch: sent.extend((p.universe, p.data) for p in ch))
    n = len(layout.names)
    lt.fade("main", FadeSpec(np.arange(n, dtype=np.int64), rng.random(n), np.zeros(n),
                             np.full(n, 2.0), np.zeros(n, dtype=np.int8)), owner=1)
    clock.t = 1.0
    # A GO touching one attribute of universe 2 sends universe 2 alone, at once…
    i = layout.index["2/7"]
    sent.clear()
    lt.fade("go", FadeSpec(np.array([i]), np.array([0.25]), np.zeros(1), np.zeros(1),
                           np.zeros(1, dtype=np.int8)), owner=2)
    assert [u for u, _ in sent] == [2]
    partial = sent[0][1]
    # …with exactly the bytes a whole frame at that instant has for universe 2.
    full = {u: d for _o, u, d in lt.renderer.all_universes()}
    lt.renderer._last[:] = 0
    frame = {u: d for _o, u, d in lt.renderer.render(lt.values(clock.t))}
    assert partial == frame[2] == full[2]


def test_a_late_frame_near_the_fade_end_still_sends_the_final_level() -> None:
    """Under load a frame can finish after the fade's end time; the loop must still send
    a frame at the final level before it goes idle (a fade never stops one step short)."""
    import asyncio

    from showctl.clocks.clock import LoopClock
    from showctl.clocks.virtual import run_virtual

    class SlowClock(LoopClock):
        """The loop's clock, plus time spent 'computing' frames (a busy machine)."""

        skew = 0.0

        def now(self) -> float:
            return self.loop.time() + self.skew

        async def sleep_until(self, deadline: float) -> None:
            await super().sleep_until(deadline - self.skew)

    layout = RigLayout()
    layout.add("lx:1/1", Slot("lx", 1, 0), intensity=True)
    sent: list[int] = []

    async def main() -> None:
        clock = SlowClock()
        lt = Lighting(layout, clock, lambda o, now, ch: sent.extend(p.data[0] for p in ch),
                      rate=10.0)
        real = lt.compute_frame

        def slow(now: float) -> dict[str, list]:  # type: ignore[type-arg]
            out = real(now)
            clock.skew += 0.09  # each frame takes 90 ms of a 100 ms frame period
            return out

        lt.compute_frame = slow  # type: ignore[method-assign]
        task = asyncio.ensure_future(lt.run())
        await asyncio.sleep(0)
        lt.fade("main", FadeSpec(np.array([0]), np.array([1.0]), np.zeros(1), np.full(1, 0.95),
                                 np.zeros(1, dtype=np.int8)), owner=1)
        await clock.sleep_until(clock.now() + 3)
        task.cancel()

    run_virtual(main)
    assert sent[-1] == 255


def test_a_go_after_a_finished_fade_keeps_its_targets() -> None:
    """When nothing fades, a frame's values are the playback's own target array; the
    GO's immediate frame must not write the current levels into it (a fade down that
    followed a finished fade used to end back at its start level)."""
    layout = RigLayout()
    layout.add("lx:1/1", Slot("lx", 1, 0), intensity=True)
    clock = Clock()
    lt = Lighting(layout, clock, lambda o, now, ch: None, rate=10.0)  # type: ignore[arg-type]

    def fade(level: float, t: float) -> None:
        lt.fade("main", FadeSpec(np.array([0]), np.array([level]), np.zeros(1), np.full(1, t),
                                 np.zeros(1, dtype=np.int8)), owner=1)

    fade(1.0, 5.0)                       # t=0: up to full in 5 s
    clock.t = 6.0
    lt.compute_frame(6.0)                # a tick with nothing fading
    fade(0.4, 10.0)                      # t=6: down to 40 % in 10 s
    assert lt.values(11.0)[0] == np.float32(0.7)
    assert lt.values(16.0)[0] == np.float32(0.4)
    assert lt.values(20.0)[0] == np.float32(0.4)
