"""Benchmark: what hot reload costs a running show (showctl/live/reload.py).

Three figures per show:

* **poll**: one look at the show file (a ``stat``), what the engine does every 0.5 s
  while the file is unchanged;
* **prepare**: validating the saved text, the diff and the light program compiled onto
  the running layout (``reload.prepare``) — the engine process does this in a thread,
  off the frame loop;
* **swap**: the new version into the running engine (lists, playheads, the show text
  for clients) — on the loop, so this is the longest a frame can wait for a reload.

Each show runs in a :class:`~showctl.live.runtime.LiveRuntime` on the manual clock with
a cue running; the saved version changes one cue's time. Prints a table and appends it
with the command to docs/performance.md (``--no-write`` to skip).

    python3 bench/bench_hot_reload.py [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
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
from showctl.clocks.manual import ManualClock  # noqa: E402
from showctl.live.reload import file_stamp, prepare  # noqa: E402
from showctl.live.runtime import LiveRuntime  # noqa: E402
from showctl.model.loader import load_show  # noqa: E402


def _ms(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1e3:.2f}"


async def measure(path: Path, old: str, new: str, repeats: int) -> tuple[float, list[float],
                                                                          list[float], str]:
    clock = ManualClock()
    rt = LiveRuntime(load_show(path), path=path, clock=clock)
    await rt.start()
    await rt.execute(Command("go"))  # something runs: the in-place swap, not a rebuild
    t = time.perf_counter()
    n = 2000
    for _ in range(n):
        file_stamp(path)
    poll = (time.perf_counter() - t) / n
    checks, applies = [], []
    how = ""
    for i in range(repeats):
        text = new if i % 2 == 0 else old
        assert rt.session is not None
        t = time.perf_counter()
        prep = prepare(text, str(path), rt.show, rt.session.lighting.layout)
        checks.append(time.perf_counter() - t)
        # what the command does on the loop once the thread prepared the version
        t = time.perf_counter()
        out = await rt.reload._apply(str(path), prep, text)
        applies.append(time.perf_counter() - t)
        how = out.message
    await rt.stop()
    return poll, checks, applies, how


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    demo = (ROOT / "shows" / "demo.yaml").read_text(encoding="utf-8")
    shows = [("demo.yaml", demo, demo.replace("time: 5", "time: 6", 1)),
             ("1000 cues x 500 fixtures", generate(1000, 500), ""),
             ("4000 cues x 2000 fixtures", generate(4000, 2000), "")]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for name, old, new in shows:
            if not new:
                new = old.replace("type: light, time: 2,", "type: light, time: 4,", 1)
            assert new != old
            src = ROOT / "shows" if name == "demo.yaml" else Path(d)
            path = src / "demo.yaml" if name == "demo.yaml" else Path(d) / "show.yaml"
            if name != "demo.yaml":
                path.write_text(old, encoding="utf-8")
            poll, checks, applies, how = asyncio.run(measure(path, old, new, args.repeats))
            rows.append(f"| {name} | {poll * 1e6:.1f} µs | {_ms(checks)} ms | "
                        f"{_ms(applies)} ms (max {max(applies) * 1e3:.2f}) | {how} |")
            print(rows[-1], flush=True)
    cpu = platform.processor() or platform.machine()
    table = "\n".join([
        f"## Hot reload (bench/bench_hot_reload.py, {time.strftime('%Y-%m-%d')}, "
        f"CPython {platform.python_version()}, {cpu})",
        "",
        "Command: `python3 bench/bench_hot_reload.py`",
        "",
        "A cue runs; each save changes one cue's time (medians of "
        f"{args.repeats}). *poll*: one `stat` of the show file (every 0.5 s); *prepare*: "
        "check, diff and light program of the saved text (in a thread in the engine "
        "process); *swap*: into the running engine, on the event loop (what a frame can "
        "wait).",
        "",
        "| show | poll | prepare | swap | said |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ])
    print(table)
    if not args.no_write:
        with open(ROOT / "docs" / "performance.md", "a", encoding="utf-8") as f:
            f.write("\n" + table)


if __name__ == "__main__":
    main()
