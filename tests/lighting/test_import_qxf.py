"""QLC+ .qxf import: files we wrote after the format, and real ones when QLC+ is installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from render_support import PatchRig

from showctl.lighting.import_qxf import import_qxf_text
from showctl.lighting.importing import FixtureImportError, import_fixture, import_fixture_result
from showctl.lighting.patch import PatchEntry, build_patch
from showctl.lighting.profiles import parse_profile

from .conftest import DATA

QLC_FIXTURES = Path("/usr/share/qlcplus/fixtures")

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE FixtureDefinition>\n'
    '<FixtureDefinition xmlns="http://www.qlcplus.org/FixtureDefinition">\n'
    " <Manufacturer>Old</Manufacturer>\n <Model>Scanner</Model>\n <Type>Scanner</Type>\n"
)


def test_moving_head_with_fine_channels_and_wheels() -> None:
    result = import_fixture_result(DATA / "qxf-spot.qxf")
    assert result.warnings == []
    assert result.suggested_name == "acme-test-spot-150"
    prof = parse_profile(result.yaml_text, "spot.yaml")
    assert (prof.manufacturer, prof.model, prof.type) == ("Acme", "Test Spot 150", "Moving Head")
    assert prof.modes["Extended"] == [
        "pan",
        "pan.fine",
        "tilt",
        "tilt.fine",
        "speed",
        "color_wheel",
        "gobo",
        "zoom",
        "shutter",
        "intensity",
        "intensity.fine",
        None,
    ]
    assert prof.modes["Basic"] == ["pan", "tilt", "color_wheel", "gobo", "shutter", "intensity"]
    # Physical/Focus PanMax 540, TiltMax 270 -> centred ranges; Lens 12..30 -> zoom
    assert prof.spec("pan").range == (-270, 270)
    assert prof.spec("tilt").range == (-135, 135)
    assert prof.spec("zoom").range == (12, 30)
    assert prof.spec("pan").default == {"dmx": 128}
    wheel = [(s.name, s.dmx, s.color) for s in prof.spec("color_wheel").slots]
    assert wheel == [
        ("White", 3, "#ffffff"),
        ("Red", 11, "#ff0000"),
        ("Green", 19, "#00ff00"),
        ("Blue", 27, "#0000ff"),
        ("Red/Blue", 35, None),
        ("Rainbow", 147, None),
    ]
    assert [(s.name, s.dmx) for s in prof.spec("gobo").slots] == [
        ("Open", 4),
        ("Breakup", 14),
        ("Dots", 24),
        ("Breakup shake", 142),
    ]
    # no Default on the shutter: home is its "Open" capability
    assert prof.spec("shutter").default == {"dmx": 47}


def test_imported_spot_renders(tmp_path: Path) -> None:
    text, warnings = import_fixture(DATA / "qxf-spot.qxf")
    assert warnings == []
    p = tmp_path / "spot.yaml"
    p.write_text(text)
    c = PatchRig(
        build_patch([PatchEntry(id=1, profile=str(p), mode="Extended", universe=0, address=1)])
    )
    s = c.home_state()
    c.apply(s, 1, {"tilt": 45, "color": "#f00010", "gobo": "dots", "zoom": 30, "dimmer": 100})
    frame = c.render_bytes(s)[0]
    assert frame[0:2] == b"\x80\x00"  # home: Default=128 on the coarse byte
    assert frame[2:4] == b"\xaa\xaa"  # tilt 45 of -135..135 = 180/270
    assert frame[5] == 11 and frame[6] == 24 and frame[7] == 255
    assert frame[8] == 47 and frame[9:11] == b"\xff\xff" and frame[11] == 0


def test_rgbw_par_with_legacy_groups_and_several_modes() -> None:
    result = import_fixture_result(DATA / "qxf-rgbw-par.qxf")
    prof = parse_profile(result.yaml_text, "par.yaml")
    assert prof.modes == {
        "4 Channel": ["red", "green", "blue", "white"],
        "6 Channel": ["intensity", "red", "green", "blue", "white", "shutter"],
    }
    assert [s.name for s in prof.spec("shutter").slots] == ["No strobe", "Strobe slow to fast"]
    # PanMax 0: a fixed fixture has no pan, so no warning about pan travel
    assert result.warnings == []


def test_legacy_byte_1_is_the_fine_channel_even_when_not_adjacent() -> None:
    xml = HEAD + (
        ' <Channel Name="Pan"><Group Byte="0">Pan</Group></Channel>\n'
        ' <Channel Name="Tilt"><Group Byte="0">Tilt</Group></Channel>\n'
        ' <Channel Name="Pan LSB"><Group Byte="1">Pan</Group></Channel>\n'
        ' <Channel Name="Tilt LSB"><Group Byte="1">Tilt</Group></Channel>\n'
        ' <Channel Name="Movement speed"><Group Byte="0">Speed</Group></Channel>\n'
        ' <Channel Name="Blank"><Group Byte="0">Nothing</Group></Channel>\n'
        ' <Mode Name="16 bit">\n  <Channel Number="0">Pan</Channel>\n'
        '  <Channel Number="1">Tilt</Channel>\n  <Channel Number="2">Pan LSB</Channel>\n'
        '  <Channel Number="3">Tilt LSB</Channel>\n  <Channel Number="4">Movement speed</Channel>\n'
        '  <Channel Number="5">Blank</Channel>\n </Mode>\n'
        ' <Mode Name="8 bit">\n  <Channel Number="0">Pan</Channel>\n'
        '  <Channel Number="1">Tilt</Channel>\n  <Channel Number="2">Tilt LSB</Channel>\n'
        " </Mode>\n</FixtureDefinition>\n"
    )
    result = import_qxf_text(xml, "old.qxf")
    prof = parse_profile(result.yaml_text, "old.yaml")
    assert prof.modes["16 bit"] == ["pan", "tilt", "pan.fine", "tilt.fine", "pan_tilt_speed", None]
    assert prof.modes["8 bit"] == ["pan", "tilt", "tilt.fine"]
    assert (
        "no pan travel in the file (Physical/Focus PanMax); pan takes percentages or DMX, "
        "not degrees, until you add a range" in result.warnings
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<FixtureDefinition/>',
            "evil.qxf:2:1: refusing XML with a DTD subset or entity declarations",
        ),
        ("<FixtureDefinition><Model>x</Model>", "evil.qxf:1:36: not well-formed XML"),
        (
            "<InputProfile/>",
            "evil.qxf: not a QLC+ fixture definition (root element is <InputProfile>)",
        ),
        (
            HEAD.replace("<Model>Scanner</Model>", "") + "</FixtureDefinition>",
            "evil.qxf: the fixture definition has no Manufacturer or Model",
        ),
    ],
)
def test_unusable_files(text: str, message: str) -> None:
    with pytest.raises(FixtureImportError, match=re.escape(message)) as exc:
        import_qxf_text(text, "evil.qxf")
    assert str(exc.value).startswith(message)


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_text("hello")
    with pytest.raises(FixtureImportError, match="not a fixture definition we can import"):
        import_fixture(p)
    with pytest.raises(FixtureImportError, match="cannot read"):
        import_fixture(tmp_path / "missing.qxf")


@pytest.mark.skipif(not QLC_FIXTURES.is_dir(), reason="QLC+ fixtures not installed")
def test_real_qlcplus_fixtures_import_to_valid_profiles() -> None:
    files = sorted(QLC_FIXTURES.rglob("*.qxf"))
    assert len(files) > 100
    sample = files[:: max(1, len(files) // 60)]  # about 60 files across manufacturers
    moving = 0
    for f in sample:
        result = import_fixture_result(f)
        prof = parse_profile(result.yaml_text, str(f), result.suggested_name)
        for mode in prof.modes:
            layout = prof.layout(mode)
            assert 1 <= layout.footprint <= 512
        if "pan" in prof.attributes and prof.spec("pan").range is not None:
            moving += 1
    assert moving > 0
