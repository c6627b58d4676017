"""USITT ASCII light cues: the syntax, an Eos-style export read in full, the problems a
person sees (with line numbers), the export → import round trip, and the commands."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from showctl.engine.light_cues import LightProgram
from showctl.interchange.ascii_show import ascii_from_show, show_from_ascii
from showctl.interchange.usitt_ascii import (
    Note,
    format_level,
    format_time,
    keyword,
    parse,
    parse_level,
    parse_time,
    tokenize,
    write,
)
from showctl.model import show as m
from showctl.model.loader import parse_show

ROOT = Path(__file__).resolve().parents[2]
EOS = Path(__file__).parent / "data" / "eos_export.asc"


def showctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "showctl", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def imported(text: str, name: str = "t.asc") -> tuple[m.Show, list[Note]]:
    result = show_from_ascii(parse(text), name, "t")
    assert not result.errors, result.errors
    show, problems = parse_show(result.yaml_text, "imported.yaml")
    assert not problems and show is not None, (problems, result.yaml_text)
    return show, result.notes


# ------------------------------------------------------------------------- syntax


def test_every_delimiter_separates_fields_and_bang_starts_a_comment() -> None:
    tokens, rest = tokenize("  Chan 1@50,2=FL 3/H80\t4<5>10 ! 6@FL")
    assert [t.text for t in tokens] == ["Chan", "1", "50", "2", "FL", "3", "H80", "4", "5",
                                        "10"]
    assert tokens[1].col == 8
    _, rest = tokenize("   Text Sunset / dusk, part 2 ! a note")
    assert rest == "Sunset / dusk, part 2"
    _, rest = tokenize("Text,@Sunset")
    assert rest == "Sunset"


def test_keywords_are_case_blind_and_ten_characters_long() -> None:
    assert keyword("MANUFACTURER") == keyword("Manufactur") == "manufactur"
    assert keyword("cUe") == "cue"


@pytest.mark.parametrize(("text", "value"), [
    ("0", 0.0), ("50", 0.5), ("100", 1.0), ("FL", 1.0), ("fl", 1.0), ("H80", 128 / 255),
    ("Hff", 1.0), ("H0", 0.0), ("33.5", 0.335),
])
def test_levels(text: str, value: float) -> None:
    assert parse_level(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["101", "H100", "HXY", "abc", "-5", ""])
def test_bad_levels_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_level(bad)


def test_times_and_their_text() -> None:
    assert parse_time("5") == 5.0
    assert parse_time("2.5") == 2.5
    assert parse_time("1:30") == 90.0
    assert parse_time("1:02:03") == 3723.0
    with pytest.raises(ValueError):
        parse_time("5s")
    assert [format_time(t) for t in (0, 2.5, 90, 65.5, 600)] == ["0", "2.5", "1:30",
                                                                 "1:05.5", "10:00"]


def test_level_text_keeps_the_dmx_value() -> None:
    for byte in range(256):
        text = format_level(byte / 255)
        assert math.floor(parse_level(text) * 255 + 0.5) == byte, text
    assert format_level(1.0) == "FL" and format_level(0.5) == "50"


# --------------------------------------------------------- a console's export, read


def test_the_eos_style_export_imports_with_every_keyword() -> None:
    parsed = parse(EOS.read_text())
    assert (parsed.ident, parsed.manufacturer, parsed.console) == ("3:0", "ETC", "Eos")
    assert not parsed.errors
    show, notes = imported(EOS.read_text(), EOS.name)
    patch = {str(p.id): (p.universe, p.address, p.name, p.groups) for p in show.patch}
    assert patch["1"] == (1, 1, "Chan 1", ["front"])
    assert patch["7"] == (2, 1, "Chan 7", ["group_2"])         # dimmer 513
    assert patch["8"] == (2, 2, "Chan 8", [])
    assert patch["9.1"][:2] == (1, 20) and patch["9.2"][:2] == (1, 21)
    assert patch["9.1"][3] == ["ch9", "group_2"]                # one channel, two dimmers
    assert patch["10"][:2] == (1, 30)                            # patched at 80 %: full
    assert patch["12"] == (2, 88, "Cyc LED", [])                 # $Patch 12 600 + Text
    assert patch["11"][:2] == (1, 40)
    assert set(show.cuelists) == {"main", "ambience"}
    assert show.cuelists["main"].description == "Main"
    main = {c.number: c for c in show.cuelists["main"].cues}
    assert list(main) == ["1", "2", "2.5", "3", "3-link", "4"]   # nothing after ENDDATA
    c1, c2, c25, c3, link, c4 = main.values()
    assert isinstance(c1, m.LightCue) and c1.name == "Preset" and c1.time == 5
    assert c1.fixtures == {"1": {"intensity": 50}, "2": {"intensity": 50},
                           "3": {"intensity": 100}, "4": {"intensity": 50.1961}}
    assert isinstance(c2, m.LightCue)
    assert (c2.up, c2.down, c2.delay, c2.time) == (3, 8, 1, None)  # Up 3/1, Down 8 1
    assert c2.continue_ is m.ContinueMode.AUTO_CONTINUE and c2.postwait == 2.5
    # whole looks in the file; tracking deltas in the show (4 went out, 5 and 7 came up)
    assert c2.fixtures == {"4": {"intensity": 0}, "5": {"intensity": 75},
                           "7": {"intensity": 40}}
    assert isinstance(c25, m.LightCue)
    assert (c25.up, c25.down) == (90, 45)                        # 1:30, 0:45
    assert c25.continue_ is m.ContinueMode.AUTO_FOLLOW          # $$Hang 0
    assert c25.notes == "Wait for the actor to sit. Then GO."
    assert c25.fixtures["ch9"] == {"intensity": 100} and c25.fixtures["1"] == {
        "intensity": 0}
    assert isinstance(c3, m.LightCue) and c3.block and (c3.up, c3.down) == (0, 2)
    assert c3.continue_ is m.ContinueMode.AUTO_CONTINUE and c3.postwait == 0
    assert isinstance(link, m.GotoCue) and link.target == "1"   # Link 1
    assert isinstance(c4, m.LightCue)
    assert c4.fixtures == {"6": {"intensity": 30}, "11": {"intensity": 20}}  # both parts
    amb = show.cuelists["ambience"].cues
    assert [(c.number, c.name) for c in amb] == [("1", "Haze look")]
    assert [(n.line, n.col, n.severity, n.message) for n in notes] == [
        (12, 50, "warning", "channel 10 is patched to dimmer 30 at 80 %: proportional "
                            "patch is not carried (full)"),
        (19, 4, "warning", "$CueList $$HTP is not carried"),
        (45, 1, "warning", "cue 3: up delay 0 s and down delay 0.5 s differ; showctl has "
                           "one delay per cue (0 s)"),
        (50, 4, "warning", "MARK (move in dark) is not carried"),
        (57, 4, "warning", "cue 4: parts are not carried; their levels join the cue, the "
                           "times of the cue's last UP/DOWN apply to all"),
        (60, 1, "warning", "channel 45 is not patched: its levels are not carried"),
        (61, 4, "warning", "$$Param is not carried"),
        (78, 1, "warning", "SUB (submasters) is not carried"),
        (82, 1, "warning", "$Effect is not carried"),
        (85, 1, "warning", "SET (console settings) is not carried"),
    ]


def test_a_file_without_patch_is_patched_one_to_one_and_says_so() -> None:
    show, notes = imported("Cue 1\nUp 2\nChan 3@50 600@FL\nEndData\n")
    assert {(str(p.id), p.universe, p.address) for p in show.patch} == {
        ("3", 1, 3), ("600", 2, 88)}
    assert [(n.line, n.message) for n in notes] == [
        (1, "the file has no PATCH: channels are patched 1:1 to addresses")]


def test_other_consoles_forms_of_times_labels_and_follows() -> None:
    text = ("MANUFACTURER NSI\nPatch 1 1<1@FL\nCUE 5\nUP 2\nDOWN 3\nDELAY 1.5\nWAIT 4\n"
            "CHAN 1,75\nCue 6\n$$Text Eos label\n$$Follow 2\n$$IntBlock\nChan 1=FL\n"
            "Cue 7\nText one\nText two\nChan 1@0\nCue 8\nLabel Eight\nFollow 1:00\nMark\n"
            "Chan 1@5\nENDDATA\n")
    show, notes = imported(text)
    c5, c6, c7, c8 = show.cuelists["main"].cues
    assert isinstance(c5, m.LightCue) and isinstance(c6, m.LightCue)
    assert (c5.up, c5.down, c5.delay) == (2, 3, 0)      # DELAY: the down fade's delay
    assert c5.continue_ is m.ContinueMode.AUTO_CONTINUE and c5.postwait == 4  # WAIT
    assert c5.fixtures == {"1": {"intensity": 75}}
    assert (c6.name, c6.postwait, c6.block) == ("Eos label", 2, True)
    assert c7.name == "one two"                          # a Text continued on a line
    assert (c8.name, c8.postwait) == ("Eight", 60)        # LABEL, FOLLOW
    assert [(n.line, n.message) for n in notes] == [
        (3, "cue 5: up delay 0 s and down delay 1.5 s differ; showctl has one delay per "
            "cue (0 s)"),
        (21, "MARK (move in dark) is not carried")]


@pytest.mark.parametrize("label", ["yes", "No", "null", "a: b", "x #y", "12", "1.5",
                                   "Café — dusk", '"quoted" \\ back', "- dash", "~"])
def test_labels_read_back_as_written(label: str) -> None:
    show, _ = imported(f"Cue 1\nText {label}\nChan 1@50\nEndData\n")
    assert show.cuelists["main"].cues[0].name == label


def test_group_names_never_read_as_fixture_ids() -> None:
    text = ("Patch 1 1<1@FL 2<2@FL\nGroup 1\nText 12\nChan 1@FL\nGroup 2\nText Front\n"
            "Chan 1@FL\nGroup 3\nText front\nChan 2@FL\nEndData\n")
    show, _ = imported(text)
    assert {str(p.id): p.groups for p in show.patch} == {
        "1": ["group_12", "front"], "2": ["front_"]}


def test_a_dimmer_patched_again_moves_to_its_new_channel() -> None:
    text = ("Patch 1 1<1@FL 2<2@FL 1<3@FL\nPatch 1 3<2@FL 1<1@FL\nCue 1\nChan 1@FL 3@50\n"
            "EndData\n")
    show, notes = imported(text)
    assert sorted((str(p.id), p.address) for p in show.patch) == [
        ("1.1", 3), ("1.2", 1), ("3", 2)]
    assert [(n.line, n.col, n.message) for n in notes] == [
        (2, 11, "dimmer 2 moves from channel 2 (line 1) to channel 3")]


def test_clear_forgets_what_came_before_and_later_cues_replace_earlier() -> None:
    text = ("Patch 1 1<1@FL\nCue 1\nChan 1@FL\nClear Cues\nCue 2\nChan 1@50\n"
            "Cue 2\nText again\nChan 1@40\nEndData\n")
    show, notes = imported(text)
    cues = show.cuelists["main"].cues
    assert [(c.number, c.name) for c in cues] == [("2", "again")]
    assert [(n.line, n.message) for n in notes] == [
        (7, "cue 2 of list 1 again (also line 5): this one replaces it")]


# ------------------------------------------------------------- problems, with lines


BAD = """\
Ident 3:0
Patch 1 1<1@FL 2<2
Chan 1@50
Cue 1
   Up five
   Chan 1@abc 2
   Chan 0@50
Cue 12A
Cue 2
   Text a line that goes on and on and on past the eighty characters the standard allows
   Followon
   Frobnicate 3
"""


def test_errors_and_warnings_carry_their_line_and_column() -> None:
    parsed = parse(BAD)
    got = sorted((n.line, n.col, n.severity) for n in parsed.notes)
    assert got == sorted([(2, 16, "error"), (3, 1, "error"), (5, 4, "error"),
                          (6, 15, "error"), (6, 11, "error"), (7, 9, "error"),
                          (8, 1, "error"), (10, 81, "warning"), (11, 4, "error"),
                          (12, 4, "warning"), (12, 1, "warning")])
    messages = {(n.line, n.col): n.message for n in parsed.notes}
    assert messages[(2, 16)] == "PATCH fields come in threes: channel, dimmer, level"
    assert messages[(3, 1)] == "CHAN outside a CUE or GROUP record"
    assert messages[(6, 15)] == "channel 2 has no level (CHAN takes channel, level pairs)"
    assert messages[(6, 11)] == "channel 1: level 'abc': write 0 to 100, FL or H00 to HFF"
    assert messages[(8, 1)] == "cue number '12A': cue numbers are positive decimal numbers"
    assert messages[(12, 4)] == "unknown keyword 'FROBNICATE': ignored"


# ------------------------------------------------------------------- round trip


ROUND = """\
show: {title: Round trip}
settings: {default_fade: 4}
outputs:
  lx: {kind: dmx}
patch:
  - {id: 1, profile: generic-dimmer, universe: 1, address: 10}
  - {id: 2, profile: generic-dimmer, universe: 2, address: 5}
  - {id: 5, profile: rgbw-par, mode: 8ch, universe: 1, address: 101}
  - {id: spot, profile: dimmer-16bit, universe: 3, address: 1}
cuelists:
  main:
    cues:
      - {number: 1, type: light, name: Preset, time: 3, fixtures: {"1": {intensity: 50}},
         channels: {"300": 25, "2/400": full}}
      - {number: 2, type: light, up: 2, down: 6.5, delay: 1, continue: auto_continue,
         postwait: 4, fixtures: {"2": {intensity: 33}, "5": {intensity: 80, red: 100}}}
      - {number: 2.5, type: light, prewait: 0.5, fixtures: {"1": {intensity: 0},
         spot: {intensity: 61.5}}, continue: auto_follow}
      - {number: 3, type: light, time: 90, block: true, channels: {"300": 0},
         continue: auto_continue}
      - {number: 3.1, type: goto, target: 1}
      - {number: 4, type: memo, name: not lighting}
  dance:
    cues:
      - {number: 10, type: light, time: 0, fixtures: {"1": {intensity: 100}}}
      - {number: 20, type: light, up: 1, down: 2, fixtures: {"1": {intensity: 12.5}}}
"""


def resolved(show: m.Show) -> dict[tuple[str, str], dict[tuple[int, int], int]]:
    """Per light cue, the DMX byte of every intensity address its list leaves non-zero."""
    prog = LightProgram(show)
    out: dict[tuple[str, str], dict[tuple[int, int], int]] = {}
    for lname, cue, _ in show.walk():
        if not isinstance(cue, m.LightCue):
            continue
        touched, look = prog.look(lname, cue.number)
        levels: dict[tuple[int, int], int] = {}
        for i, v in zip(touched.tolist(), look.tolist(), strict=True):
            slot = prog.layout.slots[i]
            byte = math.floor(v * 255 + 0.5)
            if prog.layout.intensity[i] and not slot.virtual and byte:
                levels[(slot.universe, slot.coarse + 1)] = byte
        out[(lname, cue.number)] = levels
    return out


def timing(show: m.Show) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Per light cue: effective up, down, delay from GO, continue, follow time from GO."""
    out: dict[tuple[str, str], tuple[Any, ...]] = {}
    default = show.settings.default_fade
    for lname, cue, _ in show.walk():
        if isinstance(cue, m.LightCue):
            base = cue.time if cue.time is not None else default
            up = cue.up if cue.up is not None else base
            down = cue.down if cue.down is not None else base
            delay = cue.prewait + cue.delay
            follow = (cue.prewait + cue.postwait
                      if cue.continue_ is m.ContinueMode.AUTO_CONTINUE else None)
            out[(lname, cue.number)] = (up, down, delay, str(cue.continue_), follow,
                                        cue.block, cue.name)
    return out


def test_export_then_import_gives_the_same_levels_and_times() -> None:
    original, problems = parse_show(ROUND, "round.yaml")
    assert original is not None and not problems, problems
    exported = ascii_from_show(original)
    text = write(exported.file)
    assert all(len(line) <= 80 for line in text.splitlines())
    back, notes = imported(text, "round.asc")
    assert not [n for n in notes if n.severity == "error"]
    assert resolved(back) == resolved(original)
    assert resolved(original)[("main", "2")] == {
        (1, 10): 128, (2, 5): 84, (1, 101): 204, (1, 300): 64, (2, 400): 255}
    assert timing(back) == timing(original)
    # the link survives as a goto after the cue; the memo is reported, not exported
    main = {c.number: c for c in back.cuelists["main"].cues}
    assert isinstance(main["3-link"], m.GotoCue) and main["3-link"].target == "1"
    assert "fixture 5: red not carried (ASCII channels carry intensity)" in exported.warnings
    assert "cues that are not light cues are left out: 1 memo" in exported.warnings
    # text ids get free channel numbers, and say so
    assert any(w.startswith("fixture spot has a text id") for w in exported.warnings)
    # and a second trip changes nothing at all
    assert write(ascii_from_show(back).file).split("Ident", 1)[1] == text.split(
        "Ident", 1)[1].replace("Round trip", "t")


# ---------------------------------------------------------------------- commands


def test_import_command_writes_a_show_that_checks(tmp_path: Path) -> None:
    out = tmp_path / "eos.yaml"
    r = showctl("import-ascii", str(EOS), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert f"{EOS}:50:4: warning: MARK (move in dark) is not carried" in r.stderr.splitlines()
    assert r.stdout.startswith(f"wrote {out}: 13 fixtures, 7 cues in 2 lists")
    c = showctl("check", str(out))
    assert c.returncode == 0, c.stderr
    again = showctl("import-ascii", str(EOS), "-o", str(out))
    assert again.returncode == 1 and "use --force" in again.stderr


def test_import_command_refuses_a_file_with_errors_and_writes_nothing(
        tmp_path: Path) -> None:
    bad = tmp_path / "bad.asc"
    bad.write_text(BAD)
    out = tmp_path / "bad.yaml"
    r = showctl("import-ascii", str(bad), "-o", str(out))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert f"{bad}:3:1: error: CHAN outside a CUE or GROUP record" in r.stderr
    assert r.stderr.rstrip().endswith(f"{bad}: 8 errors: nothing written")
    assert not out.exists()
    missing = showctl("import-ascii", str(tmp_path / "nope.asc"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr


def test_export_command(tmp_path: Path) -> None:
    show = tmp_path / "round.yaml"
    show.write_text(ROUND)
    out = tmp_path / "round.asc"
    r = showctl("export-ascii", str(show), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "warning: cues that are not light cues are left out: 1 memo" in r.stderr
    assert "outside ASCII" not in r.stderr
    data = out.read_bytes()
    assert b"\r\n" in data and data.rstrip().endswith(b"EndData")
    back = showctl("import-ascii", str(out))
    assert back.returncode == 0, back.stderr
    demo = showctl("export-ascii", str(ROOT / "shows" / "demo.yaml"))
    assert demo.returncode == 0 and demo.stdout.isascii()
    assert "Aurora Summit 2026 ? Opening" in demo.stdout   # the title's dash is not ASCII
    assert "characters outside ASCII are written with '?'" in demo.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("show: {title: x}\ncuelists: {main: {cues: [{number: 1, type: lite}]}}\n")
    r = showctl("export-ascii", str(bad))
    assert r.returncode == 1 and f"{bad}:2:" in r.stderr
