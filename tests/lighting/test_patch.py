"""The patch: entries, every problem at once with its entry index, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from showctl.lighting.patch import (
    AttributeLookupError,
    PatchEntry,
    PatchError,
    attribute_for,
    build_patch,
    parse_patch,
    validate_patch,
)
from showctl.lighting.values import ValueConversionError

SHOW = """
patch:
  - {id: 1, name: "DS wash L", profile: rgbw-par, mode: 8ch, universe: 1, address: 1,
     groups: [front], position: [-3, 1]}
  - {id: 2, name: "DS wash R", profile: rgbw-par, mode: 8ch, universe: 1, address: 9,
     groups: [front]}
  - {id: 101, name: "Spot 1", profile: moving-spot, mode: standard, universe: 2, address: 1}
  - {id: cyc, profile: generic-dimmer, universe: 1, address: 512}
"""


def entries() -> list[PatchEntry]:
    return parse_patch(yaml.safe_load(SHOW)["patch"])


def test_the_suggested_show_syntax_parses_and_builds() -> None:
    patch = build_patch(entries())
    assert [f.key for f in patch.fixtures] == ["1", "2", "101", "cyc"]
    assert patch.fixture(101).label == "fixture 101 'Spot 1'"
    assert patch.fixture("101") is patch.fixture(101)
    assert patch.fixture("cyc").layout.mode == "1ch"  # mode omitted: the first one
    assert patch.fixture(1).entry.position == (-3.0, 1.0)
    assert [f.key for f in patch.select("front")] == ["1", "2"]
    assert [f.key for f in patch.select("1")] == ["1"]
    assert patch.universes() == [1, 2]


def test_entry_model_rejects_typos_and_bad_addresses() -> None:
    with pytest.raises(ValidationError, match="a fixture id cannot be blank") as exc:
        parse_patch(
            [
                {"id": 1, "profile": "rgb-par", "universe": 1, "adress": 1},
                {"id": 2, "profile": "rgb-par", "universe": 1, "address": 513},
                {"id": " ", "profile": "rgb-par", "universe": 1, "address": 1},
            ]
        )
    locs = {tuple(e["loc"]) for e in exc.value.errors()}
    assert (0, "adress") in locs and (0, "address") in locs
    assert (1, "address") in locs
    assert any(loc[0] == 2 and loc[1] == "id" for loc in locs)


def test_all_problems_at_once_with_entry_indices() -> None:
    bad = [
        PatchEntry(id=1, profile="rgbw-par", mode="8ch", universe=1, address=1),
        PatchEntry(id=2, profile="rgbw-par", mode="8ch", universe=1, address=5),  # overlaps 1
        PatchEntry(id="1", profile="rgb-par", mode="3ch", universe=2, address=1),  # dup id
        PatchEntry(id=4, profile="moving-spot", universe=3, address=500),  # past 512
        PatchEntry(id=5, profile="rgbw-parr", universe=3, address=1),  # unknown profile
        PatchEntry(id=6, profile="rgbw-par", mode="9ch", universe=3, address=1),  # bad mode
        PatchEntry(id=7, profile="generic-dimmer", universe=1, address=12, groups=["2"]),
    ]
    problems = validate_patch(bad)
    by_index = {(p.index, p.field): p.message for p in problems}
    assert [p.index for p in problems] == sorted(p.index for p in problems)
    assert by_index[(1, "address")] == (
        "fixture 2 (5-12) overlaps fixture 1 (1-8) on universe 1 at 5-8"
    )
    assert by_index[(2, "id")] == "duplicate fixture id '1' (also patch entry 1)"
    assert by_index[(3, "address")] == (
        "fixture 4 needs 14 channels from address 500, past channel 512 of universe 3 "
        "(last possible start: 499)"
    )
    assert by_index[(4, "profile")].startswith(
        "unknown fixture profile 'rgbw-parr' (did you mean 'rgbw-par'?)"
    )
    assert by_index[(5, "mode")] == (
        "profile 'rgbw-par' has no mode '9ch' (did you mean '8ch'?); modes: 4ch, 8ch"
    )
    assert (
        by_index[(6, "address")]
        == "fixture 7 (12-12) overlaps fixture 2 (5-12) on universe 1 at 12"
    )
    assert by_index[(6, "groups")] == (
        "group name '2' is also a fixture id; cues could not tell them apart"
    )
    assert str(problems[0]) == "patch entry 2 (address): " + by_index[(1, "address")]
    with pytest.raises(PatchError, match=r"patch entry 2 \(address\): fixture 2 \(5-12\)") as exc:
        build_patch(bad)
    assert exc.value.problems == problems


def test_touching_fixtures_do_not_overlap() -> None:
    ok = [
        PatchEntry(id=1, profile="rgbw-par", mode="8ch", universe=1, address=1),
        PatchEntry(id=2, profile="rgbw-par", mode="8ch", universe=1, address=9),
        PatchEntry(id=3, profile="rgbw-par", mode="8ch", universe=2, address=1),
        PatchEntry(id=4, profile="moving-spot", universe=1, address=499),
    ]
    assert validate_patch(ok) == []


def test_broken_profile_file_is_a_patch_problem(tmp_path: Path) -> None:
    p = tmp_path / "broken.yaml"
    p.write_text("manufacturer: X\nmodel: Y\nmodes:\n  m: [intesity]\n")
    problems = validate_patch([PatchEntry(id=1, profile=str(p), universe=1, address=1)])
    assert len(problems) == 1 and problems[0].field == "profile"
    assert "unknown attribute 'intesity'" in problems[0].message
    assert f"{p.resolve()}:4:7:" in problems[0].message


def test_attribute_for() -> None:
    patch = build_patch(entries())
    spot = patch.fixture(101)
    assert attribute_for(spot, "pan").fine == 1
    assert attribute_for(spot, "dimmer").attribute == "intensity"
    with pytest.raises(AttributeLookupError, match="fixture 1 'DS wash L': rgbw-par mode") as exc:
        attribute_for(patch.fixture(1), "gobo")
    assert str(exc.value) == (
        "fixture 1 'DS wash L': rgbw-par mode 8ch has no 'gobo'; it has: intensity, red, "
        "green, blue, white, strobe, effect, effect_speed"
    )
    with pytest.raises(AttributeLookupError, match=r"no fixture or group 'frnt' in the") as exc:
        patch.select("frnt")
    assert str(exc.value) == "no fixture or group 'frnt' in the patch (did you mean 'front'?)"
    with pytest.raises(AttributeLookupError, match="no fixture 99 in the patch"):
        patch.fixture(99)


def test_resolve_values_for_a_group() -> None:
    patch = build_patch(entries())
    got = patch.resolve_values("front", {"intensity": 80, "color": "red"})
    assert [f.key for f, _ in got] == ["1", "2"]
    assert got[0][1] == {"intensity": 0.8, "white": 0.0, "red": 1.0, "green": 0.0, "blue": 0.0}


def test_levels_are_worked_out_once_per_mode_and_each_caller_gets_its_own() -> None:
    patch = build_patch(entries())
    a, b = patch.fixture(1), patch.fixture(2)
    assert a.layout is b.layout  # two fixtures of one mode
    first = patch.levels(a, {"intensity": 80, "color": "red"})
    first["red"] = 0.0  # a caller changing its dict changes nobody else's
    again = patch.levels(b, {"intensity": 80, "color": "red"})
    assert again == {"intensity": 0.8, "white": 0.0, "red": 1.0, "green": 0.0, "blue": 0.0}
    assert len(patch._levels) == 1
    # a value that is not hashable is converted, not cached; a bad value still names
    # the fixture it was given for
    assert patch.levels(a, {"intensity": {"dmx": 255}})["intensity"] == pytest.approx(1.0)
    assert len(patch._levels) == 1
    with pytest.raises(ValueConversionError, match=r"fixture 2 .*intensity"):
        patch.levels(b, {"intensity": 180})
