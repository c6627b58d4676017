"""What a DMX-over-IP node knows about its universes: sources, priorities, the merge.

Pure state, no sockets: :class:`Receiver` is fed datagrams (``feed_artnet``,
``feed_sacn``) with the sender's address and stamps them with the injected
:class:`~showctl.clocks.clock.Clock`, so every rule below is unit-tested with a manual
clock and no network. :mod:`showctl.sim.listen` owns the sockets.

Our receive and merge rules (docs/rehearsal.md repeats them for users):

- **One universe number space.** Art-Net Port-Address *N* and sACN universe *N* are both
  universe *N* (minus a per-protocol offset, 0 by default: the drivers' defaults too).
  Sources of either protocol on the same universe merge with each other.
- **A source** is an sACN CID, or an Art-Net sender's ``ip:port``. Each has a name
  (sACN source name; Art-Net: the short name of an ArtPollReply seen from that IP,
  else ``ip:port``), a priority (sACN's field; Art-Net has none and counts as 100, the
  sACN default), its last levels, a sequence number and a packet rate.
- **Sequence check** (E1.31 §6.7.2): a packet whose ``int8(seq - last)`` is in
  (-20, 0] is late or duplicated and dropped. Applied to Art-Net too when the sequence
  is not 0 (0 means "not sequenced" in Art-Net).
- **Data loss**: an sACN source not heard for 2.5 s is dropped (E1.31 §6.7.1); an
  Art-Net source after 10 s (Art-Net's merge timeout). An sACN packet with the
  Stream_Terminated option drops its source at once and its levels are ignored.
  Preview packets, non-zero start codes (including 0xDD per-address priority, which
  we do not implement), sync and discovery packets carry no levels for us.
- **Merge**: among live sources the highest priority wins; at equal priority the
  sources merge **HTP** (highest level per slot). Unlike Art-Net's two-source merge we
  merge any number of sources.
- **Loss of all sources**: the universe holds its last look and is marked *lost*
  (many fixtures do this; a blackout would hide what happened).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal

from showctl.clocks.clock import Clock
from showctl.protocols import artnet as art
from showctl.protocols import sacn as sacn

Protocol = Literal["artnet", "sacn"]
Address = tuple[str, int]

SACN_TIMEOUT: Final = 2.5
ARTNET_TIMEOUT: Final = 10.0
ARTNET_PRIORITY: Final = 100
RATE_WINDOW: Final = 2.0
SLOTS: Final = 512


def sequence_ok(last: int | None, seq: int) -> bool:
    """E1.31's check: False when ``int8(seq - last)`` is in (-20, 0] (late or repeated)."""
    if last is None:
        return True
    diff = (seq - last) & 0xFF
    if diff >= 128:
        diff -= 256
    return not -20 < diff <= 0


@dataclass(slots=True)
class SourceState:
    """One sender of one universe, as this receiver last heard it."""

    key: str
    protocol: Protocol
    name: str
    address: Address
    priority: int
    data: bytes
    first_seen: float
    last_seen: float
    sequence: int | None = None
    packets: int = 0
    out_of_order: int = 0
    _times: deque[float] = field(default_factory=deque)

    def note_arrival(self, now: float) -> None:
        self.packets += 1
        self.last_seen = now
        self._times.append(now)
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self._times and self._times[0] <= now - RATE_WINDOW:
            self._times.popleft()

    def rate(self, now: float) -> float:
        """Packets per second over the last ``RATE_WINDOW`` seconds (0 with < 2 packets)."""
        self._trim(now)
        if len(self._times) < 2:
            return 0.0
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else 0.0

    @property
    def timeout(self) -> float:
        return SACN_TIMEOUT if self.protocol == "sacn" else ARTNET_TIMEOUT

    @property
    def where(self) -> str:
        return f"{self.address[0]}:{self.address[1]}"


@dataclass(slots=True)
class UniverseState:
    """A universe: its live sources and the merged levels a fixture would see."""

    number: int
    sources: dict[str, SourceState] = field(default_factory=dict)
    levels: bytes = bytes(SLOTS)
    lost: bool = False
    version: int = 0
    changed_at: float = 0.0

    def winners(self) -> list[SourceState]:
        """The sources whose levels count: every live source at the highest priority."""
        if not self.sources:
            return []
        top = max(s.priority for s in self.sources.values())
        return [s for s in self.sources.values() if s.priority == top]

    @property
    def priority(self) -> int | None:
        w = self.winners()
        return w[0].priority if w else None

    def rate(self, now: float) -> float:
        """Packet rate of the fastest winning source."""
        return max((s.rate(now) for s in self.winners()), default=0.0)

    def describe_sources(self) -> str:
        """``'showctl (lx)' sacn 127.0.0.1:5568 prio 100`` for each source, winners first."""
        ordered = sorted(self.sources.values(), key=lambda s: (-s.priority, s.key))
        return "; ".join(f"{s.name!r} {s.protocol} {s.where} prio {s.priority}" for s in ordered)


@dataclass(frozen=True, slots=True)
class ReceiverEvent:
    """Something worth a log line: a source appeared, changed priority, or went away."""

    t: float
    universe: int
    what: Literal["source", "priority", "timeout", "terminated"]
    source: str
    detail: str = ""

    def __str__(self) -> str:
        text = {
            "source": "new source",
            "priority": "priority changed",
            "timeout": "source lost (data-loss timeout)",
            "terminated": "source terminated its stream",
        }[self.what]
        extra = f" ({self.detail})" if self.detail else ""
        return f"universe {self.universe}: {text}: {self.source}{extra}"


FeedResult = Literal["ok", "sequence", "ignored", "filtered", "malformed"]


@dataclass(slots=True)
class Counters:
    """Datagrams by outcome, for a status line."""

    ok: int = 0
    sequence: int = 0
    ignored: int = 0
    filtered: int = 0
    malformed: int = 0


class Receiver:
    """Receive state of every universe (see the module docstring for the rules)."""

    def __init__(
        self,
        clock: Clock,
        *,
        universes: set[int] | frozenset[int] | None = None,
        artnet_offset: int = 0,
        sacn_offset: int = 0,
        on_event: Callable[[ReceiverEvent], None] | None = None,
    ) -> None:
        self.clock = clock
        self.filter = frozenset(universes) if universes is not None else None
        self.artnet_offset = artnet_offset
        self.sacn_offset = sacn_offset
        self.on_event = on_event
        self.universes: dict[int, UniverseState] = {}
        self.counters = Counters()
        self.artnet_names: dict[str, str] = {}
        self.version = 0

    # ------------------------------------------------------------------ queries

    def universe(self, number: int) -> UniverseState | None:
        return self.universes.get(number)

    def levels(self, number: int) -> bytes:
        """The merged levels of a universe (all zero if never heard)."""
        u = self.universes.get(number)
        return u.levels if u is not None else bytes(SLOTS)

    def snapshot(self) -> dict[int, bytes]:
        """Merged levels of every universe heard so far."""
        return {n: u.levels for n, u in self.universes.items()}

    # ------------------------------------------------------------------ feeding

    def feed(self, protocol: Protocol, packet: bytes, addr: Address) -> FeedResult:
        if protocol == "artnet":
            return self.feed_artnet(packet, addr)
        return self.feed_sacn(packet, addr)

    def feed_artnet(self, packet: bytes, addr: Address) -> FeedResult:
        """One datagram from UDP 6454."""
        self.expire()
        try:
            decoded = art.decode(packet)
        except art.ArtNetDecodeError:
            return self._count("malformed")
        if isinstance(decoded, art.ArtPollReply):
            self.artnet_names[addr[0]] = decoded.short_name or decoded.long_name
            return self._count("ignored")
        if not isinstance(decoded, art.ArtDmx):
            return self._count("ignored")  # ArtSync, ArtPoll, ArtTimeCode: no levels
        number = decoded.port_address - self.artnet_offset
        if self.filter is not None and number not in self.filter:
            return self._count("filtered")
        key = f"artnet:{addr[0]}:{addr[1]}"
        name = self.artnet_names.get(addr[0], f"{addr[0]}:{addr[1]}")
        seq = decoded.sequence or None
        return self._accept(number, key, "artnet", name, addr, ARTNET_PRIORITY, seq,
                            decoded.data)

    def feed_sacn(self, packet: bytes, addr: Address) -> FeedResult:
        """One datagram from UDP 5568 (unicast or multicast)."""
        self.expire()
        try:
            decoded = sacn.decode(packet)
        except sacn.SacnDecodeError:
            return self._count("malformed")
        if not isinstance(decoded, sacn.SacnData):
            return self._count("ignored")  # sync and discovery carry no levels
        number = decoded.universe - self.sacn_offset
        if self.filter is not None and number not in self.filter:
            return self._count("filtered")
        key = f"sacn:{decoded.cid}"
        u = self.universes.get(number)
        src = u.sources.get(key) if u is not None else None
        if src is not None and not sequence_ok(src.sequence, decoded.sequence):
            src.out_of_order += 1
            return self._count("sequence")
        if decoded.options & sacn.OPTION_STREAM_TERMINATED:
            if u is not None and src is not None:
                self._drop(u, src, "terminated")
            return self._count("ignored")
        if decoded.options & sacn.OPTION_PREVIEW or decoded.start_code != sacn.START_CODE_LEVELS:
            return self._count("ignored")
        return self._accept(number, key, "sacn", decoded.source_name or str(decoded.cid), addr,
                            decoded.priority, decoded.sequence, decoded.data)

    def _count(self, result: FeedResult) -> FeedResult:
        setattr(self.counters, result, getattr(self.counters, result) + 1)
        return result

    def _accept(self, number: int, key: str, protocol: Protocol, name: str, addr: Address,
                priority: int, seq: int | None, data: bytes) -> FeedResult:
        now = self.clock.now()
        u = self.universes.get(number)
        if u is None:
            u = self.universes[number] = UniverseState(number, changed_at=now)
        levels = bytes(data[:SLOTS]).ljust(SLOTS, b"\x00")
        src = u.sources.get(key)
        if src is None:
            src = SourceState(key, protocol, name, addr, priority, levels, now, now, seq)
            u.sources[key] = src
            self._event(now, number, "source", src, f"{protocol} {src.where} prio {priority}")
        else:
            if protocol == "artnet" and seq is not None and not sequence_ok(src.sequence, seq):
                src.out_of_order += 1
                return self._count("sequence")
            if src.priority != priority:
                self._event(now, number, "priority", src, f"{src.priority} → {priority}")
            src.priority = priority
            src.name = name
            src.address = addr
            src.data = levels
            if seq is not None:
                src.sequence = seq
        src.note_arrival(now)
        self._merge(u, now)
        return self._count("ok")

    # ------------------------------------------------------------------ time

    def expire(self) -> list[ReceiverEvent]:
        """Drop sources past their data-loss timeout; returns the events it caused."""
        now = self.clock.now()
        out: list[ReceiverEvent] = []
        for u in self.universes.values():
            for src in [s for s in u.sources.values() if now - s.last_seen >= s.timeout]:
                ev = self._drop(u, src, "timeout")
                out.append(ev)
        return out

    def _drop(self, u: UniverseState, src: SourceState,
              why: Literal["timeout", "terminated"]) -> ReceiverEvent:
        now = self.clock.now()
        del u.sources[src.key]
        ev = self._event(now, u.number, why, src, f"after {now - src.last_seen:.3f} s"
                         if why == "timeout" else "")
        self._merge(u, now)
        return ev

    def _event(self, now: float, number: int, what: Literal["source", "priority", "timeout",
               "terminated"], src: SourceState, detail: str) -> ReceiverEvent:
        ev = ReceiverEvent(now, number, what, repr(src.name), detail)
        if self.on_event is not None:
            self.on_event(ev)
        return ev

    # ------------------------------------------------------------------ merge

    def _merge(self, u: UniverseState, now: float) -> None:
        winners = u.winners()
        if not winners:
            u.lost = True  # hold the last look
            self.version += 1
            return
        u.lost = False
        merged = winners[0].data if len(winners) == 1 else htp(*(s.data for s in winners))
        if merged != u.levels:
            u.levels = merged
            u.version += 1
            u.changed_at = now
        self.version += 1


def htp(*buffers: bytes) -> bytes:
    """Highest takes precedence, slot by slot."""
    return bytes(max(vals) for vals in zip(*buffers, strict=True))
