"""Cue triggers at run time: OSC address, hotkey, MIDI, MSC and wall-clock time.

:class:`Triggers` indexes every cue's ``triggers:`` (see :mod:`showctl.model.triggers`)
once, so matching an incoming OSC address, key or MIDI message is a dict look-up or a
short scan. A trigger *starts* its cue (like QLab's triggers and ``/cue/N/start``):
the playhead does not move. MSC can also drive the main list as a whole (GO, STOP,
RESUME, GO with a cue number) for one configured device id.

Timecode triggers are chased per list by :mod:`showctl.remote.chase`.

Wall-clock triggers run on the engine's clock: the local time of day is read once (or
given, for tests) and every trigger is a ``clock.call_at`` at its next occurrence, so
on the virtual clock a 19:30 trigger fires at exactly the right virtual instant.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from showctl.api.protocol import Command
from showctl.clocks.clock import TimerHandle
from showctl.engine.engine import Engine, EngineError
from showctl.engine.events import GoRejected
from showctl.live.commands import apply_operator
from showctl.model.triggers import MidiTrigger, MscTrigger
from showctl.protocols.midi import (
    ControlChange,
    MidiEvent,
    MscCommand,
    MscMessage,
    NoteOn,
    ProgramChange,
)
from showctl.remote.config import MscControlConfig

__all__ = ["Fired", "Triggers", "normalize_hotkey", "seconds_of_day"]

_log = logging.getLogger(__name__)
DAY = 86400.0
ALL_CALL = 0x7F


def normalize_hotkey(key: str) -> str:
    """``"Shift+Ctrl+A"`` → ``"ctrl+shift+a"``: lower case, modifiers sorted, key last."""
    parts = [p.strip().lower() for p in key.replace(" ", "").split("+")]
    if len(parts) > 1 and parts[-1] == "" and parts[-2] == "":
        parts = [*parts[:-2], "+"]  # "ctrl++" means the plus key
    *mods, last = parts
    return "+".join([*sorted(m for m in mods if m), last])


def seconds_of_day(text: str) -> float:
    """``"19:30"`` / ``"19:30:15"`` → seconds since midnight."""
    parts = [int(p) for p in text.split(":")]
    h, mi, s = [*parts, 0, 0][:3]
    if not (0 <= h < 24 and 0 <= mi < 60 and 0 <= s < 60):
        raise ValueError(f"bad time of day {text!r}")
    return h * 3600.0 + mi * 60.0 + s


@dataclass(frozen=True, slots=True)
class Fired:
    """One trigger that fired (for the console's log)."""

    t: float
    source: str
    list: str
    cue: str


Target = tuple[str, str]


class Triggers:
    """Every cue trigger of a show, and the calls that fire them."""

    def __init__(
        self,
        engine: Engine,
        *,
        msc: MscControlConfig | None = None,
        wallclock_at_start: float | None = None,
        on_fire: Callable[[Fired], None] | None = None,
    ) -> None:
        self.engine = engine
        self.msc_control = msc
        self.on_fire = on_fire
        self._wallclock_at_start = wallclock_at_start
        self.osc: dict[str, list[Target]] = {}
        self.hotkeys: dict[str, list[Target]] = {}
        self.midi: list[tuple[MidiTrigger, Target]] = []
        self.msc: list[tuple[MscTrigger, Target]] = []
        self.wallclock: list[tuple[float, Target]] = []
        self.fired: list[Fired] = []
        self._timers: dict[int, TimerHandle] = {}
        self._hotkey_last: dict[str, float] = {}
        for list_name, cue, _parent in engine.show.walk():
            target = (list_name, cue.number)
            for trig in cue.triggers:
                if trig.osc is not None:
                    self.osc.setdefault(trig.osc, []).append(target)
                elif trig.hotkey is not None:
                    self.hotkeys.setdefault(normalize_hotkey(trig.hotkey), []).append(target)
                elif trig.midi is not None:
                    self.midi.append((trig.midi, target))
                elif trig.msc is not None:
                    self.msc.append((trig.msc, target))
                elif trig.wallclock is not None:
                    self.wallclock.append((seconds_of_day(trig.wallclock), target))
        self._osc_addresses = frozenset(self.osc)

    # ------------------------------------------------------------------ firing

    def _fire(self, source: str, targets: list[Target]) -> bool:
        for list_name, number in targets:
            try:
                self.engine.fire(list_name, number)
            except EngineError as exc:  # cannot happen for a checked show; never fatal
                _log.warning("trigger %s: %s", source, exc)
                continue
            fired = Fired(self.engine.now(), source, list_name, number)
            self.fired.append(fired)
            if len(self.fired) > 1000:
                del self.fired[:500]
            if self.on_fire is not None:
                self.on_fire(fired)
        return bool(targets)

    def fire(self, source: str, list_name: str, number: str) -> bool:
        """Start one cue on behalf of ``source`` (timecode chase uses this)."""
        return self._fire(source, [(list_name, number)])

    # ------------------------------------------------------------------ OSC

    @property
    def osc_addresses(self) -> frozenset[str]:
        return self._osc_addresses

    def fire_osc(self, address: str) -> bool:
        """An OSC address arrived on the API: fire the cues listening to it."""
        return self._fire(f"osc {address}", self.osc.get(address, []))

    # ------------------------------------------------------------------ hotkeys

    def handle_hotkey(self, key: str) -> bool:
        """The console saw ``key`` (e.g. ``"f5"``, ``"ctrl+1"``); True if a cue took it.

        A hotkey is a GO for its cues, so it goes through the double-GO guard: a press
        within ``settings.go_guard`` of the same key's last accepted press is rejected
        (``go_rejected``) and the key is still taken."""
        norm = normalize_hotkey(key)
        targets = self.hotkeys.get(norm, [])
        if not targets:
            return False
        now = self.engine.now()
        last = self._hotkey_last.get(norm)
        if last is not None and now < last + self.engine.show.settings.go_guard - 1e-9:
            for list_name in dict.fromkeys(lst for lst, _ in targets):
                self.engine.emit(GoRejected(now, list_name, f"double-GO guard (hotkey {norm})"))
            return True
        self._hotkey_last[norm] = now
        return self._fire(f"hotkey {norm}", targets)

    # ------------------------------------------------------------------ MIDI / MSC

    def handle_midi(self, event: MidiEvent, input_name: str | None = None) -> bool:
        """One decoded MIDI message from input ``input_name``; True if anything fired."""
        if isinstance(event, MscMessage):
            return self._handle_msc(event, input_name)
        targets: list[Target] = []
        for trig, target in self.midi:
            if trig.input is not None and trig.input != input_name:
                continue
            if _midi_matches(trig, event):
                targets.append(target)
        return self._fire(f"midi {event.describe()}", targets) if targets else False

    def _handle_msc(self, msg: MscMessage, input_name: str | None) -> bool:
        handled = False
        targets: list[Target] = []
        for trig, target in self.msc:
            if trig.input is not None and trig.input != input_name:
                continue
            if trig.device != ALL_CALL and msg.device not in (trig.device, ALL_CALL):
                continue
            if msg.command is not _MSC_COMMANDS[trig.command]:
                continue
            if trig.cue is not None and msg.cue != trig.cue:
                continue
            if trig.command == "go":
                targets.append(target)
            else:
                handled = True
                list_name, number = target
                if trig.command == "stop":
                    self.engine.stop_cue(list_name, number)
                else:
                    self.engine.resume_cue(list_name, number)
        if targets:
            handled = self._fire(f"msc {msg.describe()}", targets) or handled
        ctl = self.msc_control
        if ctl is not None and (ctl.input is None or ctl.input == input_name) and (
            msg.device in (ctl.device, ALL_CALL)
        ):
            handled = self._msc_control(msg, ctl) or handled
        return handled

    def _msc_control(self, msg: MscMessage, ctl: MscControlConfig) -> bool:
        engine = self.engine
        list_name = ctl.list or engine.main
        if msg.cue_list is not None and msg.cue_list in engine.lists:
            list_name = msg.cue_list
        # MSC control is the operator's verbs from a desk: the runtime's commands.
        where = {"list": list_name}
        cue = {"cue": msg.cue, "list": list_name}
        try:
            if msg.command is MscCommand.GO:
                if msg.cue is not None:
                    apply_operator(engine, Command("goto", cue))
                apply_operator(engine, Command("go", where))
            elif msg.command is MscCommand.STOP:
                apply_operator(engine, Command("stop_cue", cue) if msg.cue is not None
                               else Command("stop", where))
            elif msg.command is MscCommand.RESUME:
                if msg.cue is not None:
                    engine.resume_cue(list_name, msg.cue)  # no verb: one cue's resume
                else:
                    apply_operator(engine, Command("resume", where))
            else:
                return False
        except EngineError as exc:
            _log.warning("MSC %s: %s", msg.describe(), exc)
            return False
        return True

    # ------------------------------------------------------------------ wall clock

    def start(self) -> None:
        """Schedule the wall-clock triggers (call on the running loop)."""
        if not self.wallclock:
            return
        clock = self.engine.clock
        tod0 = self._wallclock_at_start
        if tod0 is None:
            now = datetime.datetime.now()
            tod0 = now.hour * 3600.0 + now.minute * 60.0 + now.second + now.microsecond / 1e6
        t0 = clock.now()
        for i, (tod, target) in enumerate(self.wallclock):
            delay = (tod - tod0) % DAY
            self._schedule(i, t0 + delay, tod, target)

    def catch_up(self, since: float, until: float,
                 skip: Callable[[str], bool] = lambda _list: False) -> list[Target]:
        """Fire now, late, the wall-clock triggers whose time of day (seconds since
        midnight) fell in ``(since, until]`` while the engine was down (crash resume:
        :meth:`start` only schedules what is still to come). Lists ``skip`` says yes to
        (``on_resume: skip``) are left out. Returns the cues it fired."""
        span = (until - since) % DAY
        late = [(tod, target) for tod, target in self.wallclock
                if 0.0 < (tod - since) % DAY <= span and not skip(target[0])]
        for tod, target in late:
            self._fire(f"wallclock {_hms(tod)} (late)", [target])
        return [target for _, target in late]

    def _schedule(self, i: int, when: float, tod: float, target: Target) -> None:
        def fire() -> None:
            self._fire(f"wallclock {_hms(tod)}", [target])
            self._schedule(i, when + DAY, tod, target)

        self._timers[i] = self.engine.clock.call_at(when, fire)

    def close(self) -> None:
        for h in self._timers.values():
            h.cancel()
        self._timers.clear()


def _hms(tod: float) -> str:
    h, rem = divmod(int(tod), 3600)
    return f"{h:02d}:{rem // 60:02d}:{rem % 60:02d}"


_MSC_COMMANDS = {"go": MscCommand.GO, "stop": MscCommand.STOP, "resume": MscCommand.RESUME}


def _midi_matches(trig: MidiTrigger, event: MidiEvent) -> bool:
    ch = trig.channel - 1
    if trig.kind == "note_on":
        return (isinstance(event, NoteOn) and event.channel == ch and event.note == trig.number
                and event.velocity > 0 and event.velocity >= (trig.value or 1))
    if trig.kind == "control_change":
        return (isinstance(event, ControlChange) and event.channel == ch
                and event.control == trig.number
                and (trig.value is None or event.value == trig.value))
    return isinstance(event, ProgramChange) and event.channel == ch and event.program == trig.number
