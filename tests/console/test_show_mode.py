"""Show mode with Pilot on a ManualClock: keys drive the engine; the views say so."""

from __future__ import annotations

from showctl.api.views import CueState
from showctl.console.cuestack import CueStack
from showctl.console.running import RunningPane
from showctl.console.standby import GoButton, StandbyPanel
from tests.console.conftest import SIZE, Harness


def row(app, number):  # type: ignore[no-untyped-def]
    return next(r for r in app.query_one(CueStack).rows if r.number == number)


async def test_space_fires_the_standby_cue_and_moves_the_playhead(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()
        text = await harness.settle(pilot)
        assert "STANDBY" in text and "Wait for the house to settle." in text
        assert row(app, "1").state is CueState.STANDBY
        await pilot.press("space")
        assert harness.kinds("go") == [(0.0, "go", "1")]
        # 1 auto-continues into 2: one cue sequence, so the playhead moves past it (#17).
        assert harness.engine.playhead("main").number == "3"  # type: ignore[union-attr]
        text = await harness.settle(pilot)
        assert row(app, "1").state is CueState.PREWAIT
        assert row(app, "3").state is CueState.STANDBY
        assert "0.000  GO        main 1" in text
        assert "3  Sound cue" in text  # the standby panel moved on


async def test_countdowns_show_exact_remaining_times(harness: Harness) -> None:
    app, clock = harness.app, harness.clock
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        clock.advance(1.5)
        await harness.settle(pilot)
        r = row(app, "1")
        assert r.state is CueState.PREWAIT and r.remaining == 0.5
        (run,) = app.query_one(RunningPane).rows
        assert run.prewait_left == 0.5 and run.postwait_left is None
        clock.advance(1.0)  # 0.5 s into the 4 s action, 0.5 s into the 3 s postwait
        text = await harness.settle(pilot)
        r = row(app, "1")
        assert r.state is CueState.RUNNING and r.remaining == 3.5
        assert abs(r.progress - 0.125) < 1e-9  # type: ignore[operator]
        (run,) = app.query_one(RunningPane).rows
        assert (run.elapsed, run.remaining, run.postwait_left) == (0.5, 3.5, 2.5)
        assert "0.5/4.0" in text and "3.5" in text and "2.5" in text
        clock.advance(2.5)  # postwait over: cue 2 auto-continues at t=5
        await harness.settle(pilot)
        assert row(app, "2").state is CueState.RUNNING
        assert harness.engine.playhead("main").number == "3"  # type: ignore[union-attr]


async def test_double_go_guard_rejects_and_the_button_counts_down(harness: Harness) -> None:
    app, clock = harness.app, harness.clock
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()
        await pilot.press("space")
        clock.advance(0.2)
        await pilot.press("space")
        assert harness.kinds("go", "go_rejected") == [
            (0.0, "go", "1"), (0.2, "go_rejected", None)]
        assert harness.engine.playhead("main").number == "3"  # type: ignore[union-attr]
        text = await harness.settle(pilot)
        assert str(app.query_one(GoButton).label) == "GO in 0.3 s (guard)"
        assert "GO in 0.3 s (guard)" in text and "GO ignored (double-GO guard)" in text
        clock.advance(0.3)
        text = await harness.settle(pilot)
        assert str(app.query_one(GoButton).label) == "GO ▸ 3 Sound cue"
        await pilot.press("space")
        assert harness.kinds("go")[-1] == (0.5, "go", "3")


async def test_go_button_click_fires(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()
        await pilot.click("#go")
        assert harness.kinds("go") == [(0.0, "go", "1")]


async def test_escape_panics_and_second_escape_stops_hard(harness: Harness) -> None:
    app, clock = harness.app, harness.clock
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()
        await pilot.press("space")
        clock.advance(3.0)  # cue 1 in its action
        await pilot.press("escape")
        assert [(e.t, e.hard) for e in harness.events if e.kind == "panic"] == [  # type: ignore[attr-defined]
            (3.0, False)]
        assert not harness.engine.is_idle()  # fading for panic_time
        clock.advance(0.5)
        await pilot.press("escape")
        assert [(e.t, e.hard) for e in harness.events if e.kind == "panic"] == [  # type: ignore[attr-defined]
            (3.0, False), (3.5, True)]
        assert harness.engine.is_idle()
        text = await harness.settle(pilot)
        assert "everything fades out over 2 s" in text and "PANIC completed at once" in text
        assert row(app, "1").state is CueState.STOPPED


async def test_single_escape_stops_after_the_panic_time(harness: Harness) -> None:
    app, clock = harness.app, harness.clock
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()
        await pilot.press("space")
        clock.advance(3.0)
        await pilot.press("escape")
        clock.advance(2.0)
        assert harness.engine.is_idle()
        assert harness.kinds("cue_stopped") == [(5.0, "cue_stopped", "1")]


async def test_pause_and_resume_all(harness: Harness) -> None:
    app, clock = harness.app, harness.clock
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()
        await pilot.press("space")
        clock.advance(3.0)  # 1 s into the action
        await pilot.press("p")
        clock.advance(10.0)
        text = await harness.settle(pilot)
        r = row(app, "1")
        assert r.state is CueState.PAUSED and r.remaining == 3.0
        assert "II" in text and "paused" in text
        await pilot.press("p")
        assert harness.kinds("cue_paused", "cue_resumed") == [
            (3.0, "cue_paused", "1"), (13.0, "cue_resumed", "1")]
        clock.advance(3.0)
        assert harness.kinds("cue_completed") == [(16.0, "cue_completed", "1")]


async def test_stop_all(harness: Harness) -> None:
    app, clock = harness.app, harness.clock
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()
        await pilot.press("space")
        clock.advance(1.0)
        await pilot.press("s")
        assert harness.engine.is_idle()
        assert harness.kinds("cue_stopped") == [(1.0, "cue_stopped", "1")]
        # the postwait's continue was cancelled with it
        clock.advance(20.0)
        assert [k for k in harness.kinds("cue_started")] == []


async def test_back_arrows_and_goto(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()

        def standby() -> str | None:
            cue = harness.engine.playhead("main")
            return cue.number if cue else None

        await pilot.press("down", "down")
        assert standby() == "3"
        await pilot.press("up")
        assert standby() == "2"
        await pilot.press("b")
        assert standby() == "1"
        await pilot.press("g")
        await pilot.press("4", "enter")
        assert standby() == "4"
        text = await harness.settle(pilot)
        assert "4  Interval" in text
        assert not harness.kinds("go", "cue_triggered")  # nothing fired
        await pilot.press("g")
        await pilot.press("9", "9", "enter")
        assert standby() == "4"
        text = await harness.settle(pilot)
        assert "goto: no cue '99' in list 'main'" in text


async def test_tab_switches_list_and_go_fires_that_list(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()
        await pilot.press("tab")
        assert app.current_list == "side"
        text = await harness.settle(pilot)
        assert "side (2/2)" in text and "Side wait" in text
        assert "A  Side wait" in text  # standby panel
        await pilot.press("space")
        assert [(e.list, e.cue) for e in harness.events if e.kind == "go"] == [  # type: ignore[attr-defined]
            ("side", "A")]
        await pilot.press("tab")
        assert app.current_list == "main"
        assert app.query_one(StandbyPanel) is not None


async def test_light_cue_values_reach_the_output_view(harness: Harness) -> None:
    app, clock = harness.app, harness.clock
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")
        await pilot.press("space")  # cue 2: channel 1 to 100 % and 2 to 50 % in 5 s
        await clock.advance_async(2.5)
        text = await harness.settle(pilot)
        values = harness.session.lighting.last_values  # type: ignore[union-attr]
        assert abs(values[0] - 0.5) < 0.02 and abs(values[1] - 0.25) < 0.02
        assert "lx u1" in text and "capture (not sent): lx" in text  # no rig: not sent
        assert " 50 " in text


def test_check_knows_every_key_the_console_takes() -> None:
    """A cue hotkey on a console key would never fire: `check` refuses those, so its list
    must hold every binding of the console."""
    from showctl.console.app import ShowctlApp
    from showctl.model.triggers import CONSOLE_KEYS, _hotkey_norm

    bound = {_hotkey_norm(k) for b in ShowctlApp.BINDINGS
             for k in b.key.split(",")}  # type: ignore[union-attr]
    assert bound <= CONSOLE_KEYS, sorted(bound - CONSOLE_KEYS)


async def test_blackout_and_grandmaster_keys_show_a_banner(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()
        await pilot.press("ctrl+b")
        text = await harness.settle(pilot)
        assert harness.engine.blackout and " BLACKOUT " in text
        await pilot.press("ctrl+b", "minus", "minus", "minus")
        text = await harness.settle(pilot)
        assert not harness.engine.blackout and " GM 70% " in text
        assert harness.engine.grandmaster == 0.7
        assert [e.kind for e in harness.events] == [
            "blackout", "blackout", "grandmaster", "grandmaster", "grandmaster"]


async def test_pause_key_resumes_only_what_it_paused(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "space")  # side list: A, a 10 s wait
        harness.engine.pause_cue("side", "A")  # the show's own pause (a pause cue would)
        await pilot.press("shift+tab", "space")  # main: cue 1
        await pilot.press("p")
        assert all(r.paused for r in harness.engine.running())
        await pilot.press("p")
        paused = {r.number for r in harness.engine.running() if r.paused}
        assert paused == {"A"}  # still paused: the toggle did not pause it
