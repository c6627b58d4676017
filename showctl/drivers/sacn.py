"""sACN (E1.31) output driver: data packets to multicast groups or unicast destinations,
per-universe sequence numbers and priority, synchronization, universe discovery every
10 s, keep-alive suppression, and stream termination.

Timing follows E1.31 §6.6: a changed universe is sent at once; it is sent twice more
unchanged on the next frames (three identical packets, so one loss is covered), then
suppressed and kept alive every ``keepalive`` seconds (800–1000 ms). A universe that
stops (:meth:`SacnDriver.release`) and every universe on close get three packets with
the Stream_Terminated option, so receivers drop us at once instead of after 2.5 s.

Multicast pins ``IP_MULTICAST_IF`` to ``interface`` when one is given: on a show machine
with several NICs the default route is rarely the lighting network.

The CID (our identity as a source) is persisted in ``cid_file`` (default
``~/.local/state/showctl/cid``) so receivers see the same source after a restart.
Merging of several sources is the receiver's job; we never merge.
"""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from showctl.clocks.clock import TimerHandle
from showctl.drivers.base import DriverConfig, DriverContext, register
from showctl.drivers.dmx_udp import Address, DmxUdpDriver, Universe, parse_endpoint
from showctl.protocols import sacn as codec


class SacnConfig(DriverConfig):
    """Rig-file section of an sACN output."""

    driver: Literal["sacn"] = "sacn"
    destinations: list[str] = Field(default_factory=list)
    """Unicast receivers ``IP[:port]``; empty = multicast to each universe's group."""
    interface: str = "0.0.0.0"
    """Local address to send from; also pinned as IP_MULTICAST_IF unless 0.0.0.0."""
    multicast_ttl: int = Field(8, ge=1, le=255)
    universe_offset: int = 0
    """sACN universe = logical universe + offset, unless ``universe_map`` names it."""
    universe_map: dict[int, int] = Field(default_factory=dict)
    priority: int = Field(codec.DEFAULT_PRIORITY, ge=0, le=codec.MAX_PRIORITY)
    universe_priority: dict[int, int] = Field(default_factory=dict)
    """Per logical universe priority override (0–200)."""
    source_name: str | None = None
    """Shown by receivers; default ``showctl (<output>)``. At most 63 UTF-8 bytes."""
    sync_universe: int = Field(0, ge=0, le=codec.MAX_UNIVERSE)
    """Universe to send synchronization packets on after each frame; 0 = no sync."""
    cid_file: str | None = None
    """Where the CID is kept; default ``$XDG_STATE_HOME/showctl/cid``."""
    rate: float = Field(44.0, gt=0, le=100.0)
    keepalive: float = Field(0.9, ge=0.8, le=1.0)
    discovery: bool = True
    """Send universe discovery (universe 64214) every 10 s."""
    retry_interval: float = Field(1.0, gt=0)

    @field_validator("destinations")
    @classmethod
    def _check_destinations(cls, destinations: list[str]) -> list[str]:
        for dest in destinations:
            parse_endpoint(dest, codec.SACN_PORT)
        return destinations

    @field_validator("interface")
    @classmethod
    def _check_interface(cls, value: str) -> str:
        parse_endpoint(value, 0)
        return value

    @field_validator("universe_map")
    @classmethod
    def _check_map(cls, mapping: dict[int, int]) -> dict[int, int]:
        for value in mapping.values():
            if not codec.MIN_UNIVERSE <= value <= codec.MAX_UNIVERSE:
                raise ValueError(f"sACN universe {value} outside 1–63999")
        return mapping

    @field_validator("universe_priority")
    @classmethod
    def _check_priorities(cls, mapping: dict[int, int]) -> dict[int, int]:
        for value in mapping.values():
            if not 0 <= value <= codec.MAX_PRIORITY:
                raise ValueError(f"priority {value} outside 0–200")
        return mapping


_NEXT_SEQ = (*range(1, 256), 0)
TERMINATION_PACKETS = 3


@register
class SacnDriver(DmxUdpDriver):
    """sACN source (see the module docstring)."""

    kind: ClassVar[str] = "sacn"
    config_model: ClassVar[type[DriverConfig]] = SacnConfig
    default_port: ClassVar[int] = codec.SACN_PORT
    identical_packets: ClassVar[int] = 3
    seq_offset: ClassVar[int] = codec.DATA_SEQUENCE_OFFSET
    data_offset: ClassVar[int] = codec.DATA_SLOTS_OFFSET
    next_seq: ClassVar[tuple[int, ...]] = _NEXT_SEQ

    config: SacnConfig

    def __init__(self, output: str, config: DriverConfig, ctx: DriverContext) -> None:
        if not isinstance(config, SacnConfig):
            config = SacnConfig.model_validate(config.model_dump())
        super().__init__(output, config, ctx)
        self.source_name = config.source_name or f"showctl ({output})"
        self._unicast = bool(config.destinations)
        self._cid: uuid.UUID | None = None
        self._sync_packet: bytearray | None = None
        self._sync_seq = 0
        self._sync_dest: list[Address] = []
        self._discovery_handle: TimerHandle | None = None

    # ------------------------------------------------------------------ CID

    @property
    def cid(self) -> uuid.UUID:
        if self._cid is None:
            path = self.config.cid_file
            try:
                self._cid = load_or_create_cid(path)
            except OSError as exc:
                # Still run: a fresh CID only makes receivers see a new source.
                self._cid = uuid.uuid4()
                self._report("cid", f"cannot persist sACN CID ({exc}); using {self._cid}")
        return self._cid

    # ------------------------------------------------------------------ hooks

    def _destinations(self) -> list[Address]:
        return [parse_endpoint(d, codec.SACN_PORT) for d in self.config.destinations]

    def _configure_socket(self, sock: socket.socket) -> Address:
        ip = parse_endpoint(self.config.interface, 0)[0]
        if not self._unicast:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, self.config.multicast_ttl)
            # Loop on: a visualiser or monitor on this machine should see us too.
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            if ip != "0.0.0.0":
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ip))
        return ip, 0

    def _wire_universe(self, logical: int) -> int:
        wire = self.config.universe_map.get(logical, logical + self.config.universe_offset)
        if not codec.MIN_UNIVERSE <= wire <= codec.MAX_UNIVERSE:
            raise ValueError(
                f"maps to sACN universe {wire}, outside 1–63999 (set universe_offset or "
                "universe_map)"
            )
        return wire

    def _universe_dests(self, u_wire: int) -> list[Address] | None:
        if self._unicast:
            return None
        return [(codec.multicast_group(u_wire), codec.SACN_PORT)]

    def _new_packet(self, u_wire: int, logical: int) -> bytearray:
        return bytearray(
            codec.encode_data(
                self.cid,
                self.source_name,
                self.config.universe_priority.get(logical, self.config.priority),
                self.config.sync_universe,
                0,
                0,
                u_wire,
                bytes(512),
            )
        )

    def _after_frame(self, now: float) -> None:
        if self._sync_packet is None:
            return
        self._sync_seq = _NEXT_SEQ[self._sync_seq]
        self._sync_packet[44] = self._sync_seq
        self._send_raw(self._sync_packet, self._sync_targets())

    def _sync_targets(self) -> list[Address]:
        if self._unicast:
            return self._live
        return [a for a in self._sync_dest if a not in self._blocked]

    # ------------------------------------------------------------------ lifecycle

    async def open(self) -> None:
        await super().open()
        _ = self.cid  # load (or create) the CID now, not on the first frame
        sync = self.config.sync_universe
        if sync:
            self._sync_packet = bytearray(codec.encode_sync(self.cid, 0, sync))
            self._sync_dest = [(codec.multicast_group(sync), codec.SACN_PORT)]
        if self.config.discovery:
            now = self.ctx.clock.now()
            self._discovery_handle = self.ctx.clock.call_at(
                now + codec.DISCOVERY_INTERVAL, self._on_discovery
            )

    async def close(self) -> None:
        if self._discovery_handle is not None:
            self._discovery_handle.cancel()
            self._discovery_handle = None
        if not self._closed:
            for u in list(self._universes.values()):
                self._terminate(u)
            self._universes.clear()
            self._by_age.clear()
        await super().close()

    def _on_release(self, u: Universe) -> None:
        self._terminate(u)

    def _terminate(self, u: Universe) -> None:
        """Three packets with Stream_Terminated, last levels kept (E1.31 §6.2.6)."""
        packet = u.packet
        packet[codec.DATA_OPTIONS_OFFSET] |= codec.OPTION_STREAM_TERMINATED
        dests = self._destinations_for(u)
        for _ in range(TERMINATION_PACKETS):
            u.seq = _NEXT_SEQ[u.seq]
            packet[codec.DATA_SEQUENCE_OFFSET] = u.seq
            self._send_raw(packet, dests)

    def _on_discovery(self) -> None:
        self._discovery_handle = None
        if self._closed:
            return
        now = self.ctx.clock.now()
        self.send_discovery()
        self._discovery_handle = self.ctx.clock.call_at(
            now + codec.DISCOVERY_INTERVAL, self._on_discovery
        )

    def discovery_universes(self) -> list[int]:
        """Universes we actively send data or sync on (what discovery lists)."""
        listed = {u.wire for u in self._universes.values()}
        if self._sync_packet is not None and listed:
            listed.add(self.config.sync_universe)
        return sorted(listed)

    def send_discovery(self) -> None:
        """Send the universe discovery pages now (also done every 10 s by a timer)."""
        listed = self.discovery_universes()
        if not listed:
            return  # E1.31 lets an idle source stay silent instead of an empty list
        if self._unicast:
            dests = self._live
        else:
            dests = [(codec.multicast_group(codec.DISCOVERY_UNIVERSE), codec.SACN_PORT)]
        for page in codec.encode_discovery_pages(self.cid, self.source_name, listed):
            self._send_raw(page, dests)


# ---------------------------------------------------------------------------- CID
# Where this machine's sACN source id (CID) lives: the driver's own state, not the wire
# format, so it is kept here rather than beside the codec.


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/showctl`` or ``~/.local/state/showctl``."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "showctl"


def default_cid_path() -> Path:
    return default_state_dir() / "cid"


def load_or_create_cid(path: Path | str | None = None) -> uuid.UUID:
    """Return the CID stored at ``path``, creating and persisting a new one if needed.

    The file holds the UUID as text. An unreadable or corrupt file is replaced (a new
    CID makes receivers see a new source, which is better than refusing to run).
    Written atomically (temporary file + rename) so a crash never leaves half a UUID.
    Raises ``OSError`` only if a new CID cannot be written; callers that must not fail
    can fall back to an unpersisted ``uuid.uuid4()``.
    """
    target = Path(path) if path is not None else default_cid_path()
    try:
        return uuid.UUID(target.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    cid = uuid.uuid4()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".cid-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(f"{cid}\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return cid
