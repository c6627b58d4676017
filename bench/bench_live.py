"""The live runtime, measured as a stage manager runs it: the engine process (the same
``run_headless`` that ``showctl run`` starts: LiveRuntime, native API, OSC API), a
Textual console attached over the native API in another process and redrawing at 10 Hz,
and an Art-Net receiver in a third.

Figures (every channel of every universe fading, as in bench_dmx.py):
1. universes held at 44.0 Hz with no dropped frame, counted at the receiver;
2. the engine process's CPU at 1024 universes against a bare numpy+sendto loop in the
   same run;
3. the GO of one cue touching every channel (524,288 at 1024 universes): how late the
   frames after it arrive against the frame grid (goal: none more than 5 ms);
4. a key press in the console → the first changed DMX packet at the receiver, p50/p99,
   while 256 universes fade.

The show is built as a model (half a million channel entries would time the YAML parser,
not the runtime); everything after loading is what ``showctl run`` runs.

Run:  python3 bench/bench_live.py [--universes 256,512,1024]   (appends to
docs/performance.md)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
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

from bench_dmx import (  # noqa: E402
    ART_PORT,
    FADE,
    RATE,
    SendResult,
    bare_main,
    engine_show,
    frames_in_fade,
    pct,
    receiver_main,
)

API_PORT = 53281
DOC = ROOT / "docs" / "performance.md"
KEYS = 120


def engine_main(n: int, go_cues: int, runtime_dir: str) -> None:
    """The engine process: what `showctl run SHOW --headless` runs, on a built show."""
    os.environ["SHOWCTL_RUNTIME_DIR"] = runtime_dir
    from showctl.drivers.artnet import ArtNetConfig
    from showctl.headless import ApiAddress, run_headless
    from showctl.remote.config import OscApiConfig, RemoteConfig

    fade = 120.0 if go_cues else FADE
    show = engine_show(n, fade=fade, go_cues=go_cues)
    rig = {"lx": ArtNetConfig(nodes=[f"127.0.0.1:{ART_PORT}"], listen=None,
                              universe_offset=-1)}
    sys.stdin = open(os.devnull)  # noqa: SIM115 - the engine runs detached
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    run_headless(show, rig, auto=False, show_path=f"bench-{n}.yaml", runlog=None,
                 remote=RemoteConfig(osc=OscApiConfig(port=0)),
                 api=ApiAddress(port=API_PORT, fixed=True))


def console_main(plan: str, conn: Connection) -> None:
    """A console attached over the native API, pressing keys as the plan says."""
    from showctl.api.client import connect
    from showctl.console.app import console_app

    async def run() -> dict[str, Any]:
        app = console_app(lambda: connect(f"127.0.0.1:{API_PORT}"))
        out: dict[str, Any] = {"presses": []}
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause(0.5)
            await pilot.press("space")  # cue 1: start levels at once
            await asyncio.sleep(0.6)
            conn.send("fade")  # the parent samples the engine's CPU from here …
            out["fade_start"] = time.perf_counter()
            await pilot.press("space")  # cue 2: every channel fades
            if plan == "keys":
                await asyncio.sleep(0.5)
                await pilot.press("tab")  # the "go" list: flips one channel per GO
                import numpy as np

                rng = np.random.default_rng(3)
                for _ in range(KEYS):
                    await asyncio.sleep(float(rng.uniform(0.031, 0.057)))
                    out["presses"].append(time.perf_counter())
                    await pilot.press("space")
            else:
                await asyncio.sleep(FADE + 0.2)
            conn.send("faded")  # … to here
            out["refreshes"] = app.refreshes
            await app.send("end_show")
        return out

    conn.send(asyncio.run(run()))


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_port(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the engine's API did not come up on {port}")


def run_live(n: int, plan: str) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    probe = n if plan == "keys" else 0
    rx_parent, rx_child = ctx.Pipe()
    rx = ctx.Process(target=receiver_main, args=(ART_PORT, probe, rx_child), daemon=True)
    rx.start()
    assert rx_parent.recv() == "ready"
    rundir = tempfile.mkdtemp(prefix="bench-live-")
    eng = ctx.Process(target=engine_main, args=(n, KEYS if plan == "keys" else 0, rundir),
                      daemon=True)
    eng.start()
    wait_for_port(API_PORT)
    con_parent, con_child = ctx.Pipe()
    con = ctx.Process(target=console_main, args=(plan, con_child), daemon=True)
    con.start()
    assert con_parent.recv() == "fade"
    cpu0, wall0 = proc_cpu(eng.pid or 0), time.perf_counter()
    assert con_parent.recv() == "faded"
    cpu1, wall1 = proc_cpu(eng.pid or 0), time.perf_counter()
    result: dict[str, Any] = con_parent.recv()
    con.join(20)
    eng.join(20)
    time.sleep(0.2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"STOP", ("127.0.0.1", ART_PORT))
    received, arrivals = rx_parent.recv()
    rx.join(10)
    result["received"] = received
    result["arrivals"] = arrivals
    result["engine_cpu"] = cpu1 - cpu0
    result["engine_wall"] = wall1 - wall0
    return result


def fade_figures(r: dict[str, Any]) -> dict[str, float]:
    """Frames of the probe (universe 1 channel 1 goes 0 → 255 over FADE s) at the
    receiver, and how late each arrived against the frame grid from the first."""
    probe = [(t, v) for t, v in r["arrivals"] if t >= r["fade_start"]]
    start = next((i for i, (_, v) in enumerate(probe) if v > 0), None)
    if start is None:
        return {"frames": 0, "expected": frames_in_fade(), "late_max": float("nan"),
                "late_p99": float("nan"), "rate": 0.0, "first_ms": float("nan")}
    # The GO's own frame (at once) is the first; frames then follow the grid.
    fade = probe[max(0, start - 1):]
    end = next((i for i, (_, v) in enumerate(fade) if v == 255), len(fade) - 1)
    fade = fade[: end + 1]
    t0 = fade[1][0] if len(fade) > 1 else fade[0][0]
    late = []
    for k, (t, _) in enumerate(fade[1:]):
        late.append(max(0.0, (t - (t0 + k / RATE)) * 1000))
    span = fade[-1][0] - fade[0][0]
    return {"frames": len(fade), "expected": frames_in_fade(),
            "late_max": max(late) if late else 0.0, "late_p99": pct(late, 0.99),
            "first_ms": (fade[0][0] - r["fade_start"]) * 1000,
            "rate": (len(fade) - 1) / span if span > 0 else 0.0}


def key_latencies(r: dict[str, Any]) -> list[float]:
    arrivals = r["arrivals"]
    out = []
    j = 0
    for i, t in enumerate(r["presses"]):
        want = 255 if i % 2 == 0 else 0
        while j < len(arrivals) and (arrivals[j][0] < t or arrivals[j][1] != want):
            j += 1
        if j < len(arrivals):
            out.append((arrivals[j][0] - t) * 1000)
    return out


def bare(n: int) -> tuple[SendResult, int]:
    ctx = mp.get_context("spawn")
    rx_parent, rx_child = ctx.Pipe()
    rx = ctx.Process(target=receiver_main, args=(ART_PORT, 0, rx_child), daemon=True)
    rx.start()
    assert rx_parent.recv() == "ready"
    tx_parent, tx_child = ctx.Pipe()
    tx = ctx.Process(target=bare_main, args=(n, tx_child), daemon=True)
    tx.start()
    res = SendResult(**tx_parent.recv())
    tx.join(10)
    time.sleep(0.2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"STOP", ("127.0.0.1", ART_PORT))
    received, _ = rx_parent.recv()
    rx.join(10)
    return res, received


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--universes", default="256,512,1024")
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    sizes = [int(x) for x in args.universes.split(",")]
    lines = []
    rows = []
    cpu_at: dict[int, float] = {}
    for n in sizes:
        r = run_live(n, "fade")
        f = fade_figures(r)
        held = f["frames"] >= f["expected"] and f["late_max"] < 1000 / RATE
        cpu_at[n] = r["engine_cpu"]
        rows.append(f"| {n} | {f['frames']} / {f['expected']} | {f['rate']:.2f} | "
                    f"{f['late_p99']:.1f} / {f['late_max']:.1f} | {f['first_ms']:.1f} | "
                    f"{r['engine_cpu']:.2f} | {r['refreshes']} | {'yes' if held else 'no'} |")
        print(rows[-1], flush=True)
    table = ["| universes | frames at the receiver / due | Hz | frame lateness p99 / max "
             "(ms) | GO → first frame (ms) | engine CPU (s) | console redraws | held |",
             "|---|---|---|---|---|---|---|---|", *rows]
    biggest = max(sizes)
    b, _ = bare(biggest)
    ratio = cpu_at[biggest] / b.cpu if b.cpu else float("nan")
    lines += table
    lines.append("")
    lines.append(f"Engine process CPU over the {FADE:g} s fade at {biggest} universes (with "
                 f"the API serving a console): {cpu_at[biggest]:.2f} s; a bare numpy+sendto "
                 f"loop sending the same frames, same run: {b.cpu:.2f} s → **{ratio:.2f}x**.")
    k = run_live(256, "keys")
    lat = key_latencies(k)
    lines.append(f"Key press in the console → first changed Art-Net packet, 256 universes "
                 f"fading, {len(lat)} presses: **p50 {pct(lat, 0.5):.2f} ms, p99 "
                 f"{pct(lat, 0.99):.2f} ms**, max {max(lat):.2f} ms.")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines.append(f"Load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} CPUs.")
    text = "\n".join(lines)
    print(text)
    if not args.no_doc:
        stamp = datetime.date.today().isoformat()
        with DOC.open("a", encoding="utf-8") as fh:
            fh.write(f"\n## Live runtime: engine process + attached console ({stamp})\n\n"
                     f"`python3 bench/bench_live.py --universes {args.universes}` on "
                     f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
                     f"{platform.python_version()}. Every channel of every universe fades "
                     f"for {FADE:g} s; a Textual console is attached over the native API "
                     "(another process) and redraws at 10 Hz; an Art-Net receiver in a "
                     "third process stamps each packet with the kernel's receive time. "
                     "'GO → first frame' is from the key press (cue 2 touches every "
                     "channel) to its first frame at the receiver; lateness is against "
                     "the 44 Hz grid from the first frame after it.\n\n"
                     f"{text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
