"""The page, measured: many browser pages on one engine while 256 universes fade.

Three processes, as at a show: the engine process (``run_headless``, the same as
``showctl run``: LiveRuntime, native API, the page's server), an Art-Net receiver that
stamps each packet with the kernel's receive time, and the pages — ``--pages`` clients
speaking exactly what the page's JavaScript speaks over the page's port (``/api``:
``hello`` with every list's rows and no lighting levels, then the pushed states) plus
one control client that presses GO.

Figures:
1. frames at the receiver during the fade against the 44 Hz grid (held: every frame,
   none later than one frame period);
2. engine event → page update: GO sent by the control client → each page's first state
   showing the new playhead, p50 / p99 over every page and GO (the pages' own process
   decodes every state of every page, so its backlog counts too: an upper bound);
3. the engine process's CPU over the fade.

Run:  python3 bench/bench_web.py [--pages 0,50] [--universes 256] [--no-doc]
(appends to docs/performance.md)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import itertools
import json
import multiprocessing as mp
import os
import platform
import socket
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dmx import ART_PORT, RATE, engine_show, pct, receiver_main  # noqa: E402
from bench_live import proc_cpu, wait_for_port  # noqa: E402

WEB_PORT = 53291
DOC = ROOT / "docs" / "performance.md"
FADE = 12.0
GOS = 60


class LagProbe:
    """Event-loop stalls of the engine process: a callback every 5 ms notes how late it
    ran and how much CPU the engine's thread used meanwhile — a stall with the CPU busy
    is the engine's own work; one without is the OS running something else (the
    pages', the receiver's or anyone's process on a shared machine)."""

    def __init__(self) -> None:
        self.stalls: list[tuple[float, float, float]] = []  # (at, late ms, own cpu ms)
        self.loop: asyncio.AbstractEventLoop | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        import gc

        self.gcs: list[tuple[float, int, float]] = []  # (at, generation, ms)
        started: list[float] = [0.0]

        def on_gc(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                now = time.perf_counter()
                self.gcs.append((now, info["generation"], (now - started[0]) * 1000))

        gc.callbacks.append(on_gc)
        self.loop = loop
        self._last = (time.perf_counter(), time.thread_time())
        loop.call_later(0.005, self._tick)

    def _tick(self) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        late = (wall - self._last[0] - 0.005) * 1000
        if late > 10.0:
            self.stalls.append((wall, late, (cpu - self._last[1]) * 1000))
        self._last = (wall, cpu)
        assert self.loop is not None
        self.loop.call_later(0.005, self._tick)


def engine_main(n: int, runtime_dir: str, conn: Connection) -> None:
    os.environ["SHOWCTL_RUNTIME_DIR"] = runtime_dir
    probe = LagProbe()

    class Policy(asyncio.DefaultEventLoopPolicy):
        def new_event_loop(self) -> asyncio.AbstractEventLoop:
            loop = super().new_event_loop()
            loop.call_soon(probe.start, loop)
            return loop

    asyncio.set_event_loop_policy(Policy())
    from showctl.drivers.artnet import ArtNetConfig
    from showctl.headless import ApiAddress, run_headless
    from showctl.model import show as m
    from showctl.remote.config import OscApiConfig, RemoteConfig
    from showctl.web.server import WebAddress

    show = engine_show(n, fade=FADE)
    # The GOs that the pages watch fire memo cues: the figure is the event's way to the
    # pages, not the cost of a light cue's GO (bench_live.py measures that).
    show.cuelists["go"] = m.CueList.model_validate(
        {"cues": [{"number": str(i + 1), "type": "memo"} for i in range(GOS + 2)]})
    rig = {"lx": ArtNetConfig(nodes=[f"127.0.0.1:{ART_PORT}"], listen=None,
                              universe_offset=-1)}
    sys.stdin = open(os.devnull)  # noqa: SIM115 - the engine runs detached
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    run_headless(show, rig, auto=False, show_path=f"bench-web-{n}.yaml", runlog=None,
                 remote=RemoteConfig(osc=OscApiConfig(port=0)), api=ApiAddress(port=0),
                 web=WebAddress(port=WEB_PORT, fixed=True))
    conn.send((probe.stalls, probe.gcs))


def pages_main(pages: int, conn: Connection) -> None:
    """``pages`` page clients and one control client, in one asyncio loop, at a lower
    priority than the engine: on a show the pages run on phones and tablets, not on the
    engine's CPUs (``--same-priority`` to let them compete)."""
    if os.environ.get("BENCH_WEB_NICE", "10") != "0":
        os.nice(int(os.environ.get("BENCH_WEB_NICE", "10")))
    from websockets.asyncio.client import connect

    url = f"ws://127.0.0.1:{WEB_PORT}/api"
    hello = json.dumps({"op": "hello", "version": 1, "lists": None, "outputs": []})
    marker = '"go":{"name":"go","playhead":'

    async def page(i: int, seen: dict[str, list[float]], ready: asyncio.Event,
                   counter: list[int]) -> None:
        async with connect(url, max_size=None) as ws:
            await ws.send(hello)
            last = None
            async for text in ws:
                t = time.perf_counter()
                if not isinstance(text, str):
                    continue
                if text.startswith('{"op":"welcome"'):
                    # the show document rides along (megabytes for this bench's show of
                    # 256 fully written universes): a page parses it once; here it would
                    # only keep this process from answering the engine's pings
                    counter[0] += 1
                    if counter[0] == pages:
                        ready.set()
                    continue
                if text.startswith('{"op":"bye"'):
                    return
                at = text.find(marker)
                if at < 0:
                    continue
                end = text.find(",", at + len(marker))
                ph = json.loads(text[at + len(marker):end])  # a state: only the playhead
                if ph != last:
                    seen.setdefault(str(ph), []).append(t)
                    last = ph

    async def run() -> dict[str, Any]:
        seen: dict[str, list[float]] = {}
        ready = asyncio.Event()
        counter = [0]
        tasks = [asyncio.create_task(page(i, seen, ready, counter)) for i in range(pages)]
        if pages:
            await asyncio.wait_for(ready.wait(), 60)
        sent: dict[str, float] = {}
        async with connect(url, max_size=None) as ctl:
            await ctl.send(hello)
            rid = 0

            async def cmd(verb: str, **args: Any) -> float:
                nonlocal rid
                rid += 1
                t = time.perf_counter()
                await ctl.send(json.dumps({"op": "cmd", "id": rid, "verb": verb,
                                           "args": args}))
                return t

            async def drain() -> None:
                async for _ in ctl:
                    pass

            drainer = asyncio.create_task(drain())
            await cmd("go", list="main")  # cue 1: start levels at once
            await asyncio.sleep(1.0)
            conn.send("fade")
            fade_at = await cmd("go", list="main")  # cue 2: every channel fades
            await asyncio.sleep(0.5)
            import random

            rnd = random.Random(5)
            for k in range(GOS):
                await asyncio.sleep(rnd.uniform(0.1, 0.17))
                sent[str(k + 2)] = await cmd("go", list="go")
            await asyncio.sleep(max(0.0, FADE + 0.7 - (time.perf_counter() - fade_at)))
            conn.send("faded")
            await asyncio.sleep(0.3)
            await cmd("end_show")
            await asyncio.sleep(0.5)
            drainer.cancel()
        for t in tasks:
            t.cancel()
        errors = [repr(e) for e in await asyncio.gather(*tasks, return_exceptions=True)
                  if e is not None and not isinstance(e, asyncio.CancelledError)]
        lat = []
        for number, t0 in sent.items():
            for t in seen.get(number, []):
                lat.append((t - t0) * 1000)
        return {"fade_start": fade_at, "latencies": lat,
                "missing": GOS * pages - len(lat), "errors": errors}

    conn.send(asyncio.run(run()))


def run(n: int, pages: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    rx_parent, rx_child = ctx.Pipe()
    rx = ctx.Process(target=receiver_main, args=(ART_PORT, 0, rx_child), daemon=True)
    rx.start()
    assert rx_parent.recv() == "ready"
    rundir = tempfile.mkdtemp(prefix="bench-web-")
    eng_parent, eng_child = ctx.Pipe()
    eng = ctx.Process(target=engine_main, args=(n, rundir, eng_child), daemon=True)
    eng.start()
    wait_for_port(WEB_PORT)
    pg_parent, pg_child = ctx.Pipe()
    pg = ctx.Process(target=pages_main, args=(pages, pg_child), daemon=True)
    pg.start()
    assert pg_parent.recv() == "fade"
    cpu0 = proc_cpu(eng.pid or 0)
    assert pg_parent.recv() == "faded"
    cpu1 = proc_cpu(eng.pid or 0)
    result: dict[str, Any] = pg_parent.recv()
    pg.join(20)
    stalls, gcs = eng_parent.recv()
    eng.join(20)
    time.sleep(0.2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"STOP", ("127.0.0.1", ART_PORT))
    _received, arrivals = rx_parent.recv()
    rx.join(10)
    result["arrivals"] = arrivals
    result["engine_cpu"] = cpu1 - cpu0
    # stalls of the engine's loop during the fade: (late ms, own CPU ms)
    result["stalls"] = [(late, own) for at, late, own in stalls
                        if result["fade_start"] <= at <= result["fade_start"] + FADE]
    # the engine's garbage collections during the fade: (generation, ms)
    result["gcs"] = [(gen, ms) for at, gen, ms in gcs
                     if result["fade_start"] <= at <= result["fade_start"] + FADE]
    return result


def frames(r: dict[str, Any]) -> dict[str, float]:
    """The probe universe's frames from the fade's GO to its end (0 → 255 over FADE s):
    how many, and how late each came against the 44 Hz grid from the first after it."""
    probe = [(t, v) for t, v in r["arrivals"] if t >= r["fade_start"]]
    start = next((i for i, (_, v) in enumerate(probe) if v > 0), None)
    expected = round(FADE * RATE) + 1
    if start is None:
        return {"frames": 0, "expected": expected, "late_p99": float("nan"),
                "late_max": float("nan"), "rate": 0.0}
    fade = probe[max(0, start - 1):]
    end = next((i for i, (_, v) in enumerate(fade) if v == 255), len(fade) - 1)
    fade = fade[: end + 1]
    t0 = fade[1][0]
    late = [max(0.0, (t - (t0 + k / RATE)) * 1000) for k, (t, _) in enumerate(fade[1:])]
    span = fade[-1][0] - fade[0][0]
    gap = max(b[0] - a[0] for a, b in itertools.pairwise(fade[1:]))
    return {"frames": len(fade), "expected": expected, "late_p99": pct(late, 0.99),
            "late_max": max(late), "rate": (len(fade) - 1) / span if span > 0 else 0.0,
            "gap_ms": gap * 1000}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", default="0,50")
    ap.add_argument("--universes", type=int, default=256)
    ap.add_argument("--no-doc", action="store_true")
    ap.add_argument("--same-priority", action="store_true",
                    help="run the pages' process at the engine's priority")
    args = ap.parse_args()
    if args.same_priority:
        os.environ["BENCH_WEB_NICE"] = "0"
    n = args.universes
    rows = ["| pages | frames at the receiver / due | Hz | frame lateness p99 / max (ms) "
            "| largest gap (ms) | held | GO → page update p50 / p99 / max (ms) "
            f"| updates missing | engine CPU over the {FADE:g} s fade (s) "
            "| engine loop stalls > 10 ms: count, longest own CPU (ms) | load before |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for pages in [int(x) for x in args.pages.split(",")]:
        load = os.getloadavg()[0]
        r = run(n, pages)
        own = max((c for _, c in r["stalls"]), default=0.0)
        f = frames(r)
        # held: no frame dropped (the probe's 8-bit level leaves 0 a frame after the GO
        # and reaches 255 a frame before the fade's end, so all its frames are the
        # grid's count less 2) and none a period late against the grid
        held = f["frames"] >= f["expected"] - 2 and f["late_max"] < 1000 / RATE
        lat = r["latencies"]
        lat_s = (f"{pct(lat, 0.5):.1f} / {pct(lat, 0.99):.1f} / {max(lat):.1f}" if lat
                 else "–")
        rows.append(f"| {pages} | {f['frames']} / {f['expected']} | {f['rate']:.2f} | "
                    f"{f['late_p99']:.1f} / {f['late_max']:.1f} | {f['gap_ms']:.1f} | "
                    f"{'yes' if held else 'no'} "
                    f"| {lat_s} | {r['missing']} | {r['engine_cpu']:.2f} "
                    f"| {len(r['stalls'])}, {own:.1f} | {load:.2f} |")
        print(rows[-1], flush=True)
    text = "\n".join(rows)
    print(text)
    if not args.no_doc:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        with DOC.open("a", encoding="utf-8") as fh:
            fh.write(f"\n## The page: pages open on one engine while {n} universes fade "
                     f"({stamp})\n\n"
                     f"`python3 bench/bench_web.py --pages {args.pages} --universes {n}` on "
                     f"{platform.machine()}, {os.cpu_count()} CPUs (shared), Python "
                     f"{platform.python_version()}"
                     + (", the pages at the engine's priority" if args.same_priority
                        else ", the pages' process at nice 10")
                     + f". Every channel of {n} universes fades "
                     f"for {FADE:g} s (Art-Net to a receiver process that stamps packets "
                     "with the kernel's time). The pages are WebSocket clients on the "
                     "page's port speaking what the page's JavaScript speaks (every list's "
                     "rows, no lighting levels, states pushed at 10 Hz and after each "
                     f"command), all in one process; a control client presses GO {GOS} "
                     "times during the fade on a second list of memo cues (one cue per GO). "
                     "'GO → page update' runs from the GO's send to each page's first "
                     "state with the new playhead (every page, every GO). A callback every "
                     "5 ms in the engine's loop counts its stalls over 10 ms and the "
                     "engine thread's own CPU in the longest (the rest of a stall is the "
                     "OS running other processes: the CPUs are shared); 'load before' is "
                     "the 1-minute load average when the run began.\n\n"
                     f"{text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
