"""Our Art-Net and sACN output checked by independent implementations on 127.0.0.1.

(a) tshark: Wireshark's dissectors decode a capture of what the drivers sent; fields must
    match and nothing may be flagged malformed or carry an expert warning.
(b) OLA: olad (Art-Net and E1.31 plugins only, own temp config) receives our packets on
    patched input ports; we read the levels back through OLA's Python client.

Ports 6454 / 5568 / OLA's RPC port 9010 cannot be made unique, so every test here takes
an exclusive file lock: runs in parallel processes (xdist, other checkouts) serialize.
Tests skip only when a peer's binary (or OLA's Python bindings) is absent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dmx_support import Events, dmx_peers_lock, make_ctx, settle, tick

from showctl.clocks.clock import LoopClock
from showctl.clocks.virtual import run_virtual
from showctl.drivers.artnet import ArtNetConfig, ArtNetDriver
from showctl.drivers.base import DmxPayload
from showctl.drivers.sacn import SacnConfig, SacnDriver
from showctl.protocols import artnet as art

SYSTEM_PYTHON = "/usr/bin/python3"
OLA_RPC_PORT = 9010  # ola_patch / ola_dev_info have no option to choose another
OLA_PLUGINS = [
    "dummy",
    "espnet",
    "ftdidmx",
    "gpio",
    "karate",
    "kinet",
    "milinst",
    "opendmx",
    "openpixelcontrol",
    "osc",
    "pathport",
    "renard",
    "sandnet",
    "shownet",
    "spi",
    "stageprofi",
    "uartdmx",
    "usbdmx",
    "usbserial",
    "dmx4linux",
    "nanoleaf",
]


def wait_for(predicate: Any, timeout: float, what: str, interval: float = 0.05) -> Any:
    """Bounded polling (real time: these peers are real processes)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


@pytest.fixture
def peer_lock() -> Iterator[None]:
    with dmx_peers_lock():
        yield


def stop(proc: subprocess.Popen[Any], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


# ============================================================================ tshark


PROBE_PORT = 9  # discard: readiness / end markers, filtered out when reading


@contextlib.contextmanager
def capture(tmp_path: Path) -> Iterator[Path]:
    """Capture lo while the block runs; returns once the capture holds everything sent.

    tshark says "Capturing on" before its capture process really sees packets, so we
    send probe datagrams (UDP port 9, in the filter) until the file grows, and one more
    at the end, waiting for it so the packets before it are on disk before we stop.
    """
    tshark = shutil.which("tshark")
    if tshark is None:
        pytest.skip("tshark is not installed (Debian package: tshark)")
    pcap = tmp_path / "cap.pcapng"
    log = tmp_path / "tshark.log"
    bpf = f"udp port 6454 or udp port 5568 or udp port {PROBE_PORT}"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [tshark, "-i", "lo", "-f", bpf, "-w", str(pcap)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def size() -> int:
        return pcap.stat().st_size if pcap.exists() else 0

    def wait_grown(what: str) -> None:
        """Probe until the file grows past the first size seen (header included)."""
        base = size() or None

        def grown() -> bool:
            nonlocal base
            if proc.poll() is not None:
                pytest.fail(f"tshark exited: {log.read_text(errors='replace')}")
            probe.sendto(b"probe", ("127.0.0.1", PROBE_PORT))
            now = size()
            if base is None:
                base = now or None
                return False
            return now > base

        wait_for(grown, 20, what, interval=0.1)

    try:
        wait_grown("tshark to capture")
        yield pcap
        wait_grown("tshark to write the capture")
    finally:
        probe.close()
        # SIGTERM, not SIGINT: a background shell may have set SIGINT to ignored, and
        # tshark then leaves it so; SIGTERM always makes it finish the file and exit.
        stop(proc, signal.SIGTERM)


def read_fields(pcap: Path, fields: list[str], acn: bool = False) -> list[dict[str, str]]:
    args = ["tshark", "-r", str(pcap), "-T", "fields", "-E", "separator=|"]
    if acn:
        args += ["--enable-heuristic", "acn", "-o", "acn.dmx_enable:TRUE"]
    for f in ("frame.number", "udp.dstport", "_ws.malformed", "_ws.expert", *fields):
        args += ["-e", f]
    out = subprocess.run(args, capture_output=True, text=True, timeout=30, check=True).stdout
    names = ["frame", "dstport", "malformed", "expert", *fields]
    rows = [dict(zip(names, line.split("|"), strict=True)) for line in out.splitlines()]
    return [r for r in rows if r["dstport"] != str(PROBE_PORT)]


def test_tshark_dissects_our_artnet(tmp_path: Path, peer_lock: None) -> None:
    with capture(tmp_path) as pcap:
        poller = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        poller.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        poller.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        poller.bind(("127.0.0.1", art.ARTNET_PORT))  # replies come to the poller's 6454

        async def main() -> None:
            clock, events = LoopClock(), Events()
            drv = ArtNetDriver(
                "lx",
                ArtNetConfig(
                    nodes=["127.0.0.1"],
                    sync=True,
                    universe_map={1: "1:2:3"},
                    listen="127.255.255.255",
                ),
                make_ctx(clock, events),
            )
            await drv.open()
            changes = {k: [DmxPayload(1, bytes([k]) * 512)] for k in range(5)}
            await tick(drv, clock, 5, changes)
            poller.sendto(art.encode_poll(), ("127.255.255.255", art.ARTNET_PORT))
            await settle()
            assert drv.polls_answered == 1
            poller.sendto(
                art.encode_timecode(12, 34, 56, 7, art.TIMECODE_SMPTE), ("127.0.0.1", 6454)
            )
            await drv.close()
            assert not events.faults

        run_virtual(main)
        poller.close()

    rows = read_fields(
        pcap,
        [
            "artnet.header.opcode",
            "artnet.header.protver",
            "artnet.output.sequence",
            "artnet.output.universe",
            "artnet.output.length",
            "artnet.poll_reply.style",
            "artnet.poll_reply.num_ports",
            "artnet.poll_reply.swin_1_universe",
        ],
    )
    assert rows, "tshark captured nothing"
    assert all(r["malformed"] == "" and r["expert"] == "" for r in rows), rows
    ops = [int(r["artnet.header.opcode"], 0) for r in rows]
    # Five frames of ArtDmx + ArtSync, then ArtPoll, our ArtPollReply, ArtTimeCode.
    assert ops == [art.OP_DMX, art.OP_SYNC] * 5 + [art.OP_POLL, art.OP_POLL_REPLY, art.OP_TIMECODE]
    dmx = [r for r in rows if int(r["artnet.header.opcode"], 0) == art.OP_DMX]
    assert [int(r["artnet.output.sequence"]) for r in dmx] == [1, 2, 3, 4, 5]
    assert {int(r["artnet.output.universe"]) for r in dmx} == {0x0123}
    assert {int(r["artnet.output.length"]) for r in dmx} == {512}
    reply = next(r for r in rows if int(r["artnet.header.opcode"], 0) == art.OP_POLL_REPLY)
    assert int(reply["artnet.poll_reply.style"], 0) == 1
    assert int(reply["artnet.poll_reply.num_ports"]) == 1
    assert int(reply["artnet.poll_reply.swin_1_universe"]) == 0x0123


def test_tshark_dissects_our_sacn(tmp_path: Path, peer_lock: None) -> None:
    with capture(tmp_path) as pcap:
        # A receiver must exist: our connected socket would report "refused" otherwise.
        sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sink.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sink.bind(("127.0.0.1", 5568))

        async def main() -> None:
            clock, events = LoopClock(), Events()
            drv = SacnDriver(
                "lx",
                SacnConfig(
                    destinations=["127.0.0.1"],
                    source_name="showctl conformance",
                    priority=150,
                    universe_map={1: 4321},
                    cid_file=str(tmp_path / "cid"),
                ),
                make_ctx(clock, events),
            )
            await drv.open()
            await tick(drv, clock, 5, {0: [DmxPayload(1, bytes(range(256)) * 2)]})
            await drv.close()  # three terminated packets
            assert not events.faults

        run_virtual(main)
        sink.close()

    rows = read_fields(
        pcap,
        [
            "acn.dmx.source_name",
            "acn.dmx.priority",
            "acn.dmx.seq_number",
            "acn.dmx.universe",
            "acn.dmx.options",
            "acn.dmx.count",
            "acn.cid",
        ],
        acn=True,
    )
    assert rows and all(r["dstport"] == "5568" for r in rows)
    assert all(r["malformed"] == "" and r["expert"] == "" for r in rows), rows
    assert [int(r["acn.dmx.seq_number"]) for r in rows] == [1, 2, 3, 4, 5, 6]
    assert {r["acn.dmx.source_name"] for r in rows} == {"showctl conformance"}
    assert {int(r["acn.dmx.priority"]) for r in rows} == {150}
    assert {int(r["acn.dmx.universe"]) for r in rows} == {4321}
    assert {int(r["acn.dmx.count"]) for r in rows} == {513}
    assert [int(r["acn.dmx.options"], 0) & 0x40 for r in rows] == [0, 0, 0, 0x40, 0x40, 0x40]
    cid = (tmp_path / "cid").read_text().strip()
    assert {r["acn.cid"] for r in rows} == {cid}


# ============================================================================ OLA

FETCH = r"""
import json, sys
from ola.ClientWrapper import ClientWrapper
wanted = [int(u) for u in sys.argv[1:]]
wrapper = ClientWrapper()
result = {}
def make(u):
    def done(status, universe, data):
        result[u] = list(data) if status.Succeeded() else None
        if len(result) == len(wanted):
            wrapper.Stop()
    return done
for u in wanted:
    wrapper.Client().FetchDmx(u, make(u))
wrapper.Run()
print(json.dumps(result))
"""


def ola_fetch(universes: list[int]) -> dict[int, list[int] | None]:
    out = subprocess.run(
        [SYSTEM_PYTHON, "-c", FETCH, *map(str, universes)],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout
    return {int(k): v for k, v in json.loads(out).items()}


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Olad:
    def __init__(self, proc: subprocess.Popen[Any], log: Path) -> None:
        self.proc = proc
        self.log = log

    def dev_info(self) -> str:
        return subprocess.run(["ola_dev_info"], capture_output=True, text=True, timeout=10).stdout

    def devices(self) -> dict[str, int]:
        found = re.findall(r"Device (\d+): (ArtNet|E1\.31)", self.dev_info())
        return {name: int(number) for number, name in found}

    def patch_input(self, device: int, port: int, universe: int) -> None:
        subprocess.run(
            ["ola_patch", "-d", str(device), "-p", str(port), "-i", "-u", str(universe)],
            check=True,
            capture_output=True,
            timeout=10,
        )


@pytest.fixture
def olad(tmp_path: Path, peer_lock: None) -> Iterator[Olad]:
    binary = shutil.which("olad")
    if binary is None or shutil.which("ola_patch") is None:
        pytest.skip("olad / ola_patch not installed (Debian package: ola)")
    if (
        not Path(SYSTEM_PYTHON).exists()
        or subprocess.run(
            [SYSTEM_PYTHON, "-c", "import ola.ClientWrapper"], capture_output=True
        ).returncode
    ):
        pytest.skip("OLA's Python bindings are not installed (Debian package: ola-python)")
    if port_open(OLA_RPC_PORT):
        pytest.fail(f"another olad already listens on 127.0.0.1:{OLA_RPC_PORT}; stop it first")
    # Not under tmp_path: pytest's base temp dir is private to root (0700), and olad runs
    # as the olad user; unable to read its config, it would start every plugin unbound.
    config = Path(tempfile.mkdtemp(prefix="showctl-olad-"))
    for plugin in OLA_PLUGINS:
        (config / f"ola-{plugin}.conf").write_text("enabled = false\n")
    (config / "ola-artnet.conf").write_text(
        "enabled = true\nip = 127.0.0.1\nuse_loopback = true\nnet = 0\nsubnet = 1\n"
    )
    (config / "ola-e131.conf").write_text("enabled = true\nip = 127.0.0.1\n")
    user: str | None = None
    if os.geteuid() == 0:
        # olad refuses to run as root; the Debian package creates the olad user.
        user = "olad"
        shutil.chown(config, user)
        for f in config.iterdir():
            shutil.chown(f, user)
    log = config / "olad.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [binary, "-c", str(config), "--no-http", "--no-register-with-dns-sd", "-l", "3"],
            stdout=out,
            stderr=subprocess.STDOUT,
            user=user,
        )
    peer = Olad(proc, log)
    try:

        def ready() -> bool:
            if proc.poll() is not None:
                pytest.fail(f"olad exited: {log.read_text(errors='replace')[-2000:]}")
            return port_open(OLA_RPC_PORT) and len(peer.devices()) == 2

        wait_for(ready, 15, "olad with its Art-Net and E1.31 devices", interval=0.1)
        if "127.0.0.1" not in peer.dev_info():
            pytest.fail(f"olad ignored its config (Art-Net not on 127.0.0.1):\n{peer.dev_info()}")
        yield peer
    finally:
        stop(proc)
        shutil.copy(log, tmp_path / "olad.log")  # kept with the test's other artefacts
        shutil.rmtree(config, ignore_errors=True)


def run_real(coro_fn: Any) -> Any:
    """OLA runs in real time, so these sends use an ordinary event loop."""
    return asyncio.run(coro_fn())


def test_ola_receives_artnet_and_sacn_levels(olad: Olad, tmp_path: Path) -> None:
    devices = olad.devices()
    olad.patch_input(devices["ArtNet"], 0, 3)  # OLA universe 3 = Art-Net 0:1:3 (subnet 1)
    olad.patch_input(devices["E1.31"], 0, 7)  # OLA universe 7 = sACN universe 7
    art_levels = bytes((i * 3) & 0xFF for i in range(512))
    sacn_levels = bytes(255 - (i & 0xFF) for i in range(512))
    events = Events()

    async def main() -> None:
        clock = LoopClock()
        artnet = ArtNetDriver(
            "lx",
            ArtNetConfig(nodes=["127.0.0.1"], universe_offset=16, listen="127.255.255.255"),
            make_ctx(clock, events),
        )
        sacn = SacnDriver(
            "lx",
            SacnConfig(destinations=["127.0.0.1"], cid_file=str(tmp_path / "cid")),
            make_ctx(clock, events),
        )
        await artnet.open()
        await sacn.open()
        artnet.send(DmxPayload(3, art_levels))  # logical 3 + 16 = Port-Address 0:1:3
        sacn.send(DmxPayload(7, sacn_levels))
        for _k in range(1, 6):  # a few frame ticks, as the frame engine would
            await asyncio.sleep(1 / 44)
            now = clock.now()
            artnet.frame(now, [])
            sacn.frame(now, [])

        def arrived() -> bool:
            got = ola_fetch([3, 7])
            return got.get(3) == list(art_levels) and got.get(7) == list(sacn_levels)

        await asyncio.to_thread(wait_for, arrived, 5, "OLA to report our levels", 0.1)
        await artnet.close()
        await sacn.close()

    run_real(main)
    assert not events.faults


def test_ola_coexists_with_a_wildcard_poll_listener(olad: Olad) -> None:
    """olad bound 0.0.0.0:6454 first; our listener on 0.0.0.0 would swallow the unicast
    meant for olad. The driver must notice, say so, and step aside."""
    devices = olad.devices()
    olad.patch_input(devices["ArtNet"], 1, 4)
    events = Events()

    async def main() -> None:
        clock = LoopClock()
        drv = ArtNetDriver(
            "lx",
            ArtNetConfig(nodes=["127.0.0.1"], universe_offset=16, listen="0.0.0.0"),
            make_ctx(clock, events),
        )
        await drv.open()
        drv.send(DmxPayload(4, bytes([11]) * 512))
        await asyncio.sleep(0.05)
        drv.send(DmxPayload(4, bytes([22]) * 512))

        def arrived() -> bool:
            return ola_fetch([4]).get(4) == [22] * 512

        await asyncio.to_thread(wait_for, arrived, 5, "OLA to get data past our listener", 0.1)
        await drv.close()

    run_real(main)
    assert any("receiving our own ArtDmx" in reason for _, reason in events.faults)
