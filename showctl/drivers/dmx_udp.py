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
from collections.abc import Callable, Sequence
from typing import ClassVar, Final

from showctl.clocks.clock import TimerHandle
from showctl.drivers.base import (
    DmxPayload,
    Driver,
    DriverConfig,
    DriverContext,
    HealthState,
    Payload,
)

Address = tuple[str, int]
Sender = Callable[[bytes | bytearray], int]

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

    __slots__ = ("dests", "last_tx", "logical", "packet", "seq", "wire")

    def __init__(
        self, logical: int, wire: int, packet: bytearray, dests: list[Address] | None = None
    ) -> None:
        self.logical = logical
        self.wire = wire
        self.packet = packet
        self.dests = dests
        """Own destinations (sACN multicast group) or None for the driver's list."""
        self.seq = 0
        self.last_tx = -math.inf


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
        self._conns: list[socket.socket] = []  # one connected socket per fixed destination
        self._senders: dict[Address, Sender] = {}
        self._live_send: list[tuple[Address, Sender]] = []
        self._blocked: dict[Address, float] = {}
        self._faults: dict[str, float] = {}  # fault key → when reported (not yet cleared)
        self._probation: dict[Address, float] = {}
        """Destinations unparked after a fault, and since when: a UDP send "succeeds"
        even to a dead node (the refusal comes back on a later send), so a destination
        is back only after sending without error for ``2 × retry_interval``."""
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

    def _universe_dests(self, u_wire: int) -> list[Address] | None:
        """A universe's own destinations (sACN multicast), None = the driver's list."""
        return None

    def _destinations_for(self, u: Universe) -> list[Address]:
        if u.dests is None:
            return self._live
        if self._blocked:
            return [a for a in u.dests if a not in self._blocked]
        return u.dests

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
        self._close_sockets()
        self.health.state = HealthState.CLOSED

    def _close_sockets(self) -> None:
        for conn in self._conns:
            conn.close()
        self._conns = []
        self._senders = {}
        self._live_send = []
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _new_socket(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            # A deep send buffer absorbs one frame of 2048 universes (~1.1 MB) in bursts.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
            sock.bind(self._configure_socket(sock))
        except OSError:
            sock.close()
            raise
        return sock

    def _open_socket(self) -> bool:
        """Open the main socket, and a connected socket per fixed destination.

        ``send`` on a connected UDP socket skips the per-packet route lookup of
        ``sendto`` (about 13 % of the syscall here) and, unlike an unconnected socket,
        reports an unreachable host or a refused port, which becomes a fault.
        """
        try:
            sock = self._new_socket()
        except OSError as exc:
            self._report("socket", f"cannot open UDP socket: {exc}")
            self._schedule_retry()
            return False
        self._sock = sock
        self._clear("socket")
        fixed_port = sock.getsockname()[1] if self._bind_port_fixed() else 0
        for addr in self._dests:
            if fixed_port:
                # Every packet must leave from the configured port: share the socket.
                self._senders[addr] = _sendto(sock, addr)
                continue
            try:
                conn = self._new_socket()
            except OSError:
                self._senders[addr] = _sendto(sock, addr)
                continue
            self._conns.append(conn)
            try:
                conn.connect(addr)
            except OSError as exc:
                self._senders[addr] = _sendto(sock, addr)
                self._send_error(exc, addr, self.ctx.clock.now())
                continue
            self._senders[addr] = conn.send
        self._set_live()
        return True

    def _bind_port_fixed(self) -> bool:
        """True when the config pins the local port (then one socket sends everything)."""
        return False

    def _set_live(self) -> None:
        self._live = [a for a in self._dests if a not in self._blocked]
        senders = self._senders
        self._live_send = [(a, senders[a]) for a in self._live if a in senders]

    @property
    def local_address(self) -> Address | None:
        """The main sending socket's bound address (None while it is down)."""
        if self._sock is None:
            return None
        addr: Address = self._sock.getsockname()
        return addr

    @property
    def local_ports(self) -> set[int]:
        """Every local port our packets leave from."""
        return {int(s.getsockname()[1]) for s in (self._sock, *self._conns) if s is not None}

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
        self._frame_sent = 0
        self._transmit(now, (payload,))
        if self.identical_packets > 1 and payload.universe in self._universes:
            self._recent[payload.universe] = 1
        if self._frame_sent:
            self._after_frame(now)
        self._arm_keepalive(now)

    def frame(self, now: float, changed: Sequence[DmxPayload]) -> None:
        """One frame tick: send ``changed``, repeats and due keep-alives, then sync."""
        if self._closed:
            return
        self._last_frame = now
        self._frame_sent = 0
        self._transmit(now, changed)
        if self.identical_packets > 1:
            self._send_repeats(now, changed)
        self._send_keepalives(now)
        if self._frame_sent:
            self._after_frame(now)
        self._arm_keepalive(now)

    def _transmit(self, now: float, payloads: Sequence[DmxPayload]) -> None:
        """The hot path: patch and send each payload's universe, report it as sent.

        Written out flat on purpose (locals, no per-universe method calls): at 2048
        universes × 44 Hz every microsecond per universe is 9 % of a core.
        """
        universes = self._universes
        move_to_end = self._by_age.move_to_end
        sock = self._sock
        next_seq = self.next_seq
        seq_off = self.seq_offset
        off = self.data_offset
        end = off + SLOTS
        live = self._live_send
        blocked = self._blocked
        on_sent = self.ctx.on_sent
        output = self.output
        accepted = 0
        for payload in payloads:
            u = universes.get(payload.universe) or self._add(payload.universe)
            if u is None:
                continue
            data = payload.data
            packet = u.packet
            if len(data) == SLOTS:
                packet[off:end] = data
            else:
                self._load(u, data)
            u.last_tx = now
            move_to_end(u.logical)
            if sock is None:
                continue
            seq = next_seq[u.seq]
            u.seq = seq
            packet[seq_off] = seq
            ok = False
            if u.dests is None:
                for addr, send in live:
                    try:
                        send(packet)
                        ok = True
                    except OSError as exc:
                        self._send_error(exc, addr, now)
                        live = self._live_send  # the failed destination is parked now
            else:
                for addr in u.dests:
                    if blocked and addr in blocked:
                        continue
                    try:
                        sock.sendto(packet, addr)
                        ok = True
                    except OSError as exc:
                        self._send_error(exc, addr, now)
            if ok:
                accepted += 1
                on_sent(output, payload)
        if accepted:
            # What Driver.sent() does, once per batch instead of once per universe.
            self._frame_sent += accepted
            health = self.health
            health.state = HealthState.SENDING
            health.reason = ""
            health.sent += accepted

    def sequences(self) -> dict[int, int]:
        """The last sequence number sent on each universe (a crash journal keeps them)."""
        return {n: u.seq for n, u in self._universes.items()}

    def continue_sequences(self, seqs: dict[int, int], ahead: int = 21) -> None:
        """Go on from sequences a previous engine sent (crash resume): ``ahead`` steps
        past the last known one, so a receiver that saw up to ``ahead - 1`` packets
        more than were journaled still takes the next packet as new (E1.31 discards
        packets up to 20 behind the last one)."""
        for logical, seq in seqs.items():
            u = self._universes.get(logical) or self._add(logical)
            if u is None:
                continue
            for _ in range(ahead):
                seq = self.next_seq[seq]
            u.seq = seq

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
        u = Universe(logical, wire, self._new_packet(wire, logical), self._universe_dests(wire))
        self._universes[logical] = u
        self._by_age[logical] = None
        return u

    def _load(self, u: Universe, data: bytes) -> None:
        """Copy slot data into the packet (the hot path inlines the 512-slot case)."""
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
        """Send a universe's packet again (repeat, keep-alive, refresh); True if accepted."""
        u.last_tx = now
        self._by_age.move_to_end(u.logical)
        if self._sock is None:
            return False
        seq = self.next_seq[u.seq]
        u.seq = seq
        u.packet[self.seq_offset] = seq
        ok = self._send_raw(u.packet, self._destinations_for(u))
        if ok:
            self._frame_sent += 1
        return ok

    def _send_raw(self, packet: bytes | bytearray, addrs: Sequence[Address]) -> bool:
        """Send one packet to ``addrs`` (through their connected sockets) with fault handling."""
        sock = self._sock
        if sock is None:
            return False
        ok = False
        senders = self._senders
        for addr in addrs:
            try:
                send = senders.get(addr)
                if send is None:
                    sock.sendto(packet, addr)
                else:
                    send(packet)
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
        self._faults[key] = self.ctx.clock.now()
        self.fault(reason)

    def _clear(self, key: str) -> None:
        self._faults.pop(key, None)

    def _send_error(self, exc: OSError, addr: Address, now: float) -> None:
        if isinstance(exc, BlockingIOError) or exc.errno in _TRANSIENT:
            self.dropped += 1
            # A full buffer is transient: report it at most once per retry interval.
            if now - self._last_buffer_fault >= self.retry_interval:
                self._last_buffer_fault = now
                self.fault(f"send buffer full, packets dropped ({self.dropped} so far): {exc}")
            return
        key = f"dest:{addr[0]}:{addr[1]}"
        self._probation.pop(addr, None)  # not back after all: still the same outage
        self._report(key, f"cannot send to {addr[0]}:{addr[1]}: {exc}")
        # Park the destination until the retry so one dead node does not cost an
        # exception per universe per frame; the others keep receiving.
        self._blocked[addr] = now + self.retry_interval
        self._set_live()
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
            self._set_live()
            recovered = recovered or bool(due)
        if recovered:
            # Resend everything: a receiver that missed packets is current at once. A
            # destination that fails again is parked again (its fault is not re-reported).
            self._refresh_all(now)
            for addr in self._dests:
                if (addr not in self._blocked and addr not in self._probation
                        and f"dest:{addr[0]}:{addr[1]}" in self._faults):
                    self._probation[addr] = now
        self._settle_probation(now)
        if self._sock is not None and not self._blocked and (recovered or self._probation
                                                              or not self._faults):
            self.health.state = HealthState.SENDING if self._universes else HealthState.IDLE
            self.health.reason = ""
        if self._sock is None or self._blocked or self._probation:
            self._schedule_retry()
        self._retry_more(now)

    def _settle_probation(self, now: float) -> None:
        """Destinations that sent without error for two retry intervals are back: their
        fault clears, and the recovery is reported once."""
        for addr, since in list(self._probation.items()):
            if addr in self._blocked:
                continue
            if now - since >= 2 * self.retry_interval - _EPS:
                del self._probation[addr]
                key = f"dest:{addr[0]}:{addr[1]}"
                down = self._faults.pop(key, None)
                if down is not None:
                    self.back(f"{addr[0]}:{addr[1]}", down)

    def _retry_more(self, now: float) -> None:
        """Subclasses retry their own resources (the Art-Net poll listener)."""

    def _refresh_all(self, now: float) -> None:
        """After a recovery, bring every receiver up to date at once."""
        self._frame_sent = 0
        for u in list(self._universes.values()):
            self._emit(u, now)
        if self._frame_sent:
            self._after_frame(now)


def _sendto(sock: socket.socket, addr: Address) -> Sender:
    """A sender for a destination that shares the main socket."""

    def send(packet: bytes | bytearray) -> int:
        return sock.sendto(packet, addr)

    return send
