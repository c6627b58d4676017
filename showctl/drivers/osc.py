"""The ``osc`` driver: OSC messages and bundles to one peer over UDP or TCP.

UDP uses a *connected* asyncio datagram endpoint, so an ICMP "port unreachable" comes
back as ``ECONNREFUSED`` and becomes a fault (an unconnected socket would fail
silently). TCP uses :class:`~showctl.drivers._links.StreamLink`: it connects on first
use, reconnects with backoff, and queues (bounded, age-limited) while down. TCP framing
is SLIP (OSC 1.1: QLab, most current peers) or an int32 length prefix (OSC 1.0: liblo,
older peers).

Nothing here blocks the event loop: a hostname is resolved by asyncio in its executor;
an IP literal is not resolved at all. Nothing raises into the engine: encoding errors,
refused connections and lost peers are reported through ``fault`` and the show goes on.
Incoming packets (e.g. QLab's ``/reply/...``) are decoded and handed to
:attr:`OscDriver.on_message` when one is set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Literal

from pydantic import Field

from showctl.drivers._links import ResilientDriver, StreamLink, _Queue, _reason
from showctl.drivers.base import (
    DriverConfig,
    DriverContext,
    HealthState,
    OscBundle,
    OscMessage,
    Payload,
    register,
)
from showctl.protocols.osc import (
    LengthPrefixDecoder,
    OscDecodeError,
    SlipDecoder,
    encode_packet,
    iter_messages,
    length_prefix,
    slip_encode,
)

__all__ = ["OscConfig", "OscDriver"]


class OscConfig(DriverConfig):
    """Rig-file section of an ``osc`` output."""

    driver: Literal["osc"] = "osc"
    host: str = Field("127.0.0.1", description="IP literal (preferred) or hostname")
    port: int = Field(..., ge=1, le=65535, description="peer's OSC port, e.g. QLab 53000")
    transport: Literal["udp", "tcp"] = "udp"
    framing: Literal["slip", "length"] = Field(
        "slip", description="TCP only: slip = OSC 1.1 (QLab), length = OSC 1.0 (liblo)"
    )
    broadcast: bool = Field(False, description="UDP only: allow a broadcast address")
    local_port: int = Field(0, ge=0, le=65535, description="UDP source port (0 = any)")
    queue_size: int = Field(256, ge=1, description="frames kept while TCP is down")
    stale_after: float = Field(5.0, gt=0, description="drop queued frames older than this (s)")
    backoff_max: float = Field(5.0, gt=0, description="longest wait between reconnects (s)")
    connect_timeout: float = Field(3.0, gt=0)


class _Datagram(asyncio.DatagramProtocol):
    def __init__(self, driver: OscDriver) -> None:
        self.driver = driver

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.driver._incoming(data)

    def error_received(self, exc: Exception) -> None:
        self.driver._udp_error(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:
            self.driver._udp_error(exc)


@register
class OscDriver(ResilientDriver):
    """Sends :class:`OscMessage` / :class:`OscBundle` payloads to one OSC peer."""

    kind = "osc"
    config_model = OscConfig
    payloads = (OscMessage, OscBundle)

    config: OscConfig

    def __init__(self, output: str, config: DriverConfig, ctx: DriverContext) -> None:
        if not isinstance(config, OscConfig):
            config = OscConfig.model_validate(config.model_dump())
        super().__init__(output, config, ctx)
        self.on_message: Callable[[OscMessage], None] | None = None
        """Called for every message the peer sends back (replies), on the loop."""
        self._udp: asyncio.DatagramTransport | None = None
        self._udp_opening: asyncio.Task[None] | None = None
        self._udp_first_attempt = asyncio.Event()
        self._udp_pending = _Queue(config.queue_size, config.stale_after, ctx.clock, self.problem)
        self._sync_error = False
        self._link: StreamLink | None = None
        self._decoder: SlipDecoder | LengthPrefixDecoder | None = None
        if config.transport == "tcp":
            self._decoder = SlipDecoder() if config.framing == "slip" else LengthPrefixDecoder()
            self._link = StreamLink(
                clock=ctx.clock,
                host=config.host,
                port=config.port,
                on_fault=self.problem,
                on_sent=self.sent,
                on_connected=self.recovered,
                on_retry=self.retrying,
                on_data=self._stream_data,
                queue_size=config.queue_size,
                stale_after=config.stale_after,
                backoff_max=config.backoff_max,
                connect_timeout=config.connect_timeout,
            )

    @property
    def where(self) -> str:
        return f"osc {self.config.transport} {self.config.host}:{self.config.port}"

    # ------------------------------------------------------------------ lifecycle

    async def open(self) -> None:
        """UDP: create the endpoint now. TCP: nothing; it connects on first send.

        Returns after the first UDP attempt; if that failed (fault reported), retries
        continue in the background, so ``open`` never holds up the show.
        """
        if self._link is None and self._udp is None:
            self._start_udp_opening()
            await self._udp_first_attempt.wait()

    def _start_udp_opening(self) -> None:
        if self._udp_opening is None or self._udp_opening.done():
            self._udp_opening = asyncio.get_running_loop().create_task(self._open_udp())

    async def close(self) -> None:
        if self._link is not None:
            await self._link.close()
        if self._udp_opening is not None and not self._udp_opening.done():
            self._udp_opening.cancel()
        if self._udp is not None:
            self._udp.close()
            self._udp = None
        self.health.state = HealthState.CLOSED

    async def _open_udp(self) -> None:
        if self._udp is not None:
            return
        cfg = self.config
        loop = asyncio.get_running_loop()
        delay = 0.1
        while self._udp is None and self.health.state is not HealthState.CLOSED:
            try:
                transport, _ = await loop.create_datagram_endpoint(
                    lambda: _Datagram(self),
                    remote_addr=(cfg.host, cfg.port),
                    local_addr=("0.0.0.0", cfg.local_port) if cfg.local_port else None,
                    allow_broadcast=cfg.broadcast or None,
                )
            except OSError as exc:
                self.problem(f"{self.where}: {_reason(exc)}")
                self.retrying()
                self._udp_first_attempt.set()
                await self.ctx.clock.sleep_until(self.ctx.clock.now() + delay)
                delay = min(delay * 2, cfg.backoff_max)
                continue
            self._udp = transport
            self._udp_first_attempt.set()
            if self.health.state in (HealthState.FAULTED, HealthState.RETRYING):
                self.recovered()
        while (item := self._udp_pending.pop_fresh()) is not None:
            self._send_udp(item.data, item.payload)

    # ------------------------------------------------------------------ sending

    def send(self, payload: Payload) -> None:
        """Encode and send (UDP) or queue (TCP). Never blocks, never raises."""
        if self.health.state is HealthState.CLOSED:
            return
        if not isinstance(payload, OscMessage | OscBundle):
            self.problem(f"{self.where}: cannot send {type(payload).__name__}")
            return
        try:
            data = encode_packet(payload)
        except (ValueError, TypeError) as exc:
            self.problem(f"{self.where}: cannot encode {_describe(payload)}: {exc}")
            return
        if self._link is not None:
            frame = slip_encode(data) if self.config.framing == "slip" else length_prefix(data)
            self._link.submit(frame, payload)
            return
        if self._udp is None:
            self._udp_pending.push(data, payload)
            try:
                self._start_udp_opening()
            except RuntimeError:
                self.problem(f"{self.where}: send() called outside the event loop")
            return
        self._send_udp(data, payload)

    def _send_udp(self, data: bytes, payload: Payload) -> None:
        assert self._udp is not None
        # asyncio reports a synchronous send error through error_received() while we
        # are still inside sendto(); the flag tells us this packet did not go out.
        self._sync_error = False
        self._udp.sendto(data)
        if not self._sync_error:
            self.sent(payload)

    def _udp_error(self, exc: Exception) -> None:
        self._sync_error = True
        self.problem(f"{self.where}: {_reason(exc)}")

    # ------------------------------------------------------------------ receiving

    def _stream_data(self, chunk: bytes) -> None:
        assert self._decoder is not None
        try:
            frames = self._decoder.feed(chunk)
        except OscDecodeError as exc:
            self.problem(f"{self.where}: bad frame from peer: {exc}")
            return
        for frame in frames:
            self._incoming(frame)

    def _incoming(self, data: bytes) -> None:
        if self.on_message is None:
            return
        try:
            messages = [m for _, m in iter_messages(data)]
        except OscDecodeError:
            return  # a peer's garbage is not our fault; nothing to report
        for msg in messages:
            self.on_message(msg)


def _describe(payload: OscMessage | OscBundle) -> str:
    if isinstance(payload, OscBundle):
        return f"bundle of {len(payload.messages)}"
    return payload.address
