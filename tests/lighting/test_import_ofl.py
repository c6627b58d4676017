"""Open Fixture Library import: schema 12.x files we wrote after the published schema."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from render_support import PatchRig

from showctl.lighting.import_ofl import import_ofl_text
from showctl.lighting.importing import FixtureImportError, import_fixture, import_fixture_result
from showctl.lighting.patch import PatchEntry, build_patch
from showctl.lighting.profiles import parse_profile

from .conftest import DATA

SPOT = DATA / "ofl-spot.json"
PAR = DATA / "ofl-rgbw-par.json"


def test_moving_head_with_fine_channels_and_wheels() -> None:
    result = import_fixture_result(SPOT)
    assert result.suggested_name == "acme-lighting-test-spot-300"
    assert result.warnings == [
        "channel 'Color Wheel' does several things (color_wheel, color_wheel_rotation); "
        "imported as color_wheel"
    ]
    prof = parse_profile(result.yaml_text, "spot.yaml", result.suggested_name)
    assert (prof.manufacturer, prof.model, prof.type) == (
        "Acme Lighting",
        "Test Spot 300",
        "Moving Head",
    )
    assert list(prof.modes) == ["ext", "basic", "Split"]
    ext = prof.layout("ext")
    assert ext.footprint == 12
    assert (ext.attributes["pan"].coarse, ext.attributes["pan"].fine) == (0, 1)
    assert ext.attributes["intensity"].fine == 10
    # 0..540 degrees imported centred, like the shipped profiles
    assert prof.spec("pan").range == (-270, 270)
    assert prof.spec("tilt").range == (-135, 135)
    # zoom "narrow".."wide" resolved through the lens's degreesMinMax
    assert prof.spec("zoom").range == (13, 38)
    # a 16-bit defaultValue (32768) becomes the coarse byte
    assert prof.spec("tilt").default == {"dmx": 128}
    wheel = [(s.name, s.dmx, s.color) for s in prof.spec("color_wheel").slots]
    assert wheel[:4] == [
        ("open", 4, "#ffffff"),
        ("Red", 14, "#ff0000"),
        ("Congo Blue", 24, "#1c0a72"),
        ("Lime", 34, "#80ff00"),
    ]
    gobos = [(s.name, s.dmx) for s in prof.spec("gobo").slots]
    assert gobos == [("open", 4), ("Breakup", 14), ("dots", 24), ("shake", 142)]
    shutter = prof.spec("shutter")
    assert [s.name for s in shutter.slots] == ["closed", "open", "strobe", "random strobe"]
    assert shutter.default == {"dmx": 47}  # homes with the shutter open
    assert prof.layout("Split").footprint == 6
    split = prof.layout("Split")
    assert (split.attributes["pan"].coarse, split.attributes["pan"].fine) == (0, 2)
    assert not prof.layout("basic").attributes["pan"].sixteen_bit


def test_imported_spot_renders(tmp_path: Path) -> None:
    text, _ = import_fixture(SPOT)
    path = tmp_path / "spot.yaml"
    path.write_text(text)
    c = PatchRig(
        build_patch([PatchEntry(id=1, profile=str(path), mode="ext", universe=0, address=1)])
    )
    s = c.home_state()
    c.apply(s, 1, {"pan": 90, "color": "congo blue", "gobo": "breakup", "intensity": 100})
    frame = c.render_bytes(s)[0]
    # pan 90 of -270..270 = 360/540 -> 43690 = 0xAAAA
    assert frame[0:2] == b"\xaa\xaa"
    assert frame[2:4] == b"\x80\x00"  # tilt home = defaultValue
    assert frame[4] == 24 and frame[5] == 14
    assert frame[9:11] == b"\xff\xff"
    assert np.frombuffer(frame, np.uint8)[8] == 47


def test_rgbw_par_with_several_modes() -> None:
    result = import_fixture_result(PAR)
    assert result.warnings == [
        "$schema names no version (master); read as OFL schema 12.x — export it from OFL "
        "to pin the version",
        "no manufacturer in the file; set 'manufacturer:' by hand",
    ]
    assert result.yaml_text.startswith(
        "# Imported from Open Fixture Library fixture ofl-rgbw-par.json.\n# Import warnings:\n"
    )
    prof = parse_profile(result.yaml_text, "par.yaml")
    assert prof.manufacturer == "Unknown"
    assert {m: prof.modes[m] for m in prof.modes} == {
        "4ch": ["red", "green", "blue", "white"],
        "6ch": ["intensity", "red", "green", "blue", "white", "shutter"],
        "7ch": ["intensity", "red", "green", "blue", "white", "shutter", "effect"],
    }
    assert [s.name for s in prof.spec("effect").slots] == [
        "no function",
        "Colour jump",
        "Colour fade",
    ]
    assert prof.layout("6ch").color_system == "mix"


def _spot_with(**changes: object) -> str:
    data = json.loads(SPOT.read_text())
    data.update(changes)
    return json.dumps(data)


def test_other_schema_versions_are_refused() -> None:
    old = "https://raw.githubusercontent.com/OpenLightingProject/open-fixture-library/schema-11.2.0/schemas/fixture.json"
    with pytest.raises(FixtureImportError, match=r"old\.json: Open Fixture Library schema") as exc:
        import_ofl_text(_spot_with(**{"$schema": old}), "old.json")
    assert str(exc.value) == (
        "old.json: Open Fixture Library schema 11.2.0 is not supported; showctl reads schema "
        "12.x. Download the fixture again from OFL as 'Open Fixture Library JSON' to get "
        "the current schema"
    )
    with pytest.raises(FixtureImportError, match="no \\$schema; this is not an Open Fixture"):
        import_ofl_text(json.dumps({"name": "x"}), "x.json")
    with pytest.raises(FixtureImportError, match="is not the Open Fixture Library fixture schema"):
        import_ofl_text(_spot_with(**{"$schema": "https://example.com/other.json"}), "x.json")


def test_bad_json_points_at_line_and_column(tmp_path: Path) -> None:
    p = tmp_path / "broken.json"
    p.write_text('{\n  "name": "x",\n  oops\n}\n')
    with pytest.raises(FixtureImportError, match=r"broken\.json:3:3: not valid JSON") as exc:
        import_fixture(p)
    assert str(exc.value).startswith(f"{p}:3:3: not valid JSON")


def test_unsupported_parts_become_warnings() -> None:
    data = json.loads(SPOT.read_text())
    data["availableChannels"]["Pan"]["fineChannelAliases"] = ["Pan fine", "Pan fine^2"]
    data["modes"].append(
        {"name": "Odd", "channels": ["Pan", "Pan fine", "Pan fine^2", "Switcher", "Tilt fine"]}
    )
    result = import_ofl_text(json.dumps(data), "odd.json")
    odd = [w for w in result.warnings if w.startswith("mode 'Odd'")]
    assert odd == [
        "mode 'Odd': channel 3 ('Pan fine^2') is a third byte (24-bit); left unused",
        "mode 'Odd': channel 4 ('Switcher') is a switching or template channel we do not "
        "support; left unused",
        "mode 'Odd': channel 5 (tilt.fine) has no coarse channel in this mode; left unused",
    ]
    prof = parse_profile(result.yaml_text, "odd.yaml")
    assert prof.modes["Odd"] == ["pan", "pan.fine", None, None, None]
