"""Universe bytes → fixture looks: exact values, and round trips through showctl's mixing."""

from __future__ import annotations

import pytest
from render_support import render_look
from sim_support import SMALL_SHOW

from showctl.lighting.patch import Patch, build_patch
from showctl.sim.decode import FixtureState, decode_fixture, decode_patch, slot_at, to_hex
from showctl.testing import make_show


@pytest.fixture(scope="module")
def patch() -> Patch:
    return build_patch(make_show(SMALL_SHOW).patch)


def universes(**channels: dict[int, int]) -> dict[int, bytes]:
    out = {}
    for name, levels in channels.items():
        buf = bytearray(512)
        for ch, v in levels.items():
            buf[ch - 1] = v
        out[int(name.removeprefix("u"))] = bytes(buf)
    return out


def state(patch: Patch, key: str, data: dict[int, bytes]) -> FixtureState:
    f = patch.fixture(key)
    return decode_fixture(f, data.get(f.universe, bytes(512)))


def cue_look(patch: Patch, values: dict[str, dict[str, object]]) -> dict[int, bytes]:
    """The DMX a cue's fixtures block renders to (home values elsewhere)."""
    return render_look(patch, values)


def near(a: str, b: str, steps: int = 1) -> bool:
    return all(abs(int(a[i:i + 2], 16) - int(b[i:i + 2], 16)) <= steps for i in (1, 3, 5))


def test_rgbw_channels_decode_exactly(patch: Patch) -> None:
    # 8ch: intensity, red, green, blue, white, strobe, effect, effect_speed at 1..8
    s = state(patch, "1", universes(u1={1: 204, 2: 255, 3: 0, 4: 0, 5: 0}))
    assert (s.intensity, s.hex, s.strobe, s.shutter) == (80.0, "#ff0000", 0.0, None)
    s = state(patch, "1", universes(u1={1: 255, 2: 0, 3: 0, 4: 0, 5: 128}))
    assert s.hex == "#808080"  # white adds to all three
    assert state(patch, "1", universes(u1={1: 255, 6: 51})).strobe == 20.0


def test_amber_adds_red_and_half_green_uv_glows_faintly(patch: Patch) -> None:
    # 7ch: intensity, red, green, blue, amber, uv, strobe at 11..17
    s = state(patch, "2", universes(u1={11: 255, 15: 255}))
    assert s.hex == "#ff8000"
    s = state(patch, "2", universes(u1={11: 255, 16: 255}))
    assert s.hex == to_hex((0.58 * 0.25, 0.0, 0.83 * 0.25))


def test_cmy_is_subtractive(patch: Patch) -> None:
    # basic: intensity, cyan, magenta, yellow at 21..24
    s = state(patch, "3", universes(u1={21: 255, 22: 0, 23: 255, 24: 255}))
    assert s.hex == "#ff0000"  # cyan 0, magenta 100 %, yellow 100 % → red
    assert s.intensity == 100.0


def test_plain_dimmer_is_white_at_its_level(patch: Patch) -> None:
    s = state(patch, "4", universes(u1={31: 102}))
    assert (s.intensity, s.hex, s.visible) == (40.0, "#ffffff", (0.4, 0.4, 0.4))


def test_moving_spot_16_bit_pan_tilt_wheel_and_gobo(patch: Patch) -> None:
    # standard: pan, pan.fine, tilt, tilt.fine, speed, colour wheel, gobo, gobo rot, zoom,
    # focus, shutter, intensity, intensity.fine, control
    data = universes(u2={1: 0x80, 2: 0x00, 3: 0xFF, 4: 0xFF, 6: 62, 7: 10, 9: 255, 11: 0,
                         12: 0x80, 13: 0x00})
    s = state(patch, "101", data)
    assert s.pan == pytest.approx(-270 + 540 * 0x8000 / 65535)
    assert s.tilt == 135.0
    assert (s.color_name, s.hex) == ("blue", "#0000ff")  # 62 is inside the blue slot (60)
    assert s.gobo == "breakup" and s.zoom == 30.0
    assert s.shutter == "closed" and not s.beam_open and s.visible == (0.0, 0.0, 0.0)
    assert s.intensity == pytest.approx(100 * 0x8000 / 65535, abs=1e-3)
    # the fine byte matters: one step of 16-bit pan is 540/65535 degrees
    fine = state(patch, "101", universes(u2={1: 0x80, 2: 0x01}))
    assert fine.pan - s.pan == pytest.approx(540 / 65535)  # type: ignore[operator]


def test_cue_values_round_trip_through_render_and_decode(patch: Patch) -> None:
    data = cue_look(patch, {
        "1": {"intensity": 80, "color": "#ff8040"},
        "2": {"intensity": 100, "color": "#ffa020"},
        "3": {"intensity": 50, "color": "#00ffff"},
        "101": {"intensity": 60, "color": "congo blue", "gobo": "stars", "pan": -30,
                "tilt": 45, "zoom": 25, "shutter": "strobe"},
    })
    s1, s2, s3, _, s101 = decode_patch(patch, data)
    assert (s1.intensity, s1.hex) == (80.0, "#ff8040")
    # amber takes half its green share: one DMX step of rounding may show
    assert s2.intensity == 100.0 and near(s2.hex, "#ffa020")
    assert (s3.intensity, s3.hex) == (pytest.approx(50.196, abs=1e-3), "#00ffff")
    assert (s101.color_name, s101.hex, s101.gobo, s101.shutter) == (
        "congo blue", "#1c0a72", "stars", "strobe")
    assert s101.pan == pytest.approx(-30, abs=540 / 65535)
    assert s101.tilt == pytest.approx(45, abs=270 / 65535)
    assert s101.zoom == pytest.approx(25, abs=18 / 255)
    assert s101.intensity == pytest.approx(60, abs=1e-3)


def test_mix_fixture_without_dimmer_takes_intensity_from_its_brightest_emitter() -> None:
    show = make_show("""
        show: {title: t}
        outputs: {lx: {kind: dmx, universes: [1]}}
        patch:
          - {id: 1, profile: rgb-par, mode: 3ch, universe: 1, address: 1}
        cuelists: {main: {cues: [{number: "1", type: memo, name: m}]}}
    """)
    p = build_patch(show.patch)
    (s,) = decode_patch(p, universes(u1={1: 128, 2: 64, 3: 0}))
    assert s.intensity == pytest.approx(100 * 128 / 255)
    assert s.hex == "#ff8000"
    (dark,) = decode_patch(p, {})
    assert (dark.intensity, dark.hex) == (0.0, "#000000")


def test_slot_at_picks_the_highest_slot_at_or_below(patch: Patch) -> None:
    slots = patch.fixture("101").layout.attributes["gobo"].spec.slots
    assert [slot_at(slots, v).name for v in (0, 9, 10, 19, 255)] == [  # type: ignore[union-attr]
        "open", "open", "breakup", "breakup", "spiral"]


def test_describe_is_one_readable_line(patch: Patch) -> None:
    s = state(patch, "101", universes(u2={1: 0x80, 3: 0x80, 7: 10, 11: 32, 12: 255}))
    assert s.describe().startswith("101 'Spot' 99.6% #ffffff (open) pan 0.0° tilt 0.0°")
    assert "gobo breakup shutter open" in s.describe()
