"""The remote-control side of a running session, started with one call.

``server = await start_remote(session, config)`` binds the OSC API (UDP + TCP), opens
the MIDI inputs and the Art-Net timecode listener, builds the cue triggers and one
timecode chaser per list with ``timecode:`` settings, and schedules the wall-clock
triggers. ``await server.close()`` undoes all of it. The console calls
:meth:`RemoteServer.handle_hotkey` for keys it does not use itself, and shows
:meth:`RemoteServer.timecode_status` for each chasing list.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from showctl.protocols.artnet import ArtTimeCode
from showctl.protocols.midi import MidiEvent, MtcFullFrame, MtcQuarterFrame, Timecode
from showctl.remote.api import QLabApi
from showctl.remote.chase import ArtnetTimecodeDecoder, Chaser, ChaseState, MtcDecoder, TcSample
from showctl.remote.config import RemoteConfig
from showctl.remote.inputs import (
    ArtnetTimecodeListener,
    RtMidiInput,
    SocketMidiInput,
    open_midi_input,
)
from showctl.remote.server import OscApiServer
from showctl.remote.triggers import Fired, Triggers
from showctl.session import Session

__all__ = ["RemoteServer", "TimecodeStatus", "start_remote"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TimecodeStatus:
    """What the console shows for a chasing list."""

    list: str
    source: str
    state: ChaseState
    timecode: Timecode | None

    def __str__(self) -> str:
        tc = str(self.timecode) if self.timecode is not None else "--:--:--:--"
        return f"{self.list}: {self.source} {tc} ({self.state.value})"


class RemoteServer:
    """OSC API + triggers + timecode chase for one session. Build with
    :func:`start_remote`."""

    def __init__(self, session: Session, config: RemoteConfig) -> None:
        self.session = session
        self.config = config
        engine = session.engine
        self.triggers = Triggers(engine, msc=config.msc,
                                 wallclock_at_start=config.wallclock_at_start)
        self.chasers: dict[str, Chaser] = {}
        self.problems: list[str] = []
        by_list: dict[str, list[tuple[str, str]]] = {}
        for list_name, cue, _parent in engine.show.walk():
            for trig in cue.triggers:
                if trig.timecode is not None:
                    by_list.setdefault(list_name, []).append((cue.number, trig.timecode))
        for name, cl in engine.show.cuelists.items():
            if cl.timecode is None:
                if name in by_list:
                    self.problems.append(f"list {name!r} has timecode triggers but no "
                                         "'timecode:' settings; they will not fire")
                continue
            chaser = Chaser(name, cl.timecode, session.clock, self._fire_timecode,
                            by_list.get(name, []), dropout_after=config.dropout_after,
                            precision=config.timecode_precision)
            self.problems.extend(f"list {name!r}: {p}" for p in chaser.problems)
            self.chasers[name] = chaser
        self.api = QLabApi(engine, config.osc, triggers=self.triggers)
        self.osc = OscApiServer(self.api, config.osc)
        self.midi_inputs: list[SocketMidiInput | RtMidiInput] = [
            open_midi_input(c, session.clock, self.handle_midi) for c in config.midi_inputs
        ]
        self._mtc: dict[str, MtcDecoder] = {}
        self._artnet_decoders: dict[str, ArtnetTimecodeDecoder] = {}
        self.artnet: ArtnetTimecodeListener | None = None
        if config.artnet_timecode is not None:
            self.artnet = ArtnetTimecodeListener(config.artnet_timecode, session.clock,
                                                 self.handle_artnet_timecode)
        elif any(c.settings.source == "artnet" for c in self.chasers.values()):
            self.problems.append("a list chases Art-Net timecode but no artnet_timecode "
                                 "listener is configured")
        for p in self.problems:
            _log.warning("remote: %s", p)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind every socket (raises OSError if the OSC port is busy)."""
        try:
            if self.config.osc.enabled:
                await self.osc.start()
            for inp in self.midi_inputs:
                await inp.start()
            if self.artnet is not None:
                await self.artnet.start()
        except BaseException:
            await self.close()
            raise
        self.triggers.start()

    async def close(self) -> None:
        self.triggers.close()
        for chaser in self.chasers.values():
            chaser.close()
        with contextlib.suppress(Exception):
            await self.osc.close()
        for inp in self.midi_inputs:
            with contextlib.suppress(Exception):
                await inp.close()
        if self.artnet is not None:
            await self.artnet.close()
        self.api.close()

    async def __aenter__(self) -> RemoteServer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------------ inputs

    def handle_hotkey(self, key: str) -> bool:
        """For the console: a key it does not use itself. True if a cue's hotkey took it."""
        return self.triggers.handle_hotkey(key)

    def handle_midi(self, event: MidiEvent, input_name: str, at: float | None = None) -> bool:
        """One MIDI message from an input: MTC feeds the chasers, the rest the triggers."""
        when = self.session.clock.now() if at is None else at
        if isinstance(event, MtcQuarterFrame | MtcFullFrame):
            dec = self._mtc.setdefault(input_name, MtcDecoder())
            sample = (dec.quarter_frame(event, when) if isinstance(event, MtcQuarterFrame)
                      else dec.full_frame(event, when))
            if sample is not None:
                self._feed("mtc", input_name, sample)
            return sample is not None
        return self.triggers.handle_midi(event, input_name)

    def handle_artnet_timecode(self, pkt: ArtTimeCode, sender: str, at: float) -> None:
        dec = self._artnet_decoders.setdefault(sender, ArtnetTimecodeDecoder())
        sample = dec.feed(pkt.hours, pkt.minutes, pkt.seconds, pkt.frames, pkt.type, at)
        if sample is not None:
            self._feed("artnet", sender, sample)

    def _feed(self, source: str, input_name: str, sample: TcSample) -> None:
        for chaser in self.chasers.values():
            s = chaser.settings
            if s.source == source and (s.input is None or s.input == input_name):
                chaser.feed(sample)

    def _fire_timecode(self, list_name: str, number: str) -> None:
        chaser = self.chasers.get(list_name)
        tc = chaser.timecode if chaser is not None else None
        self.triggers.fire(f"timecode {tc}", list_name, number)

    # ------------------------------------------------------------------ display

    def timecode_status(self) -> list[TimecodeStatus]:
        """The incoming timecode of each chasing list (for the console's status line)."""
        return [TimecodeStatus(name, c.settings.source, c.state, c.timecode)
                for name, c in self.chasers.items()]

    @property
    def fired(self) -> list[Fired]:
        return self.triggers.fired


async def start_remote(session: Session, config: RemoteConfig | None = None) -> RemoteServer:
    """Start the OSC API, MIDI inputs, triggers and timecode chase for ``session``.

    Call on the session's running loop after ``session.open()``; close with
    ``await server.close()`` before ``session.close()``.
    """
    server = RemoteServer(session, config or RemoteConfig())
    await server.start()
    return server
