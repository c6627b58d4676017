"""Soak: what grows in a long live run, and by how much per hour.

A looping show (a light fade over ``--universes`` universes, an OSC argument fade, MIDI
notes, a timecode cue chased back by a timecode list, a start cue that loops back to the
top) runs with the remote runtime attached and a Companion-style client polling the OSC
API in memory (``/runningCues``, ``valuesForKeys``, ``/cueLists``) four times a second.
It runs on the virtual clock, so ``--minutes`` of show time take far less real time
(a short run, extrapolated to an hour, is the point).

``tracemalloc`` snapshots at the end of the warm-up and at the end give the growth, per
source line; the biggest growers are printed with the growth per hour of show time.
Run: ``python3 bench/bench_soak.py [--minutes 20] [--warmup 2] [--universes 8]``
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # remote_support: the API test helpers

from remote_support import call, local_api  # noqa: E402

from showctl.clocks.virtual import run_virtual  # noqa: E402
from showctl.remote import RemoteConfig  # noqa: E402
from showctl.remote.service import RemoteServer  # noqa: E402
from showctl.runlog.recorder import RunLogRecorder  # noqa: E402
from showctl.session import Session  # noqa: E402
from showctl.testing import make_show  # noqa: E402


def soak_show(universes: int) -> str:
    chans = ", ".join(f'"{u}/{a}": {50 + (a % 50)}' for u in range(1, universes + 1)
                      for a in range(1, 513, 8))
    outs = ", ".join(str(u) for u in range(1, universes + 1))
    return f"""
show: {{title: soak}}
settings: {{go_guard: 0}}
outputs:
  lx: {{kind: dmx, universes: [{outs}]}}
  snd: {{kind: osc}}
  desk: {{kind: midi}}
cuelists:
  main:
    cues:
      - {{number: "1", type: light, channels: {{{chans}}}, time: 3, continue: auto_follow}}
      - {{number: "2", type: osc, output: snd, address: /fader, args: [0.0],
         fade: {{from: 0, to: 1, duration: 2}}, continue: auto_follow}}
      - number: "3"
        type: midi
        output: desk
        messages: [{{kind: note_on, note: 60, velocity: 100}},
                   {{kind: note_off, note: 60, at: 0.5}}]
        continue: auto_follow
      - {{number: "4", type: light, channels: {{"1/1": 0}}, time: 2, block: true,
         continue: auto_follow}}
      - {{number: "5", type: wait, duration: 1, continue: auto_follow}}
      - {{number: "6", type: start, target: "1"}}
"""


async def soak(minutes: float, warmup: float, universes: int) -> dict[str, Any]:
    session = Session(make_show(soak_show(universes)))
    rec = RunLogRecorder(session.show, "live", None)
    await session.open()
    rec.attach(session)
    remote = RemoteServer(session, RemoteConfig())
    api, client = local_api(session)
    clock, t0 = session.clock, session.clock.now()
    session.engine.go()
    polls = 0
    out: dict[str, Any] = {}
    t = 0.0
    while t < minutes * 60:
        t += 0.25
        await clock.sleep_until(t0 + t)
        call(api, client, "/runningCues")
        call(api, client, "/cue/selected/valuesForKeys", '["number","name","isRunning"]')
        if polls % 20 == 0:
            call(api, client, "/cueLists")
        polls += 1
        if abs(t - warmup * 60) < 1e-9:
            gc.collect()
            out["warm"] = tracemalloc.take_snapshot()
            out["warm_t"] = t
    gc.collect()
    out["end"] = tracemalloc.take_snapshot()
    out["end_t"] = t
    out["cues"] = len(rec.cues)
    await remote.close()
    await session.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=2)
    ap.add_argument("--universes", type=int, default=8)
    ap.add_argument("--top", type=int, default=8)
    args = ap.parse_args()
    tracemalloc.start(10)
    wall = time.perf_counter()
    res = run_virtual(lambda: soak(args.minutes, args.warmup, args.universes))
    wall = time.perf_counter() - wall
    span_h = (res["end_t"] - res["warm_t"]) / 3600
    stats = res["end"].compare_to(res["warm"], "traceback")
    total = sum(s.size_diff for s in stats)
    print(f"soak: {args.minutes:g} min of show ({args.universes} universes, API polled 4/s) "
          f"in {wall:.1f} s real; {res['cues']} cue runs logged")
    print(f"traced memory growth after the {args.warmup:g} min warm-up: "
          f"{total / 1024:+.1f} KiB over {span_h * 60:.1f} min = "
          f"{total / span_h / 2**20:+.2f} MiB per hour")
    for s in stats[: args.top]:
        if s.size_diff <= 0:
            continue
        ours = [f for f in s.traceback if "showctl/" in f.filename and "bench" not in f.filename]
        where = " < ".join(f"{f.filename.rsplit('showctl/', 1)[-1]}:{f.lineno}"
                           for f in reversed(ours[-3:])) or "?"
        print(f"  {s.size_diff / span_h / 1024:+9.1f} KiB/h  {s.count_diff:+6d} blocks  {where}")


if __name__ == "__main__":
    main()
