"""Cue triggers without sockets: hotkeys, OSC addresses on the API, wall-clock times on
the virtual clock, MIDI and MSC matching, MSC as a remote control."""

from __future__ import annotations

import pytest
from remote_support import call

from showctl.clocks.virtual import run_virtual
from showctl.engine import events as ev
from showctl.protocols.midi import (
    ControlChange,
    MscCommand,
    MscMessage,
    NoteOff,
    NoteOn,
    ProgramChange,
)
from showctl.remote import MscControlConfig, RemoteConfig
from showctl.remote.api import Client, QLabApi
from showctl.remote.config import OscApiConfig, PasscodeConfig
from showctl.remote.service import RemoteServer
from showctl.remote.triggers import Triggers, normalize_hotkey, seconds_of_day
from showctl.session import Session
from showctl.testing import make_show

SHOW = """
show: {title: Triggers}
settings: {go_guard: 0}
cuelists:
  main:
    cues:
      - {number: "1", type: wait, duration: 10}
      - {number: "2", type: wait, duration: 10, triggers: [{hotkey: F5}, {osc: /fx/thunder}]}
      - {number: "3", type: wait, duration: 10,
         triggers: [{hotkey: "Shift+Ctrl+1"}, {wallclock: "19:30"}]}
      - {number: "4", type: wait, duration: 10, triggers: [{wallclock: "19:29:00"}]}
      - number: "5"
        type: wait
        duration: 10
        triggers:
          - {midi: {kind: note_on, channel: 2, number: 60, value: 64}}
          - {midi: {kind: control_change, number: 7, value: 127, input: desk}}
          - {midi: {kind: program_change, channel: 16, number: 5}}
      - number: "6"
        type: wait
        duration: 10
        triggers:
          - {msc: {command: go, device: 3, cue: "12.5"}}
          - {msc: {command: stop, device: 3, cue: "12.5"}}
          - {msc: {command: resume, cue: "12.5"}}
  side:
    cues:
      - {number: "S1", type: wait, duration: 1}
      - {number: "S2", type: wait, duration: 1}
"""


def started(session: Session) -> list[str]:
    return sorted(r.number for r in session.engine.running())


def test_hotkeys() -> None:
    assert normalize_hotkey("Shift+Ctrl+1") == "ctrl+shift+1" == normalize_hotkey("ctrl+shift+1")
    assert normalize_hotkey("ctrl++") == "ctrl++"
    assert seconds_of_day("19:30") == 70200 and seconds_of_day("7:05:09") == 25509

    async def main() -> None:
        s = Session(make_show(SHOW))
        t = Triggers(s.engine)
        assert t.handle_hotkey("f5") and started(s) == ["2"]
        assert t.handle_hotkey("ctrl+shift+1") and started(s) == ["2", "3"]
        assert not t.handle_hotkey("f6")
        assert s.engine.playhead().number == "1"  # triggers start cues; GO stays put
        assert [f.source for f in t.fired] == ["hotkey f5", "hotkey ctrl+shift+1"]

    run_virtual(main)


def test_osc_trigger_on_the_api() -> None:
    async def main() -> None:
        s = Session(make_show(SHOW))
        t = Triggers(s.engine)
        api = QLabApi(s.engine, OscApiConfig(), triggers=t)
        c = api.add_client(Client("local", "127.0.0.1", 0))
        assert call(api, c, "/fx/thunder")["status"] == "ok" and started(s) == ["2"]
        s.engine.stop()
        assert call(api, c, f"/workspace/{api.ws.uid}/fx/thunder")["status"] == "ok"
        assert started(s) == ["2"]
        s.engine.stop()
        locked = QLabApi(s.engine, OscApiConfig(passcodes=[PasscodeConfig(code="1")]),
                         triggers=t)
        c2 = locked.add_client(Client("local", "127.0.0.1", 0))
        assert call(locked, c2, "/fx/thunder")["status"] == "denied" and started(s) == []

    run_virtual(main)


def test_wallclock_triggers_on_the_virtual_clock() -> None:
    async def main() -> None:
        s = Session(make_show(SHOW))
        seen: dict[str, float] = {}
        s.bus.subscribe(lambda e: isinstance(e, ev.CueTriggered)
                        and seen.setdefault(e.cue, e.t) and None)
        await s.open()
        remote = RemoteServer(s, RemoteConfig(wallclock_at_start=19 * 3600 + 29 * 60 + 50))
        remote.triggers.start()
        clock = s.clock
        t0 = clock.now()
        await clock.sleep_until(t0 + 3600)
        assert seen == {"3": pytest.approx(10.0 + t0 - s.engine.t0, abs=1e-9)}
        # 19:29:00 had just passed when we started: it fires tomorrow, on the dot.
        await clock.sleep_until(t0 + 86400)
        assert seen["4"] == pytest.approx(86350 + t0 - s.engine.t0, abs=1e-9)
        remote.triggers.close()
        await s.close()

    run_virtual(main)


def test_midi_matching() -> None:
    async def main() -> None:
        s = Session(make_show(SHOW))
        t = Triggers(s.engine)
        assert not t.handle_midi(NoteOn(1, 60, 63))  # below the minimum velocity
        assert not t.handle_midi(NoteOn(0, 60, 100))  # channel 1, not 2
        assert not t.handle_midi(NoteOff(1, 60, 100))
        assert t.handle_midi(NoteOn(1, 60, 64)) and started(s) == ["5"]
        s.engine.stop()
        assert not t.handle_midi(ControlChange(0, 7, 127), "other")  # input filter
        assert not t.handle_midi(ControlChange(0, 7, 126), "desk")
        assert t.handle_midi(ControlChange(0, 7, 127), "desk") and started(s) == ["5"]
        s.engine.stop()
        assert not t.handle_midi(ProgramChange(14, 5))
        assert t.handle_midi(ProgramChange(15, 5)) and started(s) == ["5"]

    run_virtual(main)


def test_msc_triggers_and_msc_control() -> None:
    async def main() -> None:
        s = Session(make_show(SHOW))
        e = s.engine
        t = Triggers(s.engine, msc=MscControlConfig(device=1))
        go = MscMessage(MscCommand.GO, device=3, cue="12.5")
        assert t.handle_midi(go) and started(s) == ["6"]
        assert t.handle_midi(MscMessage(MscCommand.STOP, device=0x7F, cue="12.5"))  # all-call
        assert started(s) == []
        assert not t.handle_midi(MscMessage(MscCommand.GO, device=4, cue="12.5"))
        assert not t.handle_midi(MscMessage(MscCommand.GO, device=3, cue="12"))
        # MSC as a remote: GO, GO with a cue number, STOP, RESUME for device 1.
        assert t.handle_midi(MscMessage(MscCommand.GO, device=1))
        assert started(s) == ["1"] and e.playhead().number == "2"
        assert t.handle_midi(MscMessage(MscCommand.GO, device=1, cue="4"))
        assert started(s) == ["1", "4"] and e.playhead().number == "5"
        e.pause()
        assert t.handle_midi(MscMessage(MscCommand.RESUME, device=1))
        assert not any(r.paused for r in e.running())
        assert t.handle_midi(MscMessage(MscCommand.STOP, device=1)) and started(s) == []
        assert t.handle_midi(MscMessage(MscCommand.GO, device=0x7F, cue="2", cue_list=None))
        assert not t.handle_midi(MscMessage(MscCommand.GO, device=2))  # not our device
        assert not t.handle_midi(MscMessage(MscCommand.ALL_OFF, device=1))

    run_virtual(main)


def test_hotkeys_go_through_the_double_go_guard() -> None:
    show = make_show(SHOW.replace("settings: {go_guard: 0}", "settings: {go_guard: 0.5}"))
    rejected: list[tuple[float, str]] = []

    async def main() -> None:
        s = Session(show)
        s.bus.subscribe(lambda e: rejected.append((round(e.t, 6), e.reason))
                        if e.kind == "go_rejected" else None)
        t = Triggers(s.engine)
        t0 = s.clock.now()
        assert t.handle_hotkey("f5")
        await s.clock.sleep_until(t0 + 0.2)
        assert t.handle_hotkey("F5")  # taken (not passed on), but rejected
        assert t.handle_hotkey("ctrl+shift+1")  # another key: its own guard
        await s.clock.sleep_until(t0 + 0.6)
        assert t.handle_hotkey("f5")
        assert [(round(f.t, 6), f.source) for f in t.fired] == [
            (0.0, "hotkey f5"), (0.2, "hotkey ctrl+shift+1"), (0.6, "hotkey f5")]

    run_virtual(main)
    assert rejected == [(0.2, "double-GO guard (hotkey f5)")]


def test_wallclock_catch_up_fires_what_fell_due_while_down_once() -> None:
    """Crash resume: the triggers whose time of day passed while the engine was down
    fire at once (late); those before the crash (the journal has them) and those still
    to come do not; a list with on_resume: skip is left out."""

    async def main() -> None:
        s = Session(make_show(SHOW))
        await s.open()
        t = Triggers(s.engine)
        at_1930, at_1929 = 19 * 3600 + 30 * 60.0, 19 * 3600 + 29 * 60.0
        assert t.catch_up(at_1930 - 5, at_1930 - 1) == []       # not yet due
        assert t.catch_up(at_1930, at_1930 + 60) == []          # fired before the crash
        assert t.catch_up(at_1930 - 0.5, at_1930 + 0.5) == [("main", "3")]
        assert [f.source for f in t.fired] == ["wallclock 19:30:00 (late)"]
        assert started(s) == ["3"]
        assert t.catch_up(at_1929 - 1, at_1930 + 1) == [("main", "3"), ("main", "4")]
        assert t.catch_up(at_1929 - 1, at_1930 + 1, lambda lst: lst == "main") == []
        # Across midnight: 23:59:59 → 00:00:01 holds neither.
        assert t.catch_up(86399.0, 1.0) == []
        await s.close()

    run_virtual(main)
