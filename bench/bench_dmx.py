"""DMX output benchmark: how many universes our Art-Net driver sustains at 44 Hz, at what
CPU cost, against a bare numpy+sendto loop and against pyartnet / the sacn package.

Workload: every channel of every universe fades at once (numpy, random start/end
levels) for 4 s; universe 0 channel 1 fades 0 → 255 so a receiver can see when the fade
ends. Each sender runs in its own process; a receiver in another process counts packets
and stamps the probe universe's arrivals (time.perf_counter is CLOCK_MONOTONIC on Linux,
so times compare across processes).

Run:  python3 bench/bench_dmx.py   (about a minute; appends to docs/performance.md)
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import multiprocessing as mp
import os
import platform
import socket
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATE = 44.0
FADE = 4.0  # seconds
ART_PORT = 16454  # loopback receiver ports (5568 for the sacn package: it cannot be told)
SACN_PORT = 5568
TRY_UNIVERSES = (256, 512, 1024, 2048)
DOC = ROOT / "docs" / "performance.md"


# ---------------------------------------------------------------------------- workload


class Fade:
    """All channels of ``n`` universes fading from random start to random end levels."""

    def __init__(self, n: int, seed: int = 1) -> None:
        rng = np.random.default_rng(seed)
        self.start = rng.integers(0, 256, (n, 512)).astype(np.float32)
        end = rng.integers(0, 256, (n, 512)).astype(np.float32)
        self.start[0, 0], end[0, 0] = 0.0, 255.0  # the probe channel
        self.delta = end - self.start
        self.tmp = np.empty_like(self.start)
        self.levels = np.empty((n, 512), dtype=np.uint8)

    def at(self, p: float, out: np.ndarray | None = None) -> np.ndarray:
        np.multiply(self.delta, min(1.0, max(0.0, p)), out=self.tmp)
        np.add(self.tmp, self.start + 0.5, out=self.tmp)
        target = self.levels if out is None else out
        np.copyto(target, self.tmp, casting="unsafe")
        return target


@dataclass
class SendResult:
    frames: int = 0  # frames the sender put out
    skipped: int = 0  # frames whose deadline had passed by a whole frame (dropped)
    cpu: float = 0.0  # process CPU seconds (all threads)
    wall: float = 0.0
    fade_start: float = 0.0  # perf_counter when the fade's first frame went out
    note: str = ""


@dataclass
class Row:
    name: str
    universes: int
    send: SendResult
    received: int = 0
    expected: int = 0
    probe: list[tuple[float, int]] = field(default_factory=list)

    # -- derived figures
    def fade_probe(self) -> list[tuple[float, int]]:
        """Probe arrivals from the fade's start on (the engine run sends a frame for its
        first cue half a second earlier, which is not part of the fade)."""
        return [(t, v) for t, v in self.probe if t >= self.send.fade_start - 1e-3]

    def intervals_ms(self) -> list[float]:
        times = [t for t, _ in self.fade_probe()]
        return [(b - a) * 1000 for a, b in itertools.pairwise(times)]

    def rate(self) -> float:
        end = self.fade_end()
        times = [t for t, _ in self.fade_probe() if end is None or t <= end + 1e-9]
        if len(times) < 2:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def fade_end(self) -> float | None:
        return next((t for t, v in self.fade_probe() if v == 255), None)

    def fade_error_ms(self) -> float | None:
        end = self.fade_end()
        return None if end is None else (end - (self.send.fade_start + FADE)) * 1000

    def cpu_share(self) -> float:
        return self.send.cpu / self.send.wall if self.send.wall else 0.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


# ---------------------------------------------------------------------------- receiver


def receiver_main(port: int, probe_universe: int, conn: Connection) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:  # deep queue so a 2048-packet burst is not lost while we parse (root may force)
        sock.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind(("127.0.0.1", port))
    # Stamp packets with the kernel's receive time, not when this (busy) process gets to
    # them: a backlog in the receiver must not count as the sender's latency. The
    # kernel stamps CLOCK_REALTIME; map it onto perf_counter (CLOCK_MONOTONIC).
    so_timestampns = getattr(socket, "SO_TIMESTAMPNS", 35)
    sock.setsockopt(socket.SOL_SOCKET, so_timestampns, 1)
    offset = time.time() - time.perf_counter()
    counts: Counter[int] = Counter()
    probe: list[tuple[float, int]] = []
    conn.send("ready")
    while True:
        data, anc, _flags, _addr = sock.recvmsg(2048, 64)
        t = time.perf_counter()
        for level, kind, payload in anc:
            if level == socket.SOL_SOCKET and kind == so_timestampns and len(payload) >= 16:
                sec, nsec = int.from_bytes(payload[:8], "little"), int.from_bytes(
                    payload[8:16], "little")
                t = sec + nsec / 1e9 - offset
        if data == b"STOP":
            break
        if data[:10] == b"Art-Net\x00\x00\x50" and len(data) > 18:
            universe, first = data[14] | (data[15] << 8), data[18]
        elif len(data) > 126 and data[21] == 4:  # sACN data packet
            universe, first = (data[113] << 8) | data[114], data[126]
        else:
            continue
        counts[universe] += 1
        if universe == probe_universe:
            probe.append((t, first))
    conn.send((sum(counts.values()), probe))


# ---------------------------------------------------------------------------- senders


def frames_in_fade() -> int:
    return round(FADE * RATE) + 1  # frame 0 … frame 176 (p = 1 exactly)


def ours_main(n: int, protocol: str, conn: Connection) -> None:
    from showctl.clocks.clock import LoopClock
    from showctl.drivers.artnet import ArtNetConfig, ArtNetDriver
    from showctl.drivers.base import DmxPayload, DriverContext
    from showctl.drivers.dmx_udp import DmxUdpDriver
    from showctl.drivers.sacn import SacnConfig, SacnDriver

    async def run() -> SendResult:
        clock = LoopClock()
        ctx = DriverContext(clock=clock)
        driver: DmxUdpDriver
        if protocol == "artnet":
            cfg = ArtNetConfig(nodes=[f"127.0.0.1:{ART_PORT}"], listen=None)
            driver = ArtNetDriver("bench", cfg, ctx)
            offset = 0
        else:
            scfg = SacnConfig(
                destinations=[f"127.0.0.1:{SACN_PORT}"],
                discovery=False,
                cid_file=str(Path(os.environ.get("TMPDIR", "/tmp")) / "showctl-bench-cid"),
            )
            driver = SacnDriver("bench", scfg, ctx)
            offset = 1
        await driver.open()
        fade = Fade(n)
        res = SendResult()
        total = frames_in_fade()
        t0 = clock.now() + 0.1
        cpu0, wall0 = time.process_time(), time.perf_counter()
        k = 0
        while k < total:
            deadline = t0 + k / RATE
            await clock.sleep_until(deadline)
            late = clock.now() - deadline
            if late >= 1 / RATE:  # a whole frame late: drop it, as the frame engine would
                missed = int(late * RATE)
                res.skipped += missed
                k += missed
                continue
            # What the frame engine does: one copy of the whole (n, 512) array to bytes,
            # then a 512-byte slice per universe (cheaper than n numpy row.tobytes()).
            flat = fade.at(k / (total - 1)).tobytes()
            payloads = [DmxPayload(u + offset, flat[u * 512 : u * 512 + 512]) for u in range(n)]
            if k == 0:
                res.fade_start = time.perf_counter()
            driver.frame(deadline, payloads)
            res.frames += 1
            k += 1
        res.cpu, res.wall = time.process_time() - cpu0, time.perf_counter() - wall0
        await driver.close()
        return res

    conn.send(asdict(asyncio.run(run())))


def engine_show(n: int, fade: float = FADE, go_cues: int = 0) -> Any:
    """A show whose two light cues move every channel of ``n`` universes: cue 1 snaps to
    random start levels, cue 2 fades all of them to random end levels over FADE seconds
    (universe 1 channel 1 goes 0 → full: the receiver's probe). Built as a model, not
    YAML: half a million channel entries would time the YAML parser, not the engine."""
    from showctl.model import show as m

    rng = np.random.default_rng(1)
    start = rng.integers(0, 101, (n, 512))
    end = rng.integers(0, 101, (n, 512))
    start[0, 0], end[0, 0] = 0, 100

    def cue(number: str, levels: np.ndarray, time_s: float) -> dict[str, Any]:
        chans = {f"{u + 1}/{a + 1}": float(levels[u, a]) for u in range(n) for a in range(512)}
        return {"number": number, "type": "light", "channels": chans, "time": time_s}

    lists: dict[str, Any] = {"main": {"cues": [cue("1", start, 0), cue("2", end, fade)]}}
    if go_cues:
        # A second list whose zero-time cues flip channel 1 of universe n + 1: what a GO
        # changes while everything else is fading.
        lists["go"] = {"cues": [
            {"number": str(i + 1), "type": "light", "time": 0,
             "channels": {f"{n + 1}/1": 100 if i % 2 == 0 else 0}}
            for i in range(go_cues)]}
    return m.Show.model_validate({
        "show": {"title": f"bench {n} universes"},
        "settings": {"go_guard": 0},  # the bench GOs faster than a person would
        "outputs": {"lx": {"kind": "dmx"}},
        "cuelists": lists,
    })


GO_COUNT = 300


def go_latency_main(n: int, conn: Connection) -> None:
    """GO → first changed packet on the wire, with ``n`` universes fading meanwhile.

    Sends the perf_counter time of each GO; the receiver stamps the probe universe
    (n + 1) packets, and the parent pairs each GO with the first packet carrying its
    new value. GOs are spaced irregularly so they land at every phase of the frame."""
    from showctl.drivers.artnet import ArtNetConfig
    from showctl.session import Session

    show = engine_show(n, fade=120.0, go_cues=GO_COUNT)

    async def run() -> list[float]:
        rig = {"lx": ArtNetConfig(nodes=[f"127.0.0.1:{ART_PORT}"], listen=None,
                                  universe_offset=-1)}
        session = Session(show, rig=rig)
        session.router.trace_outputs = False
        clock, engine = session.clock, session.engine
        await session.open()
        engine.go()
        await clock.sleep_until(clock.now() + 0.3)
        engine.go()  # the long fade of every universe starts
        await clock.sleep_until(clock.now() + 0.5)
        rng = np.random.default_rng(3)
        times = []
        for _ in range(GO_COUNT):
            await clock.sleep_until(clock.now() + float(rng.uniform(0.031, 0.057)))
            times.append(time.perf_counter())
            engine.go("go")
        await clock.sleep_until(clock.now() + 0.2)
        await session.close()
        return times

    conn.send(asyncio.run(run()))


def go_latencies(n: int) -> list[float]:
    """Milliseconds from each GO to the first packet with its new value."""
    ctx = mp.get_context("spawn")
    rx_parent, rx_child = ctx.Pipe()
    probe = n  # show universe n + 1 is Art-Net port-address n (offset -1)
    rx = ctx.Process(target=receiver_main, args=(ART_PORT, probe, rx_child), daemon=True)
    rx.start()
    assert rx_parent.recv() == "ready"
    tx_parent, tx_child = ctx.Pipe()
    tx = ctx.Process(target=go_latency_main, args=(n, tx_child), daemon=True)
    tx.start()
    gos: list[float] = tx_parent.recv()
    tx.join(30)
    time.sleep(0.2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"STOP", ("127.0.0.1", ART_PORT))
    _, arrivals = rx_parent.recv()
    rx.join(10)
    out = []
    j = 0
    for i, t in enumerate(gos):
        want = 255 if i % 2 == 0 else 0
        while j < len(arrivals) and (arrivals[j][0] < t or arrivals[j][1] != want):
            j += 1
        if j < len(arrivals):
            out.append((arrivals[j][0] - t) * 1000)
    return out


def engine_main(n: int, conn: Connection) -> None:
    """The whole engine: light cue → playback fades → render → Art-Net driver frames."""
    from showctl.drivers.artnet import ArtNetConfig
    from showctl.session import Session

    show = engine_show(n)

    async def run() -> SendResult:
        rig = {"lx": ArtNetConfig(nodes=[f"127.0.0.1:{ART_PORT}"], listen=None,
                                  universe_offset=-1)}  # show universe 1 = port-address 0
        session = Session(show, rig=rig)
        session.router.trace_outputs = False  # a live run with nobody reading a trace
        clock, lighting = session.clock, session.lighting
        await session.open()
        session.engine.go()  # cue 1: start levels at once
        await clock.sleep_until(clock.now() + 0.5)
        res = SendResult()
        frames0, skipped0 = lighting.frames, lighting.skipped
        cpu0, wall0 = time.process_time(), time.perf_counter()
        res.fade_start = time.perf_counter()
        go_at = clock.now()
        session.engine.go()  # cue 2: every channel fades for FADE seconds
        await clock.sleep_until(go_at + FADE + 0.1)  # the loop idles after the fade
        # +1: the GO's own frame, sent at once rather than on the frame grid.
        res.frames = lighting.frames - frames0 + 1
        res.skipped = lighting.skipped - skipped0
        res.cpu, res.wall = time.process_time() - cpu0, time.perf_counter() - wall0
        await session.close()
        return res

    conn.send(asdict(asyncio.run(run())))


def bare_main(n: int, conn: Connection) -> None:
    """The floor: fill numpy packet buffers, sendto each; no objects, no driver."""
    from showctl.protocols import artnet as art

    packets = np.zeros((n, 18 + 512), dtype=np.uint8)
    for u in range(n):
        packets[u] = np.frombuffer(art.encode_dmx(1, 0, u, bytes(512)), dtype=np.uint8)
    rows = [memoryview(packets[u]) for u in range(n)]
    data = packets[:, 18:]
    fade = Fade(n)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    addr = ("127.0.0.1", ART_PORT)
    res = SendResult()
    total = frames_in_fade()
    t0 = time.perf_counter() + 0.1
    cpu0, wall0 = time.process_time(), time.perf_counter()
    k = 0
    while k < total:
        deadline = t0 + k / RATE
        delay = deadline - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        late = time.perf_counter() - deadline
        if late >= 1 / RATE:
            missed = int(late * RATE)
            res.skipped += missed
            k += missed
            continue
        fade.at(k / (total - 1), out=data)
        if k == 0:
            res.fade_start = time.perf_counter()
        sendto = sock.sendto
        for row in rows:
            sendto(row, addr)
        res.frames += 1
        k += 1
    res.cpu, res.wall = time.process_time() - cpu0, time.perf_counter() - wall0
    conn.send(asdict(res))


def pyartnet_main(n: int, conn: Connection) -> None:
    """pyartnet's own fades and frame loop (max_fps=44)."""
    from pyartnet import ArtNetNode

    async def run() -> SendResult:
        node = ArtNetNode.create("127.0.0.1", ART_PORT, max_fps=44, refresh_every=1)
        async with node:
            return await fade_with(node)

    async def fade_with(node: Any) -> SendResult:
        fade = Fade(n)
        start = fade.at(0.0).copy()
        end = fade.at(1.0).copy()
        channels = [node.add_universe(u).add_channel(start=1, width=512) for u in range(n)]
        for ch, row in zip(channels, start, strict=True):
            ch.set_values(row.tolist())
        await asyncio.sleep(0.3)  # let the start levels go out
        res = SendResult()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        res.fade_start = time.perf_counter()
        for ch, row in zip(channels, end, strict=True):
            ch.set_fade(row.tolist(), int(FADE * 1000))
        try:
            await asyncio.wait_for(asyncio.gather(*(_wait(ch) for ch in channels)), 30)
        except TimeoutError:
            res.note = "fade not done after 30 s"
        res.cpu, res.wall = time.process_time() - cpu0, time.perf_counter() - wall0
        res.frames = -1  # pyartnet decides its own frames
        await asyncio.sleep(0.1)
        return res

    conn.send(asdict(asyncio.run(run())))


async def _wait(channel: Any) -> None:
    await channel


def sacn_pkg_main(n: int, conn: Connection) -> None:
    """The sacn package's own sender thread at fps=44; we only compute the fade (numpy)
    on the same deadlines as ours and hand each universe's bytes over."""
    import sacn

    sender = sacn.sACNsender(bind_address="127.0.0.1", bind_port=0, fps=44, universeDiscovery=False)
    sender.start()
    for u in range(1, n + 1):
        sender.activate_output(u)
        sender[u].multicast = False
        sender[u].destination = "127.0.0.1"
    fade = Fade(n)
    res = SendResult()
    total = frames_in_fade()
    t0 = time.perf_counter() + 0.3
    cpu0, wall0 = time.process_time(), time.perf_counter()
    k = 0
    while k < total:
        deadline = t0 + k / RATE
        delay = deadline - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        levels = fade.at(k / (total - 1))
        if k == 0:
            res.fade_start = time.perf_counter()
        for u in range(n):
            sender[u + 1].dmx_data = levels[u].tobytes()
        k += 1
    time.sleep(0.2)  # its thread sends the last values on its own schedule
    res.cpu, res.wall = time.process_time() - cpu0, time.perf_counter() - wall0
    res.frames = -1
    sender.stop()
    conn.send(asdict(res))


def breakdown_main(n: int, conn: Connection) -> None:
    """Best-of-N per-universe costs in one process (receiver drained in between)."""
    from dataclasses import dataclass as dc

    from showctl.clocks.clock import LoopClock
    from showctl.drivers.artnet import ArtNetConfig, ArtNetDriver
    from showctl.drivers.base import DmxPayload, DriverContext

    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    rx.bind(("127.0.0.1", 0))
    rx.setblocking(False)
    addr = rx.getsockname()

    def drain() -> None:
        while True:
            try:
                rx.recv(2048)
            except BlockingIOError:
                return

    @dc(slots=True)
    class Unfrozen:
        universe: int
        data: bytes

    async def run() -> dict[str, float]:
        drv = ArtNetDriver(
            "b",
            ArtNetConfig(nodes=[f"{addr[0]}:{addr[1]}"], listen=None),
            DriverContext(clock=LoopClock()),
        )
        await drv.open()
        fade = Fade(n)
        flat = fade.at(0.5).tobytes()
        payloads = [DmxPayload(u, flat[u * 512 : u * 512 + 512]) for u in range(n)]
        plain = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        packet = bytearray(530)
        cases: dict[str, Callable[[], object]] = {
            "numpy fade of all channels": lambda: fade.at(0.5),
            "DmxPayload + bytes slice (engine side)": lambda: [
                DmxPayload(u, flat[u * 512 : u * 512 + 512]) for u in range(n)
            ],
            "same with a non-frozen slots dataclass": lambda: [
                Unfrozen(u, flat[u * 512 : u * 512 + 512]) for u in range(n)
            ],
            "driver.frame() (incl. send)": lambda: drv.frame(0.0, payloads),
            "bare sendto loop": lambda: [plain.sendto(packet, addr) for _ in range(n)],
        }
        out = {}
        for name, fn in cases.items():
            best = float("inf")
            for _ in range(15):
                t = time.perf_counter()
                fn()
                best = min(best, time.perf_counter() - t)
                drain()
            out[name] = best / n * 1e6
        await drv.close()
        return out

    conn.send(asyncio.run(run()))


# ---------------------------------------------------------------------------- driver


def measure(
    name: str, n: int, target: Callable[..., None], args: tuple[Any, ...], port: int, probe: int
) -> Row:
    ctx = mp.get_context("spawn")
    rx_parent, rx_child = ctx.Pipe()
    rx = ctx.Process(target=receiver_main, args=(port, probe, rx_child), daemon=True)
    rx.start()
    assert rx_parent.recv() == "ready"
    tx_parent, tx_child = ctx.Pipe()
    tx = ctx.Process(target=target, args=(*args, tx_child), daemon=True)
    tx.start()
    send = SendResult(**tx_parent.recv())
    tx.join(30)
    time.sleep(0.2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"STOP", ("127.0.0.1", port))
    received, probe_times = rx_parent.recv()
    rx.join(10)
    frames = send.frames if send.frames >= 0 else 0
    return Row(name, n, send, received, frames * n, probe_times)


def fmt(v: float | None, spec: str = ".1f") -> str:
    return "–" if v is None or v != v else format(v, spec)


def table(rows: list[Row]) -> str:
    out = [
        "| run | universes | frames (dropped) | packets rx / sent | rate Hz | "
        "interval p50 / p99 / max ms | fade end error ms | CPU share |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        iv = r.intervals_ms()
        frames = f"{r.send.frames} ({r.send.skipped})" if r.send.frames >= 0 else "own loop"
        sent = str(r.expected) if r.expected else "?"
        out.append(
            f"| {r.name} | {r.universes} | {frames} | {r.received} / {sent} | "
            f"{fmt(r.rate(), '.2f')} | {fmt(pct(iv, 0.5))} / {fmt(pct(iv, 0.99))} / "
            f"{fmt(max(iv) if iv else None)} | {fmt(r.fade_error_ms())} | "
            f"{r.cpu_share() * 100:.1f}% |" + (f" {r.send.note}" if r.send.note else "")
        )
    return "\n".join(out)


def engine_sustained(row: Row) -> bool:
    """The engine's grid starts at the GO, so only drops and the rate are compared."""
    return (
        row.send.skipped == 0
        and len(row.probe) >= frames_in_fade() - 1
        and abs(row.rate() - RATE) < 0.05
    )


def sustained(row: Row) -> bool:
    return (
        row.send.skipped == 0
        and row.send.frames == frames_in_fade()
        and len(row.probe) >= frames_in_fade()
        and abs(row.rate() - RATE) < 0.05
    )


def main() -> None:
    started = time.perf_counter()
    rows: list[Row] = []
    best = 0
    for n in TRY_UNIVERSES:
        row = measure("showctl Art-Net", n, ours_main, (n, "artnet"), ART_PORT, 0)
        rows.append(row)
        print(f"  ours artnet {n}: {row.rate():.2f} Hz, skipped {row.send.skipped}", flush=True)
    engine_rows: list[Row] = []
    for n in TRY_UNIVERSES:
        row = measure("showctl engine → Art-Net", n, engine_main, (n,), ART_PORT, 0)
        engine_rows.append(row)
        print(f"  engine {n}: {row.rate():.2f} Hz, skipped {row.send.skipped}", flush=True)
    # The ratio is the median of interleaved rounds: this box may be shared, and a
    # neighbour's burst should not decide the figure.
    ours_rounds, bare_rounds, engine_rounds = [], [], []
    for i in range(3):
        engine_rounds.append(
            measure(f"showctl engine → Art-Net (round {i + 1})", 1024, engine_main, (1024,),
                    ART_PORT, 0)
        )
        bare_rounds.append(
            measure(f"bare numpy + sendto (round {i + 1})", 1024, bare_main, (1024,), ART_PORT, 0)
        )
        ours_rounds.append(
            measure(
                f"showctl Art-Net (round {i + 1})", 1024, ours_main, (1024, "artnet"), ART_PORT, 0
            )
        )
    rows += [r for trio in zip(bare_rounds, ours_rounds, engine_rounds, strict=True)
             for r in trio]
    rows += engine_rows
    engine_best = 0
    for n in TRY_UNIVERSES:
        runs = [r for r in [*engine_rows, *engine_rounds] if r.universes == n]
        if all(engine_sustained(r) for r in runs):
            engine_best = n
        else:
            break
    # Sustained = every run of ours at that size kept 44.0 Hz without dropping a frame.
    for n in TRY_UNIVERSES:
        runs = [r for r in rows if r.name.startswith("showctl Art-Net") and r.universes == n]
        if all(sustained(r) for r in runs):
            best = n
        else:
            break
    ours64 = measure("showctl Art-Net", 64, ours_main, (64, "artnet"), ART_PORT, 0)
    pyart = measure("pyartnet 2.0 (own fades + loop)", 64, pyartnet_main, (64,), ART_PORT, 0)
    ours64s = measure("showctl sACN", 64, ours_main, (64, "sacn"), SACN_PORT, 1)
    sacnpkg = measure("sacn 1.11 (own sender thread)", 64, sacn_pkg_main, (64,), SACN_PORT, 1)
    rows += [ours64, pyart, ours64s, sacnpkg]

    def ratio(a: Row, b: Row) -> str:
        return f"{a.send.cpu / b.send.cpu:.2f}x" if b.send.cpu else "–"

    def per_frame_ms(rs: list[Row]) -> float:
        return statistics.median(r.send.cpu / r.send.frames * 1000 for r in rs)

    ours_ms, bare_ms = per_frame_ms(ours_rounds), per_frame_ms(bare_rounds)
    engine_ms = per_frame_ms(engine_rounds)
    lat = go_latencies(512)
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=breakdown_main, args=(1024, child), daemon=True)
    proc.start()
    costs: dict[str, float] = parent.recv()
    proc.join(10)

    summary = [
        f"- **GO → first changed packet** (Art-Net on loopback, receiver in another "
        f"process) with 512 universes fading all their channels meanwhile: "
        f"p50 {pct(lat, 0.5):.2f} ms, p99 {pct(lat, 0.99):.2f} ms, max {max(lat):.2f} ms "
        f"({len(lat)} of {GO_COUNT} GOs matched).",
        f"- **Whole engine** (light cue → playback fades → render → Art-Net): highest "
        f"universe count at 44.0 Hz with no dropped frame in every run: **{engine_best}**; "
        f"CPU per frame at 1024 universes {engine_ms:.2f} ms vs bare loop {bare_ms:.2f} ms: "
        f"**{engine_ms / bare_ms:.2f}x** (goal ≤ 1.5x).",
        f"- Highest universe count sustained at 44.0 Hz with no dropped frame in every run: "
        f"**{best}** (tried {', '.join(map(str, TRY_UNIVERSES))}; 1024 ran 4 times).",
        f"- Driver alone vs bare sendto, per universe: "
        f"**{costs['driver.frame() (incl. send)'] / costs['bare sendto loop']:.2f}x**.",
        f"- CPU per frame at 1024 universes, ours / bare loop: **{ours_ms / bare_ms:.2f}x** "
        f"({ours_ms:.2f} ms vs {bare_ms:.2f} ms, median of 3 interleaved rounds; goal "
        "≤ 1.5x). Ours includes what the frame engine does per universe: a 512-byte "
        "slice and a DmxPayload.",
        "- Per-universe cost at 1024 universes (best of 15, one process): "
        + "; ".join(f"{k} {v:.2f} µs" for k, v in costs.items())
        + ".",
        f"- 64 universes, pyartnet / ours CPU: **{ratio(pyart, ours64)}**; fade end error "
        f"pyartnet {fmt(pyart.fade_error_ms())} ms vs ours {fmt(ours64.fade_error_ms())} ms; "
        f"rate {pyart.rate():.1f} Hz vs {ours64.rate():.1f} Hz.",
        f"- 64 universes, sacn package / our sACN CPU: **{ratio(sacnpkg, ours64s)}**; "
        f"interval p99 {fmt(pct(sacnpkg.intervals_ms(), 0.99))} ms vs "
        f"{fmt(pct(ours64s.intervals_ms(), 0.99))} ms; rate {sacnpkg.rate():.2f} Hz vs "
        f"{ours64s.rate():.2f} Hz.",
    ]
    elapsed = time.perf_counter() - started
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    report = "\n".join(
        [
            f"## DMX output benchmark — {datetime.date.today().isoformat()}",
            "",
            "Command: `python3 bench/bench_dmx.py`  ",
            f"Machine: {cpu_model}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; sender and receiver in separate "
            f"processes on 127.0.0.1; {FADE:.0f} s fade of every channel; run took "
            f"{elapsed:.0f} s.",
            "",
            table(rows),
            "",
            *summary,
            "",
            "Columns: *frames (dropped)* — frames the sender put out and frames it skipped "
            "because their deadline had passed by a whole frame; *rate*, *interval* and "
            "*fade end error* are measured at the receiver on universe 0 (sACN: 1) — the "
            "error is when the fade's final level arrived minus (first fade frame + "
            f"{FADE:.0f} s); *CPU share* is the sender process's CPU time / wall time.",
            "",
        ]
    )
    print(report)
    DOC.parent.mkdir(parents=True, exist_ok=True)
    if not DOC.exists():
        DOC.write_text(
            "# DMX output performance\n\nAppended by `python3 bench/bench_dmx.py`; the lead "
            "merges it into docs/performance.md.\n\n"
        )
    with DOC.open("a") as fh:
        fh.write(report + "\n")


if __name__ == "__main__":
    main()
