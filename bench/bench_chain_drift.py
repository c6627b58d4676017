"""Auto-continue chain drift on the real clock.

A chain of ``--links`` memos, each ``continue: auto_continue, postwait: --postwait``,
then a final memo, runs on the real event loop (``LoopClock``). Every continue must be
due at the ideal time computed from the chain's first GO (``k × postwait``), not from
when the previous cue actually started, so the last cue starts at ``links × postwait``
plus one timer's lateness — not plus the sum of every link's lateness.

Prints the last cue's start, its drift, and the worst and mean lateness of any link, and
appends them, with the command, to docs/performance.md (``--no-docs`` to skip).
Run: ``python3 bench/bench_chain_drift.py [--links 40] [--postwait 0.5]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from showctl.clocks.clock import LoopClock  # noqa: E402
from showctl.engine import events as ev  # noqa: E402
from showctl.engine.engine import Engine  # noqa: E402
from showctl.testing import make_show  # noqa: E402


def chain_show(links: int, postwait: float) -> str:
    cues = ", ".join(
        f'{{number: "{i}", type: memo, continue: auto_continue, postwait: {postwait}}}'
        for i in range(1, links + 1))
    return (f"show: {{title: chain}}\ncuelists: {{main: {{cues: [{cues}, "
            f'{{number: "{links + 1}", type: memo}}]}}}}\n')


async def run(links: int, postwait: float) -> list[float]:
    engine = Engine(make_show(chain_show(links, postwait)), LoopClock())
    started: dict[int, float] = {}
    done = asyncio.Event()

    def on(e: ev.Event) -> None:
        if isinstance(e, ev.CueStarted):
            started[int(e.cue)] = e.t
            if int(e.cue) == links + 1:
                done.set()

    engine.bus.subscribe(on)
    t_go = engine.now()
    engine.go()
    await asyncio.wait_for(done.wait(), timeout=links * postwait + 10)
    return [started[k] - t_go for k in range(1, links + 2)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--links", type=int, default=40)
    ap.add_argument("--postwait", type=float, default=0.5)
    ap.add_argument("--no-docs", action="store_true")
    args = ap.parse_args()
    starts = asyncio.run(run(args.links, args.postwait))
    ideal = [k * args.postwait for k in range(args.links + 1)]
    late = [s - i for s, i in zip(starts, ideal, strict=True)]
    last, drift = starts[-1], late[-1]
    lines = [
        f"chain of {args.links} auto-continue links, postwait {args.postwait:g} s "
        f"(ideal last start {ideal[-1]:.3f} s)",
        f"  cue {args.links + 1} started at {last:.4f} s: drift {drift * 1000:+.2f} ms",
        f"  lateness of any link: mean {statistics.mean(late) * 1000:.2f} ms, "
        f"max {max(late) * 1000:.2f} ms (each link's own timer, not accumulated)",
    ]
    print("\n".join(lines))
    if not args.no_docs:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        cmd = "python3 bench/bench_chain_drift.py " + " ".join(sys.argv[1:])
        head = (f"\n### Auto-continue chain drift — {when} — `{cmd.strip()}`\n\n"
                f"CPython {platform.python_version()}, {platform.machine()}, "
                f"{os.cpu_count()} CPUs, load average {load:.2f}.\n\n```\n")
        with (ROOT / "docs" / "performance.md").open("a", encoding="utf-8") as f:
            f.write(head + "\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
