"""Benchmarks for the OSC and MIDI layer: send latency and MTC timing on the real clock.

Run ``python3 bench/bench_osc_midi.py`` (about 75 s). It prints a markdown table and
appends it, with the command and the machine, to ``docs/performance.md``.

(a) OSC send -> packet received on loopback: p50/p99 over N sends through our ``osc``
    driver (UDP, and TCP/SLIP), and through a bare python-osc ``SimpleUDPClient`` in the
    same run; the sender stamps just before calling ``send``. The receiver is a separate
    process (so the sender's GIL cannot delay a stamp), sends are paced 1 ms apart (no
    queueing), and both sides stamp with ``time.perf_counter`` (CLOCK_MONOTONIC, shared
    across processes on Linux). Also the cost of one ``send()`` call itself (what a cue
    pays on the event loop), measured with no receiver competing for the GIL.
(b) MTC quarter-frame timing error against the ideal schedule ``t0 + k / (4 fps)``, on
    the real clock (``LoopClock`` on a normal asyncio loop), at 30 fps, sending through
    the ``midi`` driver's socket transport to a local listener: p50/p99/max of
    (actual send time - ideal time), over ``--mtc-seconds`` (default 60) of real time;
    and, as the floor, bare ``loop.call_at`` timers on the same schedule for 10 s
    (asyncio's epoll wait has millisecond granularity, so ~0.5-1 ms late is the loop's
    own behaviour, not the generator's).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing as mp
import os
import platform
import shlex
import socket
import statistics
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pythonosc.udp_client import SimpleUDPClient

from showctl.clocks.clock import LoopClock
from showctl.drivers.base import DriverContext, MidiPayload, OscMessage
from showctl.drivers.midi import MidiConfig, MidiDriver
from showctl.drivers.osc import OscConfig, OscDriver
from showctl.engine.timecode import TimecodeGenerator
from showctl.protocols.midi import FrameRate, Timecode
from showctl.protocols.osc import SlipDecoder, decode_packet

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------- (a) latency


def _receiver_main(kind: str, port_out: Connection, stamps_out: Connection) -> None:
    """Receiver *process*: stamps each packet with perf_counter (CLOCK_MONOTONIC, the
    same clock in every process on Linux) as it lands. A separate process, so the
    sender holding the GIL can never delay a stamp (a thread would wait up to the 5 ms
    switch interval)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port_out.send(sock.getsockname()[1])
    stamps: list[tuple[int, float]] = []

    def stamp(packet: bytes) -> bool:
        now = time.perf_counter()
        msg = decode_packet(packet)
        assert isinstance(msg, OscMessage)
        if msg.address == "/end":
            return False
        seq = msg.args[0]
        assert isinstance(seq, int)
        stamps.append((seq, now))
        return True

    if kind == "udp":
        while stamp(sock.recv(65536)):
            pass
    else:
        sock.listen(1)
        conn, _ = sock.accept()
        dec = SlipDecoder()
        going = True
        while going and (chunk := conn.recv(65536)):
            for frame in dec.feed(chunk):
                going = going and stamp(frame)
        conn.close()
    sock.close()
    stamps_out.send(stamps)


class Receiver:
    """Starts the receiver process; ``stamps()`` ends it and returns seq -> arrival."""

    def __init__(self, kind: str) -> None:
        ctx = mp.get_context("spawn")
        self._port_r, port_w = ctx.Pipe(duplex=False)
        self._stamps_r, stamps_w = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_receiver_main, args=(kind, port_w, stamps_w))
        self.proc.start()
        self.port: int = self._port_r.recv()

    def stamps(self) -> dict[int, float]:
        got: list[tuple[int, float]] = self._stamps_r.recv()
        self.proc.join()
        return dict(got)


def latencies(sent: dict[int, float], arrived: dict[int, float]) -> list[float]:
    lost = [seq for seq in sent if seq not in arrived]
    assert not lost, f"{len(lost)} packets lost"
    return [arrived[seq] - t for seq, t in sent.items() if seq >= 0]


PACE = 0.001  # one send per ms: no queueing, so each figure is one packet's own latency


async def latency_driver(n: int, transport: str) -> list[float]:
    """Send→receive latency through our ``osc`` driver (UDP or TCP/SLIP)."""
    rx = Receiver(transport)
    drv = OscDriver(
        "bench", OscConfig(port=rx.port, transport=transport), DriverContext(LoopClock())
    )  # type: ignore[arg-type]
    await drv.open()
    sent: dict[int, float] = {}
    for seq in range(-20, n):  # 20 warm-up sends (TCP connects on the first)
        msg = OscMessage("/cue/1/go", (seq, 0.5, "bench"))
        sent[seq] = time.perf_counter()
        drv.send(msg)
        await asyncio.sleep(PACE if seq >= 0 else 0.01)
    drv.send(OscMessage("/end"))
    await asyncio.sleep(0.05)
    await drv.close()
    return latencies(sent, await asyncio.get_running_loop().run_in_executor(None, rx.stamps))


def latency_python_osc(n: int) -> list[float]:
    rx = Receiver("udp")
    client = SimpleUDPClient("127.0.0.1", rx.port)
    sent: dict[int, float] = {}
    for seq in range(-20, n):
        sent[seq] = time.perf_counter()
        client.send_message("/cue/1/go", [seq, 0.5, "bench"])
        time.sleep(PACE if seq >= 0 else 0.01)
    client.send_message("/end", [])
    return latencies(sent, rx.stamps())


async def call_cost_driver(n: int) -> list[float]:
    """Time for the driver's ``send()`` to return (UDP), with no receiver thread running
    to steal the GIL: the in-loop cost a cue pays per OSC message."""
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    drv = OscDriver("bench", OscConfig(port=sink.getsockname()[1]), DriverContext(LoopClock()))  # type: ignore[arg-type]
    await drv.open()
    out: list[float] = []
    for seq in range(-20, n):
        msg = OscMessage("/cue/1/go", (seq, 0.5, "bench"))
        t0 = time.perf_counter()
        drv.send(msg)
        t1 = time.perf_counter()
        if seq >= 0:
            out.append(t1 - t0)
        if seq % 50 == 0:
            await asyncio.sleep(0)
            while True:  # drain so the kernel buffer never fills
                try:
                    sink.recv(65536, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
    await drv.close()
    sink.close()
    return out


def call_cost_python_osc(n: int) -> list[float]:
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    client = SimpleUDPClient("127.0.0.1", sink.getsockname()[1])
    out: list[float] = []
    for seq in range(-20, n):
        t0 = time.perf_counter()
        client.send_message("/cue/1/go", [seq, 0.5, "bench"])
        t1 = time.perf_counter()
        if seq >= 0:
            out.append(t1 - t0)
        if seq % 50 == 0:
            while True:
                try:
                    sink.recv(65536, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
    sink.close()
    return out


# ---------------------------------------------------------------------------- (b) MTC timing


async def mtc_timing(seconds: float, rate: FrameRate) -> tuple[list[float], int, int]:
    received = 0
    finished = asyncio.Event()

    async def sink(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal received
        while chunk := await reader.read(4096):
            received += len(chunk)
        writer.close()
        finished.set()

    server = await asyncio.start_server(sink, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    clock = LoopClock()
    drv = MidiDriver("mtc", MidiConfig(transport="socket", port=port), DriverContext(clock=clock))  # type: ignore[arg-type]
    stamps: list[float] = []

    def send(data: bytes) -> None:
        if data[0] == 0xF1:
            stamps.append(time.monotonic())  # same base as the loop's clock
        drv.send(MidiPayload(data))

    gen = TimecodeGenerator(clock, send, rate)
    t0 = clock.now() + 0.5
    gen.start(Timecode(1, 0, 0, 0, rate), when=t0)
    await clock.sleep_until(t0 + seconds)
    await gen.aclose()
    await drv.close()
    await finished.wait()
    server.close()
    errors = [stamps[k] - gen.deadline(k) for k in range(len(stamps))]
    return errors, gen.resyncs, drv.health.faults


async def bare_timer_timing(seconds: float, rate: FrameRate) -> list[float]:
    """The floor: plain ``loop.call_at`` on the same schedule, doing nothing else."""
    loop = asyncio.get_running_loop()
    step = 1 / (4 * float(rate.fps))
    t0 = loop.time() + 0.2
    n = int(seconds / step)
    errors: list[float] = []
    done = loop.create_future()

    def tick(k: int) -> None:
        errors.append(time.monotonic() - (t0 + k * step))
        if k + 1 < n:
            loop.call_at(t0 + (k + 1) * step, tick, k + 1)
        else:
            done.set_result(None)

    loop.call_at(t0, tick, 0)
    await done
    return errors


# ---------------------------------------------------------------------------- report


def us(x: float) -> str:
    return f"{x * 1e6:.0f} µs"


async def main() -> str:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sends", type=int, default=1000)
    ap.add_argument("--mtc-seconds", type=float, default=60.0)
    ap.add_argument("--no-write", action="store_true", help="print only; do not append to docs")
    args = ap.parse_args()

    rows: list[str] = []
    ours_udp = await latency_driver(args.sends, "udp")
    bare = latency_python_osc(args.sends)
    ours_tcp = await latency_driver(args.sends, "tcp")
    ours_call = await call_cost_driver(args.sends)
    bare_call = call_cost_python_osc(args.sends)
    for name, vals in [
        ("OSC send→receive, `osc` driver, UDP", ours_udp),
        ("OSC send→receive, python-osc `SimpleUDPClient` (baseline)", bare),
        ("OSC send→receive, `osc` driver, TCP/SLIP", ours_tcp),
        ("cost of one `send()` call, `osc` driver, UDP", ours_call),
        ("cost of one `send_message()` call, python-osc (baseline)", bare_call),
    ]:
        rows.append(
            f"| {name} | {len(vals)} sends | {us(pct(vals, 50))} | {us(pct(vals, 99))} | "
            f"{us(max(vals))} |"
        )
    rate = FrameRate.FPS_30
    errors, resyncs, faults = await mtc_timing(args.mtc_seconds, rate)
    rows.append(
        f"| MTC quarter-frame error vs ideal, 30 fps, real clock, {args.mtc_seconds:g} s "
        f"(resyncs {resyncs}, faults {faults}) | {len(errors)} QFs | {us(pct(errors, 50))} | "
        f"{us(pct(errors, 99))} | {us(max(errors))} |"
    )
    floor = await bare_timer_timing(min(10.0, args.mtc_seconds), rate)
    rows.append(
        f"| Baseline: bare asyncio `loop.call_at` error, same schedule, "
        f"{min(10.0, args.mtc_seconds):g} s | {len(floor)} timers | {us(pct(floor, 50))} | "
        f"{us(pct(floor, 99))} | {us(max(floor))} |"
    )
    cmd = "python3 " + " ".join(shlex.quote(a) for a in sys.argv)
    table = "\n".join(
        [
            f"### {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
            "",
            f"Command: `{cmd}`  ",
            f"Machine: {platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs; loopback",
            "",
            "| measurement | n | p50 | p99 | max |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
            f"Mean send→receive: driver UDP {us(statistics.fmean(ours_udp))}, "
            f"python-osc {us(statistics.fmean(bare))}.",
            "",
        ]
    )
    print(table)
    if not args.no_write:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        if not DOC.exists():
            DOC.write_text(
                "# OSC and MIDI performance\n\nAppended by `bench/bench_osc_midi.py`; "
                "see its docstring for what each row measures.\n\n"
            )
        with DOC.open("a") as f:
            f.write(table + "\n")
    return table


if __name__ == "__main__":
    asyncio.run(main())
