"""Actions of MIDI Show Control, MIDI-file and timecode cues.

- ``msc``: one MSC message (codec in :mod:`showctl.protocols.midi`).
- ``midi_file``: a standard MIDI file played on exact deadlines from its tempo map
  (mido turns ticks into seconds); pausing holds the position, stopping sends a note-off
  for every note still held so nothing hangs.
- ``timecode``: MIDI timecode (a full frame on start and locate, then quarter frames) and
  Art-Net timecode frames, from a start time, at 24, 25, 29.97 drop-frame or 30 fps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mido

from showctl.drivers.base import MidiPayload, TimecodePayload
from showctl.engine.output_actions import ScheduledAction
from showctl.engine.runs import Action, NoAction, Run
from showctl.engine.timecode import TimecodeGenerator
from showctl.model import show as m
from showctl.protocols.midi import (
    FrameRate,
    MscCommand,
    MscFormat,
    MscMessage,
    MscTime,
    Timecode,
)

if TYPE_CHECKING:
    from showctl.engine.engine import Engine


def encode_msc(cue: m.MscCue) -> bytes:
    """The MSC message a cue describes, as bytes."""
    fmt = MscFormat.parse(cue.format) if isinstance(cue.format, str) else MscFormat(cue.format)
    time = None
    if cue.time is not None:
        tc = Timecode.parse(cue.time, FrameRate.FPS_30)
        time = MscTime(tc.hours, tc.minutes, tc.seconds, tc.frames, rate=tc.rate)
    msg = MscMessage(
        MscCommand[cue.command.name],
        command_format=fmt,
        device=cue.device,
        cue=cue.cue,
        cue_list=cue.cue_list,
        cue_path=cue.cue_path,
        time=time,
        control=cue.control,
        value=cue.value,
        macro=cue.macro,
    )
    return msg.encode()


class MscAction(NoAction):
    """Sends one MSC message when the action starts (after ``cue_started``)."""

    def __init__(self, engine: Engine, run: Run) -> None:
        super().__init__(0.0)
        assert isinstance(run.cue, m.MscCue)
        self.engine = engine
        self.list = run.list
        self.output = run.cue.output
        self.data = encode_msc(run.cue)  # encode now: a bad field fails the cue cleanly

    def start(self) -> None:
        self.engine.router.send(self.output, MidiPayload(self.data), list_name=self.list)


def msc_action(engine: Engine, run: Run) -> Action:
    return MscAction(engine, run)


class MidiFileAction(ScheduledAction):
    def __init__(self, engine: Engine, run: Run) -> None:
        super().__init__(engine, run)
        assert isinstance(run.cue, m.MidiFileCue)
        self.cue: m.MidiFileCue = run.cue
        self.steps: list[tuple[float, bytes]] = []
        t = 0.0
        for msg in mido.MidiFile(self.cue.resolved_path):
            t += msg.time / self.cue.speed  # seconds, from the file's own tempo map
            if not msg.is_meta:
                self.steps.append((t, bytes(msg.bytes())))
        self.duration = t
        self.i = 0
        self.held: set[tuple[int, int]] = set()

    def start(self) -> None:
        self.begin()
        self._send_due()

    def _send_due(self) -> None:
        now = self.local()
        while self.i < len(self.steps) and self.steps[self.i][0] <= now + 1e-9:
            data = self.steps[self.i][1]
            self._track(data)
            self.engine.router.send(self.cue.output, MidiPayload(data),
                                    list_name=self.run.list)
            self.i += 1
        if self.i >= len(self.steps):
            self.finish()
        else:
            self.reschedule()

    def _track(self, data: bytes) -> None:
        status = data[0] & 0xF0
        if status == 0x90 and len(data) > 2 and data[2] > 0:
            self.held.add((data[0] & 0x0F, data[1]))
        elif status in (0x80, 0x90) and len(data) > 1:
            self.held.discard((data[0] & 0x0F, data[1]))

    def reschedule(self) -> None:
        if self.i < len(self.steps):
            self.at(self.steps[self.i][0], self._send_due)

    def pause(self) -> None:
        super().pause()
        self._release()

    def stop(self) -> None:
        super().stop()
        self._release()

    def _release(self) -> None:
        """Note-off for every held note, so a paused or stopped file leaves none hanging."""
        for channel, note in sorted(self.held):
            self.engine.router.send(self.cue.output, MidiPayload(bytes([0x80 | channel, note, 0])),
                                    list_name=self.run.list)
        self.held.clear()


_ARTNET_TYPE = {FrameRate.FPS_24: 0, FrameRate.FPS_25: 1, FrameRate.FPS_2997_DF: 2,
                FrameRate.FPS_30: 3}


class TimecodeAction(ScheduledAction):
    """Runs a timecode generator for the cue's duration (or until stopped)."""

    def __init__(self, engine: Engine, run: Run) -> None:
        super().__init__(engine, run)
        assert isinstance(run.cue, m.TimecodeCue)
        self.cue: m.TimecodeCue = run.cue
        self.duration = self.cue.duration
        self.self_ending = self.cue.duration is not None
        # YAML gives 25.0 for "25"; the codec wants 24/25/30 or 29.97 (drop-frame).
        fps = self.cue.fps
        rate = FrameRate.parse(fps if fps == 29.97 else int(fps))
        out = self.cue.output
        send = None
        if out is not None:
            def send(data: bytes, out: str = out, lst: str = run.list) -> None:
                engine.router.send(out, MidiPayload(data), list_name=lst)
        self.gen = TimecodeGenerator(
            engine.clock, send, rate,
            on_frame=self._artnet_frame if self.cue.artnet else None,
        )
        self.start_tc = Timecode.parse(self.cue.start, rate)

    def _artnet_frame(self, tc: Timecode) -> None:
        assert self.cue.artnet is not None
        self.engine.router.send(self.cue.artnet, TimecodePayload(
            tc.hours, tc.minutes, tc.seconds, tc.frames, _ARTNET_TYPE[tc.rate]))

    @property
    def position(self) -> Timecode:
        return self.gen.position

    def start(self) -> None:
        self.begin()
        self.gen.start(self.start_tc)
        self.reschedule()

    def reschedule(self) -> None:
        if self.cue.duration is not None:
            self.at(self.cue.duration, self._end)

    def _end(self) -> None:
        self.gen.stop()
        self.finish()

    def pause(self) -> None:
        super().pause()
        self.gen.stop()

    def resume(self) -> None:
        self.gen.start()  # from where it stopped
        super().resume()

    def stop(self) -> None:
        super().stop()
        self.gen.stop()

    def fade_out(self, duration: float) -> None:
        self.stop()
