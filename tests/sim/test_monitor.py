"""``showctl monitor dmx`` against independent sources: hand-built packets, and OLA's olad."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sim_support import CID_A, CID_B, artnet_packet, sacn_packet
from test_dmx_conformance import (  # noqa: F401 - peer_lock is a fixture
    OLA_PLUGINS,
    OLA_RPC_PORT,
    Olad,
    peer_lock,
    port_open,
    stop,
    wait_for,
)

from showctl.sim.listen import Listener
from showctl.sim.monitor import changed_channels, grid, monitor_dmx


async def run_monitor(send: object, *, until: str, timeout: float = 10.0,
                      **kw: object) -> str:
    """Run the monitor, call ``send(listener)`` once it listens, stop once ``until`` shows."""
    out = io.StringIO()
    ready: asyncio.Future[Listener] = asyncio.get_running_loop().create_future()
    task = asyncio.ensure_future(monitor_dmx(out, ready=ready.set_result, **kw))  # type: ignore[arg-type]
    listener = await asyncio.wait_for(ready, 5)
    await send(listener)  # type: ignore[operator]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while until not in out.getvalue():
        if task.done():
            task.result()
            break
        assert loop.time() < deadline, f"no {until!r} in:\n{out.getvalue()}"
        await asyncio.sleep(0.02)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return out.getvalue()


def test_helpers() -> None:
    assert changed_channels(bytes((1, 2, 3)), bytes((1, 5, 0))) == [(2, 5), (3, 0)]
    rows = grid(bytes(range(64)), width=32)
    assert rows[0].startswith("    1: 000 001") and rows[1].startswith("   33: 032")


async def test_hand_built_sacn_sources_with_priorities_and_artnet() -> None:
    async def send(lst: Listener) -> None:
        assert lst.sacn_address is not None and lst.artnet_address is not None
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(sacn_packet({1: 255, 2: 9}, universe=3, priority=150, cid=CID_A,
                                 name="main desk"), lst.sacn_address)
            await asyncio.sleep(0.1)
            s.sendto(sacn_packet({1: 1, 2: 200}, universe=3, priority=150, cid=CID_B,
                                 name="backup desk"), lst.sacn_address)
            await asyncio.sleep(0.1)
            s.sendto(artnet_packet({7: 77}, universe=4, seq=1), lst.artnet_address)

    text = await run_monitor(send, until="7=77", bind="127.0.0.1", artnet_port=0,
                             sacn_port=0, multicast=(), interval=0)
    lines = text.splitlines()
    assert any("universe 3: new source: 'main desk'" in ln for ln in lines)
    assert any(ln.split(" ", 1)[1].startswith("u3 'main desk' sacn") and "1=255 2=9" in ln
               for ln in lines)
    # equal priority 150: HTP, both sources listed
    merged = [ln for ln in lines if "'backup desk'" in ln and " u3 " in f" {ln} "]
    assert merged and merged[-1].endswith("2=200") and "prio 150" in merged[-1]
    assert any(" u4 " in f" {ln} " and "artnet" in ln and "7=77" in ln for ln in lines)


async def test_universe_filter_and_full_grid() -> None:
    async def send(lst: Listener) -> None:
        assert lst.artnet_address is not None
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(artnet_packet({1: 1}, universe=8), lst.artnet_address)
            s.sendto(artnet_packet({1: 2, 512: 255}, universe=9), lst.artnet_address)

    text = await run_monitor(send, until="255", universes=[9], protocol="artnet",
                             bind="127.0.0.1", artnet_port=0, full=True, interval=0.05)
    assert " u8 " not in text and " u9 " in text
    assert "    1: 002 000" in text and "  481:" in text and text.rstrip().endswith("255")


# ---------------------------------------------------------------------------- OLA


@pytest.fixture
def olad_sender(peer_lock: None) -> Iterator[Olad]:  # noqa: F811 - the imported fixture
    """olad with an Art-Net device that broadcasts its output ports on 127.0.0.1."""
    binary = shutil.which("olad")
    if binary is None or shutil.which("ola_patch") is None or shutil.which("ola_set_dmx") is None:
        pytest.skip("olad / ola_patch / ola_set_dmx not installed (Debian package: ola)")
    if port_open(OLA_RPC_PORT):
        pytest.fail(f"another olad already listens on 127.0.0.1:{OLA_RPC_PORT}; stop it first")
    config = Path(tempfile.mkdtemp(prefix="showctl-olad-sim-"))
    for plugin in OLA_PLUGINS:
        (config / f"ola-{plugin}.conf").write_text("enabled = false\n")
    (config / "ola-e131.conf").write_text("enabled = false\n")
    (config / "ola-artnet.conf").write_text(
        "enabled = true\nip = 127.0.0.1\nuse_loopback = true\nalways_broadcast = true\n"
        "net = 0\nsubnet = 0\nshort_name = ola-sim-test\n")
    user: str | None = None
    if os.geteuid() == 0:
        user = "olad"
        shutil.chown(config, user)
        for f in config.iterdir():
            shutil.chown(f, user)
    log = config / "olad.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [binary, "-c", str(config), "--no-http", "--no-register-with-dns-sd", "-l", "3"],
            stdout=out, stderr=subprocess.STDOUT, user=user)
    peer = Olad(proc, log)
    try:
        def ready() -> bool:
            if proc.poll() is not None:
                pytest.fail(f"olad exited: {log.read_text(errors='replace')[-2000:]}")
            return port_open(OLA_RPC_PORT) and "ArtNet" in peer.devices()

        wait_for(ready, 15, "olad with its Art-Net device", interval=0.1)
        yield peer
    finally:
        stop(proc)
        shutil.rmtree(config, ignore_errors=True)


async def test_monitor_shows_what_olad_sends(olad_sender: Olad) -> None:
    device = olad_sender.devices()["ArtNet"]
    subprocess.run(["ola_patch", "-d", str(device), "-p", "1", "-u", "5"], check=True,
                   capture_output=True, timeout=10)

    async def send(lst: Listener) -> None:
        proc = await asyncio.create_subprocess_exec(
            "ola_set_dmx", "-u", "5", "-d", "10,20,30",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        assert await asyncio.wait_for(proc.wait(), 10) == 0

    text = await run_monitor(send, until="1=10 2=20 3=30", protocol="artnet",
                             bind="0.0.0.0", interval=0)
    line = next(ln for ln in text.splitlines() if "1=10 2=20 3=30" in ln)
    assert "artnet 127.0.0.1:6454 prio 100" in line
