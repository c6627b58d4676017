"""Art-Net and sACN transports over real UDP sockets on 127.0.0.1, on the virtual clock.

Loopback delivery is synchronous and the virtual loop polls I/O before it jumps time, so
each datagram is stamped with the exact virtual time it was sent: keep-alive,
suppression, discovery and retry timings are asserted exactly.
"""

from __future__ import annotations

import errno
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
from dmx_support import RATE, Events, Receiver, free_udp_port, make_ctx, receiver, settle, tick
from pydantic import ValidationError

from showctl.clocks.clock import LoopClock
from showctl.clocks.virtual import run_virtual
from showctl.drivers.artnet import ArtNetConfig, ArtNetDriver
from showctl.drivers.base import (
    DmxPayload,
    DriverContext,
    HealthState,
    OscMessage,
    driver_class,
)
from showctl.drivers.sacn import SacnConfig, SacnDriver
from showctl.protocols import artnet as art
from showctl.protocols import sacn as e131
from showctl.testing.drivers import check_driver, closed_port, udp_sink


def level(value: int, n: int = 512) -> bytes:
    return bytes([value]) * n


def artnet(port: int, events: Events, clock: LoopClock, **kw: Any) -> ArtNetDriver:
    kw.setdefault("nodes", [f"127.0.0.1:{port}"])
    kw.setdefault("listen", None)
    return ArtNetDriver("lx", ArtNetConfig(**kw), make_ctx(clock, events))


def sacn(port: int, events: Events, clock: LoopClock, tmp: Path, **kw: Any) -> SacnDriver:
    kw.setdefault("destinations", [f"127.0.0.1:{port}"])
    kw.setdefault("cid_file", str(tmp / "cid"))
    return SacnDriver("lx", SacnConfig(**kw), make_ctx(clock, events))


def dmx_packets(rx: Receiver) -> list[tuple[float, art.ArtDmx]]:
    out = []
    for t, data, _ in rx.packets:
        pkt = art.decode(data)
        if isinstance(pkt, art.ArtDmx):
            out.append((t, pkt))
    return out


def sacn_packets(rx: Receiver) -> list[tuple[float, e131.SacnPacket]]:
    return [(t, e131.decode(data)) for t, data, _ in rx.packets]


# ============================================================================ Art-Net


def test_artnet_send_goes_out_at_once_with_mapping() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = artnet(rx.port, events, clock, universe_offset=16, universe_map={5: "1:2:3"})
        await drv.open()
        drv.send(DmxPayload(0, b"\x01\x02\x03"))
        drv.send(DmxPayload(5, level(9)))
        await settle()
        got = dmx_packets(rx)
        assert [(p.port_address, p.sequence) for _, p in got] == [(16, 1), (0x0123, 1)]
        assert got[0][1].data == b"\x01\x02\x03" + bytes(509)  # always a full universe
        assert got[1][1].data == level(9)
        assert len(events.sent) == 2 and not events.faults
        assert drv.health.state == HealthState.SENDING
        await drv.close()
        rx.close()

    run_virtual(main)


def test_artnet_keepalive_every_0_9_s_on_frame_boundaries() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = artnet(rx.port, events, clock)
        await drv.open()
        await tick(drv, clock, 140, {0: [DmxPayload(1, level(50))], 60: [DmxPayload(1, level(60))]})
        times = [round(t * RATE) for t, _ in dmx_packets(rx)]
        # Change at frame 0; keep-alive 40 frames (0.909 s) after each transmission.
        assert times == [0, 40, 60, 100]
        assert [p.sequence for _, p in dmx_packets(rx)] == [1, 2, 3, 4]
        assert [p.data[0] for _, p in dmx_packets(rx)] == [50, 50, 60, 60]
        assert len(events.sent) == 2  # sent() per payload handed in, not per keep-alive
        await drv.close()
        rx.close()

    run_virtual(main)


def test_artnet_keepalive_without_frame_ticks_uses_timer() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = artnet(rx.port, events, clock)
        await drv.open()
        drv.send(DmxPayload(2, level(1)))
        await clock.sleep_until(3.0)
        await settle()
        assert [t for t, _ in dmx_packets(rx)] == pytest.approx([0.0, 0.9, 1.8, 2.7])
        await drv.close()
        rx.close()

    run_virtual(main)


def test_artnet_sequence_wraps_255_to_1() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = artnet(rx.port, events, clock)
        await drv.open()
        changes = {k: [DmxPayload(0, level(k & 0xFF))] for k in range(300)}
        await tick(drv, clock, 300, changes)
        seqs = [p.sequence for _, p in dmx_packets(rx)]
        assert seqs[:3] == [1, 2, 3] and seqs[254:257] == [255, 1, 2]
        assert 0 not in seqs
        await drv.close()
        rx.close()

    run_virtual(main)


def test_artnet_sync_follows_each_frames_dmx() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = artnet(rx.port, events, clock, sync=True)
        await drv.open()
        both = [DmxPayload(0, level(1)), DmxPayload(1, level(2))]
        await tick(drv, clock, 3, {0: both, 2: both[:1]})
        kinds = [type(art.decode(d)).__name__ for _, d, _ in rx.packets]
        assert kinds == ["ArtDmx", "ArtDmx", "ArtSync", "ArtDmx", "ArtSync"]
        # No frame without ArtDmx gets an ArtSync (frame 1 sent nothing).
        assert [round(t * RATE) for t, _, _ in rx.packets] == [0, 0, 0, 2, 2]
        await drv.close()
        rx.close()

    run_virtual(main)


def test_artnet_broadcast_reaches_loopback_broadcast() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver("127.255.255.255", free_udp_port())
        drv = ArtNetDriver(
            "lx",
            ArtNetConfig(
                broadcast=True,
                broadcast_address="127.255.255.255",
                listen=None,
            ),
            make_ctx(clock, events),
        )
        # Broadcast always goes to port 6454; point the driver at the test port instead.
        drv._destinations = lambda: [("127.255.255.255", rx.port)]  # type: ignore[method-assign]
        await drv.open()
        drv.send(DmxPayload(3, level(7)))
        await settle()
        assert [p.port_address for _, p in dmx_packets(rx)] == [3]
        assert not events.faults
        await drv.close()
        rx.close()

    run_virtual(main)


def test_artnet_answers_artpoll_with_pollreply() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        listen_port = free_udp_port()
        drv = artnet(
            rx.port,
            events,
            clock,
            listen="127.255.255.255",
            listen_port=listen_port,
            universe_map={0: 0x0120, 1: 0x0121, 2: 0x0200},
        )
        await drv.open()
        for u in range(3):
            drv.send(DmxPayload(u, level(u)))
        poller = await receiver()
        assert poller.transport is not None
        sock = poller.transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        poller.transport.sendto(art.encode_poll(), ("127.255.255.255", listen_port))
        await settle()
        replies = [art.decode(d) for _, d, _ in poller.packets]
        assert all(isinstance(r, art.ArtPollReply) for r in replies)
        assert len(replies) == 2  # one per Net/Sub-Net group
        ports = sorted(pa for r in replies for pa in r.input_port_addresses)  # type: ignore[union-attr]
        assert ports == [0x0120, 0x0121, 0x0200]
        first = replies[0]
        assert isinstance(first, art.ArtPollReply)
        assert (first.ip, first.style, first.status2 & 0x08) == ("127.0.0.1", 1, 0x08)
        assert [r.bind_index for r in replies] == [1, 2]  # type: ignore[union-attr]
        assert drv.polls_answered == 1 and not events.faults
        await drv.close()
        poller.close()
        rx.close()

    run_virtual(main)


def test_artnet_listener_busy_faults_then_recovers() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        listen_port = free_udp_port()
        blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # no SO_REUSEADDR
        blocker.bind(("127.0.0.1", listen_port))
        drv = artnet(rx.port, events, clock, listen="127.0.0.1", listen_port=listen_port)
        await drv.open()
        assert len(events.faults) == 1 and "not answering ArtPoll" in events.faults[0][1]
        drv.send(DmxPayload(0, level(1)))  # DMX is unaffected
        await settle()
        assert len(dmx_packets(rx)) == 1
        blocker.close()
        await clock.sleep_until(1.5)
        assert drv._listener is not None
        assert len(events.faults) == 1
        await drv.close()
        rx.close()

    run_virtual(main)


def test_artnet_listener_that_steals_a_local_nodes_unicast_closes_itself() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        port = free_udp_port()
        node_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        node_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        node_sock.bind(("0.0.0.0", port))  # a node on this host, started first
        node = await receiver(sock=node_sock)
        drv = artnet(port, events, clock, listen="0.0.0.0", listen_port=port)
        await drv.open()
        drv.send(DmxPayload(0, level(1)))  # Linux hands this to our (later) listener
        await settle()
        assert drv._listener is None
        assert any("receiving our own ArtDmx" in r for _, r in events.faults)
        drv.send(DmxPayload(0, level(2)))
        await settle()
        assert [p.data[0] for _, p in dmx_packets(node)][-1] == 2
        await drv.close()
        node.close()

    run_virtual(main)


def test_artnet_bind_in_use_faults_then_recovers() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        port = free_udp_port()
        blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        blocker.bind(("127.0.0.1", port))
        drv = artnet(rx.port, events, clock, bind=f"127.0.0.1:{port}")
        await drv.open()
        assert drv.health.state == HealthState.FAULTED
        assert "cannot open UDP socket" in events.faults[0][1]
        await tick(drv, clock, 10, {0: [DmxPayload(0, level(5))], 5: [DmxPayload(0, level(6))]})
        assert dmx_packets(rx) == [] and len(events.faults) == 1  # reported once
        blocker.close()
        await clock.sleep_until(1.0)  # the retry is due one retry_interval after the fault
        await settle()
        got = dmx_packets(rx)
        assert [(t, p.data[0]) for t, p in got] == [(1.0, 6)]  # refreshed with latest levels
        assert drv.local_address == ("127.0.0.1", port)
        assert drv.health.state == HealthState.IDLE or drv.health.state == HealthState.SENDING
        await drv.close()
        rx.close()

    run_virtual(main)


class Flaky:
    """Replaces a destination's sender; fails with ``err`` while ``broken``."""

    def __init__(self, drv: ArtNetDriver, addr: tuple[str, int], err: int) -> None:
        self.real = drv._senders[addr]
        self.err = err
        self.broken = True
        self.calls = 0
        drv._senders[addr] = self
        drv._set_live()

    def __call__(self, packet: bytes | bytearray) -> int:
        self.calls += 1
        if self.broken:
            if self.err == errno.EAGAIN:
                raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
            raise OSError(self.err, "Network is unreachable")
        return self.real(packet)


def test_artnet_sendto_error_faults_once_parks_node_and_recovers() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        good, dead = await receiver(), await receiver()
        drv = artnet(0, events, clock, nodes=[f"127.0.0.1:{good.port}", f"127.0.0.1:{dead.port}"])
        await drv.open()
        flaky = Flaky(drv, ("127.0.0.1", dead.port), errno.ENETUNREACH)
        changes = {k: [DmxPayload(u, level(k)) for u in range(8)] for k in range(88)}
        await tick(drv, clock, 30, changes)
        assert len(events.faults) == 1 and "Network is unreachable" in events.faults[0][1]
        assert len(dmx_packets(good)) == 30 * 8 and dmx_packets(dead) == []
        assert flaky.calls == 1  # parked after the first failure, not 240 exceptions
        flaky.broken = False
        await tick(drv, clock, 88, changes, t0=30 / RATE)
        # Parked at frame 0 (t = 0); retried at t = 1.0 with a full refresh, then live.
        first = dmx_packets(dead)[0][0]
        assert first == 1.0
        assert len(events.faults) == 1
        assert drv.health.state == HealthState.SENDING
        await drv.close()
        good.close()
        dead.close()

    run_virtual(main)


def test_full_send_buffer_drops_and_reports_at_most_once_per_second() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = artnet(rx.port, events, clock)
        await drv.open()
        Flaky(drv, ("127.0.0.1", rx.port), errno.EAGAIN)
        changes = {k: [DmxPayload(0, level(k))] for k in range(88)}
        await tick(drv, clock, 88, changes)
        assert drv.dropped == 88
        assert [round(t, 6) for t, _ in events.faults] == [0.0, round(44 / RATE, 6)]
        await drv.close()
        rx.close()

    run_virtual(main)


def test_connected_socket_reports_a_refused_port_then_recovers() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        port = free_udp_port()  # nobody listens: loopback answers ICMP port unreachable
        drv = artnet(port, events, clock)
        await drv.open()
        await tick(drv, clock, 3, {k: [DmxPayload(0, level(k))] for k in range(3)})
        assert [r for _, r in events.faults] == [
            f"cannot send to 127.0.0.1:{port}: [Errno 111] Connection refused"
        ]
        rx = await receiver(port=port)  # the node comes up
        await clock.sleep_until(2.5)
        await settle()
        assert dmx_packets(rx) and len(events.faults) == 1
        await drv.close()
        rx.close()

    run_virtual(main)


def test_wrong_payload_and_closed_driver_never_raise() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = artnet(rx.port, events, clock, universe_offset=32767)
        drv.frame(0.0, [DmxPayload(0, level(1))])  # before open: nothing to send with
        await drv.open()
        drv.send(OscMessage("/go"))
        drv.send(DmxPayload(1, level(1)))  # maps to Port-Address 32768: invalid
        drv.send(DmxPayload(1, level(1)))
        assert [r for _, r in events.faults] == [
            "artnet output takes DMX payloads, not OscMessage",
            "universe 1: maps to Port-Address 32768, outside 0–32767 (check universe_offset)",
        ]
        await drv.close()
        drv.send(DmxPayload(0, level(1)))
        drv.frame(1.0, [DmxPayload(0, level(1))])
        assert drv.health.state == HealthState.CLOSED
        rx.close()

    run_virtual(main)


def test_artnet_config_validation() -> None:
    with pytest.raises(ValidationError, match="not both"):
        ArtNetConfig(nodes=["10.0.0.1"], broadcast=True)
    with pytest.raises(ValidationError, match="no destination"):
        ArtNetConfig()
    with pytest.raises(ValidationError, match="IPv4"):
        ArtNetConfig(nodes=["node.local"])
    with pytest.raises(ValidationError, match="net:subnet:universe"):
        ArtNetConfig(nodes=["10.0.0.1"], universe_map={1: "1-2-3"})
    with pytest.raises(ValidationError, match="Input should be less than or equal to 44"):
        ArtNetConfig(nodes=["10.0.0.1"], rate=60)  # faster than DMX
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ArtNetConfig(nodes=["10.0.0.1"], bogus=1)  # typos are errors
    assert ArtNetConfig(nodes=["10.0.0.1:6455"]).nodes == ["10.0.0.1:6455"]


def test_drivers_are_registered() -> None:
    assert driver_class("artnet") is ArtNetDriver
    assert driver_class("sacn") is SacnDriver


# ============================================================================ sACN


def test_sacn_fields_priority_and_per_universe_sequence(tmp_path: Path) -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = sacn(
            rx.port,
            events,
            clock,
            tmp_path,
            universe_offset=1,
            priority=90,
            universe_priority={1: 180},
            source_name="Desk A",
        )
        await drv.open()
        await tick(drv, clock, 1, {0: [DmxPayload(0, level(1)), DmxPayload(1, level(2))]})
        drv.send(DmxPayload(1, level(3)))
        await settle()
        got = [p for _, p in sacn_packets(rx)]
        assert all(isinstance(p, e131.SacnData) for p in got)
        assert [(p.universe, p.priority, p.sequence) for p in got] == [  # type: ignore[union-attr]
            (1, 90, 1),
            (2, 180, 1),
            (2, 180, 2),
        ]
        first = got[0]
        assert isinstance(first, e131.SacnData)
        assert first.source_name == "Desk A"
        assert first.cid == uuid.UUID((tmp_path / "cid").read_text().strip())
        assert len(first.data) == 512 and first.options == 0 and first.sync_address == 0
        await drv.close()
        rx.close()

    run_virtual(main)


def test_sacn_three_identical_then_keepalive(tmp_path: Path) -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = sacn(rx.port, events, clock, tmp_path, discovery=False)
        await drv.open()
        changes = {0: [DmxPayload(1, level(10))], 50: [DmxPayload(1, level(20))]}
        await tick(drv, clock, 140, changes)
        data = [(round(t * RATE), p) for t, p in sacn_packets(rx)]
        # Frames 0, 1, 2 identical; keep-alive 40 frames (0.909 s) after the third;
        # a change at 50 restarts the pattern.
        assert [k for k, _ in data] == [0, 1, 2, 42, 50, 51, 52, 92, 132]
        assert [p.data[0] for _, p in data] == [10] * 4 + [20] * 5  # type: ignore[union-attr]
        assert [p.sequence for _, p in data] == list(range(1, 10))  # type: ignore[union-attr]
        assert len(events.sent) == 2
        await drv.close()
        rx.close()

    run_virtual(main)


def test_sacn_release_and_close_terminate_streams(tmp_path: Path) -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = sacn(rx.port, events, clock, tmp_path, discovery=False)
        await drv.open()
        await tick(drv, clock, 5, {0: [DmxPayload(1, level(10)), DmxPayload(2, level(20))]})
        drv.release(1)
        await tick(drv, clock, 100, t0=5 / RATE)
        await drv.close()
        await settle()
        data = [p for _, p in sacn_packets(rx)]
        one = [p for p in data if p.universe == 1]  # type: ignore[union-attr]
        two = [p for p in data if p.universe == 2]  # type: ignore[union-attr]
        assert [p.terminated for p in one] == [False] * 3 + [True] * 3  # type: ignore[union-attr]
        assert [p.sequence for p in one] == [1, 2, 3, 4, 5, 6]  # type: ignore[union-attr]
        assert [p.data[0] for p in one[-3:]] == [10, 10, 10]  # type: ignore[union-attr]
        assert [p.terminated for p in two][-3:] == [True] * 3  # type: ignore[union-attr]
        assert not any(p.terminated for p in two[:-3])  # type: ignore[union-attr]
        assert drv.universes == []
        await drv.close()  # twice is harmless
        rx.close()

    run_virtual(main)


def test_sacn_sync_packets(tmp_path: Path) -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = sacn(rx.port, events, clock, tmp_path, sync_universe=7, discovery=False)
        await drv.open()
        await tick(drv, clock, 4, {0: [DmxPayload(1, level(1)), DmxPayload(2, level(2))]})
        kinds = [
            (round(t * RATE), type(p).__name__, getattr(p, "sync_address", None))
            for t, p in sacn_packets(rx)
        ]
        assert kinds == [
            (0, "SacnData", 7),
            (0, "SacnData", 7),
            (0, "SacnSync", 7),
            (1, "SacnData", 7),
            (1, "SacnData", 7),
            (1, "SacnSync", 7),
            (2, "SacnData", 7),
            (2, "SacnData", 7),
            (2, "SacnSync", 7),
        ]
        syncs = [p.sequence for _, p in sacn_packets(rx) if isinstance(p, e131.SacnSync)]
        assert syncs == [1, 2, 3]  # its own counter
        await drv.close()
        rx.close()

    run_virtual(main)


def test_sacn_discovery_every_10_s(tmp_path: Path) -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = sacn(rx.port, events, clock, tmp_path, sync_universe=9)
        await drv.open()
        drv.send(DmxPayload(3, level(1)))
        drv.send(DmxPayload(700, level(1)))
        await clock.sleep_until(25.0)
        await settle()
        disc = [(t, p) for t, p in sacn_packets(rx) if isinstance(p, e131.SacnDiscovery)]
        assert [t for t, _ in disc] == [10.0, 20.0]
        assert disc[0][1].universes == (3, 9, 700)
        assert disc[0][1].page == disc[0][1].last_page == 0
        await drv.close()
        rx.close()

    run_virtual(main)


def test_sacn_discovery_pages_for_many_universes(tmp_path: Path) -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = sacn(rx.port, events, clock, tmp_path, universe_offset=1)
        await drv.open()
        drv.frame(0.0, [DmxPayload(u, level(1)) for u in range(600)])
        drv.send_discovery()
        await settle(1000)
        disc = [p for _, p in sacn_packets(rx) if isinstance(p, e131.SacnDiscovery)]
        assert [(d.page, d.last_page, len(d.universes)) for d in disc] == [(0, 1, 512), (1, 1, 88)]
        assert disc[1].universes[-1] == 600
        await drv.close()
        rx.close()

    run_virtual(main)


def test_sacn_multicast_over_loopback_uses_the_universe_group(tmp_path: Path) -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        port = e131.SACN_PORT
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((e131.multicast_group(256), port))  # bound to the group: only its traffic
        mreq = socket.inet_aton(e131.multicast_group(256)) + socket.inet_aton("127.0.0.1")
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        rx = await receiver(sock=sock)
        drv = sacn(0, events, clock, tmp_path, destinations=[], interface="127.0.0.1")
        await drv.open()
        drv.send(DmxPayload(256, level(4)))  # 239.255.1.0 (pyartnet gets this one wrong)
        drv.send(DmxPayload(255, level(5)))  # 239.255.0.255: not our group
        await settle()
        got = [p for _, p in sacn_packets(rx)]
        assert [(p.universe, p.data[0]) for p in got] == [(256, 4)]  # type: ignore[union-attr]
        assert not events.faults
        await drv.close()
        rx.close()

    run_virtual(main)


def test_sacn_cid_stays_the_same_across_restarts(tmp_path: Path) -> None:
    async def main() -> uuid.UUID:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        drv = sacn(rx.port, events, clock, tmp_path)
        await drv.open()
        drv.send(DmxPayload(1, level(1)))
        await settle()
        await drv.close()
        rx.close()
        first = sacn_packets(rx)[0][1]
        assert isinstance(first, e131.SacnData)
        return first.cid

    assert run_virtual(main) == run_virtual(main)


def test_sacn_unmappable_universe_and_refused_destination_fault_once(tmp_path: Path) -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        # No SO_BROADCAST on a unicast sACN socket: the kernel refuses (EACCES).
        drv = sacn(0, events, clock, tmp_path, destinations=["127.255.255.255"])
        await drv.open()
        await tick(
            drv,
            clock,
            100,
            {k: [DmxPayload(0, level(1)), DmxPayload(1, level(k))] for k in range(100)},
        )
        reasons = sorted(r for _, r in events.faults)
        assert len(reasons) == 2
        assert reasons[0].startswith("cannot send to 127.255.255.255:5568: [Errno 13]")
        assert reasons[1].startswith("universe 0: maps to sACN universe 0")
        assert drv.health.state in (HealthState.FAULTED, HealthState.RETRYING)
        await drv.close()

    run_virtual(main)


def test_sacn_unwritable_cid_file_still_runs(tmp_path: Path) -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        rx = await receiver()
        blocker = tmp_path / "file"
        blocker.write_text("")
        drv = sacn(rx.port, events, clock, tmp_path, cid_file=str(blocker / "cid"))
        await drv.open()
        drv.send(DmxPayload(1, level(1)))
        await settle()
        assert len(sacn_packets(rx)) == 1
        assert "cannot persist sACN CID" in events.faults[0][1]
        await drv.close()
        rx.close()

    run_virtual(main)


def test_sacn_config_validation() -> None:
    with pytest.raises(ValidationError, match="Input should be less than or equal to 200"):
        SacnConfig(priority=201)
    with pytest.raises(ValidationError, match="priority 300 outside 0–200"):
        SacnConfig(universe_priority={1: 300})
    with pytest.raises(ValidationError, match="sACN universe 0 outside 1–63999"):
        SacnConfig(universe_map={1: 0})
    with pytest.raises(ValidationError, match=r"'host\.example': want an IPv4 address, optionally"):
        SacnConfig(destinations=["host.example"])
    assert SacnConfig().destinations == []  # multicast


def test_timecode_cue_frames_go_out_as_arttimecode() -> None:
    """A timecode cue's Art-Net output: ArtTimeCode packets on the wire, decoded back."""
    import socket as _socket

    from showctl.clocks.clock import LoopClock
    from showctl.clocks.virtual import run_virtual
    from showctl.drivers.artnet import ArtNetConfig, ArtNetDriver
    from showctl.drivers.base import DriverContext, TimecodePayload
    from showctl.protocols import artnet as artnet_codec

    rx = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.settimeout(2)
    port = rx.getsockname()[1]

    async def main() -> bytes:
        drv = ArtNetDriver("lx", ArtNetConfig(nodes=[f"127.0.0.1:{port}"], listen=None),
                           DriverContext(clock=LoopClock()))
        await drv.open()
        drv.send(TimecodePayload(1, 2, 3, 4, 1))
        await drv.close()
        return rx.recv(1024)

    try:
        data = run_virtual(main)
    finally:
        rx.close()
    tc = artnet_codec.decode(data)
    assert (tc.hours, tc.minutes, tc.seconds, tc.frames, tc.type) == (1, 2, 3, 4, 1)  # type: ignore[union-attr]


def test_a_node_down_for_long_is_one_fault_and_its_return_one_recovery() -> None:
    async def main() -> None:
        clock, events = LoopClock(), Events()
        back: list[tuple[float, str]] = []
        port = free_udp_port()  # nobody listens: loopback answers ICMP port unreachable
        drv = artnet(port, events, clock)
        drv.ctx.on_recovered = lambda output, reason: back.append((clock.now(), reason))
        await drv.open()
        await tick(drv, clock, 3, {k: [DmxPayload(0, level(k))] for k in range(3)})
        await clock.sleep_until(12.0)  # down for 12 s: keep-alives and retries go on
        await settle()
        assert [r for _, r in events.faults] == [
            f"cannot send to 127.0.0.1:{port}: [Errno 111] Connection refused"]
        assert back == []
        rx = await receiver(port=port)  # the node comes back
        await clock.sleep_until(20.0)
        await settle()
        assert dmx_packets(rx) and len(events.faults) == 1
        assert len(back) == 1 and back[0][1].startswith(f"127.0.0.1:{port} back after 1")
        assert drv.health.state in (HealthState.SENDING, HealthState.IDLE)
        await drv.close()
        rx.close()

    run_virtual(main)


# ---------------------------------------------------------------------------- conformance


def _is_artdmx(data: bytes) -> bool:
    try:
        return isinstance(art.decode(data), art.ArtDmx)
    except art.ArtNetDecodeError:
        return False


def _is_sacn_data(data: bytes) -> bool:
    try:
        return isinstance(e131.decode(data), e131.SacnData)
    except e131.SacnDecodeError:
        return False


def test_artnet_passes_the_driver_conformance_suite() -> None:
    async def main() -> None:
        async with udp_sink() as sink:
            def make(ctx: DriverContext) -> ArtNetDriver:
                return ArtNetDriver("lx", ArtNetConfig(nodes=[f"127.0.0.1:{sink.port}"],
                                                       listen=None), ctx)

            def unreachable(ctx: DriverContext) -> ArtNetDriver:
                return ArtNetDriver("lx", ArtNetConfig(nodes=[f"127.0.0.1:{closed_port()}"],
                                                       listen=None), ctx)

            await check_driver(make, unreachable=unreachable, sink=sink, keepalive=0.9,
                               matches=_is_artdmx)

    run_virtual(main)


def test_sacn_passes_the_driver_conformance_suite(tmp_path: Path) -> None:
    async def main() -> None:
        async with udp_sink() as sink:
            def make(ctx: DriverContext) -> SacnDriver:
                return SacnDriver("lx", SacnConfig(destinations=[f"127.0.0.1:{sink.port}"],
                                                   cid_file=str(tmp_path / "cid")), ctx)

            def unreachable(ctx: DriverContext) -> SacnDriver:
                return SacnDriver("lx", SacnConfig(
                    destinations=[f"127.0.0.1:{closed_port()}"],
                    cid_file=str(tmp_path / "cid")), ctx)

            await check_driver(make, unreachable=unreachable, sink=sink, keepalive=0.9,
                               matches=_is_sacn_data)

    run_virtual(main)
