"""The ``osc`` driver end to end: loopback peers, liblo's oscdump, faults and recovery."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import socket
from collections.abc import AsyncIterator

import pydantic
import pytest
from oscmidi_support import Recorder, free_port, wait_for

from showctl.drivers.base import (
    DriverConfig,
    HealthState,
    MidiPayload,
    OscBundle,
    OscMessage,
    driver_class,
)
from showctl.drivers.osc import OscConfig, OscDriver
from showctl.protocols.osc import (
    Double,
    LengthPrefixDecoder,
    SlipDecoder,
    decode_packet,
    encode_message,
)
from showctl.testing.drivers import check_driver, closed_port

OSCDUMP = shutil.which("oscdump")
needs_oscdump = pytest.mark.skipif(OSCDUMP is None, reason="liblo-tools (oscdump) not installed")


class UdpSink(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.packets: list[bytes] = []

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.packets.append(data)


async def udp_sink(port: int = 0) -> tuple[asyncio.DatagramTransport, UdpSink, int]:
    loop = asyncio.get_running_loop()
    sink = UdpSink()
    transport, _ = await loop.create_datagram_endpoint(lambda: sink, local_addr=("127.0.0.1", port))
    return transport, sink, transport.get_extra_info("sockname")[1]


class TcpSink:
    """A TCP OSC peer (SLIP or length framing) that can be stopped and restarted."""

    def __init__(self, framing: str = "slip") -> None:
        self.framing = framing
        self.packets: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self, port: int) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", port)

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for w in self.writers:
            w.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        dec = SlipDecoder() if self.framing == "slip" else LengthPrefixDecoder()
        with contextlib.suppress(OSError):
            while chunk := await reader.read(4096):
                self.packets += dec.feed(chunk)


@contextlib.asynccontextmanager
async def driver(rec: Recorder, **cfg: object) -> AsyncIterator[OscDriver]:
    drv = OscDriver("out", OscConfig(**cfg), rec.ctx())  # type: ignore[arg-type]
    await drv.open()
    try:
        yield drv
    finally:
        await drv.close()


# ---------------------------------------------------------------------------- config


def test_registered_and_config_validated() -> None:
    assert driver_class("osc") is OscDriver
    cfg = OscConfig.model_validate({"driver": "osc", "host": "10.0.0.5", "port": 53000})
    assert (cfg.transport, cfg.framing) == ("udp", "slip")
    with pytest.raises(pydantic.ValidationError, match="Extra inputs are not permitted"):
        OscConfig.model_validate({"driver": "osc", "port": 53000, "prot": 1})  # typo
    with pytest.raises(pydantic.ValidationError, match="Input should be 'udp' or 'tcp'"):
        OscConfig.model_validate({"driver": "osc", "port": 53000, "transport": "sctp"})
    with pytest.raises(pydantic.ValidationError, match="less than or equal to 65535"):
        OscConfig.model_validate({"driver": "osc", "port": 70000})


async def test_accepts_a_base_driver_config_and_revalidates() -> None:
    rec = Recorder()

    class Loose(DriverConfig):
        model_config = pydantic.ConfigDict(extra="allow")

    drv = OscDriver("o", Loose(driver="osc", port=9000), rec.ctx())  # type: ignore[call-arg]
    assert drv.config.port == 9000


# ---------------------------------------------------------------------------- UDP


async def test_udp_sends_exact_bytes() -> None:
    transport, sink, port = await udp_sink()
    rec = Recorder()
    msg = OscMessage("/cue/1/go", (1, 2.5, "x", Double(0.1)))
    bundle = OscBundle((OscMessage("/a"), OscMessage("/b", (True,))))
    async with driver(rec, port=port) as drv:
        drv.send(msg)
        drv.send(bundle)
        await wait_for(lambda: len(sink.packets) == 2)
        assert drv.health.state is HealthState.SENDING
    transport.close()
    assert sink.packets[0] == encode_message(msg)
    assert decode_packet(sink.packets[1]) == bundle
    assert rec.sent == [msg, bundle] and rec.faults == []


async def test_udp_send_before_open_is_queued_then_sent() -> None:
    transport, sink, port = await udp_sink()
    rec = Recorder()
    drv = OscDriver("o", OscConfig(port=port), rec.ctx())
    drv.send(OscMessage("/early"))  # no open() yet: the driver opens on demand
    await wait_for(lambda: len(sink.packets) == 1)
    await drv.close()
    transport.close()
    assert decode_packet(sink.packets[0]) == OscMessage("/early")


async def test_udp_hostname_is_resolved_off_the_loop() -> None:
    transport, sink, port = await udp_sink()
    rec = Recorder()
    async with driver(rec, host="localhost", port=port) as drv:
        drv.send(OscMessage("/named"))
        await wait_for(lambda: len(sink.packets) == 1)
    transport.close()


async def test_udp_refused_then_recovers_when_a_listener_appears() -> None:
    port = free_port()
    rec = Recorder()
    async with driver(rec, port=port) as drv:
        for i in range(10):  # ICMP port unreachable -> ECONNREFUSED on the connected socket
            drv.send(OscMessage("/lost", (i,)))
            await asyncio.sleep(0.01)
        await wait_for(lambda: drv.health.state is HealthState.FAULTED)
        assert len(rec.faults) == 1, rec.faults  # one outage, one fault event
        assert "refused" in rec.faults[0].lower()
        transport, sink, _ = await udp_sink(port)
        for i in range(3):
            drv.send(OscMessage("/back", (i,)))
        await wait_for(lambda: len(sink.packets) == 3)
        await asyncio.sleep(0.05)
        assert drv.health.state is HealthState.SENDING
        assert len(rec.faults) == 1
    transport.close()
    assert [decode_packet(p) for p in sink.packets] == [OscMessage("/back", (i,)) for i in range(3)]


async def test_bad_payloads_fault_but_never_raise() -> None:
    rec = Recorder()
    async with driver(rec, port=free_port()) as drv:
        drv.send(OscMessage("no-slash"))
        drv.send(MidiPayload(b"\x90\x40\x7f"))
        drv.send(OscMessage("/a", (object(),)))  # type: ignore[arg-type]
    assert len(rec.faults) == 3
    assert drv.health.state is HealthState.CLOSED
    drv.send(OscMessage("/after-close"))  # ignored, no error


async def test_replies_reach_on_message() -> None:
    loop = asyncio.get_running_loop()
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.setblocking(False)
    rec = Recorder()
    got: list[OscMessage] = []
    async with driver(rec, port=peer.getsockname()[1]) as drv:
        drv.on_message = got.append
        drv.send(OscMessage("/version"))
        _data, addr = await loop.sock_recvfrom(peer, 1024)
        reply = OscMessage("/reply/version", ('{"status":"ok"}',))
        await loop.sock_sendto(peer, encode_message(reply), addr)
        await wait_for(lambda: got == [reply])
    peer.close()


# ---------------------------------------------------------------------------- TCP


@pytest.mark.parametrize("framing", ["slip", "length"])
async def test_tcp_framings(framing: str) -> None:
    port = free_port(socket.SOCK_STREAM)
    sink = TcpSink(framing)
    await sink.start(port)
    rec = Recorder()
    msgs = [OscMessage("/m", (i, "\xc0" * i)) for i in range(20)]
    async with driver(rec, port=port, transport="tcp", framing=framing) as drv:
        assert not drv._link or not drv._link.connected  # lazy: nothing until the first send
        for m in msgs:
            drv.send(m)
        await wait_for(lambda: len(sink.packets) == 20)
    await sink.stop()
    assert [decode_packet(p) for p in sink.packets] == msgs
    assert rec.faults == []


async def test_tcp_refused_queues_and_recovers() -> None:
    port = free_port(socket.SOCK_STREAM)
    rec = Recorder()
    sink = TcpSink()
    async with driver(rec, port=port, transport="tcp", backoff_max=0.2) as drv:
        drv.send(OscMessage("/while-down", (1,)))
        await wait_for(lambda: rec.faults != [])
        assert "refused" in rec.faults[0].lower()
        await asyncio.sleep(0.5)  # several retries, still one fault event
        assert len(rec.faults) == 1
        assert drv.health.state in (HealthState.RETRYING, HealthState.FAULTED)
        await sink.start(port)
        await wait_for(lambda: len(sink.packets) == 1)
        drv.send(OscMessage("/after", (2,)))
        await wait_for(lambda: len(sink.packets) == 2)
        assert drv.health.state is HealthState.SENDING
        # One fault for the outage, one recovery when it ends.
        assert len(rec.recovered) == 1
        assert rec.recovered[0].startswith(f"osc tcp 127.0.0.1:{port} back after ")
    await sink.stop()
    assert [decode_packet(p) for p in sink.packets] == [
        OscMessage("/while-down", (1,)),
        OscMessage("/after", (2,)),
    ]


async def test_tcp_peer_disappears_mid_run_and_comes_back() -> None:
    port = free_port(socket.SOCK_STREAM)
    rec = Recorder()
    sink = TcpSink()
    await sink.start(port)
    async with driver(rec, port=port, transport="tcp", backoff_max=0.1) as drv:
        drv.send(OscMessage("/one"))
        await wait_for(lambda: len(sink.packets) == 1)
        await sink.stop()
        await wait_for(lambda: rec.faults != [])  # the reader notices the close at once
        assert "closed" in rec.faults[0]
        drv.send(OscMessage("/two"))  # queued while down; must not raise
        sink2 = TcpSink()
        await sink2.start(port)
        await wait_for(lambda: len(sink2.packets) == 1)
        assert drv.health.state is HealthState.SENDING
    await sink2.stop()
    assert decode_packet(sink2.packets[0]) == OscMessage("/two")


async def test_tcp_close_while_connecting_delivers_the_last_messages() -> None:
    """The end of an --auto show: the last cues' messages are queued on a link that is
    still connecting when the show stops. A clean stop delivers them."""
    port = free_port(socket.SOCK_STREAM)
    sink = TcpSink()
    await sink.start(port)
    rec = Recorder()
    drv = OscDriver("out", OscConfig(port=port, transport="tcp"), rec.ctx())
    await drv.open()
    drv.send(OscMessage("/last", (1,)))
    drv.send(OscMessage("/very-last", (2,)))
    assert drv._link is not None and not drv._link.connected
    await drv.close()  # at once: the link has not connected yet
    await wait_for(lambda: len(sink.packets) == 2)
    await sink.stop()
    assert [decode_packet(p) for p in sink.packets] == [
        OscMessage("/last", (1,)), OscMessage("/very-last", (2,))]
    assert rec.faults == []


async def test_tcp_close_reports_what_could_not_be_delivered() -> None:
    port = free_port(socket.SOCK_STREAM)  # nobody listens
    rec = Recorder()
    drv = OscDriver("out", OscConfig(port=port, transport="tcp"), rec.ctx())
    await drv.open()
    drv.send(OscMessage("/lost", (1,)))
    await drv.close()
    assert any("closed with 1 message(s) not delivered" in f for f in rec.faults), rec.faults


async def test_tcp_stale_messages_are_dropped_not_sent_late() -> None:
    port = free_port(socket.SOCK_STREAM)
    rec = Recorder()
    sink = TcpSink()
    async with driver(
        rec, port=port, transport="tcp", stale_after=0.1, backoff_max=0.05, queue_size=4
    ) as drv:
        for i in range(6):  # two overflow the queue
            drv.send(OscMessage("/old", (i,)))
        await asyncio.sleep(0.3)
        await sink.start(port)
        drv.send(OscMessage("/fresh"))
        await wait_for(lambda: len(sink.packets) == 1)
        await asyncio.sleep(0.05)
    await sink.stop()
    assert [decode_packet(p) for p in sink.packets] == [OscMessage("/fresh")]
    assert any("queue full" in f for f in rec.faults)
    assert any("older than" in f for f in rec.faults)


# ---------------------------------------------------------------------------- liblo's oscdump


async def start_oscdump(url: str) -> asyncio.subprocess.Process:
    assert OSCDUMP is not None
    return await asyncio.create_subprocess_exec(
        OSCDUMP, "-L", url, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def read_until(proc: asyncio.subprocess.Process, address: str) -> str:
    assert proc.stdout is not None
    while True:
        line = (await proc.stdout.readline()).decode()
        if not line:
            raise AssertionError("oscdump exited")
        if f" {address} " in line or line.rstrip().endswith(f" {address}"):
            return line.rstrip()


async def handshake(drv: OscDriver, proc: asyncio.subprocess.Process) -> None:
    """oscdump prints nothing when ready, so ping until a ping comes out."""
    assert proc.stdout is not None

    async def ping() -> None:
        while True:
            drv.send(OscMessage("/ping"))
            await asyncio.sleep(0.05)

    pinger = asyncio.get_running_loop().create_task(ping())
    try:
        async with asyncio.timeout(10):
            await read_until(proc, "/ping")
    finally:
        pinger.cancel()


LINE = re.compile(r"^[0-9a-f]{8}\.[0-9a-f]{8} (?P<addr>\S+) (?P<tags>\S*) ?(?P<args>.*)$")


@needs_oscdump
@pytest.mark.parametrize("transport", ["udp", "tcp"])
async def test_oscdump_receives_what_we_send(transport: str) -> None:
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    port = free_port(kind)
    # liblo: a bare port is UDP; osc.tcp:// is TCP with OSC 1.0 length-prefix framing.
    url = str(port) if transport == "udp" else f"osc.tcp://:{port}"
    proc = await start_oscdump(url)
    rec = Recorder()
    try:
        async with driver(rec, port=port, transport=transport, framing="length") as drv:
            await handshake(drv, proc)
            drv.send(OscMessage("/cue/12/go", (7, 2.5, "hello", True, False, None, Double(0.5))))
            drv.send(OscBundle((OscMessage("/in/bundle", (-3,)),)))
            async with asyncio.timeout(10):
                line = await read_until(proc, "/cue/12/go")
                bundled = await read_until(proc, "/in/bundle")
    finally:
        proc.terminate()
        await proc.wait()
    m = LINE.match(line)
    assert m, line
    assert m["tags"] == "ifsTFNd"
    assert m["args"] == '7 2.500000 "hello" #T #F Nil 0.500000'
    assert bundled.endswith("/in/bundle i -3")


async def test_udp_open_failure_does_not_hold_up_the_show_and_retries() -> None:
    busy = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    busy.bind(("0.0.0.0", 0))  # the source port the rig asks for is taken
    taken = busy.getsockname()[1]
    transport, sink, port = await udp_sink()
    rec = Recorder()
    drv = OscDriver("o", OscConfig(port=port, local_port=taken, backoff_max=0.05), rec.ctx())
    async with asyncio.timeout(2):
        await drv.open()  # returns after the first failed attempt
    assert rec.faults and "in use" in rec.faults[0]
    drv.send(OscMessage("/queued"))
    busy.close()  # the port frees up; the background retry gets it
    await wait_for(lambda: len(sink.packets) == 1)
    await drv.close()
    transport.close()
    assert decode_packet(sink.packets[0]) == OscMessage("/queued")


# ---------------------------------------------------------------------------- conformance


async def test_udp_passes_the_driver_conformance_suite() -> None:
    transport, _sink, port = await udp_sink()
    dead = closed_port()
    try:
        await check_driver(
            lambda ctx: OscDriver("out", OscConfig(port=port), ctx),
            unreachable=lambda ctx: OscDriver("out", OscConfig(port=dead), ctx))
    finally:
        transport.close()


@pytest.mark.parametrize("framing", ["slip", "length"])
async def test_tcp_passes_the_driver_conformance_suite(framing: str) -> None:
    sink = TcpSink(framing)
    port = free_port(socket.SOCK_STREAM)
    await sink.start(port)
    dead = closed_port(socket.SOCK_STREAM)
    try:
        await check_driver(
            lambda ctx: OscDriver("out", OscConfig(port=port, transport="tcp",
                                                   framing=framing), ctx),
            unreachable=lambda ctx: OscDriver("out", OscConfig(
                port=dead, transport="tcp", framing=framing, backoff_max=0.2), ctx))
    finally:
        await sink.stop()
    assert sink.packets  # the well-formed sends reached the peer
