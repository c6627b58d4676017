"""USITT ASCII at console scale: export a show's light cues and import the file back.

A generated show of N light cues, each setting C random raw channels of 2,048 (four
universes), is exported (load, one-pass tracking, records, text) and the text imported
(tokenize, records, show file, check), in this process, each step timed with
``time.perf_counter``. Every exported cue holds its whole look, so the file grows with
cues × channels in use — the size a console's export of a big show has.

Run:  python3 bench/bench_usitt_ascii.py [--cues 1000] [--channels 50] [--no-docs]
Figures (with the command) are appended to docs/performance.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_show(cues: int, channels: int) -> str:
    rnd = random.Random(1)
    lines = ["show: {title: Bench}", "outputs:", "  lx: {kind: dmx}", "cuelists:",
             "  main:", "    cues:"]
    for i in range(1, cues + 1):
        keys = rnd.sample(range(1, 2049), channels)
        ch = ", ".join(f'"{(k - 1) // 512 + 1}/{(k - 1) % 512 + 1}": {rnd.randint(0, 100)}'
                       for k in keys)
        lines.append(f"      - {{number: {i}, type: light, time: 2, channels: {{{ch}}}}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cues", type=int, default=1000)
    ap.add_argument("--channels", type=int, default=50, help="channels each cue sets")
    ap.add_argument("--no-docs", action="store_true")
    args = ap.parse_args()

    from showctl.interchange.ascii_show import ascii_from_show, show_from_ascii
    from showctl.interchange.usitt_ascii import parse, write
    from showctl.model.loader import parse_show

    text = make_show(args.cues, args.channels)
    t = [time.perf_counter()]
    show, problems = parse_show(text, "bench.yaml")
    assert show is not None and not problems
    t.append(time.perf_counter())
    exported = ascii_from_show(show)
    t.append(time.perf_counter())
    ascii_text = write(exported.file)
    t.append(time.perf_counter())
    parsed = parse(ascii_text)
    t.append(time.perf_counter())
    result = show_from_ascii(parsed, "bench.asc", "bench")
    t.append(time.perf_counter())
    back, problems = parse_show(result.yaml_text, "back.yaml")
    assert back is not None and not problems
    t.append(time.perf_counter())
    ms = [(b - a) * 1000 for a, b in itertools.pairwise(t)]
    levels = sum(len(c.levels) for c in exported.file.cues)
    lines = [
        f"{args.cues} light cues x {args.channels} channels set each; the file: "
        f"{len(ascii_text) / 1e6:.1f} MB, {ascii_text.count(chr(10)):,} lines, "
        f"{levels:,} channel levels",
        f"  export: load the show {ms[0]:.0f} ms, records (tracking) {ms[1]:.0f} ms, "
        f"text {ms[2]:.0f} ms",
        f"  import: read the records {ms[3]:.0f} ms, show file {ms[4]:.0f} ms "
        f"({len(result.yaml_text) / 1e6:.1f} MB), check it {ms[5]:.0f} ms",
    ]
    print("\n".join(lines))
    if not args.no_docs:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        cmd = "python3 bench/bench_usitt_ascii.py " + " ".join(sys.argv[1:])
        head = (f"\n### USITT ASCII export and import — {when} — `{cmd.strip()}`\n\n"
                f"CPython {platform.python_version()}, {platform.machine()}, "
                f"{os.cpu_count()} CPUs, load average {load:.2f} (machine shared).\n\n```\n")
        with (ROOT / "docs" / "performance.md").open("a", encoding="utf-8") as f:
            f.write(head + "\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
