"""Crash resume figures (docs/performance.md):

1. ``kill -9`` of the engine during a 256-universe fade → the first Art-Net packet of
   the resumed engine received on loopback (the supervisor restarts it at once): p50/p99
   over N kills;
2. the time to fast-forward a 2-hour journal of the demo (a GO every 15 s, the show
   started over every 40 GOs) up to the current moment.

Run:  python3 bench/bench_resume.py [--kills 20] [--universes 256]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dmx import engine_show, pct  # noqa: E402

API_PORT = 53291
ART_PORT = 56454


def engine_main(n: int, show_path: str) -> int:
    """The supervised engine: the supervisor forks it, as `run --headless --supervise`."""
    from showctl.drivers.artnet import ArtNetConfig
    from showctl.headless import ApiAddress, run_headless
    from showctl.live.supervisor import Supervisor

    show = engine_show(n, fade=600.0, go_cues=0)
    if not os.environ.get("BENCH_NO_PREPARE"):
        from showctl.engine.light_cues import prepare
        from showctl.headless import freeze_startup_heap

        prepare(show)  # as `run --headless --supervise` does before it forks the engine
        freeze_startup_heap()
    rig = {"lx": ArtNetConfig(nodes=[f"127.0.0.1:{ART_PORT}"], listen=None,
                              universe_offset=-1)}
    sys.stdin = open(os.devnull)  # noqa: SIM115 - the engine runs detached
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115

    def engine(resume: bool) -> int:
        return run_headless(show, rig, auto=False, show_path=show_path, runlog=None,
                            remote=None, api=ApiAddress(port=API_PORT, fixed=True),
                            journal="resume" if resume else "fresh")

    return Supervisor([], [], max_crashes=10_000, fork_main=engine).run()


def kills(n: int, count: int) -> list[float]:
    from showctl.api.client import connect
    from showctl.live.registry import find

    show_path = str(Path(tempfile.mkdtemp()) / f"bench-resume-{n}.yaml")
    Path(show_path).write_text("# built by bench_resume.py\n")
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", ART_PORT))
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sup = subprocess.Popen([sys.executable, __file__, "--engine", str(n), show_path],
                           env={**os.environ, "PYTHONPATH": str(ROOT)})

    async def go() -> None:
        for _ in range(600):
            try:
                c = await connect(f"127.0.0.1:{API_PORT}", timeout=1)
                break
            except Exception:
                await asyncio.sleep(0.1)
        await c.command("go")  # cue 1: the start levels
        await asyncio.sleep(0.5)
        await c.command("go")  # cue 2: every channel fades
        await c.close()

    asyncio.run(go())
    out = []
    try:
        for _ in range(count):
            time.sleep(1.0)
            entries = find(show_path)
            assert entries, "the engine is not registered"
            entry = entries[0]
            rx.setblocking(False)
            os.kill(entry.pid, 9)
            killed = time.perf_counter()
            time.sleep(0.005)
            try:
                while True:
                    rx.recv(2048)  # what the killed engine sent before it died
            except BlockingIOError:
                pass
            rx.setblocking(True)
            rx.settimeout(30)
            rx.recv(2048)
            out.append(time.perf_counter() - killed)
            while find(show_path) == [] or find(show_path)[0].pid == entry.pid:
                time.sleep(0.01)
    finally:
        sup.terminate()
        sup.wait(30)
    return out


def fast_forward(hours: float = 2.0) -> tuple[float, float, int, int]:
    """Seconds to read a journal of ``hours`` of the demo (with 800,000 messages sent)
    and to fast-forward it to now; its commands and lines."""
    from showctl.live.journal import Journal, parse
    from showctl.live.resume import JournalTap, ResumeLoop, wall_now
    from showctl.live.runtime import LiveRuntime
    from showctl.model.loader import load_show

    demo = ROOT / "shows" / "demo.yaml"
    path = Path(tempfile.mkdtemp()) / "j.jsonl"
    lines = [{"journal": "showctl-journal/1", "started": wall_now() - hours * 3600,
              "show": str(demo), "pid": 0}]
    n = int(hours * 3600 / 15)
    for i in range(n):
        if i % 40 == 39:
            lines.append({"t": 15.0 * i + 1, "cmd": "goto", "args": {"cue": "0.5"}})
        else:
            lines.append({"t": 15.0 * i + 1, "cmd": "go", "args": {}})
    lines += [{"t": 0.0, "sent": out} for out in ("sound", "video", "desk", "sampler")
              for _ in range(200_000)]
    # As the journal writes them (compact: its reader counts plain "sent" lines fast).
    path.write_text("".join(json.dumps(x, separators=(",", ":")) + "\n" for x in lines))
    t = time.perf_counter()
    data = parse(path.read_bytes())
    parsed = time.perf_counter() - t

    async def main() -> float:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, ResumeLoop)
        runtime = LiveRuntime(load_show(demo), path=demo)
        tap = JournalTap(Journal(path, fresh=False), resume=data)
        runtime.journal = tap
        started = time.perf_counter()
        await runtime.start()
        loop.target = tap.target
        await tap.replay()
        loop.hold = False
        await loop.live.wait()
        tap.go_live()
        took = time.perf_counter() - started
        await runtime.stop()
        return took

    with asyncio.Runner(loop_factory=ResumeLoop) as r:
        return parsed, r.run(main()), len(data.commands), data.lines


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--engine":
        return engine_main(int(sys.argv[2]), sys.argv[3])
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--universes", type=int, default=256)
    args = ap.parse_args()
    os.environ.setdefault("SHOWCTL_RUNTIME_DIR", tempfile.mkdtemp())
    os.environ.setdefault("XDG_STATE_HOME", tempfile.mkdtemp())
    parsed, ff, ncmd, nlines = fast_forward()
    print(f"2-hour journal ({nlines} lines, {ncmd} commands): read {parsed:.2f} s, "
          f"fast-forward {ff:.2f} s")
    lat = kills(args.universes, args.kills)
    print(f"kill -9 → first Art-Net packet of the resumed engine, {args.universes} universes "
          f"fading, {len(lat)} kills: p50 {pct(lat, 0.5) * 1000:.0f} ms, "
          f"p99 {pct(lat, 0.99) * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
