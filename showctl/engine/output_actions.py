"""Actions of output cues: OSC messages and argument fades, MIDI sequences, MSC, light.

Each action turns a cue into payloads for the output router at exact times on the
clock: an OSC fade sends sample k at ``start + k / rate`` and its final value exactly
at ``start + duration``; a MIDI sequence sends each message at its offset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from showctl.clocks.clock import TimerHandle
from showctl.drivers.base import MidiPayload, OscArg, OscBundle, OscMessage
from showctl.engine.curves import apply_curve
from showctl.engine.runs import Action, Run
from showctl.model import show as m
from showctl.protocols.midi import (
    ChannelAftertouch,
    ControlChange,
    MidiEvent,
    NoteOff,
    NoteOn,
    PitchBend,
    PolyAftertouch,
    ProgramChange,
    SysEx,
)
from showctl.protocols.osc import Double, Float32, Int32, Int64

if TYPE_CHECKING:
    from showctl.engine.engine import Engine


class ScheduledAction:
    """Base for actions made of timed steps; handles pause/resume/stop of the steps.

    These actions end themselves right after their last step is sent.
    """

    self_ending = True
    duration: float | None = 0.0

    def __init__(self, engine: Engine, run: Run) -> None:
        self.engine = engine
        self.run = run
        self.clock = engine.clock
        self._handle: TimerHandle | None = None
        self._start = 0.0
        self._paused_at: float | None = None
        self.stopped = False

    def local(self) -> float:
        """Seconds since the action started, not counting paused time."""
        if self._paused_at is not None:
            return self._paused_at - self._start
        return self.clock.now() - self._start

    def at(self, offset: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` when the action's local time reaches ``offset``."""
        self._handle = self.clock.call_at(self._start + offset, fn)

    def begin(self) -> None:
        self._start = self.clock.now()

    def finish(self) -> None:
        self.engine.end_action(self.run)

    def pause(self) -> None:
        if self._paused_at is None and not self.stopped:
            self._paused_at = self.clock.now()
            self._cancel()

    def resume(self) -> None:
        if self._paused_at is not None and not self.stopped:
            self._start += self.clock.now() - self._paused_at
            self._paused_at = None
            self.reschedule()

    def stop(self) -> None:
        self.stopped = True
        self._cancel()

    def fade_out(self, duration: float) -> None:
        # Discrete messages cannot fade; stop sending further steps.
        self.stop()

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def reschedule(self) -> None:
        raise NotImplementedError


def _osc_arg(a: m.OscArgValue | m.OscTypedArg) -> OscArg:
    if isinstance(a, m.OscTypedArg):
        if a.type == "T":
            return True
        if a.type == "F":
            return False
        if a.type == "N":
            return None
        if a.type == "i":
            return Int32(int(a.value or 0))
        if a.type == "h":
            return Int64(int(a.value or 0))
        if a.type == "f":
            return Float32(float(a.value or 0.0))
        if a.type == "d":
            return Double(float(a.value or 0.0))
        if a.type == "b":
            return bytes.fromhex(str(a.value or ""))
        return str(a.value if a.value is not None else "")
    return a


class OscAction(ScheduledAction):
    def __init__(self, engine: Engine, run: Run) -> None:
        super().__init__(engine, run)
        assert isinstance(run.cue, m.OscCue)
        self.cue: m.OscCue = run.cue
        self.args = [_osc_arg(a) for a in self.cue.args]
        self.k = 0
        self.duration = self.cue.action_duration()

    def start(self) -> None:
        self.begin()
        cue = self.cue
        if cue.messages is not None:
            msgs = tuple(
                OscMessage(spec.address, tuple(_osc_arg(a) for a in spec.args))
                for spec in cue.messages
            )
            self.engine.router.send(cue.output, OscBundle(msgs),
                                    list_name=self.run.list)
            self.finish()
        elif cue.fade is None:
            assert cue.address is not None
            self.engine.router.send(cue.output, OscMessage(cue.address, tuple(self.args)),
                                    list_name=self.run.list)
            self.finish()
        else:
            self._step()

    def _value(self, t: float) -> OscArg:
        fade = self.cue.fade
        assert fade is not None
        p = 1.0 if fade.duration <= 0 else t / fade.duration
        v = fade.start + (fade.to - fade.start) * apply_curve(fade.curve, p)
        original = self.args[fade.arg] if fade.arg < len(self.args) else 0.0
        if isinstance(original, int) and not isinstance(original, bool):
            return round(v)
        return v

    def _step(self) -> None:
        fade = self.cue.fade
        assert fade is not None and self.cue.address is not None
        t = min(self.k / fade.rate, fade.duration)
        args = list(self.args) or [0.0]
        args[fade.arg] = self._value(t)
        self.engine.router.send(self.cue.output, OscMessage(self.cue.address, tuple(args)),
                                    list_name=self.run.list)
        if t >= fade.duration:
            self.finish()
            return
        self.k += 1
        self.reschedule()

    def reschedule(self) -> None:
        fade = self.cue.fade
        assert fade is not None
        self.at(min(self.k / fade.rate, fade.duration), self._step)


class MidiAction(ScheduledAction):
    """A sequence of MIDI messages at offsets from the action start."""

    def __init__(self, engine: Engine, run: Run) -> None:
        super().__init__(engine, run)
        assert isinstance(run.cue, m.MidiCue)
        self.cue: m.MidiCue = run.cue
        self.steps = sorted(
            ((spec.at, encode_midi(spec)) for spec in self.cue.messages), key=lambda s: s[0]
        )
        self.i = 0
        self.duration = self.cue.action_duration()

    def start(self) -> None:
        self.begin()
        self._send_due()

    def _send_due(self) -> None:
        now = self.local()
        while self.i < len(self.steps) and self.steps[self.i][0] <= now + 1e-9:
            self.engine.router.send(self.cue.output, MidiPayload(self.steps[self.i][1]),
                                    list_name=self.run.list)
            self.i += 1
        if self.i >= len(self.steps):
            self.finish()
        else:
            self.reschedule()

    def reschedule(self) -> None:
        if self.i < len(self.steps):
            self.at(self.steps[self.i][0], self._send_due)


def _data_byte(spec: m.MidiMessageSpec, value: int) -> int:
    """A MIDI data byte, never silently cut to 7 bits (``check`` refuses it first)."""
    if not 0 <= value <= 127:
        raise ValueError(f"{spec.kind} value {value} is outside 0..127")
    return value


def midi_event(spec: m.MidiMessageSpec) -> MidiEvent:
    """One MIDI message from the show file as the MIDI codec's value (channels 1-16 as
    people count, 0-15 on the wire)."""
    ch = spec.channel - 1
    k = spec.kind
    if k == "note_on":
        assert spec.note is not None
        return NoteOn(ch, spec.note, spec.velocity)
    if k == "note_off":
        assert spec.note is not None
        return NoteOff(ch, spec.note, spec.velocity)
    if k == "poly_aftertouch":
        assert spec.note is not None
        return PolyAftertouch(ch, spec.note, _data_byte(spec, spec.value))
    if k == "control_change":
        assert spec.control is not None
        return ControlChange(ch, spec.control, _data_byte(spec, spec.value))
    if k == "program_change":
        assert spec.program is not None
        return ProgramChange(ch, spec.program)
    if k == "aftertouch":
        return ChannelAftertouch(ch, _data_byte(spec, spec.value))
    if k == "pitch_bend":
        # The show file writes -8192..8191 (0 = centre), as mido and the codec do.
        if not -8192 <= spec.value <= 8191:
            raise ValueError(f"pitch bend {spec.value} is outside -8192..8191")
        return PitchBend(ch, spec.value)
    assert k == "sysex" and spec.data is not None
    return SysEx(bytes(spec.data))


def encode_midi(spec: m.MidiMessageSpec) -> bytes:
    """Encode one MIDI message from the show file (with the MIDI codec)."""
    return midi_event(spec).encode()


def scheduled(cls: type[ScheduledAction]) -> Callable[[Engine, Run], Action]:
    """An action factory for a :class:`ScheduledAction` subclass."""
    return lambda engine, run: cls(engine, run)  # type: ignore[return-value]
