"""What Art-Net and sACN transports share: universes as patched packet buffers, keep-alive
scheduling, and a non-blocking UDP socket whose errors become faults and retries.

The frame engine calls :meth:`DmxUdpDriver.frame` once per frame tick with the universes
that changed, and :meth:`DmxUdpDriver.send` for a universe that must go out at once (the
first frame of a GO). Each universe keeps one preallocated packet (header encoded once);
sending patches the sequence byte and copies the 512 slots in, then calls ``sendto`` for
each destination. Nothing here loops over channels in Python.

Keep-alives: universes are kept in an ``OrderedDict`` ordered by last transmission, so
finding the ones due is O(number due), not O(universes). A fallback timer on the
injected clock sends keep-alives if the frame engine stops ticking.

Faults: a socket that cannot be opened, a destination that refuses packets, a full
send buffer are each reported once through :meth:`Driver.fault` (not once per packet,
which would flood the engine at 2048 universes × 44 Hz) and retried after
``retry_interval``. Nothing raises into the engine.
"""

from __future__ import annotations

import errno
import ipaddress
import math
import socket
from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from typing import ClassVar, Final

from showctl.drivers.base import (
    DmxPayload,
    Driver,
    DriverConfig,
    DriverContext,
    HealthState,
    Payload,
)
from showctl.engine.clock import TimerHandle

Address = tuple[str, int]

SLOTS: Final = 512
_ZEROS: Final = bytes(SLOTS)
# Transient "try again" errors: the packet is lost but the destination is fine.
_TRANSIENT: Final = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.ENOBUFS, errno.ENOMEM})
# Keep-alive deadlines compare float frame times; absorb rounding of k / rate.
_EPS: Final = 1e-6


def parse_endpoint(text: str, default_port: int) -> Address:
    """``"10.0.0.5"`` or ``"10.0.0.5:6455"`` → (ip, port). IP literals only.

    Host names are refused on purpose: resolving them blocks the event loop
    (``getaddrinfo``) and a show should not depend on DNS.
    """
    host, sep, port_text = text.strip().rpartition(":")
    if not sep:
        host, port_text = port_text, ""
    try:
        ip = str(ipaddress.IPv4Address(host))
    except ValueError:
        raise ValueError(f"{text!r}: want an IPv4 address, optionally with :port") from None
    if not port_text:
        return ip, default_port
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(f"{text!r}: port must be 0–65535")
    return ip, int(port_text)


class Universe:
    """One universe's wire state: its packet buffer, sequence and last send time."""

    __slots__ = ("last_tx", "logical", "packet", "repeats", "seq", "wire")

    def __init__(self, logical: int, wire: int, packet: bytearray) -> None:
        self.logical = logical
        self.wire = wire
        self.packet = packet
        self.seq = 0
        self.last_tx = -math.inf
        self.repeats = 0


class DmxUdpDriver(Driver):
    """Base of the Art-Net and sACN output drivers (see the module docstring)."""

    payloads: ClassVar[tuple[type[object], ...]] = (DmxPayload,)
    default_port: ClassVar[int]
    identical_packets: ClassVar[int] = 1
    """How many identical packets follow a change before only keep-alives go out."""

    # Where a subclass's packets keep their sequence byte and first slot.
    seq_offset: ClassVar[int]
    data_offset: ClassVar[int]
    next_seq: ClassVar[tuple[int, ...]]
    """next_seq[s] is the sequence number after s (Art-Net skips 0, sACN does not)."""

    def __init__(self, output: str, config: DriverConfig, ctx: DriverContext) -> None:
        super().__init__(output, config, ctx)
        self.rate: float = float(getattr(config, "rate", 44.0))
        self.keepalive: float = float(getattr(config, "keepalive", 0.9))
        self.retry_interval: float = float(getattr(config, "retry_interval", 1.0))
        self._universes: dict[int, Universe] = {}
        self._by_age: OrderedDict[int, None] = OrderedDict()
        self._recent: dict[int, int] = {}  # universe → identical packets sent so far
        self._invalid: set[int] = set()  # logical universes we cannot map (reported once)
        self._sock: socket.socket | None = None
        self._dests: list[Address] = []
        self._live: list[Address] = []  # destinations not waiting out a retry
        self._blocked: dict[Address, float] = {}
        self._faults: set[str] = set()  # fault keys reported and not yet cleared
        self._last_buffer_fault = -math.inf
        self.dropped = 0  # packets lost to a full send buffer
        self._frame_sent = 0  # packets sent in the current frame (decides sync)
        self._last_frame = -math.inf
        self._ka_handle: TimerHandle | None = None
        self._ka_due = math.inf
        self._retry_handle: TimerHandle | None = None
        self._opened = False
        self._closed = False

    # ------------------------------------------------------------------ subclass hooks

    @abstractmethod
    def _destinations(self) -> list[Address]:
        """Where every universe's packets go (unicast list or one broadcast address)."""

    @abstractmethod
    def _configure_socket(self, sock: socket.socket) -> Address:
        """Set protocol-specific options; return the local address to bind."""

    @abstractmethod
    def _wire_universe(self, logical: int) -> int:
        """Map a logical universe to the protocol's number; ValueError if it cannot."""

    @abstractmethod
    def _new_packet(self, u_wire: int, logical: int) -> bytearray:
        """A full packet for this universe with all slots zero."""

    def _after_frame(self, now: float) -> None:
        """Called after a frame's packets went out (sync packets)."""

    def _destinations_for(self, u: Universe) -> list[Address]:
        """Per-universe destinations (sACN multicast overrides this)."""
        return self._live

    # ------------------------------------------------------------------ lifecycle

    async def open(self) -> None:
        self._opened = True
        self._dests = self._destinations()
        self._live = list(self._dests)
        self._open_socket()

    async def close(self) -> None:
        self._closed = True
        for handle in (self._ka_handle, self._retry_handle):
            if handle is not None:
                handle.cancel()
        self._ka_handle = self._retry_handle = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self.health.state = HealthState.CLOSED

    def _open_socket(self) -> bool:
        sock: socket.socket | None = None
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setblocking(False)
            # A deep send buffer absorbs one frame of 2048 universes (~1.1 MB) in bursts.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
            sock.bind(self._configure_socket(sock))
        except OSError as exc:
            if sock is not None:
                sock.close()
            self._report("socket", f"cannot open UDP socket: {exc}")
            self._schedule_retry()
            return False
        self._sock = sock
        self._clear("socket")
        return True

    @property
    def local_address(self) -> Address | None:
        """The sending socket's bound address (None while it is down)."""
        if self._sock is None:
            return None
        addr: Address = self._sock.getsockname()
        return addr

    # ------------------------------------------------------------------ engine interface

    def send(self, payload: Payload) -> None:
        """Transmit one universe now (e.g. a GO's first frame), then the frame's sync."""
        if self._closed:
            return
        if not isinstance(payload, DmxPayload):
            self._report(
                f"payload:{type(payload).__name__}",
                f"{self.kind} output takes DMX payloads, not {type(payload).__name__}",
            )
            return
        now = self.ctx.clock.now()
        u = self._universes.get(payload.universe) or self._add(payload.universe)
        if u is None:
            return
        self._frame_sent = 0
        self._load(u, payload.data)
        if self._emit(u, now):
            self.sent(payload)
        if self.identical_packets > 1:
            self._recent[u.logical] = 1
        if self._frame_sent:
            self._after_frame(now)
        self._arm_keepalive(now)

    def frame(self, now: float, changed: Sequence[DmxPayload]) -> None:
        """One frame tick: send ``changed``, repeats and due keep-alives, then sync."""
        if self._closed:
            return
        self._last_frame = now
        self._frame_sent = 0
        universes = self._universes
        for payload in changed:
            u = universes.get(payload.universe) or self._add(payload.universe)
            if u is None:
                continue
            self._load(u, payload.data)
            if self._emit(u, now):
                self.sent(payload)
        if self.identical_packets > 1:
            self._send_repeats(now, changed)
        self._send_keepalives(now)
        if self._frame_sent:
            self._after_frame(now)
        self._arm_keepalive(now)

    def release(self, universe: int) -> None:
        """Stop sending a universe (no more keep-alives). sACN also terminates the stream."""
        u = self._universes.pop(universe, None)
        if u is None:
            return
        self._by_age.pop(universe, None)
        self._recent.pop(universe, None)
        self._on_release(u)

    def _on_release(self, u: Universe) -> None:
        """Protocol goodbye for a universe that stops (sACN stream termination)."""

    @property
    def universes(self) -> list[int]:
        """Logical universes currently being sent."""
        return list(self._universes)

    # ------------------------------------------------------------------ hot path

    def _add(self, logical: int) -> Universe | None:
        if logical in self._invalid:
            return None
        try:
            wire = self._wire_universe(logical)
        except ValueError as exc:
            self._invalid.add(logical)
            self._report(f"universe:{logical}", f"universe {logical}: {exc}")
            return None
        u = Universe(logical, wire, self._new_packet(wire, logical))
        self._universes[logical] = u
        self._by_age[logical] = None
        return u

    def _load(self, u: Universe, data: bytes) -> None:
        off = self.data_offset
        n = len(data)
        if n >= SLOTS:
            u.packet[off : off + SLOTS] = data[:SLOTS] if n > SLOTS else data
        else:
            # "Fewer slots is allowed, the rest are 0": we always send full universes,
            # so a node never keeps stale values beyond a short payload.
            u.packet[off : off + n] = data
            u.packet[off + n : off + SLOTS] = _ZEROS[n:]

    def _emit(self, u: Universe, now: float) -> bool:
        """Send a universe's packet to its destinations; True if any accepted it."""
        u.last_tx = now
        self._by_age.move_to_end(u.logical)
        sock = self._sock
        if sock is None:
            return False
        seq = self.next_seq[u.seq]
        u.seq = seq
        packet = u.packet
        packet[self.seq_offset] = seq
        ok = False
        for addr in self._destinations_for(u):
            try:
                sock.sendto(packet, addr)
                ok = True
            except OSError as exc:
                self._send_error(exc, addr, now)
        if ok:
            self._frame_sent += 1
        return ok

    def _send_raw(self, packet: bytes | bytearray, addrs: Sequence[Address]) -> bool:
        """Send a non-universe packet (sync, discovery, poll reply) with fault handling."""
        sock = self._sock
        if sock is None:
            return False
        ok = False
        for addr in addrs:
            try:
                sock.sendto(packet, addr)
                ok = True
            except OSError as exc:
                self._send_error(exc, addr, self.ctx.clock.now())
        return ok

    def _send_repeats(self, now: float, changed: Sequence[DmxPayload]) -> None:
        previous = self._recent
        current = {p.universe: 1 for p in changed if p.universe in self._universes}
        for logical, count in previous.items():
            if logical in current:
                continue
            u = self._universes.get(logical)
            if u is None:
                continue
            self._emit(u, now)
            if count + 1 < self.identical_packets:
                current[logical] = count + 1
        self._recent = current

    def _send_keepalives(self, now: float) -> None:
        if self._sock is None:
            return
        horizon = now - self.keepalive + _EPS
        order = self._by_age
        universes = self._universes
        while order:
            logical = next(iter(order))
            u = universes[logical]
            if u.last_tx > horizon:
                break
            self._emit(u, now)  # moves it to the end even if the send failed

    # ------------------------------------------------------------------ keep-alive timer

    def _arm_keepalive(self, now: float) -> None:
        """Make sure a timer fires by the oldest universe's keep-alive deadline.

        Only a safety net: while the frame engine ticks, ``frame`` sends keep-alives
        on frame boundaries and this timer just re-arms (about once per keep-alive).
        """
        if not self._by_age or self._closed:
            return
        due = self._universes[next(iter(self._by_age))].last_tx + self.keepalive
        if self._ka_handle is not None and self._ka_due <= due:
            return
        if self._ka_handle is not None:
            self._ka_handle.cancel()
        self._ka_due = due
        self._ka_handle = self.ctx.clock.call_at(due, self._on_keepalive_timer)

    def _on_keepalive_timer(self) -> None:
        self._ka_handle = None
        self._ka_due = math.inf
        if self._closed:
            return
        now = self.ctx.clock.now()
        if now - self._last_frame > 1.5 / self.rate:
            # The frame engine is not ticking: keep the universes alive ourselves.
            self._frame_sent = 0
            self._send_keepalives(now)
            if self._frame_sent:
                self._after_frame(now)
            self._arm_keepalive(now)
        elif self._by_age:
            oldest = self._universes[next(iter(self._by_age))].last_tx
            self._ka_due = max(oldest + self.keepalive, now + 1.0 / self.rate)
            self._ka_handle = self.ctx.clock.call_at(self._ka_due, self._on_keepalive_timer)

    # ------------------------------------------------------------------ faults and retry

    def _report(self, key: str, reason: str) -> None:
        """Report a fault once per cause until that cause clears."""
        if key in self._faults:
            return
        self._faults.add(key)
        self.fault(reason)

    def _clear(self, key: str) -> None:
        self._faults.discard(key)

    def _send_error(self, exc: OSError, addr: Address, now: float) -> None:
        if isinstance(exc, BlockingIOError) or exc.errno in _TRANSIENT:
            self.dropped += 1
            # A full buffer is transient: report it at most once per retry interval.
            if now - self._last_buffer_fault >= self.retry_interval:
                self._last_buffer_fault = now
                self.fault(f"send buffer full, packets dropped ({self.dropped} so far): {exc}")
            return
        key = f"dest:{addr[0]}:{addr[1]}"
        self._report(key, f"cannot send to {addr[0]}:{addr[1]}: {exc}")
        # Park the destination until the retry so one dead node does not cost an
        # exception per universe per frame; the others keep receiving.
        self._blocked[addr] = now + self.retry_interval
        self._live = [a for a in self._dests if a not in self._blocked]
        self._schedule_retry()

    def _schedule_retry(self) -> None:
        if self._retry_handle is not None or self._closed:
            return
        when = self.ctx.clock.now() + self.retry_interval
        self._retry_handle = self.ctx.clock.call_at(when, self._retry)

    def _retry(self) -> None:
        self._retry_handle = None
        if self._closed:
            return
        now = self.ctx.clock.now()
        if self._sock is None or self._blocked:
            self.health.state = HealthState.RETRYING
        recovered = False
        if self._sock is None:
            recovered = self._open_socket()
        if self._blocked:
            due = [a for a, until in self._blocked.items() if until <= now + _EPS]
            for addr in due:
                del self._blocked[addr]
            self._live = [a for a in self._dests if a not in self._blocked]
            recovered = recovered or bool(due)
        if recovered:
            # Resend everything: a receiver that missed packets is current at once. A
            # destination that fails again is parked again (its fault is not re-reported).
            self._refresh_all(now)
            for addr in self._dests:
                if addr not in self._blocked:
                    self._clear(f"dest:{addr[0]}:{addr[1]}")
        if self._sock is None or self._blocked:
            self._schedule_retry()
        elif recovered:
            self.health.state = HealthState.SENDING if self._universes else HealthState.IDLE
            self.health.reason = ""
        self._retry_more(now)

    def _retry_more(self, now: float) -> None:
        """Subclasses retry their own resources (the Art-Net poll listener)."""

    def _refresh_all(self, now: float) -> None:
        """After a recovery, bring every receiver up to date at once."""
        self._frame_sent = 0
        for u in list(self._universes.values()):
            self._emit(u, now)
        if self._frame_sent:
            self._after_frame(now)
