"""Open Fixture Library pixel matrices: every channel at its address, channel by channel,
footprints equal to the source's; the maker from an OFL repository's folder layout.

The two fixtures are hand-written after OFL's schema 12 (matrix, templateChannels,
matrixChannels insert blocks with each repeatFor and channelOrder form)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from render_support import PatchRig

from showctl.lighting.importing import import_fixture_result
from showctl.lighting.patch import PatchEntry, PatchError, build_patch
from showctl.lighting.profiles import Profile, parse_profile

from .conftest import DATA

DOTZ = DATA / "ofl-matrix-dotz.json"
BAR = DATA / "ofl-matrix-bar.json"


def channels(prof: Profile, mode: str) -> list[str | None]:
    """The mode channel by channel: attribute (or attribute.fine) at each address."""
    layout = prof.layout(mode)
    out: list[str | None] = [None] * layout.footprint
    for name, ch in layout.attributes.items():
        out[ch.coarse] = name
        if ch.fine is not None:
            out[ch.fine] = f"{name}.fine"
    return out


@pytest.fixture(scope="module")
def dotz() -> Profile:
    result = import_fixture_result(DOTZ)
    return parse_profile(result.yaml_text, "dotz.yaml", result.suggested_name)


def test_matrix_block_each_pixel_xyz_per_pixel(dotz: Profile) -> None:
    xyz = [f"({x}, {y})" for y in range(1, 5) for x in range(1, 5)]  # X varies fastest
    want = ["intensity"]
    for key in xyz:
        slug = "p" + key.strip("()").replace(", ", "_")
        want += [f"red_{slug}", f"green_{slug}", f"blue_{slug}"]
    want += ["shutter", "effect"]
    assert dotz.layout("51ch").footprint == 51
    assert channels(dotz, "51ch") == want
    # the shutter sits at channel 50, not at 2 as it did when the block was dropped
    assert dotz.layout("51ch").attributes["shutter"].coarse == 49
    assert dotz.spec("red_p3_2").label == "Red (3, 2)"


def test_pixel_groups_per_channel_and_yxz_order_with_a_gap(dotz: Profile) -> None:
    assert channels(dotz, "8ch") == ["intensity", "red_left", "red_right", "green_left",
                                     "green_right", "blue_left", "blue_right", "shutter"]
    yxz = [f"intensity_p{x}_{y}" for x in range(1, 5) for y in range(1, 5)]  # Y fastest
    want: list[str | None] = []
    for name in yxz:
        want += [name, None]  # a null template channel keeps its slot
    assert channels(dotz, "33ch") == [*want, "shutter"]


def test_resolved_template_keys_and_their_fine_alias(dotz: Profile) -> None:
    assert channels(dotz, "6ch") == ["red_p1_1", "green_p1_1", "blue_p1_1", "intensity_p1_1",
                                     "intensity_p1_1.fine", "shutter"]


def test_pixel_keys_with_holes_explicit_order_and_abc() -> None:
    result = import_fixture_result(BAR)
    prof = parse_profile(result.yaml_text, "bar.yaml")
    assert channels(prof, "4ch") == ["intensity", "white_right", "white_left", "white_mid"]
    assert channels(prof, "abc") == ["white_left", "white_mid", "white_right", "intensity"]
    assert prof.spec("white_mid").label == "White LED Mid"


def test_matrix_fixture_renders_each_pixel_at_its_address(tmp_path: Path) -> None:
    path = tmp_path / "dotz.yaml"
    path.write_text(import_fixture_result(DOTZ).yaml_text)
    c = PatchRig(build_patch(
        [PatchEntry(id=1, profile=str(path), mode="51ch", universe=0, address=1)]))
    s = c.home_state()
    c.apply(s, 1, {"intensity": 100, "green_p2_1": 100, "blue_p4_4": 50})
    frame = c.render_bytes(s)[0]
    assert frame[0] == 255
    assert frame[1 + 3 * 1 + 1] == 255  # pixel (2, 1) green: channel 6
    assert frame[1 + 3 * 15 + 2] in (127, 128)  # pixel (4, 4) blue: channel 48
    assert frame[49] == 14  # shutter homes open, at channel 50
    assert sum(1 for b in frame[1:49] if b) == 2


def test_overlapping_matrix_patches_are_caught(tmp_path: Path) -> None:
    path = tmp_path / "dotz.yaml"
    path.write_text(import_fixture_result(DOTZ).yaml_text)
    with pytest.raises(PatchError, match="overlap"):
        build_patch([PatchEntry(id=1, profile=str(path), mode="51ch", universe=0, address=1),
                     PatchEntry(id=2, profile=str(path), mode="8ch", universe=0, address=51)])
    build_patch([PatchEntry(id=1, profile=str(path), mode="51ch", universe=0, address=1),
                 PatchEntry(id=2, profile=str(path), mode="8ch", universe=0, address=52)])


def test_manufacturer_from_the_ofl_repository_layout(tmp_path: Path) -> None:
    fixtures = tmp_path / "open-fixture-library" / "fixtures"
    (fixtures / "american-dj").mkdir(parents=True)
    (fixtures / "manufacturers.json").write_text(json.dumps({
        "$schema": "https://raw.githubusercontent.com/OpenLightingProject/"
                   "open-fixture-library/master/schemas/manufacturers.json",
        "american-dj": {"name": "American DJ", "website": "https://www.adj.com/"},
    }))
    shutil.copy(DOTZ, fixtures / "american-dj" / "test-dotz-4x4.json")
    result = import_fixture_result(fixtures / "american-dj" / "test-dotz-4x4.json")
    assert parse_profile(result.yaml_text, "x.yaml").manufacturer == "American DJ"
    assert result.suggested_name == "american-dj-test-dotz-4x4"
    assert not any("manufacturer" in w for w in result.warnings)
    # in a fixtures/ folder without manufacturers.json: the key, capitalised
    (fixtures / "manufacturers.json").unlink()
    result = import_fixture_result(fixtures / "american-dj" / "test-dotz-4x4.json")
    assert parse_profile(result.yaml_text, "x.yaml").manufacturer == "American Dj"
    # a lone file names no maker
    alone = tmp_path / "test-dotz-4x4.json"
    shutil.copy(DOTZ, alone)
    assert "manufacturer: Unknown" in import_fixture_result(alone).yaml_text
