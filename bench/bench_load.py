"""Benchmark: load (``showctl check``) generated big shows; time and peak memory.

The shows of issue 18: 64 RGBW pars (8 channels) per universe, cues mixing light, osc,
midi, wait and group cues. Each show is written to a temporary file and checked by the
real CLI in a fresh process (``python3 -m showctl check FILE``), so the figures include
the interpreter's start and every import: what a person waits for. Prints the wall time,
the process's peak memory (max RSS) and the ratio to the issue's figures, and appends the
table with the command to docs/performance.md (``--no-write`` to skip).

    python3 bench/bench_load.py [--only 10000x2000] [--no-write] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PER_UNIVERSE = 64  # RGBW pars, 8ch mode: 64 x 8 = 512 channels

# (name, cues, fixtures, issue's seconds, issue's MB or None)
SHOWS: list[tuple[str, int, int, float, float | None]] = [
    ("1000x500", 1000, 500, 2.3, None),
    ("4000x500", 4000, 500, 7.4, None),
    ("10000x2000", 10000, 2000, 35.6, 326.0),
    ("3x16384", 3, 16384, 13.1, 262.0),
    ("3x65536", 3, 65536, 48.5, 868.0),
]


def generate(cues: int, fixtures: int) -> str:
    """The show text, written by hand (a YAML dump of 65,536 fixtures is itself slow)."""
    universes = max(1, -(-fixtures // PER_UNIVERSE))
    out: list[str] = [
        "show:",
        f"  title: Generated, {cues} cues and {fixtures} fixtures",
        "outputs:",
        f"  lx: {{kind: dmx, universes: [{', '.join(str(u) for u in range(1, universes + 1))}]}}",
        "  sound: {kind: osc}",
        "  desk: {kind: midi}",
        "patch:",
    ]
    for i in range(fixtures):
        uni, slot = divmod(i, PER_UNIVERSE)
        group = f"g{uni % 16}"
        out.append(f"  - {{id: {i + 1}, name: Par {i + 1}, profile: rgbw-par, mode: 8ch, "
                   f"universe: {uni + 1}, address: {slot * 8 + 1}, groups: [{group}]}}")
    out += ["cuelists:", "  main:", "    cues:"]
    for n in range(1, cues + 1):
        kind = n % 5
        if kind in (0, 3):  # light: a few fixtures, or a group
            a = (n * 7) % fixtures + 1
            b = min(fixtures, a + 3)
            if kind == 0:
                out.append(f'      - {{number: "{n}", type: light, time: 2, fixtures: '
                           f'{{"{a}-{b}": {{intensity: {n % 100}, color: "warm white"}}}}}}')
            else:
                out.append(f'      - {{number: "{n}", type: light, time: 3, fixtures: '
                           f'{{g{n % min(16, universes)}: {{intensity: {(n * 3) % 100}}}}}}}')
        elif kind == 1:
            out.append(f'      - {{number: "{n}", type: osc, output: sound, address: /cue/{n}/go,'
                       f' args: [{n}, 0.5, "x"]}}')
        elif kind == 2:
            out.append(f'      - {{number: "{n}", type: midi, output: desk, messages: '
                       f'[{{kind: program_change, program: {n % 128}}}]}}')
        else:
            out.append(f'      - {{number: "{n}", type: group, mode: timeline, cues: ['
                       f'{{number: "{n}.1", type: wait, duration: 1}}, '
                       f'{{number: "{n}.2", type: osc, output: sound, address: /g}}]}}')
    if cues < 3:
        raise ValueError("at least 3 cues")
    return "\n".join(out) + "\n"


def measure(path: Path) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MB, exit status and output of ``showctl check``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "showctl", "check", str(path)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    output = proc.stdout.read() if proc.stdout else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024.0, proc.returncode, output.strip()


_IN_PROCESS = """
import sys, time
from showctl.model.loader import read_show
import showctl.lighting.showcheck
t = time.perf_counter()
show, problems = read_show(sys.argv[1])
print(time.perf_counter() - t, len(problems))
"""


def load_time(path: Path) -> float:
    """Seconds of ``read_show`` alone (read, validate, check), modules already imported."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", _IN_PROCESS, str(path)], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    if out[1] != "0":
        raise SystemExit(f"{path}: {out[1]} problems")
    return float(out[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append", help="a show name (repeatable): "
                    + ", ".join(s[0] for s in SHOWS))
    ap.add_argument("--no-write", action="store_true", help="do not append to docs")
    ap.add_argument("--keep", help="write the generated shows to this folder")
    ap.add_argument("--repeat", type=int, default=1,
                    help="measure each show N times and keep the best (shared machines)")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name, cues, fixtures, issue_s, issue_mb in SHOWS:
            if args.only and name not in args.only:
                continue
            path = folder / f"show-{name}.yaml"
            path.write_text(generate(cues, fixtures))
            size = path.stat().st_size / 1e6
            walls, mbs, loads = [], [], []
            for _ in range(max(1, args.repeat)):
                wall, mb, status, output = measure(path)
                if status != 0:
                    print(output[-2000:], file=sys.stderr)
                    raise SystemExit(f"{name}: showctl check exited {status}")
                walls.append(wall)
                mbs.append(mb)
                loads.append(load_time(path))
            wall, mb, load = min(walls), max(mbs), min(loads)
            ratio = issue_s / wall
            mem = f"{mb:.0f} MB" + (f" (issue: {issue_mb:.0f} MB)" if issue_mb else "")
            row = (f"| {cues:,} cues, {fixtures:,} fixtures | {size:.1f} MB | {wall:.2f} s | "
                   f"{load:.2f} s | {mem} | {issue_s} s | {ratio:.1f}x faster |")
            print(row, flush=True)
            rows.append(row)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    helps, bares = [], []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "showctl", "--help"], env=env,
                       capture_output=True, check=True)
        helps.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
        bares.append(time.perf_counter() - t)
    helptext = (f"`showctl --help`: {min(helps):.2f} s best of 5 (issue 18: 0.6 s); "
                f"a bare `python3 -c pass` here: {min(bares):.2f} s.")
    print(helptext)
    cmd = "python3 bench/bench_load.py" + "".join(f" {a}" for a in sys.argv[1:])
    table = (
        f"\n## Loading big shows ({time.strftime('%Y-%m-%d')}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the end)\n\n"
        f"Command: `{cmd}` — `showctl check` of each generated show in a fresh process "
        "(interpreter start and imports included); peak memory is the process's max RSS; "
        "'load + check' is `read_show` alone, its modules already imported; best of "
        f"{max(1, args.repeat)}.\n\n"
        "| show | file | `showctl check` | of which load + check | peak memory | issue 18 "
        "| ratio |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n" + helptext + "\n"
    )
    print(table)
    if not args.no_write:
        with (ROOT / "docs" / "performance.md").open("a") as f:
            f.write(table)


if __name__ == "__main__":
    main()
