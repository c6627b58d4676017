"""Profiles: every shipped profile loads; the loader's errors point at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from showctl.lighting.profiles import (
    ProfileError,
    ProfileNotFoundError,
    list_profiles,
    load_profile,
    parse_profile,
    shipped_profiles_dir,
)

REPO = Path(__file__).resolve().parents[2]

REQUIRED = {
    "generic-dimmer",
    "dimmer-16bit",
    "rgb-par",
    "rgbw-par",
    "rgbauv-par",
    "cmy-wash",
    "moving-spot",
    "moving-wash",
}


def test_required_profiles_are_shipped() -> None:
    assert set(list_profiles()) >= REQUIRED


@pytest.mark.parametrize("name", list_profiles())
def test_every_shipped_profile_loads_with_every_mode(name: str) -> None:
    profile = load_profile(name)
    assert profile.name == name
    assert profile.manufacturer and profile.model
    for mode, channels in profile.modes.items():
        layout = profile.layout(mode)
        assert layout.footprint == len(channels)
        # every channel is accounted for: coarse offsets and fine offsets cover the mode
        used = {ch.coarse for ch in layout.attributes.values()}
        used |= {ch.fine for ch in layout.attributes.values() if ch.fine is not None}
        assert used == {i for i, c in enumerate(channels) if c is not None}


def test_shipped_profiles_are_package_data() -> None:
    # they are read through importlib.resources, so an installed wheel has them too
    root = Path(str(shipped_profiles_dir()))
    assert root.parts[-3:] == ("showctl", "data", "fixtures")


def test_top_level_fixtures_folder_holds_the_same_profiles() -> None:
    top = REPO / "fixtures"
    shipped = REPO / "showctl" / "data" / "fixtures"
    names = sorted(p.name for p in shipped.glob("*.yaml"))
    assert names == sorted(p.name for p in top.glob("*.yaml"))
    for n in names:
        assert (top / n).read_bytes() == (shipped / n).read_bytes()


def test_moving_spot_layout_is_16_bit_where_it_should_be() -> None:
    layout = load_profile("moving-spot").layout("standard")
    pan, tilt, dim = (layout.attributes[a] for a in ("pan", "tilt", "intensity"))
    assert (pan.coarse, pan.fine) == (0, 1)
    assert (tilt.coarse, tilt.fine) == (2, 3)
    assert dim.sixteen_bit and not layout.attributes["gobo"].sixteen_bit
    assert pan.spec.range == (-270, 270)
    assert layout.color_system == "wheel"
    basic = load_profile("moving-spot").layout("basic")
    assert not basic.attributes["pan"].sixteen_bit


@pytest.mark.parametrize(
    ("name", "mode", "system"),
    [
        ("rgb-par", "3ch", "mix"),
        ("rgbw-par", "8ch", "mix"),
        ("rgbauv-par", "7ch", "mix"),
        ("cmy-wash", "extended", "cmy"),
        ("moving-wash", "standard", "mix"),
        ("generic-dimmer", "1ch", None),
    ],
)
def test_color_systems(name: str, mode: str, system: str | None) -> None:
    assert load_profile(name).layout(mode).color_system == system


def test_load_by_path_and_search_dirs(tmp_path: Path) -> None:
    text = "manufacturer: Me\nmodel: Thing\nmodes:\n  one: [intensity]\n"
    (tmp_path / "rgbw-par.yaml").write_text(text)
    # a show's own folder wins over the shipped profile of the same name
    assert load_profile("rgbw-par", search_dirs=[tmp_path]).model == "Thing"
    assert load_profile(tmp_path / "rgbw-par.yaml").model == "Thing"
    assert load_profile(str(tmp_path / "rgbw-par.yaml")).name == "rgbw-par"
    assert load_profile("rgbw-par").model == "RGBW Par"


def test_edited_file_is_read_again(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    p.write_text("manufacturer: Me\nmodel: One\nmodes:\n  m: [intensity]\n")
    assert load_profile(p).model == "One"
    p.write_text("manufacturer: Me\nmodel: Two\nmodes:\n  m: [intensity]\n")
    import os

    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert load_profile(p).model == "Two"


def test_unknown_profile_suggests_the_closest() -> None:
    with pytest.raises(ProfileNotFoundError, match="unknown fixture profile 'rgbw-parr'") as exc:
        load_profile("rgbw-parr")
    assert "did you mean 'rgbw-par'" in str(exc.value)
    with pytest.raises(ProfileNotFoundError, match="no such fixture profile file"):
        load_profile("./nowhere/x.yaml")


BAD = """\
manufacturer: X
model: Y
attributes:
  pan: {rnage: [0, 540]}
  tilt: {range: [-135, 135], default: 400}
  gobo:
    slots:
      - {name: open, dmx: 0}
      - {name: Open, dmx: 10, color: "#zzz"}
  Bad-Name: {}
modes:
  std: [pan, pan.fine, tilt.fine, intesity, pan, gobo, bad-name]
"""


def test_all_problems_are_reported_at_once_with_positions() -> None:
    # structural (pydantic) errors come first, on their own
    with pytest.raises(ProfileError, match=r"bad\.yaml:4:9: unknown key 'rnage' \(did you") as exc:
        parse_profile(BAD, "bad.yaml")
    assert exc.value.problems == ["bad.yaml:4:9: unknown key 'rnage' (did you mean 'range'?)"]

    with pytest.raises(ProfileError, match=r"bad\.yaml:5:39: home value of 'tilt': 400 is") as exc:
        parse_profile(BAD.replace("rnage", "range"), "bad.yaml")
    problems = exc.value.problems
    assert (
        "bad.yaml:5:39: home value of 'tilt': 400 is outside the tilt range -135 to 135 degrees"
        in problems
    )
    assert "bad.yaml:9:16: 'gobo' has two slots named 'Open'" in problems
    assert any(p.startswith("bad.yaml:9:38: '#zzz' is not a colour") for p in problems)
    assert any(p.startswith("bad.yaml:10:3: attribute name 'Bad-Name'") for p in problems)
    assert (
        "bad.yaml:12:35: mode 'std' channel 4: unknown attribute 'intesity' (did you mean "
        "'intensity'?); declare it under 'attributes:' to use a name of your own"
    ) in problems
    assert "bad.yaml:12:45: mode 'std' channel 5: 'pan' already is channel 1" in problems
    assert (
        "bad.yaml:12:24: mode 'std' channel 3: 'tilt.fine' has no coarse channel 'tilt' "
        "in this mode" in problems
    )
    assert any("'bad-name' is not an attribute name" in p for p in problems)


def test_duplicate_keys_and_bad_yaml() -> None:
    text = "manufacturer: X\nmodel: Y\nmodes:\n  a: [intensity]\n  a: [red]\n"
    with pytest.raises(ProfileError, match=r"dup\.yaml:5:3: duplicate key 'a' \(first at") as exc:
        parse_profile(text, "dup.yaml")
    assert exc.value.problems == ["dup.yaml:5:3: duplicate key 'a' (first at line 4)"]
    with pytest.raises(ProfileError, match=r"broken\.yaml:2:1: YAML syntax error: expected") as exc:
        parse_profile("manufacturer: [unclosed\n", "broken.yaml")
    assert exc.value.problems[0].startswith("broken.yaml:2:1: ")
    with pytest.raises(ProfileError, match=r"list.yaml:1:1: a profile is a mapping"):
        parse_profile("- 1\n- 2\n", "list.yaml")


def test_missing_keys_and_slot_range() -> None:
    text = "model: Y\nattributes:\n  gobo:\n    slots:\n      - {name: a, dmx: 300}\nmodes: {}\n"
    with pytest.raises(ProfileError, match=r"m\.yaml:1:1: missing required key") as exc:
        parse_profile(text, "m.yaml")
    problems = exc.value.problems
    assert "m.yaml:1:1: missing required key 'manufacturer'" in problems
    assert any(p.startswith("m.yaml:5:24: attributes.gobo.slots[0].dmx:") for p in problems)
    assert any(p.startswith("m.yaml:6:8: modes:") for p in problems)
    text = (
        "manufacturer: X\nmodel: Y\nname: z\nattributes:\n  pan: {range: [0]}\nmodes: {m: [pan]}\n"
    )
    with pytest.raises(ProfileError, match=r"r\.yaml:3:1: unknown key 'name'") as exc:
        parse_profile(text, "r.yaml")
    assert exc.value.problems == [
        "r.yaml:3:1: unknown key 'name'",
        "r.yaml:5:16: attributes.pan.range: needs at least 2 items",
    ]


def test_custom_attribute_must_be_declared() -> None:
    text = "manufacturer: X\nmodel: Y\nmodes:\n  m: [intensity, macro]\n"
    with pytest.raises(ProfileError, match="unknown attribute 'macro'"):
        parse_profile(text, "c.yaml")
    ok = parse_profile(
        "manufacturer: X\nmodel: Y\nattributes:\n  macro: {default: 10}\n"
        "modes:\n  m: [intensity, macro, ~]\n",
        "c.yaml",
    )
    layout = ok.layout("m")
    assert layout.footprint == 3
    assert list(layout.attributes) == ["intensity", "macro"]


def test_unknown_mode_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="9ch"):
        load_profile("rgb-par").layout("9ch")


def test_lighting_never_imports_a_user_interface() -> None:
    import subprocess
    import sys

    code = (
        "import sys, showctl.engine.dmx_render, showctl.lighting.importing, "
        "showctl.lighting.import_ofl, showctl.lighting.import_qxf; "
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "False"
