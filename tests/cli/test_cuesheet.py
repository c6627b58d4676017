"""showctl cuesheet on the demo show: each department's rows and words, the formats, and
the HTML printed by headless Chromium (when it is installed) on A4 and Letter."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pdf_text import pdf_pages

from showctl.cuesheet import SheetError, cue_sheet, describe, render
from showctl.model.loader import load_show, parse_show
from showctl.model.show import Show

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "shows" / "demo.yaml"


def showctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "showctl", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


@pytest.fixture(scope="module")
def show() -> Show:
    return load_show(DEMO)


def numbers(show: Show, dept: str | None = None,
            lst: str | None = None) -> list[tuple[str, list[str]]]:
    return [(sl.name, [r.number for r in sl.rows]) for sl in cue_sheet(show, lst, dept)]


def test_departments_by_output_and_by_kind(show: Show) -> None:
    # the sampler (a MIDI output) names its department: sound
    assert numbers(show, "sound") == [("main", ["3", "3.2", "6", "6.1", "6.15", "6.3"]),
                                      ("ambience", ["L1", "L9"])]
    assert numbers(show, "sampler") == [("main", ["6", "6.15"])]  # by output name too
    assert numbers(show, "lx") == [("main", ["1", "3", "3.4", "3.5", "7", "7.5", "15"])]
    assert numbers(show, "video") == [("main", ["3", "3.3", "9", "10", "10.1", "10.2",
                                                "10.3"])]
    assert numbers(show, "midi") == [("main", ["3", "3.5", "4", "5", "6", "6.15"])]
    assert numbers(show, "desk") == [("main", ["3", "3.5", "4", "5"])]
    every = numbers(show)
    assert [n for n, _ in every] == ["main", "ambience"]
    assert len(every[0][1]) == 31 and every[1][1] == ["L1", "L2", "L9"]
    assert numbers(show, None, "ambience") == [("ambience", ["L1", "L2", "L9"])]


DEPTS = """\
show: {title: Departments}
outputs:
  lx: {kind: dmx}
  foh: {kind: osc, department: sound}
  monitors: {kind: osc, department: sound}
  desk: {kind: midi, department: lx}
  screens: {kind: osc}
cuelists:
  main:
    cues:
      - {number: 1, type: osc, output: foh, address: /go}
      - {number: 2, type: osc, output: monitors, address: /go}
      - {number: 3, type: msc, output: desk, command: go, cue: "1"}
      - {number: 4, type: light, channels: {"1": 50}}
      - {number: 5, type: osc, output: screens, address: /play}
      - {number: 6, type: memo}
"""


def test_outputs_name_their_departments() -> None:
    show, problems = parse_show(DEPTS, "depts.yaml")
    assert show is not None and not problems, problems
    assert show.departments() == ["lx", "sound", "screens"]
    assert numbers(show, "sound") == [("main", ["1", "2"])]
    assert numbers(show, "lx") == [("main", ["3", "4"])]     # the desk works for lx
    assert numbers(show, "foh") == [("main", ["1"])]         # an output name still works
    assert numbers(show, "osc") == [("main", ["1", "2", "5"])]
    rows = {r.number: r.dept for r in cue_sheet(show)[0].rows}
    assert rows == {"1": "sound", "2": "sound", "3": "lx", "4": "lx", "5": "screens",
                    "6": ""}
    with pytest.raises(SheetError, match="no department 'pyro': give a department "
                       r"\(sound\), an output \(lx, foh, monitors, desk, screens\) or a "
                       r"kind \(dmx, midi, osc\)"):
        cue_sheet(show, None, "pyro")
    bad, problems = parse_show(DEPTS.replace("department: sound}", "department: ''}", 1),
                               "bad.yaml")
    assert bad is None and problems[0].line == 4


def test_what_each_cue_does_in_plain_words(show: Show) -> None:
    cues = {c.number: c for _, c, _ in show.walk()}
    assert describe(show, cues["1"]) == (
        "cyc (21, 22): intensity 40, color congo blue; spots (101, 102): intensity 0, "
        "pan 0, tilt 30, gobo open; channels 1 @ 50, 2 @ 50; time 5 s")
    assert describe(show, cues["3.4"]).endswith("up 2 s, down 4 s, position 0 s")
    assert describe(show, cues["15"]) == (
        "front (11, 12): intensity 70, color #ffe0c0; 31 Lectern special: intensity out; "
        "41 Wash overhead: intensity 75, color amber; cyc (21, 22): intensity 50, color "
        "lavender; channels 1 @ 40, 2 @ 40; time 4 s, delay 0.5 s, block")
    assert describe(show, cues["3.3"]) == \
        "OSC to video: bundle: /layer/1/clip 3; /layer/1/play T"
    assert describe(show, cues["6.3"]) == \
        "OSC to sound: /cue/WALKON/level 0; fade arg 0 0 → -20 over 2 s s-curve"
    assert describe(show, cues["4"]) == \
        "MIDI to desk: program change 11 ch 1; at 0.2 s: CC 7 = 100 ch 1"
    assert describe(show, cues["5"]) == "MSC to desk: go cue 5 (lighting, device 1)"
    assert describe(show, cues["2"]) == "starts cue L1 in list ambience"
    assert describe(show, cues["12"]) == "fades out list ambience over 3 s"


def test_csv_rows_with_times_continue_and_notes() -> None:
    r = showctl("cuesheet", str(DEMO), "--dept", "lx", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    one = rows[0]
    assert (one["number"], one["name"], one["type"], one["dept"]) == \
        ("1", "House to half, stage preset", "light", "lx")
    assert (one["prewait"], one["duration"], one["postwait"], one["continue"]) == \
        ("0", "5", "1", "auto continue")
    assert one["notes"] == "GO on FOH clearance."
    by = {row["number"]: row for row in rows}
    assert by["3.4"]["prewait"] == "0.5" and by["3.4"]["duration"] == "4"
    assert by["15"]["duration"] == "4.5"  # delay 0.5 + time 4


def test_markdown_and_user_errors() -> None:
    r = showctl("cuesheet", str(DEMO), "--list", "ambience", "--format", "md",
                "--date", "2026-01-02")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# Aurora Summit 2026 — Opening — cue sheet\n\n2026-01-02\n")
    assert "| L9 | Walk-out sting (hotkey F5, or OSC /demo/walkout from the tablet) | osc |" \
        in r.stdout
    bad = showctl("cuesheet", str(DEMO), "--dept", "pyro")
    assert bad.returncode == 1 and "no department 'pyro'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_html_structure(show: Show) -> None:
    page = render(show, cue_sheet(show), "html", date="2026-01-02", paper="Letter")
    assert "@page { size: Letter;" in page
    assert "section.list { break-before: page; }" in page
    assert page.count('<section class="list"') == 2
    assert page.count("<h1>Aurora Summit 2026 — Opening</h1>") == 2  # a header per list
    assert page.count('<tr class="page-head">') == 2  # in the thead: on every page
    assert "Hall A · version 3 · 2026-01-02" in page
    assert page.count('<tr class="cue') == 34
    assert '<tr class="cue depth-1" data-cue="3.4">' in page
    assert "&lt;" not in page and "<script" not in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="headless Chromium not installed")
@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_html_prints_with_chromium(tmp_path: Path, paper: str, size: tuple[int, int]) -> None:
    html_file = tmp_path / "sheet.html"
    r = showctl("cuesheet", str(DEMO), "--format", "html", "--paper", paper,
                "--date", "2026-01-02", "-o", str(html_file))
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / "sheet.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html_file.as_uri()],
                   capture_output=True, timeout=120, check=True, cwd=tmp_path)
    pages = pdf_pages(pdf.read_bytes())
    assert 2 <= len(pages) <= 6
    for (w, h), text in pages:
        assert (round(w), round(h)) == size
        # every page carries the header: show title, venue, version and date
        assert "Aurora Summit 2026 — Opening" in text
        assert "Hall A · version 3 · 2026-01-02" in text
    starts = [i for i, (_, t) in enumerate(pages) if "List ambience" in t]
    assert starts and all("List main" not in pages[i][1] for i in starts)  # own pages
    assert "List main" in pages[0][1] and "Walk-in playlist" not in pages[starts[0] - 1][1]
    everything = " ".join(t for _, t in pages)
    for words in ("Pre-show checks", "Confirm house open with FOH manager",
                  "MSC to desk: go cue 5 (lighting, device 1)", "Panel state",
                  "Walk-out sting"):
        assert words in everything, words
