"""The ``midi`` driver: raw MIDI messages (channel, SysEx, MSC, MTC) to one port.

Two transports:

* ``rtmidi`` (default): a hardware or virtual port opened by name through mido's
  rtmidi backend (ALSA, JACK, CoreMIDI, WinMM; ``api`` picks one). mido ports block, so
  every open/write/close runs on one dedicated worker thread
  (:class:`~showctl.drivers._links.BlockingPortLink`); order is kept and the loop never
  waits. A missing port is a fault, not an error: the driver keeps the show going and
  looks for the port again every ``retry_interval`` seconds, and every
  ``retry_interval`` it also checks that an open port still exists (USB unplugged).
* ``socket``: mido's network MIDI protocol (``mido.sockets``: raw MIDI bytes over TCP,
  the far end usually a ``PortServer``), spoken natively on asyncio through
  :class:`~showctl.drivers._links.StreamLink`: lazy connect, reconnect with backoff.

While the port is down, messages wait in a bounded queue and are dropped once older
than ``stale_after`` (a stale GO or note is worse than a lost one).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, model_validator

from showctl.drivers._links import BlockingPort, BlockingPortLink, ResilientDriver, StreamLink
from showctl.drivers.base import (
    DriverConfig,
    DriverContext,
    HealthState,
    MidiPayload,
    Payload,
    register,
)
from showctl.protocols.midi import MidiEvent, decode_midi

__all__ = ["MidiConfig", "MidiDriver", "find_port_name", "rtmidi_backend"]


class MidiConfig(DriverConfig):
    """Rig-file section of a ``midi`` output."""

    driver: Literal["midi"] = "midi"
    transport: Literal["rtmidi", "socket"] = "rtmidi"
    port: str | int = Field(
        ..., description="rtmidi: port name (exact, else prefix, else substring); socket: TCP port"
    )
    host: str = Field("127.0.0.1", description="socket only: the PortServer's address")
    api: str | None = Field(
        None, description="rtmidi only: LINUX_ALSA, UNIX_JACK, MACOSX_CORE, WINDOWS_MM"
    )
    retry_interval: float = Field(2.0, gt=0, description="seconds between port look-ups")
    queue_size: int = Field(256, ge=1)
    stale_after: float = Field(5.0, gt=0, description="drop queued messages older than this (s)")
    backoff_max: float = Field(5.0, gt=0, description="socket: longest reconnect wait (s)")

    @model_validator(mode="after")
    def _port_fits_transport(self) -> MidiConfig:
        if self.transport == "socket":
            if not isinstance(self.port, int) or not 1 <= self.port <= 65535:
                raise ValueError("socket transport needs a TCP port number 1-65535")
        else:
            self.port = str(self.port)
        return self


def rtmidi_backend(api: str | None = None) -> Any:
    """mido's rtmidi backend, optionally pinned to one rtmidi API (e.g. ``UNIX_JACK``)."""
    import mido

    name = "mido.backends.rtmidi" + (f"/{api}" if api else "")
    return mido.Backend(name, load=True)


def find_port_name(wanted: str, available: list[str]) -> str | None:
    """Match a configured port name: exact, then prefix, then case-insensitive substring.

    ALSA decorates names with client:port numbers that change when a device is
    re-plugged ("USB MIDI 1:USB MIDI 1 MIDI 1 20:0"), so an exact match alone would
    make the rig file depend on plug order.
    """
    if wanted in available:
        return wanted
    for name in available:
        if name.startswith(wanted):
            return name
    low = wanted.lower()
    for name in available:
        if low in name.lower():
            return name
    return None


@register
class MidiDriver(ResilientDriver):
    """Sends :class:`MidiPayload` (one complete MIDI message each) to one MIDI port."""

    kind = "midi"
    config_model = MidiConfig
    payloads = (MidiPayload,)

    config: MidiConfig

    def __init__(
        self,
        output: str,
        config: DriverConfig,
        ctx: DriverContext,
        *,
        backend: Any = None,
    ) -> None:
        if not isinstance(config, MidiConfig):
            config = MidiConfig.model_validate(config.model_dump())
        super().__init__(output, config, ctx)
        self.on_event: Callable[[MidiEvent], None] | None = None
        """Called with each message the far end sends (socket transport), on the loop."""
        self._backend = backend
        self._parser: Any = None
        self._link: StreamLink | BlockingPortLink
        if config.transport == "socket":
            assert isinstance(config.port, int)
            self._link = StreamLink(
                clock=ctx.clock,
                host=config.host,
                port=config.port,
                on_fault=self.problem,
                on_sent=self.sent,
                on_connected=self.recovered,
                on_retry=self.retrying,
                on_data=self._incoming,
                queue_size=config.queue_size,
                stale_after=config.stale_after,
                backoff_max=config.backoff_max,
            )
        else:
            self._link = BlockingPortLink(
                clock=ctx.clock,
                name=str(config.port),
                open_port=self._open_port,
                port_alive=self._port_alive,
                write=_write_mido,
                on_fault=self.problem,
                on_sent=self.sent,
                on_connected=self.recovered,
                on_retry=self.retrying,
                retry_interval=config.retry_interval,
                queue_size=config.queue_size,
                stale_after=config.stale_after,
            )

    @property
    def where(self) -> str:
        cfg = self.config
        if cfg.transport == "socket":
            return f"midi socket {cfg.host}:{cfg.port}"
        return f"midi port {cfg.port!r}"

    @property
    def connected(self) -> bool:
        return self._link.connected

    async def open(self) -> None:
        """Start looking for the port now, so a missing one is reported before the show.

        The socket transport stays lazy: it connects on the first message.
        """
        if isinstance(self._link, BlockingPortLink):
            self._link.start()

    async def close(self) -> None:
        await self._link.close()
        self.health.state = HealthState.CLOSED

    def send(self, payload: Payload) -> None:
        """Queue one message for the writer. Never blocks, never raises."""
        if self.health.state is HealthState.CLOSED:
            return
        if not isinstance(payload, MidiPayload):
            self.problem(f"{self.where}: cannot send {type(payload).__name__}")
            return
        try:
            decode_midi(payload.data)
        except ValueError as exc:
            self.problem(f"{self.where}: not one MIDI message ({payload.data.hex(' ')}): {exc}")
            return
        self._link.submit(bytes(payload.data), payload)

    # ------------------------------------------------------------------ rtmidi (worker thread)

    def _get_backend(self) -> Any:
        if self._backend is None:
            try:
                self._backend = rtmidi_backend(self.config.api)
            except ImportError as exc:
                raise RuntimeError(f"python-rtmidi is not available ({exc})") from None
        return self._backend

    def _open_port(self) -> BlockingPort:
        backend = self._get_backend()
        names: list[str] = list(backend.get_output_names())
        name = find_port_name(str(self.config.port), names)
        if name is None:
            shown = ", ".join(repr(n) for n in names) or "none"
            raise LookupError(f"not found (available outputs: {shown})")
        self._opened_name = name
        port: BlockingPort = backend.open_output(name)
        return port

    def _port_alive(self, port: BlockingPort) -> bool:
        names = list(self._get_backend().get_output_names())
        return getattr(self, "_opened_name", None) in names

    # ------------------------------------------------------------------ socket input

    def _incoming(self, chunk: bytes) -> None:
        import mido

        if self._parser is None:
            self._parser = mido.Parser()
        self._parser.feed(chunk)
        for msg in self._parser:
            if self.on_event is None:
                continue
            with contextlib.suppress(ValueError):
                self.on_event(decode_midi(bytes(msg.bin())))


def _write_mido(port: BlockingPort, data: bytes) -> None:
    import mido

    port.send(mido.Message.from_bytes(data))
