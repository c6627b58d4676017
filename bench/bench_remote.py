"""Benchmark: remote-control latency and timecode-triggered cue accuracy.

1. ``/go`` over UDP to the OSC API → the GO'd cue's OSC packet arriving at a loopback
   receiver, for 1,000 GOs at random phases while 512 DMX universes run on the
   lighting frame loop (raw-channel fades through ``session.lighting``, 44 frames/s;
   the DMX output is the capture driver with tracing off, so no capture cost is
   measured). Two loads: a slow fade (the frame loop skips unchanged universes) and
   the worst case, every universe changing on every frame. Goal: p99 ≤ 2 ms. The
   client runs in a *separate process* and timestamps send and arrival itself with
   CLOCK_MONOTONIC, so neither the GIL nor our event loop sits between its two
   timestamps.
2. Timecode: MTC at 30 fps from a separate process over a mido network MIDI socket,
   sent on time as hardware would (clock_nanosleep to each quarter frame's deadline);
   the error of each timecode-triggered cue's fire time against the instant its frame was
   due at the sender (same CLOCK_MONOTONIC), with the same 512 universes running.
   Goal: |error| p99 ≤ 1 ms.

Prints a markdown table and appends it, with the command, to docs/performance.md.

    python3 bench/bench_remote.py [--gos 1000] [--universes 512] [--tc-cues 600]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import showctl.drivers.osc  # noqa: E402,F401  (registers the osc driver)
from showctl.drivers.osc import OscConfig  # noqa: E402
from showctl.engine import events as ev  # noqa: E402
from showctl.model.loader import parse_show  # noqa: E402
from showctl.protocols.midi import Timecode  # noqa: E402
from showctl.remote import (  # noqa: E402
    MidiInputConfig,
    OscApiConfig,
    RemoteConfig,
    start_remote,
)
from showctl.session import Session  # noqa: E402

FPS = 30
SCENARIOS = {"slow fade": 3600.0, "every universe changes every frame": 4.0}
"""Lighting load while measuring: the fade time of the ping-pong between two looks.
3600 s: DMX changes rarely (the frame loop skips unchanged universes); 4 s: 255 steps
in 4 s, so every one of the universes changes on every frame (the worst case)."""
TC_START = "01:00:00:00"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def tc_label(frame: int) -> str:
    return str(Timecode.parse(TC_START, FPS) + frame)


def build_show(gos: int, universes: int, tc_cues: int, tc_every: int, fade: float) -> str:
    up = {f"{u}/{a}": 100 for u in range(1, universes + 1) for a in (1, 2, 3, 4)}
    down = dict.fromkeys(up, 0)
    show = {
        "show": {"title": "Remote bench"},
        "settings": {"go_guard": 0},
        "outputs": {"lx": {"kind": "dmx", "universes": list(range(1, universes + 1))},
                    "sound": {"kind": "osc"}},
        "cuelists": {
            "main": {"cues": [{"number": str(i), "type": "osc", "output": "sound",
                               "address": f"/cue/{i}/start"} for i in range(1, gos + 2)]},
            "lx": {"cues": [{"number": "L1", "type": "light", "channels": up, "time": fade},
                            {"number": "L2", "type": "light", "channels": down,
                             "time": fade}]},
            "tc": {"timecode": {"source": "mtc", "fps": FPS, "freewheel": 1},
                   "cues": [{"number": f"T{k}", "type": "memo",
                             "triggers": [{"timecode": tc_label(30 + k * tc_every)}]}
                            for k in range(tc_cues)]},
        },
    }
    return yaml.safe_dump(show, sort_keys=False)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))]


# ---------------------------------------------------------------------------- child roles


def role_go_client(api_port: int, recv_port: int, gos: int, seed: int) -> None:
    """Separate process: send /go, wait for the cue's OSC packet, repeat."""
    rng = random.Random(seed)
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    out.bind(("127.0.0.1", recv_port))
    out.settimeout(2.0)
    api = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    api.bind(("127.0.0.1", 0))
    go = b"/go\x00,\x00\x00\x00"
    lat: list[float] = []
    lost = 0
    for _ in range(gos):
        time.sleep(rng.uniform(0.004, 0.012))  # random phase against the 44 Hz frames
        t0 = time.perf_counter()
        api.sendto(go, ("127.0.0.1", api_port))
        try:
            out.recv(2048)
        except TimeoutError:
            lost += 1
            continue
        lat.append(time.perf_counter() - t0)
    print(json.dumps({"lat": lat, "lost": lost}))


def role_mtc_sender(midi_port: int, frames: int) -> None:
    """Separate process: MTC at 30 fps over network MIDI, sent as hardware would: on
    time (a plain sleep to each quarter frame's deadline on CLOCK_MONOTONIC, the clock
    our event loop reads; no event loop and its 1 ms timer granularity). A full frame
    locates first."""
    import mido
    import mido.sockets

    from showctl.protocols.midi import MtcFullFrame, MtcQuarterFrame

    port = mido.sockets.connect("127.0.0.1", midi_port)
    port._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    start = Timecode.parse(TC_START, FPS)
    t0 = time.monotonic() + 0.5
    late: list[float] = []

    def send_at(deadline: float, data: bytes) -> None:
        # clock_nanosleep is precise to tens of microseconds and, unlike a spin, leaves
        # the CPU to the process under test.
        if (left := deadline - time.monotonic()) > 0:
            time.sleep(left)
        port.send(mido.Message.from_bytes(list(data)))
        late.append(time.monotonic() - deadline)

    send_at(t0, MtcFullFrame(start).encode())
    for k in range(frames * 4):
        frame = k // 4
        cycle = start + (frame - frame % 2)  # a cycle spans two frames
        send_at(t0 + k / (4 * FPS), MtcQuarterFrame.of(cycle, k % 8).encode())
    port.close()
    late.sort()
    print(json.dumps({"t0": t0, "sender_late_p99": late[int(0.99 * (len(late) - 1))]}))


# ---------------------------------------------------------------------------- main


async def run(args: argparse.Namespace, fade: float) -> dict[str, Any]:
    show, problems = parse_show(build_show(args.gos, args.universes, args.tc_cues,
                                           args.tc_every, fade), "bench.yaml")
    assert show is not None, problems
    recv_port, api_port, midi_port = free_port(), free_port(), free_port()
    session = Session(show, rig={"sound": OscConfig(driver="osc", host="127.0.0.1",
                                                    port=recv_port)})
    session.router.trace_outputs = False
    fired: dict[str, float] = {}
    session.bus.subscribe(lambda e: isinstance(e, ev.CueTriggered) and e.list == "tc"
                          and fired.setdefault(e.cue, session.clock.now()) and None)
    await session.open()
    remote = await start_remote(session, RemoteConfig(
        osc=OscApiConfig(port=api_port, udp_reply_port=None, tcp=False),
        midi_inputs=[MidiInputConfig(name="tc", transport="socket", port=midi_port)]))
    async def fade_forever() -> None:  # every universe changes on every frame
        while True:
            for cue in ("L1", "L2"):
                session.engine.fire("lx", cue)
                await asyncio.sleep(fade)

    fader = asyncio.get_running_loop().create_task(fade_forever())
    lighting = session.lighting
    await asyncio.sleep(0.5)
    f0, w0 = lighting.frames, time.perf_counter()

    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--role", "go-client", "--api-port", str(api_port),
        "--recv-port", str(recv_port), "--gos", str(args.gos), stdout=subprocess.PIPE)
    out, _ = await proc.communicate()
    go = json.loads(out)
    go_frames = (lighting.frames - f0) / (time.perf_counter() - w0)

    tc_frames = 30 + args.tc_cues * args.tc_every + 10
    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--role", "mtc-sender", "--midi-port", str(midi_port),
        "--frames", str(tc_frames), stdout=subprocess.PIPE)
    out, _ = await proc.communicate()
    sender = json.loads(out)
    t0 = sender["t0"]
    errors = []
    for k in range(args.tc_cues):
        cue = f"T{k}"
        if cue in fired:
            errors.append(fired[cue] - (t0 + (30 + k * args.tc_every) / FPS))
    fader.cancel()
    await remote.close()
    await session.close()
    return {"go": go, "go_fps": go_frames, "tc_errors": errors,
            "sender_late_p99": sender["sender_late_p99"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gos", type=int, default=1000)
    ap.add_argument("--universes", type=int, default=512)
    ap.add_argument("--tc-cues", type=int, default=600)
    ap.add_argument("--tc-every", type=int, default=2, help="frames between timecode cues")
    ap.add_argument("--role", choices=["go-client", "mtc-sender"])
    ap.add_argument("--api-port", type=int)
    ap.add_argument("--recv-port", type=int)
    ap.add_argument("--midi-port", type=int)
    ap.add_argument("--frames", type=int)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if args.role == "go-client":
        role_go_client(args.api_port, args.recv_port, args.gos, 7)
        return
    if args.role == "mtc-sender":
        role_mtc_sender(args.midi_port, args.frames)
        return
    load_before = os.getloadavg()[0]
    cmd = "python3 bench/bench_remote.py" + "".join(
        f" {a}" for a in sys.argv[1:] if a != "--no-write")
    table = (
        f"\n## Remote control ({time.strftime('%Y-%m-%d')}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{load_before:.2f} at start)\n\n"
        f"Command: `{cmd}`\n\n"
        f"{args.universes} DMX universes on the lighting frame loop while measuring.\n\n"
        "| measure | DMX load | n | p50 | p99 | max | goal |\n"
        "|---|---|---|---|---|---|---|\n"
    )
    for name, fade in SCENARIOS.items():
        res = asyncio.run(run(args, fade))
        lat = [x * 1000 for x in res["go"]["lat"]]
        err = [x * 1000 for x in res["tc_errors"]]
        abs_err = [abs(x) for x in err]
        load = f"{name}, {res['go_fps']:.1f} frames/s"
        table += (
            f"| `/go` (UDP) → cue's OSC packet on loopback | {load} | {len(lat)} "
            f"(lost {res['go']['lost']}) | {statistics.median(lat):.3f} ms | "
            f"{pct(lat, 99):.3f} ms | {max(lat):.3f} ms | p99 ≤ 2 ms |\n"
            f"| MTC 30 fps → timecode cue fire error (fire − frame due; sender late p99 "
            f"{res['sender_late_p99'] * 1e3:.3f} ms) | {name} | {len(err)} of "
            f"{args.tc_cues} | {statistics.median(err):+.3f} ms | "
            f"\\|err\\| {pct(abs_err, 99):.3f} ms | \\|err\\| {max(abs_err):.3f} ms | "
            f"\\|err\\| p99 ≤ 1 ms |\n"
        )
    print(table)
    if not args.no_write:
        perf = ROOT / "docs" / "performance.md"
        if not perf.exists():
            perf.write_text("# Performance: remote control and timecode\n\nFigures from "
                            "bench/bench_remote.py, each with its command. Newest at the "
                            "bottom.\n")
        with perf.open("a") as f:
            f.write(table)


if __name__ == "__main__":
    main()
