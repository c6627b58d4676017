"""Light cues on patched fixtures: %, colours, degrees, gobos, 16-bit, HTP/LTP, times."""

from typing import Any

from showctl.testing import drive, make_show

SHOW = """
show: {title: t}
outputs: {lx: {kind: dmx, rate: 10}}
patch:
  - {id: 1, profile: rgbw-par, mode: 8ch, universe: 1, address: 1, groups: [front]}
  - {id: 2, profile: rgbw-par, mode: 8ch, universe: 1, address: 9, groups: [front]}
  - {id: 101, profile: moving-spot, mode: standard, universe: 2, address: 1}
cuelists:
  main:
    cues:
      - number: 1
        type: light
        time: 0
        fixtures:
          front: {intensity: 100, color: red}
      - number: 2
        type: light
        time: 2
        times: {color: 0, position: 4}
        fixtures:
          "1-2": {intensity: 50, color: blue}
          "101": {intensity: full, pan: 135, gobo: breakup}
  side:
    cues:
      - {number: S, type: light, time: 0, fixtures: {"1": {intensity: 80, color: green}}}
"""


def dmx_state(trace: list[dict[str, Any]], universe: int, t: float) -> dict[int, int]:
    state: dict[int, int] = {}
    for ln in trace:
        if ln["kind"] == "dmx" and ln["universe"] == universe and ln["t"] <= t + 1e-9:
            state.update({int(k): v for k, v in ln["channels"].items()})
    return state


def test_home_state_goes_out_at_start() -> None:
    trace = drive(make_show(SHOW), [], until=0.5)
    spot = dmx_state(trace, 2, 0.0)
    # moving-spot standard: pan 16-bit at 1-2, tilt 3-4, centred (0° of -270..270) → 0x8000
    assert [spot.get(i, 0) for i in (1, 2, 3, 4)] == [128, 0, 128, 0]


def test_colour_and_intensity_on_an_rgbw_par() -> None:
    trace = drive(make_show(SHOW), [(0, lambda e: e.go())], until=1)
    par = dmx_state(trace, 1, 0.0)
    # rgbw-par 8ch: intensity, red, green, blue, white, …
    assert [par.get(i, 0) for i in range(1, 6)] == [255, 255, 0, 0, 0]
    assert [par.get(i, 0) for i in range(9, 14)] == [255, 255, 0, 0, 0]


def test_split_times_per_category_and_16bit_pan() -> None:
    show = make_show(SHOW)
    trace = drive(show, [(0, lambda e: e.go()), (1, lambda e: e.go())], until=8)
    at_1 = dmx_state(trace, 1, 1.0)
    assert at_1.get(2, 0) == 0 and at_1[4] == 255  # colour time 0: snaps to blue at the GO
    at_2 = dmx_state(trace, 1, 2.0)
    assert at_2[1] == 191  # intensity 100 → 50 over 2 s: 75 % after 1 s
    pan_mid = dmx_state(trace, 2, 3.0)
    # pan 0° → 135° over 4 s (position time): halfway at 67.5° of -270..270 → 0.625
    # → floor(0.625 * 65535 + 0.5) = 0x9FFF, coarse then fine.
    assert (pan_mid[1], pan_mid[2]) == (0x9F, 0xFF)
    pan_end = dmx_state(trace, 2, 5.0)
    assert (pan_end[1], pan_end[2]) == (0xBF, 0xFF)


def test_htp_intensity_and_ltp_colour_between_lists() -> None:
    show = make_show(SHOW)
    trace = drive(show, [(0, lambda e: e.go()), (1, lambda e: e.go("side"))], until=2)
    par = dmx_state(trace, 1, 1.0)
    # intensity: max(100 %, 80 %) = full; colour: the side list took it last → green.
    assert [par.get(i, 0) for i in range(1, 5)] == [255, 0, 255, 0]


def test_the_looks_of_a_whole_list_in_one_pass_are_each_cue_s_look() -> None:
    """``LightProgram.looks`` (one pass, for exports) gives what ``look`` gives per cue,
    cue-only cues included (the demo's 7.5 lasts one cue)."""
    from pathlib import Path

    import numpy as np

    from showctl.engine.light_cues import LightProgram
    from showctl.model.loader import load_show

    show = load_show(Path(__file__).resolve().parents[2] / "shows" / "demo.yaml")
    prog = LightProgram(show)
    seen = []
    for cue, look in prog.looks("main"):
        _, expected = prog.look("main", cue.number)
        assert np.array_equal(look, expected), cue.number
        seen.append(cue.number)
    assert seen == ["1", "3.4", "7", "7.5", "15"]
