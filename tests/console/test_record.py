"""Edit mode's programmer with Pilot on the ManualClock: set, see, record, update, clear."""

from __future__ import annotations

import difflib
import textwrap
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from showctl.model import show as m
from showctl.model.loader import load_show
from tests.console.conftest import SIZE, Harness

PATCHED = textwrap.dedent("""\
    # A patched show for programmer tests.
    show:
      title: Programmer test
    settings:
      default_fade: 0
    outputs:
      lx: {kind: dmx, universes: [1, 2]}
    patch:
      - {id: 1, name: Par 1, profile: rgbw-par, mode: 8ch, universe: 1, address: 1, groups: [front]}
      - {id: 2, name: Par 2, profile: rgbw-par, mode: 8ch, universe: 1, address: 9, groups: [front]}
      - {id: 101, name: Spot, profile: moving-spot, mode: standard, universe: 2, address: 1}
    cuelists:
      main:
        cues:
          - number: "1"
            type: light
            name: Front up
            fixtures:
              front: {intensity: 50, color: red}   # the opening state
            time: 0

          - number: "2"
            type: light
            name: Spot on
            fixtures:
              "101": {intensity: 100, gobo: breakup}
            time: 0

          - number: "3"
            type: memo
            name: End
    """)


@pytest.fixture
def patched(tmp_path: Path) -> Harness:
    p = tmp_path / "patched.yaml"
    p.write_text(PATCHED, encoding="utf-8")
    return Harness(p)


class Dmx:
    """Every universe as last handed to the lx driver (re-hooked after a rebuild)."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.universes: dict[int, bytes] = {}
        self._hooked: object = None

    def hook(self) -> None:
        session = self.harness.session
        assert session is not None
        driver: Any = session.drivers["lx"]
        if self._hooked is driver:
            return
        self._hooked = driver
        frame = driver.frame

        def record(now: float, changed: Any) -> None:
            for p in changed:
                self.universes[p.universe] = p.data
            frame(now, changed)

        driver.frame = record

    def __call__(self, universe: int, channel: int) -> int:
        return self.universes[universe][channel - 1]


async def command(h: Harness, pilot: Any, text: str) -> str:
    """Type a programmer command and let a frame go out; return the screen."""
    await pilot.press("c")
    box = h.app.query_one("#prog-input", Input)
    assert h.app.focused is box
    box.value = text
    await pilot.press("enter")
    await h.clock.advance_async(0.1)
    return await h.settle(pilot)


def light(app: Any, number: str) -> m.LightCue:
    cue = next(c for _, c, _ in app.engine.show.walk() if c.number == number)
    assert isinstance(cue, m.LightCue)
    return cue


def value(app: Any, name: str) -> float:
    lighting = app.session.lighting
    return float(lighting.last_values[lighting.layout.index[name]])


def diff(before: str, after: str) -> list[str]:
    return [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                              lineterm="", n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


async def to_cue_1_in_edit_mode(h: Harness, pilot: Any, dmx: Dmx) -> None:
    dmx.hook()
    await pilot.press("space")            # cue 1 (time 0)
    await h.clock.advance_async(0.5)
    await pilot.press("e")
    assert h.app.mode == "edit" and h.app.selected == "2"
    await pilot.press("up")
    assert h.app.selected == "1"


async def test_set_values_show_in_the_output_view_and_go_out(patched: Harness) -> None:
    app, h = patched.app, patched
    dmx = Dmx(h)
    async with app.run_test(size=SIZE) as pilot:
        await to_cue_1_in_edit_mode(h, pilot, dmx)
        assert dmx(1, 1) == 128 and dmx(1, 2) == 255       # cue 1: 50 %, red
        text = await command(h, pilot, "1 intensity 80")
        assert dmx(1, 1) == 204 and dmx(1, 9) == 128        # only fixture 1
        assert abs(value(h, "1.intensity") - 0.8) < 1e-6
        assert "int██ 80" in text                           # the output view
        assert "1 intensity 80" in text and "programmer 1" in text
        text = await command(h, pilot, "front color warm white")
        assert [dmx(1, c) for c in (2, 3, 4, 5)] == [dmx(1, c) for c in (10, 11, 12, 13)]
        assert dmx(1, 5) > 0                                 # white mixed in
        assert "front color warm white" in text
        await command(h, pilot, "101 @ full")
        await command(h, pilot, "101 pan 45")
        await command(h, pilot, "101 gobo breakup")
        # moving-spot standard: pan 16-bit at 1-2, gobo at 7, intensity 16-bit at 12-13
        pan = round((45 + 270) / 540 * 65535)
        assert (dmx(2, 1), dmx(2, 2)) == (pan >> 8, pan & 0xFF)
        assert dmx(2, 7) == 10 and (dmx(2, 12), dmx(2, 13)) == (255, 255)
        # a bad value is refused and changes nothing
        text = await command(h, pilot, "front gobo breakup")
        assert "has no 'gobo'" in text
        text = await command(h, pilot, "nosuch intensity 50")
        assert "no fixture or group 'nosuch'" in text
        assert dmx(1, 1) == 204


async def test_clear_releases_to_the_cue_state(patched: Harness) -> None:
    app, h = patched.app, patched
    dmx = Dmx(h)
    async with app.run_test(size=SIZE) as pilot:
        await to_cue_1_in_edit_mode(h, pilot, dmx)
        await command(h, pilot, "front @ 10")
        await command(h, pilot, "2 color blue")
        assert dmx(1, 1) == 26 and dmx(1, 9) == 26 and dmx(1, 12) == 255
        await command(h, pilot, "clear 2")
        assert dmx(1, 9) == 128 and dmx(1, 10) == 255 and dmx(1, 12) == 0  # cue 1 again
        assert dmx(1, 1) == 26
        text = await command(h, pilot, "clear")
        assert dmx(1, 1) == 128 and not h.runtime.programmer.fixtures
        assert "released" in text and "programmer 0" not in text
        # sneak: fade back over the given time
        await command(h, pilot, "front @ 100")
        await command(h, pilot, "sneak 2")
        await h.clock.advance_async(0.9)
        assert 128 < dmx(1, 1) < 255
        await h.clock.advance_async(1.5)
        assert dmx(1, 1) == 128


async def test_record_writes_only_what_changed(patched: Harness) -> None:
    app, h = patched.app, patched
    dmx = Dmx(h)
    path = h.path
    assert path is not None
    before = path.read_text()
    async with app.run_test(size=SIZE) as pilot:
        await to_cue_1_in_edit_mode(h, pilot, dmx)
        await command(h, pilot, "front intensity 50")    # what cue 1 already says
        await command(h, pilot, "2 color blue")
        await command(h, pilot, "101 pan 45")
        await pilot.press("escape")                      # back to the stack
        await pilot.press("r")
        cue = light(h, "1.1")
        assert app.selected == "1.1"
        assert cue.fixtures == {"2": {"color": "blue"}, "101": {"pan": 45}}
        assert [c.number for c in h.engine.show.cuelists["main"].cues] == [
            "1", "1.1", "2", "3"]
        # the programmer still holds its values and the stage kept its look (the session
        # was rebuilt from the edited show: the cue state is carried over)
        assert h.runtime.programmer.held()["2.blue"] == 1.0
        assert value(h, "1.intensity") == 0.5 and value(h, "1.red") == 1.0
        assert value(h, "2.blue") == 1.0 and value(h, "2.red") == 0.0
        text = await h.settle(pilot)
        assert "recorded cue 1.1" in text and "● unsaved" in text
        await pilot.press("ctrl+s")
    after = path.read_text()
    assert diff(before, after) == [
        '+      - number: "1.1"',
        "+        type: light",
        "+        name: Recorded look",
        "+        fixtures:",
        '+          "2": {color: blue}',
        '+          "101": {pan: 45}',
    ]
    cue = next(c for _, c, _ in load_show(path).walk() if c.number == "1.1")
    assert isinstance(cue, m.LightCue) and cue.fixtures == {"2": {"color": "blue"},
                                                            "101": {"pan": 45}}


async def test_record_groups_as_typed_and_undo(patched: Harness) -> None:
    app, h = patched.app, patched
    dmx = Dmx(h)
    async with app.run_test(size=SIZE) as pilot:
        await to_cue_1_in_edit_mode(h, pilot, dmx)
        await pilot.press("down")                        # after cue 2: spot on, breakup
        await command(h, pilot, "front color warm white")
        await command(h, pilot, "101 gobo breakup")      # tracked from cue 2: not recorded
        await command(h, pilot, "record")
        assert light(h, "2.1").fixtures == {"front": {"color": "warm white"}}
        # the recorded cue plays back what the programmer showed
        program = h.engine.light_program
        idx, vals = program.look("main", "2.1")
        look = dict(zip([program.layout.names[i] for i in idx], vals.tolist(), strict=True))
        for name, v in h.runtime.programmer.held().items():
            assert abs(look.get(name, v) - v) < 1e-6
        await pilot.press("escape", "ctrl+z")
        assert "2.1" not in [c.number for c in h.engine.show.cuelists["main"].cues]
        assert not h.runtime.document.dirty  # type: ignore[union-attr]
        await pilot.press("ctrl+y")
        assert light(h, "2.1").fixtures == {"front": {"color": "warm white"}}
        # nothing that differs: nothing recorded
        await pilot.press("escape")
        app.selected = "2"
        await command(h, pilot, "clear")
        await command(h, pilot, "101 gobo breakup")
        text = await command(h, pilot, "record")
        assert "nothing to record" in text


async def test_update_merges_into_the_selected_cue(patched: Harness) -> None:
    app, h = patched.app, patched
    dmx = Dmx(h)
    path = h.path
    assert path is not None
    before = path.read_text()
    async with app.run_test(size=SIZE) as pilot:
        await to_cue_1_in_edit_mode(h, pilot, dmx)
        await command(h, pilot, "front intensity 70")
        await pilot.press("escape", "u")
        assert light(h, "1").fixtures == {"front": {"intensity": 70, "color": "red"}}
        await pilot.press("ctrl+s")
        assert diff(before, path.read_text()) == [
            "-          front: {intensity: 50, color: red}   # the opening state",
            "+          front: {intensity: 70, color: red}   # the opening state",
        ]
        # cue 2: the spot's gobo back to what it was before cue 2 (open) tracks, i.e.
        # leaves the cue; its pan is new
        await pilot.press("down")
        await command(h, pilot, "clear")
        await command(h, pilot, "101 gobo open")
        await command(h, pilot, "101 pan -90")
        await command(h, pilot, "update")
        assert light(h, "2").fixtures == {"101": {"intensity": 100, "pan": -90}}
        text = await command(h, pilot, "update")
        assert "already has these values" in text
        # update needs a light cue
        await pilot.press("escape", "down")
        await pilot.press("u")
        text = await h.settle(pilot)
        assert "select a light cue to update" in text


async def test_leaving_edit_mode_clears_the_programmer(patched: Harness) -> None:
    app, h = patched.app, patched
    dmx = Dmx(h)
    async with app.run_test(size=SIZE) as pilot:
        await to_cue_1_in_edit_mode(h, pilot, dmx)
        await command(h, pilot, "1 @ 90")
        assert dmx(1, 1) == 230
        await pilot.press("ctrl+l", "e")  # leave the command line (Esc would panic)
        assert app.mode == "show" and not h.runtime.programmer.fixtures
        await h.clock.advance_async(0.1)
        assert dmx(1, 1) == 128
