"""Open Fixture Library fixtures taken unmodified from OFL's own repository (see
tests/lighting/data/ofl-repo/VENDORED.md): every mode's footprint is the source's and
every channel sits at its address, checked channel by channel against an expansion of
the source's mode lists written here, independently of the importer."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from showctl.lighting.import_ofl import import_ofl_text
from showctl.lighting.importing import import_fixture_result
from showctl.lighting.profile_model import ModeLayout, Profile
from showctl.lighting.profiles import parse_profile

REPO = Path(__file__).parent / "data" / "ofl-repo"
FIXTURES = {
    "american-dj/illusion-dotz-4-4": ("American DJ", "Illusion Dotz 4.4"),
    "glp/knv-arc": ("GLP", "KNV Arc"),
    "chauvet-dj/gigbar-2": ("Chauvet DJ", "GigBAR 2"),
}


def source(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO / "fixtures" / f"{name}.json").read_text())
    return data


def imported(name: str) -> Profile:
    result = import_fixture_result(str(REPO / "fixtures" / f"{name}.json"))
    return parse_profile(result.yaml_text, f"{name}.yaml")


def _natural(key: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key)]


def pixel_keys(data: dict[str, Any]) -> list[list[list[str | None]]]:
    """The matrix as [z][y][x] keys, from ``pixelKeys`` or OFL's default keys."""
    matrix = data["matrix"]
    if "pixelKeys" in matrix:
        keys: list[list[list[str | None]]] = matrix["pixelKeys"]
        return keys
    x, y, z = matrix["pixelCount"]
    dims = [n > 1 for n in (x, y, z)]

    def key(i: int, j: int, k: int) -> str:
        used = [str(v) for v, d in zip((i, j, k), dims, strict=True) if d]
        return used[0] if len(used) == 1 else f"({', '.join(used)})"

    return [[[key(i, j, k) for i in range(1, x + 1)] for j in range(1, y + 1)]
            for k in range(1, z + 1)]


def repeat_keys(data: dict[str, Any], repeat: Any) -> list[str]:
    grid = pixel_keys(data)
    if isinstance(repeat, list):
        return list(repeat)
    if repeat == "eachPixelABC":
        return sorted((k for zs in grid for ys in zs for k in ys if k), key=_natural)
    if repeat == "eachPixelXYZ":  # x varies fastest, then y, then z
        return [k for zs in grid for ys in zs for k in ys if k]
    raise AssertionError(f"this test does not expand {repeat!r}")


def source_channels(data: dict[str, Any], mode: dict[str, Any]) -> list[str | None]:
    """The mode's channel names by address (index 0 = the start address)."""
    out: list[str | None] = []
    for ch in mode["channels"]:
        if ch is None or isinstance(ch, str):
            out.append(ch)
            continue
        assert ch["insert"] == "matrixChannels"
        keys = repeat_keys(data, ch["repeatFor"])
        if ch["channelOrder"] == "perPixel":
            out += [t.replace("$pixelKey", k) for k in keys for t in ch["templateChannels"]]
        else:
            out += [t.replace("$pixelKey", k) for t in ch["templateChannels"] for k in keys]
    return out


def profile_channels(layout: ModeLayout) -> list[str | None]:
    """The imported mode's channel names by address: an attribute's label (the source's
    channel name) at its coarse address, label + " fine" at its fine address."""
    out: list[str | None] = [None] * layout.footprint
    for ch in layout.attributes.values():
        assert out[ch.coarse] is None, f"two attributes at offset {ch.coarse}"
        out[ch.coarse] = ch.spec.label
        if ch.fine is not None:
            out[ch.fine] = f"{ch.spec.label} fine"
    return out


CASES = [(name, m["shortName"]) for name in FIXTURES for m in source(name)["modes"]]


@pytest.mark.parametrize(("name", "mode"), CASES, ids=[f"{n}:{m}" for n, m in CASES])
def test_every_channel_sits_at_its_address(name: str, mode: str) -> None:
    data = source(name)
    spec = next(m for m in data["modes"] if m["shortName"] == mode)
    expected = source_channels(data, spec)
    # OFL's short names say the channel count ("59ch"): the expansion agrees with them
    assert len(expected) == int(mode.removesuffix("ch"))
    layout = imported(name).layout(mode)
    assert layout.footprint == len(expected)
    got = profile_channels(layout)
    for address, (want, have) in enumerate(zip(expected, got, strict=True), start=1):
        assert have == want, f"{mode} channel {address}: {have!r} != {want!r}"


def test_the_issue_s_addresses() -> None:
    dotz = imported("american-dj/illusion-dotz-4-4").layout("59ch")
    assert dotz.footprint == 59
    assert dotz.attributes["shutter"].coarse + 1 == 53        # was 5 before matrices
    assert dotz.attributes["intensity"].coarse + 1 == 54
    assert dotz.attributes["red_p1_1"].coarse + 1 == 5
    assert dotz.attributes["blue_p4_4"].coarse + 1 == 52
    arc = imported("glp/knv-arc")
    assert [arc.layout(m).footprint for m in ("40ch", "86ch", "102ch", "202ch")] == [
        40, 86, 102, 202]
    assert arc.layout("202ch").attributes["white_p25"].fine == 199  # 0-based: address 200
    gig = imported("chauvet-dj/gigbar-2").layout("23ch")
    assert gig.footprint == 23
    labels = profile_channels(gig)
    assert labels[:6] == ["Par 1 Red", "Par 1 Green", "Par 1 Blue", "Par 1 UV",
                          "Par 1 Shutter", "Par 2 Red"]
    assert labels[10:16] == ["Derby 1 Color", "Derby 1 Strobe", "Derby 1 Rotation",
                             "Derby 2 Color", "Derby 2 Strobe", "Derby 2 Rotation"]


def test_a_switching_channel_keeps_its_address_as_its_default_meaning() -> None:
    # "$pixelKey FX Selection" switches "$pixelKey Flash Rate / FX Speed" between the
    # flash rate (at its default, 0) and the effect speed
    result = import_fixture_result(str(REPO / "fixtures" / "glp" / "knv-arc.json"))
    arc = parse_profile(result.yaml_text, "knv-arc.yaml")
    layout = arc.layout("35ch")
    at8 = next(c for c in layout.attributes.values() if c.coarse == 7)
    assert at8.spec.label == "Layer 2 Flash Rate / FX Speed"
    assert at8.attribute == "shutter_layer_2"     # what "Layer 2 Flash Rate" means
    assert ("mode '35ch': channel 8 ('Layer 2 Flash Rate / FX Speed') is 'Layer 2 Flash "
            "Rate' or 'Layer 2 FX Speed' as 'Layer 2 FX Selection' sets it; imported as "
            "'Layer 2 Flash Rate' (its default)") in result.warnings


@pytest.mark.parametrize("name", list(FIXTURES))
def test_manufacturer_comes_from_the_folder_and_manufacturers_json(name: str) -> None:
    profile = imported(name)
    assert (profile.manufacturer, profile.model) == FIXTURES[name]


def test_without_manufacturers_json_the_folder_key_is_used(tmp_path: Path) -> None:
    # a fixtures/<maker>/ folder copied without OFL's manufacturers.json
    (tmp_path / "fixtures" / "glp").mkdir(parents=True)
    shutil.copy(REPO / "fixtures" / "glp" / "knv-arc.json",
                tmp_path / "fixtures" / "glp" / "knv-arc.json")
    path = tmp_path / "fixtures" / "glp" / "knv-arc.json"
    result = import_ofl_text(path.read_text(), str(path))
    assert parse_profile(result.yaml_text, "x.yaml").manufacturer == "Glp"
