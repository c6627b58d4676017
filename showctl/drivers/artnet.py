"""Art-Net 4 output driver: ArtDmx to unicast nodes or a broadcast address, ArtSync,
keep-alives, and ArtPollReply answers so consoles and monitors see us on the network.

Logical universes from the show map to 15-bit Port-Addresses through ``universe_map``
(explicit) or ``universe_offset`` (everything else). Every universe goes to every
configured node; we do not (yet) poll for nodes and route by subscription.

The ArtPoll listener binds ``listen``:6454 with SO_REUSEADDR so it can share the port with
other Art-Net software. On Linux the socket bound last on a shared port receives the
*unicast* datagrams, so a listener on 0.0.0.0 started after a node on the same host
(OLA, a visualiser) would swallow the ArtDmx we send that node. We detect that (our own
ArtDmx arriving at our listener), report it, and close the listener; binding ``listen`` to
a broadcast address (e.g. ``2.255.255.255``) receives broadcast polls only and avoids it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from showctl.drivers.base import (
    DmxPayload,
    DriverConfig,
    DriverContext,
    Payload,
    TimecodePayload,
    register,
)
from showctl.drivers.dmx_udp import Address, DmxUdpDriver, Universe, parse_endpoint
from showctl.protocols import artnet as codec


def _port_address(value: int | str) -> int:
    """A Port-Address as an int (0–32767) or ``"net:subnet:universe"``."""
    if isinstance(value, str):
        parts = value.split(":")
        if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
            raise ValueError(f"{value!r}: want 'net:subnet:universe', e.g. '0:1:5'")
        return codec.port_address(*(int(p) for p in parts))
    if not 0 <= value <= 0x7FFF:
        raise ValueError(f"Port-Address {value} outside 0–32767")
    return value


class ArtNetConfig(DriverConfig):
    """Rig-file section of an Art-Net output."""

    driver: Literal["artnet"] = "artnet"
    nodes: list[str] = Field(default_factory=list)
    """Unicast destinations, ``IP`` or ``IP:port`` (port 6454 if omitted)."""
    broadcast: bool = False
    """Send to ``broadcast_address`` instead of unicast nodes."""
    broadcast_address: str = "255.255.255.255"
    universe_offset: int = 0
    """Port-Address = logical universe + offset, unless ``universe_map`` names it."""
    universe_map: dict[int, int | str] = Field(default_factory=dict)
    """Logical universe → Port-Address (int, or ``"net:subnet:universe"``)."""
    sync: bool = False
    """Send ArtSync after each frame's ArtDmx packets (nodes then latch together)."""
    rate: float = Field(44.0, gt=0, le=44.0)
    """Frame rate the frame engine ticks at; Art-Net must not exceed DMX's 44 Hz."""
    keepalive: float = Field(0.9, ge=0.8, le=1.0)
    """Re-send an unchanged universe after this many seconds (spec: 800–1000 ms)."""
    bind: str = "0.0.0.0"
    """Local ``IP[:port]`` of the sending socket (port 0 = any)."""
    listen: str | None = "0.0.0.0"
    """Address the ArtPoll listener binds on port 6454; null = do not answer polls."""
    listen_port: int = Field(codec.ARTNET_PORT, ge=0, le=65535)
    physical: int = Field(0, ge=0, le=255)
    short_name: str = "showctl"
    long_name: str = "showctl show controller"
    retry_interval: float = Field(1.0, gt=0)

    @field_validator("nodes")
    @classmethod
    def _check_nodes(cls, nodes: list[str]) -> list[str]:
        for node in nodes:
            parse_endpoint(node, codec.ARTNET_PORT)
        return nodes

    @field_validator("bind")
    @classmethod
    def _check_bind(cls, bind: str) -> str:
        parse_endpoint(bind, 0)
        return bind

    @field_validator("broadcast_address", "listen")
    @classmethod
    def _check_ip(cls, value: str | None) -> str | None:
        if value is not None:
            parse_endpoint(value, 0)
        return value

    @field_validator("universe_map")
    @classmethod
    def _check_map(cls, mapping: dict[int, int | str]) -> dict[int, int | str]:
        for value in mapping.values():
            _port_address(value)
        return mapping

    @model_validator(mode="after")
    def _one_destination_kind(self) -> ArtNetConfig:
        if self.broadcast and self.nodes:
            raise ValueError("give either nodes (unicast) or broadcast: true, not both")
        if not self.broadcast and not self.nodes:
            raise ValueError("no destination: list nodes, or set broadcast: true")
        return self


_NEXT_SEQ = (1, *range(2, 256), 1)  # 1 → 2 … 255 → 1; 0 means "no sequencing"


@register
class ArtNetDriver(DmxUdpDriver):
    """Art-Net 4 controller output (see the module docstring)."""

    kind: ClassVar[str] = "artnet"
    payloads: ClassVar[tuple[type[object], ...]] = (DmxPayload, TimecodePayload)
    config_model: ClassVar[type[DriverConfig]] = ArtNetConfig
    default_port: ClassVar[int] = codec.ARTNET_PORT
    seq_offset: ClassVar[int] = codec.DMX_SEQUENCE_OFFSET
    data_offset: ClassVar[int] = codec.DMX_DATA_OFFSET
    next_seq: ClassVar[tuple[int, ...]] = _NEXT_SEQ

    config: ArtNetConfig

    def __init__(self, output: str, config: DriverConfig, ctx: DriverContext) -> None:
        if not isinstance(config, ArtNetConfig):
            config = ArtNetConfig.model_validate(config.model_dump())
        super().__init__(output, config, ctx)
        self._map = {k: _port_address(v) for k, v in config.universe_map.items()}
        self._sync_packet = codec.encode_sync()
        self._listener: socket.socket | None = None
        self._want_listener = config.listen is not None
        self._replies = 0
        self.polls_answered = 0

    # ------------------------------------------------------------------ hooks

    def _destinations(self) -> list[Address]:
        if self.config.broadcast:
            return [(self.config.broadcast_address, codec.ARTNET_PORT)]
        return [parse_endpoint(n, codec.ARTNET_PORT) for n in self.config.nodes]

    def _configure_socket(self, sock: socket.socket) -> Address:
        # Always allowed: a node list may contain a directed-broadcast address too.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        return parse_endpoint(self.config.bind, 0)

    def _bind_port_fixed(self) -> bool:
        return parse_endpoint(self.config.bind, 0)[1] != 0

    def _wire_universe(self, logical: int) -> int:
        if logical in self._map:
            return self._map[logical]
        pa = logical + self.config.universe_offset
        if not 0 <= pa <= 0x7FFF:
            raise ValueError(f"maps to Port-Address {pa}, outside 0–32767 (check universe_offset)")
        return pa

    def _new_packet(self, u_wire: int, logical: int) -> bytearray:
        return bytearray(codec.encode_dmx(0, self.config.physical, u_wire, bytes(512)))

    def _after_frame(self, now: float) -> None:
        if self.config.sync:
            self._send_raw(self._sync_packet, self._live)

    def send(self, payload: Payload) -> None:
        """DMX as the transport does; timecode cues' frames go out as ArtTimeCode."""
        if isinstance(payload, TimecodePayload):
            if not self._closed:
                try:
                    packet = codec.encode_timecode(
                        payload.frames, payload.seconds, payload.minutes, payload.hours,
                        payload.type)
                except ValueError as exc:  # the contract: a fault, never an exception
                    self._report("payload:timecode", f"timecode not sent: {exc}")
                    return
                self._send_raw(packet, self._live)
            return
        super().send(payload)

    # ------------------------------------------------------------------ ArtPoll

    async def open(self) -> None:
        await super().open()
        if self._want_listener:
            self._open_listener()

    async def close(self) -> None:
        self._close_listener()
        await super().close()

    def _open_listener(self) -> bool:
        assert self.config.listen is not None
        addr = (self.config.listen, self.config.listen_port)
        sock: socket.socket | None = None
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            sock.setblocking(False)
            sock.bind(addr)
            asyncio.get_running_loop().add_reader(sock.fileno(), self._on_readable)
        except (OSError, NotImplementedError, RuntimeError) as exc:
            if sock is not None:
                sock.close()
            self._report(
                "listener",
                f"not answering ArtPoll: cannot listen on {addr[0]}:{addr[1]} ({exc}); "
                "DMX output is unaffected",
            )
            self._schedule_retry()
            return False
        self._listener = sock
        self._clear("listener")
        return True

    def _close_listener(self) -> None:
        if self._listener is None:
            return
        with contextlib.suppress(RuntimeError, NotImplementedError, ValueError):
            asyncio.get_running_loop().remove_reader(self._listener.fileno())
        self._listener.close()
        self._listener = None

    def _retry_more(self, now: float) -> None:
        if self._want_listener and self._listener is None and not self._open_listener():
            self._schedule_retry()

    def _on_readable(self) -> None:
        sock = self._listener
        while sock is not None:
            try:
                packet, src = sock.recvfrom(2048)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self._report("listener-read", f"ArtPoll listener read failed: {exc}")
                return
            self._on_datagram(packet, src)
            sock = self._listener

    def _on_datagram(self, packet: bytes, src: Address) -> None:
        try:
            op = codec.opcode(packet)
        except codec.ArtNetDecodeError:
            return  # not Art-Net: not ours to judge
        if op == codec.OP_POLL:
            self._answer_poll(src)
        elif op == codec.OP_DMX:
            self._check_self_capture(packet, src)

    def _check_self_capture(self, packet: bytes, src: Address) -> None:
        if src[1] not in self.local_ports:
            return
        try:
            dmx = codec.decode(packet)
        except codec.ArtNetDecodeError:
            return
        if not isinstance(dmx, codec.ArtDmx):
            return
        mine = any(
            u.wire == dmx.port_address and u.seq == dmx.sequence for u in self._universes.values()
        )
        if not mine:
            return
        # Our own ArtDmx came back to our listener: a node on this host bound 6454 before
        # us and the kernel now hands *us* the unicast meant for it.
        self._want_listener = False
        self._close_listener()
        self._report(
            "listener-capture",
            f"ArtPoll listener on {self.config.listen}:{self.config.listen_port} was "
            "receiving our own ArtDmx (another Art-Net program on this host shares the "
            "port); listener closed. Set listen to a broadcast address or null.",
        )

    def poll_replies(self, to: str) -> list[bytes]:
        """The ArtPollReply packets describing this output, as seen from ``to``."""
        ip = self._local_ip_towards(to)
        groups: dict[int, list[int]] = {}
        for u in self._universes.values():
            groups.setdefault(u.wire >> 4, []).append(u.wire)
        chunks: list[tuple[int, ...]] = []
        for key in sorted(groups):
            pas = sorted(set(groups[key]))
            chunks.extend(tuple(pas[i : i + 4]) for i in range(0, len(pas), 4))
        chunks = chunks or [()]
        replies = []
        for index, ports in enumerate(chunks, start=1):
            self._replies += 1
            replies.append(
                codec.encode_poll_reply(
                    ip,
                    short_name=self.config.short_name,
                    long_name=f"{self.config.long_name} ({self.output})",
                    node_report=(
                        f"#0001 [{self._replies % 10000:04d}] {len(self._universes)} universes"
                    ),
                    port_addresses=ports,
                    bind_index=min(index, 255),
                )
            )
        return replies

    def _answer_poll(self, src: Address) -> None:
        # Art-Net 4: the reply is unicast to the poller. We answer the source address
        # and port, which is 6454 for a conforming controller.
        if self._send_raw_all(self.poll_replies(src[0]), src):
            self.polls_answered += 1

    def _send_raw_all(self, packets: list[bytes], dest: Address) -> bool:
        return all(self._send_raw(p, [dest]) for p in packets)

    def _local_ip_towards(self, ip: str) -> str:
        bind_ip = parse_endpoint(self.config.bind, 0)[0]
        if bind_ip != "0.0.0.0":
            return bind_ip
        # Connecting a UDP socket sends nothing; it only asks the routing table which
        # local address would be used.
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.connect((ip, codec.ARTNET_PORT))
            local: str = probe.getsockname()[0]
            return local
        except OSError:
            return "0.0.0.0"
        finally:
            probe.close()

    def _on_release(self, u: Universe) -> None:
        """Art-Net has no goodbye: the node holds or times out on its own."""
