"""Issue 13: what the console shows is true — outputs, health, log, running cues —
and it fits the operator's hands (Tab order, several attributes on one line)."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from showctl.api.views import CueState
from showctl.console.cuestack import CueStack
from showctl.console.outputs_view import OutputPane, short_labels
from showctl.console.running import RunningPane
from showctl.console.standby import GoButton
from showctl.drivers.base import DmxPayload, Driver, Payload, driver_class, register
from showctl.drivers.rig import FanoutConfig, load_rig
from showctl.engine import events as ev
from showctl.live.log import EventLog, payload_text
from showctl.live.programmer_line import ProgrammerLineError, parse_programmer_line
from showctl.model.problems import ShowFileError
from tests.console.conftest import SIZE, Harness, screen_text


def _pane(h: Harness) -> str:
    return h.app.query_one(OutputPane).plain


# ---------------------------------------------------------------- the outputs pane


async def test_outputs_pane_lit_fixtures_first_raw_channels_every_fixture(
        demo_path: Path) -> None:
    h = Harness(demo_path)
    async with h.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space")           # 0.5 memo
        await h.clock.advance_async(1.0)     # past the double-GO guard
        await pilot.press("space")           # 1: house to half, stage preset
        await h.clock.advance_async(2.5)     # half way through the 5 s fade
        await h.settle(pilot)
        plain = _pane(h)
        levels = plain.split("lx levels\n", 1)[1].splitlines()
        groups = [ln.split()[0] for ln in levels if ln[:1] != " "]
        # every fixture and the raw universe are there (the pane scrolls to them) …
        for fixture in ("11", "12", "21", "22", "31", "41", "101", "102"):
            assert fixture in groups
        assert "lx" in groups and "lx u1" in plain   # house lights: raw channels 1-2
        # … the ones giving light first, the dark ones after
        state = h.runtime.state()
        view = state.lighting["lx"]
        lit = {n.split(".")[0] for n, v in zip(view.names, view.values, strict=True)
               if v > 0 and n.endswith(".intensity")}
        assert lit, "cue 1 lights something"
        first_dark = next(i for i, g in enumerate(groups)
                          if g not in lit and g != "lx")
        assert all(g in lit or g == "lx" for g in groups[:first_dark])
        assert "effec██" not in plain and "fxspd██" in plain   # distinct labels
        # mid-fade: the raw channel is part way up, not at its target
        lx1 = view.values[view.names.index("lx:1/1")]
        assert 0.0 < lx1 < 0.5


def test_labels_stay_distinct() -> None:
    labels = short_labels(["effect", "effect_speed", "gobo", "gobo_rotation",
                           "something_long", "something_longer", "x"])
    assert len(set(labels)) == len(labels)
    assert all(len(x) <= 5 for x in labels)


async def test_programmer_values_show_at_once(demo_path: Path) -> None:
    h = Harness(demo_path)
    async with h.app.run_test(size=(160, 48)) as pilot:
        await pilot.press("e")
        await pilot.press("c")
        await pilot.press(*"41 @ 70")
        await pilot.press("enter")
        text = await h.settle(pilot)   # no clock advance: no frame tick has run
        assert "41 intensity 70" in text
        plain = _pane(h)
        levels = plain.split("lx levels\n", 1)[1].splitlines()
        assert levels[0].startswith("41 ") and "int██ 70" in levels[0]  # held: first


# ---------------------------------------------------------------- driver health


class _Flaky(Driver):
    """An endpoint that is down: every payload faults it."""

    kind: ClassVar[str] = "flaky-test"

    def send(self, payload: Payload) -> None:
        self.fault("no route to host")

    def frame(self, now: float, changed: Sequence[DmxPayload]) -> None:
        for _ in changed:
            self.fault("no route to host")


async def test_fanout_shows_each_endpoint_and_the_log_says_dropped(small_path: Path) -> None:
    register(_Flaky)
    capture = driver_class("capture").config_model.model_validate({"driver": "capture"})
    flaky = _Flaky.config_model.model_validate({"driver": "flaky-test"})
    h = Harness(small_path)
    h.runtime.rig = {"snd": FanoutConfig(targets=[capture, flaky])}
    async with h.app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "e")  # (nothing) — stay in show mode
        await h.app.send("fire", cue="3", list="main")   # the OSC cue
        text = await h.settle(pilot)
        (snd,) = [o for o in h.runtime.state().outputs if o.name == "snd"]
        assert snd.driver == "fanout" and snd.state == "faulted"
        assert [(e.driver, e.state) for e in snd.endpoints] == [
            ("capture", "sending"), ("flaky-test", "faulted")]
        plain = _pane(h)
        assert "snd     fanout   ● faulted" in plain
        assert "└ capture● sending" in plain.replace(" ● ", "● ") or "capture" in plain
        assert "flaky-test● faulted" in plain.replace(" ● ", "● ") or "no route" in plain
        assert "faults 1" in text
        assert any("captured (capture) · dropped (flaky-test)" in line
                   for line in h.app.log_pane.history)
        # lx is left unmapped by this rig: announced, and not shown as sending
        assert any("lx: the rig does not map this output: captured, not sent" in line
                   for line in h.app.log_pane.history)
        assert "capture (not sent): lx" in plain


def test_rig_entry_for_an_undeclared_output_is_an_error_with_line_col(tmp_path: Path) -> None:
    rig = tmp_path / "rig.yaml"
    rig.write_text("outputs:\n  lx: {driver: capture}\n  sond: {driver: capture}\n")
    with pytest.raises(ShowFileError, match=r"rig\.yaml:3:3: output 'sond' is not declared") as exc:
        load_rig(rig, ["lx", "sound"])
    assert f"{rig}:3:3: output 'sond' is not declared by the show" in str(exc.value)
    assert set(load_rig(rig)) == {"lx", "sond"}   # without the show: no check
    assert set(load_rig("local", ["lx"])) == {"lx"}  # a shipped rig is a generic profile


# ---------------------------------------------------------------- the log


async def test_log_times_are_the_top_bar_show_clock(harness: Harness) -> None:
    h = harness
    async with h.app.run_test(size=SIZE) as pilot:
        await h.clock.advance_async(10.0)   # idle time before the first GO
        await pilot.press("space")
        await h.clock.advance_async(2.5)    # cue 1's 2 s prewait, and the next push
        text = await h.settle(pilot)
        state = h.runtime.state()
        assert state.elapsed == 2.5 and "show 00:00:02" in text
        hist = h.app.log_pane.history
        assert any(line.startswith("    0.000  GO        main 1") for line in hist)
        start = next(line for line in hist if "start     main 1" in line)
        assert start.startswith("    2.000")   # the show clock, not 12 s since launch
        assert any(line.startswith(" pre-show") for line in hist)
        assert not any("{" in line for line in hist)


def test_timecode_is_summed_up_and_payloads_read_in_words() -> None:
    log = EventLog({}, lambda: 0.0)
    log(ev.Go(0.0, "main", "1"))
    for k in range(50):          # two seconds of 25 fps timecode from 01:00:00:00
        f = k % 25
        s = k // 25
        log(ev.Output(k / 25, output="lx", out_kind="timecode",
                      data={"timecode": f"01:00:{s:02d}:{f:02d}", "type": 1}))
    log(ev.Output(2.0, output="lx", out_kind="timecode",   # a locate to 02:00:00:00
                  data={"timecode": "02:00:00:00", "type": 1}))
    log(ev.Output(2.04, output="lx", out_kind="timecode",
                  data={"timecode": "02:00:00:01", "type": 1}))
    log(ev.Output(5.0, output="desk", out_kind="midi", data={"data": "90 3C 7F"}))
    lines = [x.text for x in log.drain()]
    tc = [x for x in lines if "timecode" in x]
    assert len(tc) == 3, lines
    assert "lx start at 01:00:00" in tc[0]
    assert "locate 01:00:01 → 02:00:00" in tc[1]   # from the last frame, 01:00:01:24
    assert "stopped at 02:00:00" in tc[2]
    assert any("desk note on ch1 note 60 velocity 127" in x for x in lines)
    assert payload_text(ev.Output(0.0, output="x", out_kind="osc",
                                  data={"bundle": [{"address": "/a", "args": [1, "b c"]}],
                                        "timetag": 1})) == 'bundle: /a 1 "b c"'
    assert not any("{" in x for x in lines)


# ---------------------------------------------------------------- running cues

RUNNING = textwrap.dedent("""\
    show: {title: Running test}
    settings: {go_guard: 0}
    outputs:
      snd: {kind: osc}
      smp: {kind: midi}
    cuelists:
      main:
        cues:
          - number: "1"
            type: osc
            name: Fade it
            output: snd
            address: /level
            args: [0.0]
            fade: {from: 0, to: 10, duration: 4, rate: 10}
          - {number: "2", type: midi_file, name: Sting, output: smp,
             file: media/walkon-sting.mid}
          - number: "3"
            type: group
            mode: playlist
            name: Playlist
            cues:
              - {number: "3.1", type: wait, name: W1, duration: 2}
              - {number: "3.2", type: wait, name: W2, duration: 3}
          - number: "4"
            type: group
            mode: first
            name: Inside
            cues:
              - {number: "4.1", type: wait, name: First, duration: 1}
              - {number: "4.2", type: memo, name: Second}
          - {number: "5", type: memo, name: After}
    """)


@pytest.fixture
def running_path(tmp_path: Path) -> Path:
    p = tmp_path / "running.yaml"
    p.write_text(RUNNING, encoding="utf-8")
    src = Path(__file__).resolve().parents[2] / "shows" / "media"
    shutil.copytree(src, tmp_path / "media")
    return p


def _run(h: Harness, number: str) -> Any:
    return next(r for r in h.app.query_one(RunningPane).rows if r.number == number)


def _row(h: Harness, number: str) -> Any:
    return next(r for r in h.app.query_one(CueStack).rows if r.number == number)


async def test_running_progress_osc_fade_midi_file_group_and_paused_time(
        running_path: Path) -> None:
    h = Harness(running_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await pilot.press("space")                     # 1: a 4 s OSC fade
        await h.clock.advance_async(1.0)
        await h.settle(pilot)
        r = _run(h, "1")
        assert (r.elapsed, r.remaining, r.duration) == (1.0, 3.0, 4.0)
        assert _row(h, "1").progress == 0.25
        await pilot.press("p")                         # pause 5 s: not elapsed time
        await h.clock.advance_async(5.0)
        await pilot.press("p")
        await h.clock.advance_async(1.0)
        text = await h.settle(pilot)
        r = _run(h, "1")
        assert (r.elapsed, r.remaining) == (2.0, 2.0)
        assert "2.0/4.0" in text
        await pilot.press("space")                     # 2: the MIDI file
        await h.clock.advance_async(0.5)
        await h.settle(pilot)
        r = _run(h, "2")
        assert r.duration and r.remaining is not None
        assert abs(r.remaining - (r.duration - 0.5)) < 1e-6
        await h.clock.advance_async(10.0)
        await pilot.press("space")                     # 3: a 2 + 3 s playlist
        await h.clock.advance_async(1.0)
        await h.settle(pilot)
        r = _run(h, "3")
        assert (r.duration, r.remaining) == (5.0, 4.0)
        await h.clock.advance_async(2.0)               # into 3.2
        await h.settle(pilot)
        assert _run(h, "3").remaining == 2.0 and _row(h, "3").progress == 0.6


async def test_a_first_group_shows_running_while_the_operator_is_inside(
        running_path: Path) -> None:
    h = Harness(running_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await h.app.send("goto", cue="4", list="main")
        await pilot.press("space")                     # fires 4.1, enters the group
        await h.clock.advance_async(3.0)               # 4.1 is over
        await h.settle(pilot)
        assert h.engine.playhead("main").number == "4.2"  # type: ignore[union-attr]
        assert _row(h, "4").state is CueState.RUNNING
        await pilot.press("space")                     # 4.2: out of the group
        await h.clock.advance_async(1.0)
        await h.settle(pilot)
        assert _row(h, "4").state is not CueState.RUNNING


# ---------------------------------------------------------------- the operator's hands


async def test_go_names_another_list_loudly(harness: Harness) -> None:
    async with harness.app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        text = await harness.settle(pilot)
        button = harness.app.query_one(GoButton)
        assert str(button.label) == "SIDE · GO ▸ A Side wait"
        assert button.variant == "primary"
        assert "STANDBY · side" in text


async def test_tab_and_shift_tab_reach_every_field_of_the_form(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "enter")                # cue 1 (a wait): every field
        seen = [getattr(app.focused, "id", None)]
        for _ in range(6):
            await pilot.press("tab")
            seen.append(getattr(app.focused, "id", None))
        assert seen == ["edit-name", "edit-notes", "edit-prewait", "edit-duration",
                        "edit-postwait", "edit-continue", "edit-armed"]
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is not None and app.focused.id == "edit-postwait"
        assert app.current_list == "main"              # Tab in the form is not "next list"
        # a field left with Tab is committed
        await pilot.press("shift+tab", "shift+tab")     # prewait
        await pilot.press("ctrl+a" if False else "end")
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press(*"1.5", "tab")
        await harness.settle(pilot)
        assert harness.runtime.show.cuelists["main"].cues[0].prewait == 1.5


async def test_escape_is_panic_in_edit_mode_too(harness: Harness) -> None:
    async with harness.app.run_test(size=SIZE) as pilot:
        harness.attach()
        await pilot.press("e", "enter", "escape")
        assert "panic" in [e.kind for e in harness.events]
        assert isinstance(harness.app.focused, CueStack)


def test_several_attributes_on_one_line() -> None:
    line = parse_programmer_line("102 pan 45 tilt 10")
    assert line.values == (("pan", 45), ("tilt", 10))
    line = parse_programmer_line("front @ 50 color warm white")
    assert line.values == (("intensity", 50), ("color", "warm white"))
    line = parse_programmer_line("front color red intensity 40")
    assert line.values == (("color", "red"), ("intensity", 40))
    with pytest.raises(ProgrammerLineError, match="given twice"):
        parse_programmer_line("1 pan 10 pan 20")


async def test_programmer_line_sets_several_and_errors_speak_units(demo_path: Path) -> None:
    h = Harness(demo_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        ok = await h.app.send("programmer", line="101 pan 45 tilt 10")
        assert ok.ok, ok.message
        held = h.runtime.programmer.fixtures["101"]
        assert {k: v.value for k, v in held.items()} == {"pan": 45, "tilt": 10}
        bad = await h.app.send("programmer", line="101 pan left")
        assert not bad.ok and "degrees (-270 to 270)" in bad.message
        assert "percentage like" in bad.message
        await pilot.pause()


async def test_screen_at_100x30_is_usable(demo_path: Path) -> None:
    h = Harness(demo_path)
    async with h.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space")
        await h.clock.advance_async(1.0)
        await pilot.press("space")
        await h.clock.advance_async(1.0)
        text = await h.settle(pilot)
        # names not cut to 7 characters, and no row wraps onto a second line
        assert "│    1     House to half, stag… light   5.0 →cont" in text
        assert "Video sting and log… group" in text
        assert "1     House to half, s… █···· 1.0/5.0      4.0" in text  # running, one line
        assert "capture (not sent)" in text               # health on screen
        assert "lx levels" in text


# ---------------------------------------------------------------- save conflicts


async def _conflict(h: Harness, pilot: Any) -> None:
    """An edit here, and someone else's edit to the file on disk meanwhile."""
    await pilot.press("e")
    ok = await h.app.send("set_field", list="main", cue="1", field="name", value="Mine")
    assert ok.ok
    text = h.path.read_text(encoding="utf-8")
    h.path.write_text(text.replace("name: Interval", "name: Theirs"), encoding="utf-8")
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_save_conflict_reload_reapplies_this_sessions_edits(harness: Harness) -> None:
    from showctl.console.dialogs import SaveConflictDialog

    h = harness
    async with h.app.run_test(size=SIZE) as pilot:
        await _conflict(h, pilot)
        assert isinstance(h.app.screen, SaveConflictDialog)
        assert "Theirs" in h.path.read_text(encoding="utf-8")   # nothing overwritten
        await pilot.press("r")
        await h.settle(pilot)
        names = {c.number: c.name for c in h.runtime.show.cuelists["main"].cues}
        assert names["1"] == "Mine" and names["4"] == "Theirs"
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = h.path.read_text(encoding="utf-8")
        assert "name: Mine" in saved and "name: Theirs" in saved


async def test_save_conflict_overwrite_needs_confirmation(harness: Harness) -> None:
    h = harness
    async with h.app.run_test(size=SIZE) as pilot:
        await _conflict(h, pilot)
        await pilot.press("o")
        await pilot.pause()
        assert "Theirs" in h.path.read_text(encoding="utf-8")   # not yet: confirm first
        assert "Press o again" in screen_text(h.app)
        await pilot.press("o")
        await h.settle(pilot)
        saved = h.path.read_text(encoding="utf-8")
        assert "name: Mine" in saved and "Theirs" not in saved
        bak = h.path.with_name(h.path.name + ".bak").read_text(encoding="utf-8")
        assert "Theirs" in bak                                   # their version is kept


async def test_save_conflict_save_as(harness: Harness) -> None:
    h = harness
    async with h.app.run_test(size=SIZE) as pilot:
        await _conflict(h, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"mine.yaml", "enter")
        await h.settle(pilot)
        other = h.path.with_name("mine.yaml").read_text(encoding="utf-8")
        assert "name: Mine" in other and "Theirs" not in other
        assert "Theirs" in h.path.read_text(encoding="utf-8")
