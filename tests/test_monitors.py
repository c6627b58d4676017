"""OSC and MIDI monitors: liblo's oscsend and our own drivers as senders."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import socket
import threading
import time
from typing import Any

import mido
import mido.sockets
import pytest
from oscmidi_support import Recorder, free_port

from showctl.clocks.clock import LoopClock
from showctl.drivers.base import MidiPayload, OscBundle, OscMessage
from showctl.drivers.midi import MidiConfig, MidiDriver
from showctl.drivers.osc import OscConfig, OscDriver
from showctl.engine.timecode import TimecodeGenerator
from showctl.monitor.midi import monitor_midi
from showctl.monitor.osc import monitor_osc
from showctl.protocols.midi import (
    FrameRate,
    MscCommand,
    MscFormat,
    MscMessage,
    NoteOn,
    Timecode,
)

OSCSEND = shutil.which("oscsend")
needs_oscsend = pytest.mark.skipif(OSCSEND is None, reason="liblo-tools (oscsend) not installed")
STAMP = r"\d+\.\d{6}"


async def start_monitor(coro_fn: Any, **kw: Any) -> tuple[asyncio.Task[int], int, io.StringIO]:
    out = io.StringIO()
    bound: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.get_running_loop().create_task(
        coro_fn(out=out, ready=lambda p: bound.set_result(p), **kw)
    )
    async with asyncio.timeout(5):
        port = await asyncio.shield(bound)
    return task, port, out


async def oscsend(*args: str) -> None:
    assert OSCSEND is not None
    proc = await asyncio.create_subprocess_exec(OSCSEND, *args)
    assert await proc.wait() == 0


@needs_oscsend
async def test_oscsend_udp_to_monitor() -> None:
    task, port, out = await start_monitor(monitor_osc, port=0, count=2)
    await oscsend("127.0.0.1", str(port), "/a/b", "ifsTFN", "1", "2.5", "hello")
    await oscsend("127.0.0.1", str(port), "/go")
    async with asyncio.timeout(5):
        assert await task == 2
    lines = out.getvalue().splitlines()
    assert re.fullmatch(STAMP + r' /a/b ifsTFN 1 2\.500000 "hello" #T #F Nil', lines[0]), lines
    assert re.fullmatch(STAMP + " /go", lines[1]), lines


@needs_oscsend
async def test_oscsend_tcp_length_framing_to_monitor() -> None:
    task, port, out = await start_monitor(monitor_osc, port=0, transport="tcp", count=1)
    await oscsend(f"osc.tcp://127.0.0.1:{port}", "/t", "is", "7", "yo")
    async with asyncio.timeout(5):
        await task
    assert re.fullmatch(STAMP + ' /t is 7 "yo"\n', out.getvalue())


async def test_our_tcp_slip_driver_to_monitor_with_bundle_timetag() -> None:
    task, port, out = await start_monitor(monitor_osc, port=0, transport="tcp", count=3)
    rec = Recorder()
    drv = OscDriver("qlab", OscConfig(port=port, transport="tcp"), rec.ctx())
    drv.send(OscMessage("/cue/1/start"))
    drv.send(OscBundle((OscMessage("/x", (1,)), OscMessage("/y", ("z",))), timetag=(5 << 32) | 1))
    async with asyncio.timeout(5):
        await task
    await drv.close()
    lines = out.getvalue().splitlines()
    assert lines[0].endswith(" /cue/1/start")
    assert lines[1].endswith(" /x i 1 @00000005.00000001")
    assert lines[2].endswith(' /y s "z" @00000005.00000001')


async def test_malformed_packet_is_reported_and_monitor_goes_on() -> None:
    task, port, out = await start_monitor(monitor_osc, port=0, count=1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"garbage", ("127.0.0.1", port))
        await asyncio.sleep(0.05)
        s.sendto(b"/ok\x00,\x00\x00\x00", ("127.0.0.1", port))
    async with asyncio.timeout(5):
        await task
    first, second = out.getvalue().splitlines()
    assert "! malformed packet (7 bytes)" in first
    assert second.endswith(" /ok")


async def test_monitor_can_be_cancelled() -> None:
    task, _, _ = await start_monitor(monitor_osc, port=0)
    task.cancel()
    await asyncio.wait([task])
    assert task.cancelled()


# ---------------------------------------------------------------------------- MIDI


async def test_midi_monitor_listens_for_our_socket_driver() -> None:
    task, port, out = await start_monitor(monitor_midi, source="127.0.0.1:0", count=5)
    rec = Recorder()
    drv = MidiDriver("m", MidiConfig(transport="socket", port=port), rec.ctx())
    go = MscMessage(MscCommand.GO, MscFormat.SOUND, 1, "12.5", "1")
    drv.send(MidiPayload(go.encode()))
    drv.send(MidiPayload(NoteOn(0, 60, 100).encode()))
    clock = LoopClock()
    gen = TimecodeGenerator(
        clock, lambda b: drv.send(MidiPayload(b)), FrameRate.FPS_25, quarter_frames=True
    )
    gen.start(Timecode(1, 0, 0, 0, FrameRate.FPS_25))
    async with asyncio.timeout(5):
        await task
    await gen.aclose()
    await drv.close()
    lines = [line.split(" ", 1)[1] for line in out.getvalue().splitlines()]
    assert lines[0] == (
        "MSC GO cue 12.5 list 1 (sound, device 1)  [F0 7F 01 02 10 01 31 32 2E 35 00 31 F7]"
    )
    assert lines[1] == "note on ch1 note 60 velocity 100  [90 3C 64]"
    assert lines[2] == "MTC full frame 01:00:00:00 (25 fps)  [F0 7F 7F 01 01 21 00 00 00 F7]"
    assert lines[3] == "MTC 01:00:00:00 (25 fps)"  # assembled from 8 quarter frames
    assert lines[4] == "MTC 01:00:00:02 (25 fps)"
    assert rec.faults == []


async def test_midi_monitor_connects_to_a_port_server() -> None:
    port = free_port(socket.SOCK_STREAM)
    server = mido.sockets.PortServer("127.0.0.1", port)
    stop = threading.Event()

    def serve() -> None:
        # Accept the monitor, then send it an MSC STOP through mido.
        while not stop.is_set():
            client = server.accept(block=False)
            if client is not None:
                client.send(mido.Message("sysex", data=[0x7F, 0x7F, 0x02, 0x01, 0x02]))
                client.send(mido.Message("quarter_frame", frame_type=0, frame_value=3))
                stop.wait(1)
                client.close()
                return
            time.sleep(0.005)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    out = io.StringIO()
    try:
        async with asyncio.timeout(5):
            n = await monitor_midi(
                f"127.0.0.1:{port}", out, connect=True, count=2, quarter_frames=True
            )
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
    assert n == 2
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("MSC STOP (lighting, all-call)  [F0 7F 7F 02 01 02 F7]")
    assert lines[1].endswith("MTC quarter frame piece 0 value 3  [F1 03]")
