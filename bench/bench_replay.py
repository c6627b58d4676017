"""Benchmark: replay a generated two-hour show of 500 cues on the virtual clock.

Prints the replay's wall time and its ratio to the show's length (goal: at least
1000x real time, i.e. a 2-hour show in under 7.2 s on a 2-core machine), and appends
the figures with the command to docs/performance.md.

    python3 bench/bench_replay.py [--cues 500] [--hours 2]
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from showctl.model.loader import parse_show  # noqa: E402
from showctl.replay import replay  # noqa: E402


def generate(cues: int, hours: float, seed: int = 7) -> str:
    """A show whose cues, GO'd one second after the previous ends, last ``hours``."""
    rng = random.Random(seed)
    per_cue = hours * 3600.0 / cues - 1.0  # auto-GO adds 1 s between cues
    out = []
    for i in range(1, cues + 1):
        kind = i % 5
        n = str(i)
        if kind == 0:
            chans = {str(rng.randint(1, 512)): rng.randint(0, 100) for _ in range(24)}
            out.append({"number": n, "type": "light", "channels": chans, "time": 3,
                        "postwait": 0})
            out.append({"number": f"{n}w", "type": "wait", "duration": per_cue - 3})
            out[-2]["continue"] = "auto_follow"
        elif kind == 1:
            out.append({"number": n, "type": "osc", "output": "sound", "address": "/level",
                        "args": [0.0], "fade": {"from": -60, "to": 0, "duration": 2,
                                                "rate": 20},
                        "continue": "auto_follow"})
            out.append({"number": f"{n}w", "type": "wait", "duration": per_cue - 2})
        elif kind == 2:
            out.append({"number": n, "type": "group", "mode": "timeline", "cues": [
                {"number": f"{n}.1", "type": "osc", "output": "video", "address": "/play"},
                {"number": f"{n}.2", "type": "wait", "duration": per_cue, "prewait": 0},
            ]})
        elif kind == 3:
            out.append({"number": n, "type": "midi", "output": "desk", "messages": [
                {"kind": "program_change", "program": i % 128}],
                "continue": "auto_follow"})
            out.append({"number": f"{n}w", "type": "wait", "duration": per_cue})
        else:
            out.append({"number": n, "type": "wait", "duration": per_cue, "prewait": 0})
    show = {
        "show": {"title": "Generated 2-hour show"},
        "outputs": {"lx": {"kind": "dmx"}, "sound": {"kind": "osc"},
                    "video": {"kind": "osc"}, "desk": {"kind": "midi"}},
        "cuelists": {"main": {"cues": out}},
    }
    return yaml.safe_dump(show, sort_keys=False)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cues", type=int, default=500)
    ap.add_argument("--hours", type=float, default=2.0)
    args = ap.parse_args()
    text = generate(args.cues, args.hours)
    t = time.perf_counter()
    show, problems = parse_show(text, "generated.yaml")
    load = time.perf_counter() - t
    assert show is not None, problems
    t = time.perf_counter()
    result = replay(show)
    wall = time.perf_counter() - t
    ratio = result.length / wall
    lines = len(result.trace)
    cmd = "python3 bench/bench_replay.py" + "".join(f" {a}" for a in sys.argv[1:])
    table = (
        f"\n## Replay on the virtual clock ({time.strftime('%Y-%m-%d')}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()})\n\n"
        f"Command: `{cmd}`\n\n"
        "| show | cues | show length | load | replay wall time | ratio | trace lines |\n"
        "|---|---|---|---|---|---|---|\n"
        f"| generated | {args.cues} top-level | {result.length:.0f} s "
        f"({result.length / 3600:.2f} h) | {load:.2f} s | {wall:.2f} s | "
        f"{ratio:,.0f}x real time | {lines:,} |\n"
    )
    print(table)
    perf = ROOT / "docs" / "performance.md"
    if not perf.exists():
        perf.write_text("# Performance\n\nFigures from the benchmarks in bench/, each with the "
                        "command that produced it. Newest at the bottom.\n")
    with perf.open("a") as f:
        f.write(table)


if __name__ == "__main__":
    main()
