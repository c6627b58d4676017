"""Values people write → exact DMX bytes, and clear errors for bad values."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from showctl.lighting.profiles import Profile, load_profile
from showctl.lighting.values import (
    ValueConversionError,
    attribute_value,
    mix_color,
    parse_color,
    to_normalized,
)

from .conftest import RenderOne

WIDE_PAN = """\
manufacturer: Test
model: Wide pan
attributes:
  pan: {range: [0, 540]}
  tilt: {range: [0, 270]}
modes:
  std: [pan, pan.fine, tilt, tilt.fine]
  split: [pan, tilt, pan.fine, tilt.fine]
"""


# ------------------------------------------------------------------------ intensity


@pytest.mark.parametrize(
    ("value", "byte"),
    [
        (80, 204),
        (100, 255),
        (0, 0),
        ("full", 255),
        ("out", 0),
        ("off", 0),
        ("50%", 128),
        (50, 128),
        ("33.3", 85),
        (12.5, 32),
        ({"dmx": 127}, 127),
        ({"dmx16": 65535}, 255),
    ],
)
def test_intensity_8_bit(render_one: RenderOne, value: object, byte: int) -> None:
    assert render_one("generic-dimmer", {"intensity": value}) == bytes([byte])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, b"\xff\xff"),
        (50, b"\x80\x00"),
        (0, b"\x00\x00"),
        (1, b"\x02\x8f"),
        ({"dmx": 127}, b"\x7f\x00"),
        ({"dmx16": 4660}, b"\x12\x34"),
        ("dimmer", None),
    ],
)
def test_intensity_16_bit_is_coarse_then_fine(
    render_one: RenderOne, value: object, expected: bytes | None
) -> None:
    if expected is None:  # "dimmer" is an alias of the attribute, not a value
        assert render_one("dimmer-16bit", {"dimmer": 100}) == b"\xff\xff"
        return
    assert render_one("dimmer-16bit", {"intensity": value}) == expected


def test_bad_intensity_names_fixture_attribute_and_value() -> None:
    layout = load_profile("generic-dimmer").layout("1ch")
    with pytest.raises(ValueConversionError, match="fixture 7 'Cyc': intensity: 120 is") as exc:
        to_normalized(layout, "intensity", 120, fixture="fixture 7 'Cyc'")
    assert str(exc.value) == "fixture 7 'Cyc': intensity: 120 is outside 0-100 %"
    with pytest.raises(ValueConversionError, match=r"'lots' is not a value for intensity"):
        to_normalized(layout, "intensity", "lots")
    with pytest.raises(ValueConversionError, match=r"True is not a value"):
        to_normalized(layout, "intensity", True)
    with pytest.raises(ValueConversionError, match=r"dmx is 0-255"):
        to_normalized(layout, "intensity", {"dmx": 256})
    with pytest.raises(ValueConversionError, match=r"unknown key 'dmxx'"):
        to_normalized(layout, "intensity", {"dmxx": 1})


def test_missing_attribute_lists_what_the_fixture_has() -> None:
    layout = load_profile("rgbw-par").layout("8ch")
    with pytest.raises(ValueConversionError, match="fixture 1 'DS wash L': gobo: rgbw-par") as exc:
        to_normalized(layout, "gobo", "breakup", fixture="fixture 1 'DS wash L'")
    assert str(exc.value) == (
        "fixture 1 'DS wash L': gobo: rgbw-par mode 8ch has no 'gobo'; it has: intensity, "
        "red, green, blue, white, strobe, effect, effect_speed"
    )


# ------------------------------------------------------------------------ position


def test_pan_270_of_540_is_0x8000_coarse_then_fine(
    render_one: RenderOne, make_profile: Callable[[str], Profile]
) -> None:
    prof = make_profile(WIDE_PAN)
    assert render_one(prof, {"pan": 270, "tilt": 135}, mode="std") == b"\x80\x00\x80\x00"
    assert render_one(prof, {"pan": 540, "tilt": 0}, mode="std") == b"\xff\xff\x00\x00"
    # 90 degrees of 540: 65535 / 6 = 10922.5 -> 10923 = 0x2AAB
    assert render_one(prof, {"pan": 90}, mode="std")[:2] == b"\x2a\xab"
    # fine channels elsewhere in the mode still get the low byte
    assert render_one(prof, {"pan": 90, "tilt": 135}, mode="split") == b"\x2a\x80\xab\x00"


def test_centred_pan_tilt_of_the_shipped_spot(render_one: RenderOne) -> None:
    out = render_one("moving-spot", {"pan": 0, "tilt": -20}, mode="standard")
    # tilt -20 of -135..135: 115/270 * 65535 = 27913.0 -> 0x6D09
    assert out[0:4] == b"\x80\x00\x6d\x09"
    out = render_one("moving-spot", {"pan": "-270deg", "tilt": "135°"}, mode="standard")
    assert out[0:4] == b"\x00\x00\xff\xff"


def test_position_errors(make_profile: Callable[[str], Profile]) -> None:
    spot = load_profile("moving-spot").layout("standard")
    with pytest.raises(ValueConversionError, match="fixture 101 'Spot 1': pan: 300 is") as exc:
        to_normalized(spot, "pan", 300, fixture="fixture 101 'Spot 1'")
    assert str(exc.value) == (
        "fixture 101 'Spot 1': pan: 300 is outside the pan range -270 to 270 degrees"
    )
    norange = make_profile("manufacturer: T\nmodel: T\nmodes:\n  m: [pan, tilt]\n").layout("m")
    with pytest.raises(ValueConversionError, match=r"no degrees range for pan.*'50%'"):
        to_normalized(norange, "pan", 45)
    assert to_normalized(norange, "pan", "50%") == {"pan": 0.5}


def test_zoom_in_degrees(render_one: RenderOne) -> None:
    # moving-spot zoom range 12..30 degrees: 21 is the middle
    out = render_one("moving-spot", {"zoom": 21}, mode="standard")
    assert out[8] == 128
    assert render_one("moving-spot", {"zoom": 12}, mode="standard")[8] == 0
    assert render_one("moving-spot", {"zoom": 30}, mode="standard")[8] == 255


# ------------------------------------------------------------------------ slots


def test_gobo_and_shutter_by_name(render_one: RenderOne) -> None:
    out = render_one("moving-spot", {"gobo": "breakup", "shutter": "strobe"}, mode="standard")
    assert out[6] == 10 and out[10] == 64
    # names ignore case, spaces and hyphens; {slot: n} picks by position
    assert render_one("moving-spot", {"gobo": "Break-Up"}, mode="standard")[6] == 10
    assert render_one("moving-spot", {"gobo": {"slot": 3}}, mode="standard")[6] == 20
    assert render_one("moving-spot", {"control": "lamp on"}, mode="standard")[13] == 100


def test_bad_gobo_suggests() -> None:
    spot = load_profile("moving-spot").layout("standard")
    with pytest.raises(ValueConversionError, match="fixture 101 'Spot 1': gobo: no slot") as exc:
        to_normalized(spot, "gobo", "brakeup", fixture="fixture 101 'Spot 1'")
    assert str(exc.value) == (
        "fixture 101 'Spot 1': gobo: no slot named 'brakeup' (did you mean 'breakup'?); "
        "slots are: open, breakup, dots, stars, leaves, window, cone, spiral"
    )
    with pytest.raises(ValueConversionError, match="has slots 1-8"):
        to_normalized(spot, "gobo", {"slot": 9})


def test_slot_on_16_bit_attribute_lands_on_coarse(make_profile: Callable[[str], Profile]) -> None:
    prof = make_profile(
        "manufacturer: T\nmodel: T\nattributes:\n  color_wheel:\n    slots:\n"
        "      - {name: red, dmx: 10, color: red}\nmodes:\n  m: [color_wheel, color_wheel.fine]\n"
    )
    spec = prof.spec("color_wheel")
    v = attribute_value(spec, "color_wheel", "red", sixteen_bit=True)
    assert round(v * 65535) == 10 * 256


# ------------------------------------------------------------------------ colour


def test_parse_color_forms() -> None:
    assert parse_color("#ff8800") == (1.0, 0x88 / 255, 0.0)
    assert parse_color("#f80") == (1.0, 0x88 / 255, 0.0)
    assert parse_color("rgb(255, 136, 0)") == (1.0, 136 / 255, 0.0)
    assert parse_color("rgb(100%, 50%, 0%)") == (1.0, 0.5, 0.0)
    assert parse_color([100, 50, 0]) == (1.0, 0.5, 0.0)
    assert parse_color([0, 0, 0, 100]) == (0.0, 0.0, 0.0, 1.0)
    assert parse_color("Warm White") == parse_color("warm-white") == parse_color("warmwhite")
    assert parse_color("congo blue") == (0x1C / 255, 0x0A / 255, 0x72 / 255)
    r, g, b = parse_color("3200K")
    assert r == 1.0 and 0.6 < g < 0.8 and 0.4 < b < 0.6


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("congo bleu", "'congo bleu' is not a colour (did you mean 'congo blue'?)"),
        ([255, 128, 0], "colour lists are percentages 0-100; for 0-255 write 'rgb(255, 128, 0)'"),
        ([1, 2], "a list needs 3 (RGB) or 4 (RGBW) percentages"),
        ("rgb(300, 0, 0)", "'300' is outside 0-255"),
        (42, "42 is not a colour"),
    ],
)
def test_bad_colours(value: object, message: str) -> None:
    with pytest.raises(ValueConversionError, match=re.escape(message)) as exc:
        parse_color(value)
    assert message in str(exc.value)


def test_rgb_par(render_one: RenderOne) -> None:
    assert render_one("rgb-par", {"color": "#ff8800"}, mode="3ch") == b"\xff\x88\x00"
    assert render_one("rgb-par", {"color": [100, 50, 0]}, mode="3ch") == b"\xff\x80\x00"
    # an RGBW list on an RGB fixture: white is made from the primaries
    assert render_one("rgb-par", {"color": [50, 0, 0, 50]}, mode="3ch") == b"\xff\x80\x80"
    out = render_one("rgb-par", {"intensity": 100, "color": "red"}, mode="5ch")
    assert out == b"\xff\xff\x00\x00\x00"


def test_rgbw_white_extraction_is_min(render_one: RenderOne) -> None:
    assert render_one("rgbw-par", {"color": "white"}, mode="4ch") == b"\x00\x00\x00\xff"
    # warm white #ffd6aa: W = min = 0xaa; R, G, B keep what is left
    assert render_one("rgbw-par", {"color": "warm white"}, mode="4ch") == bytes(
        [0xFF - 0xAA, 0xD6 - 0xAA, 0, 0xAA]
    )
    assert render_one("rgbw-par", {"color": "#ff8800"}, mode="4ch") == b"\xff\x88\x00\x00"
    # an explicit RGBW list is used as given
    assert render_one("rgbw-par", {"color": [100, 0, 0, 40]}, mode="4ch") == b"\xff\x00\x00\x66"


def test_rgba_uv_amber_extraction(render_one: RenderOne) -> None:
    # amber adds red plus half green: orange [100, 50, 0] is pure amber
    assert render_one("rgbauv-par", {"color": [100, 50, 0]}, mode="5ch") == b"\x00\x00\x00\xff\x00"
    # yellow: amber takes all the red and half the green; green keeps the rest
    assert render_one("rgbauv-par", {"color": "yellow"}, mode="5ch") == b"\x00\x80\x00\xff\x00"
    # blue has no amber in it; UV is never touched by colour
    out = render_one("rgbauv-par", {"uv": 60, "color": "blue"}, mode="5ch")
    assert out == b"\x00\x00\xff\x00\x99"


def test_cmy_is_subtractive(render_one: RenderOne) -> None:
    assert render_one("cmy-wash", {"color": "red"}, mode="basic") == b"\x00\x00\xff\xff"
    assert render_one("cmy-wash", {"color": "white"}, mode="basic") == b"\x00\x00\x00\x00"
    out = render_one("cmy-wash", {"intensity": 100, "color": "#00ffff"}, mode="basic")
    assert out == b"\xff\xff\x00\x00"


def test_colour_wheel_nearest_or_by_name(render_one: RenderOne) -> None:
    def wheel(value: object) -> int:
        return render_one("moving-spot", {"color": value}, mode="standard")[5]

    assert wheel("congo blue") == 70  # slot named like the request
    assert wheel("#ee1010") == 10  # nearest: red
    assert wheel("royal blue") == 60  # nearest: blue
    assert wheel("navy") == 70  # nearest: the deep congo blue, not bright blue
    assert wheel("white") == 0  # open
    assert wheel("cto") == 100
    assert wheel("tungsten") == 100  # nearest to the CTO slot's colour
    assert render_one("moving-spot", {"color_wheel": "pink"}, mode="standard")[5] == 90


def test_colour_on_a_dimmer_is_an_error() -> None:
    layout = load_profile("generic-dimmer").layout("1ch")
    with pytest.raises(ValueConversionError, match="fixture 3: colour: generic-dimmer mode") as exc:
        to_normalized(layout, "colour", "red", fixture="fixture 3")
    assert (
        str(exc.value)
        == "fixture 3: colour: generic-dimmer mode 1ch has no colour mixing or colour wheel"
    )


unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@given(unit, unit, unit)
def test_rgbw_mix_reconstructs_the_colour(r: float, g: float, b: float) -> None:
    levels = mix_color((r, g, b), ["red", "green", "blue", "white"])
    w = levels["white"]
    assert min(levels.values()) >= 0.0
    assert levels["red"] + w == pytest.approx(r)
    assert levels["green"] + w == pytest.approx(g)
    assert levels["blue"] + w == pytest.approx(b)


@given(unit, unit, unit)
def test_rgbaw_mix_reconstructs_the_colour(r: float, g: float, b: float) -> None:
    levels = mix_color((r, g, b), ["red", "green", "blue", "white", "amber"])
    w, a = levels["white"], levels["amber"]
    assert all(0.0 <= v <= 1.0 for v in levels.values())
    assert levels["red"] + w + a == pytest.approx(r)
    assert levels["green"] + w + a / 2 == pytest.approx(g)
    assert levels["blue"] + w == pytest.approx(b)


@given(st.floats(min_value=-270, max_value=270, allow_nan=False))
def test_pan_values_stay_normalized(deg: float) -> None:
    spec = load_profile("moving-spot").spec("pan")
    v = attribute_value(spec, "pan", deg)
    assert 0.0 <= v <= 1.0
    assert v * 540 - 270 == pytest.approx(deg, abs=1e-9)
