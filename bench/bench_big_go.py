"""The GO of one cue touching every channel of 1024 universes (524,288 attributes): how
long the engine's event loop is held at a time, and how late frames go out around it.

The engine runs alone in this process on the real clock (LiveRuntime, Art-Net to a
loopback port nobody reads), so what is measured is the GO's own cost, not the machine's
other load. Each frame's send time is compared with its deadline; each of the GO's setup
slices is timed.

Run:  python3 bench/bench_big_go.py [--universes 1024]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dmx import engine_show, pct  # noqa: E402


async def measure(n: int, chunked: bool) -> dict[str, Any]:
    from showctl.api.protocol import Command
    from showctl.drivers.artnet import ArtNetConfig
    from showctl.engine import light_cues
    from showctl.headless import freeze_startup_heap
    from showctl.live.runtime import LiveRuntime

    if not chunked:
        light_cues.BIG_GO = 10**9
    show = engine_show(n, fade=4.0)
    rig = {"lx": ArtNetConfig(nodes=["127.0.0.1:9"], listen=None, universe_offset=-1)}
    rt = LiveRuntime(show, rig=rig)
    await rt.start()
    freeze_startup_heap()  # as the engine process does
    assert rt.session is not None
    lighting = rt.session.lighting
    late: list[tuple[float, float]] = []
    real_tick = lighting.tick

    def tick(deadline: float, outputs: list[str]) -> bool:
        late.append((deadline, (time.monotonic() - deadline) * 1000))  # clock-ok: bench
        return real_tick(deadline, outputs)

    lighting.tick = tick  # type: ignore[method-assign]
    steps: list[float] = []
    real_fade = lighting.fade

    def fade(*a: Any, **k: Any) -> None:
        t = time.perf_counter()
        real_fade(*a, **k)
        steps.append((time.perf_counter() - t) * 1000)

    lighting.fade = fade  # type: ignore[method-assign]
    await rt.execute(Command("go"))  # cue 1: start levels
    await asyncio.sleep(1.0)
    late.clear()
    steps.clear()
    t0 = time.perf_counter()
    await rt.execute(Command("go"))  # cue 2: every channel fades
    go_call = (time.perf_counter() - t0) * 1000
    await asyncio.sleep(1.0)
    await rt.stop()
    lat = [v for _, v in late]
    return {"go_call_ms": go_call, "slices": len(steps), "slice_max_ms": max(steps),
            "frames": len(lat), "late_p50": pct(lat, 0.5), "late_p99": pct(lat, 0.99),
            "late_max": max(lat), "skipped": lighting.skipped}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--universes", type=int, default=1024)
    ap.add_argument("--whole", action="store_true", help="set the GO up in one piece")
    args = ap.parse_args()
    r = asyncio.run(measure(args.universes, not args.whole))
    print(f"{args.universes} universes, GO set up {'in one piece' if args.whole else 'in slices'}"
          f": the GO call held the loop {r['go_call_ms']:.1f} ms; {r['slices']} fade slices, "
          f"longest {r['slice_max_ms']:.1f} ms; frames in the second after the GO: "
          f"{r['frames']}, lateness p50 {r['late_p50']:.1f} / p99 {r['late_p99']:.1f} / max "
          f"{r['late_max']:.1f} ms, {r['skipped']} skipped; load average "
          f"{os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
