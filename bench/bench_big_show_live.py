"""Benchmark: a 10,000-cue show live — what a state push costs the engine, and how fast
the console answers a key.

The show is bench_load's generated 10,000 cues / 2,000 fixtures. On a ManualClock (so
the figures are CPU work, not waiting), with cues running after a few GOs:

- the engine's work per state push for one client: the rows built afresh (as every push
  did before rows were kept) vs kept between states; and the JSON sent and parsed per
  push for a client that takes rows patches vs one that takes whole rows;
- the console (the CLI's factory, as a client through the in-memory API, Textual's
  pilot): time from a key press to the screen redrawn, for GO and arrow keys.

Prints the figures and appends them, with the command, to docs/performance.md
(``--no-write`` to skip).

    python3 bench/bench_big_show_live.py [--cues 10000] [--fixtures 2000] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_load import generate  # noqa: E402

from showctl.api.protocol import Command  # noqa: E402
from showctl.api.views import State  # noqa: E402
from showctl.clocks.manual import ManualClock  # noqa: E402
from showctl.live.runtime import LiveRuntime  # noqa: E402
from showctl.live.state import cue_rows  # noqa: E402
from showctl.model.loader import load_show  # noqa: E402


def ms(xs: list[float]) -> str:
    return f"p50 {statistics.median(xs) * 1e3:.1f} ms, max {max(xs) * 1e3:.1f} ms"


async def engine_side(path: Path, pushes: int) -> list[str]:
    clock = ManualClock()
    rt = LiveRuntime(load_show(path), path=path, clock=clock)
    t = time.perf_counter()
    await rt.start()
    start = time.perf_counter() - t
    for _ in range(4):
        await rt.execute(Command("go", {}))
        await clock.advance_async(0.3)
    engine = rt.engine
    fresh, kept, whole_b, patch_b, whole_parse, patch_parse = [], [], [], [], [], []
    sent = {k: v.rows for k, v in rt.state().lists.items()}
    before = State.from_json(rt.state().to_json())
    for _ in range(pushes):
        await clock.advance_async(0.1)
        t = time.perf_counter()
        for name in engine.lists:
            cue_rows(engine, name, rt.history)
        fresh.append(time.perf_counter() - t)
        t = time.perf_counter()
        state = rt.state()
        kept.append(time.perf_counter() - t)
        whole = json.dumps(state.to_json())
        patch = json.dumps(state.to_json(sent))
        sent = {k: v.rows for k, v in state.lists.items()}
        whole_b.append(len(whole))
        patch_b.append(len(patch))
        t = time.perf_counter()
        State.from_json(json.loads(whole))
        whole_parse.append(time.perf_counter() - t)
        t = time.perf_counter()
        before = State.from_json(json.loads(patch), before)
        patch_parse.append(time.perf_counter() - t)
    running = len(engine.running())
    await rt.stop()
    rows = sum(len(v.rows) for v in state.lists.values())
    return [
        f"engine start (show compiled, drivers open): {start:.2f} s; {rows:,} rows, "
        f"{running} cues running",
        f"rows per push, built afresh (before): {ms(fresh)}",
        f"whole state per push, rows kept: {ms(kept)} "
        f"({statistics.median(fresh) / statistics.median(kept):.0f}x less)",
        f"state JSON per push: with whole rows {statistics.median(whole_b) / 1e6:.2f} MB, "
        f"with a rows patch {statistics.median(patch_b) / 1e3:.1f} kB (most of it the "
        "levels of 4,096 lighting attributes)",
        f"client parse per push: whole rows {ms(whole_parse)}; patch {ms(patch_parse)}",
    ]


async def console_side(path: Path, what: str) -> list[str]:
    from tests.console.conftest import Harness

    h = Harness(path)
    t = time.perf_counter()
    lines = []
    async with h.app.run_test(size=(130, 42)) as pilot:
        await h.app.sync()
        await pilot.pause()
        lines.append(f"{what}: console attached and drawn: {time.perf_counter() - t:.2f} s "
                     "(engine start included)")
        keys: dict[str, list[float]] = {"space": [], "down": []}
        for _ in range(5):
            for key in keys:
                t = time.perf_counter()
                await pilot.press(key)
                await h.app.sync()
                await pilot.pause()
                keys[key].append(time.perf_counter() - t)
            await h.clock.advance_async(0.5)
    for key, xs in keys.items():
        lines.append(f"{what}: key `{key}` → screen redrawn (Textual pilot): {ms(xs)}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cues", type=int, default=10000)
    ap.add_argument("--fixtures", type=int, default=2000)
    ap.add_argument("--pushes", type=int, default=20)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(generate(args.cues, args.fixtures))
        out = asyncio.run(engine_side(path, args.pushes))
        out += asyncio.run(console_side(path, f"{args.cues:,} cues"))
        # The same console on a small show, in the same run: what a key costs anyway.
        small = Path(tmp) / "small.yaml"
        small.write_text(generate(100, 64))
        out += asyncio.run(console_side(small, "100 cues"))
    for line in out:
        print(line)
    cmd = "python3 bench/bench_big_show_live.py" + "".join(f" {a}" for a in sys.argv[1:])
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = (f"\n## A {args.cues:,}-cue show live ({when}, "
            f"CPython {platform.python_version()}, {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f})\n\nCommand: `{cmd}` — {args.fixtures:,} fixtures, "
            "ManualClock (CPU work only), after four GOs.\n\n"
            + "\n".join(f"- {x}" for x in out) + "\n")
    if not args.no_write:
        with (ROOT / "docs" / "performance.md").open("a") as f:
            f.write(text)


if __name__ == "__main__":
    main()
