"""Stage snapshots: replayed on the virtual clock, compared structurally (parsed SVG)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sim_support import SMALL_SHOW

from showctl.model.loader import load_show
from showctl.sim.cli import main as sim_main
from showctl.sim.snapshot import dmx_at, png_converter, running_cues, take_snapshots, to_png
from showctl.testing import make_show

SVG = "{http://www.w3.org/2000/svg}"
REPO = Path(__file__).resolve().parents[2]


def fixtures(svg: Path) -> dict[str, dict[str, str]]:
    root = ET.parse(svg).getroot()
    return {g.attrib["data-fixture"]: dict(g.attrib) for g in root.iter(f"{SVG}g")
            if g.attrib.get("class") == "fixture"}


def status(svg: Path) -> str:
    root = ET.parse(svg).getroot()
    (text,) = [t for t in root.iter(f"{SVG}text") if t.attrib.get("data-role") == "status"]
    return text.text or ""


def test_dmx_at_applies_changed_channels_up_to_the_time() -> None:
    trace = [
        {"t": 0.0, "kind": "dmx", "output": "lx", "universe": 1, "channels": {"1": 10}},
        {"t": 0.5, "kind": "cue_started", "list": "main", "cue": "1"},
        {"t": 1.0, "kind": "dmx", "output": "lx", "universe": 1, "channels": {"2": 20}},
        {"t": 2.0, "kind": "dmx", "output": "lx", "universe": 1, "channels": {"1": 30}},
        {"t": 2.0, "kind": "cue_completed", "list": "main", "cue": "1"},
    ]
    assert dmx_at(trace, 1.0)[("lx", 1)][:3] == bytes((10, 20, 0))
    assert dmx_at(trace, 5.0)[("lx", 1)][:3] == bytes((30, 20, 0))
    assert running_cues(trace, 1.0) == [("main", "1")]
    assert running_cues(trace, 2.0) == []


def test_snapshots_of_a_replayed_show(tmp_path: Path) -> None:
    shots = take_snapshots(make_show(SMALL_SHOW), [1.0, 5.0], tmp_path, png=False)
    assert [s.svg.name for s in shots] == ["snapshot-1.000.svg", "snapshot-5.000.svg"]
    mid, end = fixtures(shots[0].svg), fixtures(shots[1].svg)
    assert "1 Warm up" in status(shots[0].svg) and "t = 1.000 s" in status(shots[0].svg)
    assert float(mid["1"]["data-intensity"]) == pytest.approx(40, abs=1)
    assert end["1"]["data-intensity"] == "80.0" and end["1"]["data-color"] == "#ff8040"
    assert end["1"]["data-visible"] == "#cc6633"  # #ff8040 at 80 %
    assert end["3"]["data-color"] == "#00ffff"
    assert end["4"]["data-color"] == "#ffffff" and end["4"]["data-unplaced"] == "true"
    spot = end["101"]
    assert (spot["data-color"], spot["data-color-name"], spot["data-gobo"]) == (
        "#0000ff", "blue", "breakup")
    assert float(spot["data-pan"]) == pytest.approx(-30, abs=0.01)
    assert float(spot["data-tilt"]) == pytest.approx(45, abs=0.01)
    assert float(spot["data-intensity"]) == pytest.approx(60, abs=0.05)
    assert "1 Warm up" not in status(shots[1].svg)


def test_demo_snapshots_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                              ) -> None:
    code = sim_main(["sim", str(REPO / "shows" / "demo.yaml"), "--snapshot-at", "12.5,40",
                     "--out", str(tmp_path), "--no-png"])
    assert code == 0
    out = capsys.readouterr().out
    assert "12.500 s:" in out and "40.000 s:" in out
    shot = fixtures(tmp_path / "snapshot-12.500.svg")
    # cue 3.4 "House out, stage blue": cyc at 80 % #1030ff, the spots blue with breakup
    assert (shot["21"]["data-intensity"], shot["21"]["data-color"]) == ("80.0", "#1030ff")
    assert shot["101"]["data-gobo"] == "breakup" and shot["101"]["data-color"] == "#0000ff"
    assert float(shot["101"]["data-pan"]) == pytest.approx(-30, abs=0.01)
    later = fixtures(tmp_path / "snapshot-40.000.svg")
    assert later["11"]["data-intensity"] != "0.0"
    assert set(shot) == {"11", "12", "21", "22", "31", "41", "101", "102"}


def test_png_when_a_converter_is_installed(tmp_path: Path) -> None:
    tool = png_converter()
    if tool is None:
        pytest.skip("no SVG→PNG converter (Debian: librsvg2-bin)")
    shots = take_snapshots(make_show(SMALL_SHOW), [5.0], tmp_path)
    assert shots[0].png is not None
    assert shots[0].png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_converter_means_svg_only(tmp_path: Path) -> None:
    svg = tmp_path / "x.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    assert to_png(svg, tmp_path / "x.png", converter="none") is False
    assert not (tmp_path / "x.png").exists()


def test_snapshot_with_a_calling_script(tmp_path: Path) -> None:
    show_file = tmp_path / "show.yaml"
    show_file.write_text(SMALL_SHOW)
    calls = tmp_path / "calls.yaml"
    calls.write_text("- {at: 3, do: go}\n")
    assert sim_main(["sim", str(show_file), "--snapshot-at", "2,4", "--out",
                     str(tmp_path / "out"), "--calls", str(calls), "--no-png"]) == 0
    before = fixtures(tmp_path / "out" / "snapshot-2.000.svg")
    during = fixtures(tmp_path / "out" / "snapshot-4.000.svg")
    assert before["1"]["data-intensity"] == "0.0"
    assert float(during["1"]["data-intensity"]) == pytest.approx(40, abs=1)
    assert load_show(show_file).show.title == "Sim test"
