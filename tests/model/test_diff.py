"""showctl diff: pairs of shows covering every kind of change, renumbering, the CLI's exit
codes and JSON, and the git diff driver in a real repository."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from showctl.model.diff import diff_shows
from showctl.model.loader import parse_structure
from showctl.model.show import Show

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "shows" / "demo.yaml"

BASE = """\
show: {title: Test}
settings: {go_guard: 0.3}
outputs:
  lx: {kind: dmx, universes: [1, 2]}
  sound: {kind: osc}
patch:
  - {id: 101, name: Spot, profile: moving-spot, mode: standard, universe: 1, address: 1}
  - {id: 102, profile: generic-dimmer, universe: 1, address: 30}
cuelists:
  main:
    cues:
      - {number: "12", type: light, name: Sunset, fixtures: {"101": {intensity: 50}}, time: 3}
      - {number: "14", type: memo, name: Interval}
      - {number: "15", type: osc, name: Music, output: sound, address: /cue/1/start}
      - {number: "20", type: wait, name: Hold, duration: 4}
      - number: "30"
        type: group
        name: Finale
        cues:
          - {number: "30.1", type: memo, name: A}
          - {number: "30.2", type: memo, name: B}
  ambience:
    cues:
      - {number: "3", type: osc, name: Loop, output: sound, address: /loop}
"""


def load(text: str) -> Show:
    show, problems = parse_structure(text, "t.yaml")
    assert show is not None, problems
    return show


def texts(old: str, new: str) -> list[str]:
    return [c.text for c in diff_shows(load(old), load(new)).changes]


def test_equal_shows_have_no_changes_even_reformatted() -> None:
    reformatted = "# a comment\n" + BASE.replace("{go_guard: 0.3}", "\n  go_guard: 0.30")
    assert diff_shows(load(BASE), load(reformatted)).equal


def test_cue_time_change_in_people_terms() -> None:
    new = BASE.replace("intensity: 50}}, time: 3}", "intensity: 50}}, time: 5}")
    assert texts(BASE, new) == ["cue 12 'Sunset': time 3 s → 5 s"]


def test_added_and_deleted_cues() -> None:
    new = BASE.replace(
        '      - {number: "15"',
        '      - {number: "14.5", type: memo, name: Speech}\n      - {number: "15"',
    ).replace('      - {number: "20", type: wait, name: Hold, duration: 4}\n', "")
    assert texts(BASE, new) == ["cue 20 'Hold' deleted", "cue 14.5 'Speech' added after 14"]


def test_renumbered_cue_is_a_move_not_delete_and_add() -> None:
    new = BASE.replace('number: "20", type: wait', 'number: "25", type: wait')
    changes = diff_shows(load(BASE), load(new)).changes
    assert [c.text for c in changes] == ["cue 20 'Hold' renumbered to 25"]
    assert changes[0].kind == "moved"


def test_renumbering_a_whole_run_of_cues() -> None:
    new = (BASE.replace('"14", type: memo', '"24", type: memo')
           .replace('"15", type: osc', '"25", type: osc'))
    assert texts(BASE, new) == ["cue 14 'Interval' renumbered to 24",
                                "cue 15 'Music' renumbered to 25"]


def test_renumbered_and_changed_is_matched_by_type_and_name() -> None:
    new = BASE.replace('"20", type: wait, name: Hold, duration: 4',
                       '"21", type: wait, name: Hold, duration: 6')
    assert texts(BASE, new) == ["cue 20 'Hold' renumbered to 21",
                                "cue 21 'Hold': duration 4 s → 6 s"]


def test_reordered_cue_is_moved() -> None:
    lines = BASE.splitlines(keepends=True)
    i14 = next(i for i, ln in enumerate(lines) if '"14"' in ln)
    lines[i14], lines[i14 + 1] = lines[i14 + 1], lines[i14]
    # one of the two swapped cues moved (a longest run of the others kept their order)
    assert texts(BASE, "".join(lines)) == ["cue 15 'Music' moved after 12"]


def test_other_list_continue_and_settings() -> None:
    new = (BASE.replace("address: /loop}", "address: /loop, continue: auto_follow}")
           .replace("go_guard: 0.3", "go_guard: 0.5"))
    assert texts(BASE, new) == [
        "settings: go_guard 0.3 s → 0.5 s",
        "list ambience: cue 3 'Loop': continue none → auto_follow",
    ]


def test_fixture_moved_added_deleted_and_changed() -> None:
    new = (BASE.replace("universe: 1, address: 1}", "universe: 2, address: 17}")
           .replace("mode: standard", "mode: standard, groups: [spots]")
           .replace("  - {id: 102, profile: generic-dimmer, universe: 1, address: 30}\n",
                    "  - {id: 103, profile: generic-dimmer, universe: 1, address: 31}\n"))
    assert texts(BASE, new) == [
        "fixture 102 deleted (was at 1/30)",
        "fixture 101 moved from 1/1 to 2/17",
        "fixture 101: groups [] → ['spots']",
        "fixture 103 added at 1/31 (generic-dimmer)",
    ]


def test_renumbered_fixture() -> None:
    new = BASE.replace("{id: 102, profile", "{id: 202, profile")
    changes = diff_shows(load(BASE), load(new)).changes
    assert [(c.kind, c.text) for c in changes] == [("renumbered",
                                                    "fixture 102 renumbered to 202")]


def test_nested_values_outputs_show_info_and_lists() -> None:
    new = (BASE.replace('{"101": {intensity: 50}}', '{"101": {intensity: 50, color: red}}')
           .replace("universes: [1, 2]", "universes: [1, 2, 3]")
           .replace("title: Test", "title: Test 2")
           .replace("  ambience:\n", "  spare:\n    cues: []\n  ambience:\n"))
    assert texts(BASE, new) == [
        "show: title 'Test' → 'Test 2'",
        "output lx: universes [1, 2] → [1, 2, 3]",
        "cue 12 'Sunset': fixtures.101.color set to 'red'",
        "list spare added (0 cues)",
    ]


def test_group_children_are_compared_one_by_one() -> None:
    new = BASE.replace('{number: "30.2", type: memo, name: B}',
                       '{number: "30.2", type: memo, name: B, notes: "cue the band"}')
    assert texts(BASE, new) == ["cue 30.2 'B': notes '' → 'cue the band'"]


def test_new_and_deleted_file() -> None:
    assert diff_shows(None, load(BASE)).changes[0].text == \
        "show 'Test' added: 8 cues in 2 lists, 2 fixtures"
    assert diff_shows(load(BASE), None).changes[0].kind == "deleted"


# ----------------------------------------------------------------------------- the CLI


def showctl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "showctl", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=60)


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BASE)
    new.write_text(BASE.replace("time: 3}", "time: 5}"))
    same = showctl("diff", str(old), str(old))
    assert (same.returncode, same.stdout) == (0, "")
    differ = showctl("diff", str(old), str(new))
    assert differ.returncode == 1
    assert differ.stdout == "cue 12 'Sunset': time 3 s → 5 s\n"
    js = showctl("diff", str(old), str(new), "--format", "json")
    data = json.loads(js.stdout)
    assert js.returncode == 1 and data["equal"] is False
    assert data["changes"] == [{"section": "cue", "kind": "changed", "subject": "12",
                                "list": "main", "field": "time", "old": 3.0, "new": 5.0,
                                "text": "cue 12 'Sunset': time 3 s → 5 s"}]


def test_cli_unreadable_file_is_located_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("show: {title: t}\ncuelists:\n  main:\n    cues:\n"
                   "      - {number: 1, type: memo, prewiat: 1}\n")
    r = showctl("diff", str(DEMO), str(bad))
    assert r.returncode == 2
    assert f"{bad}:5:33: unknown key 'prewiat'" in r.stderr
    assert "Traceback" not in r.stderr
    missing = showctl("diff", str(DEMO), str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "nope.yaml:1:1: no such file" in missing.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_diff_driver_reads_like_a_change_list(tmp_path: Path) -> None:
    """The setup docs/diff.md gives, in a real repository: git diff and git log -p."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True,
                              text=True, timeout=60).stdout

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    git("config", "diff.showctl.command",
        f"env PYTHONPATH={ROOT} {sys.executable} -m showctl diff")
    (tmp_path / ".gitattributes").write_text("*.yaml diff=showctl\n")
    show = tmp_path / "show.yaml"
    show.write_text(BASE)
    git("add", ".")
    git("commit", "-qm", "first")
    show.write_text(BASE.replace("time: 3}", "time: 5}").replace("go_guard: 0.3",
                                                                   "go_guard: 0.5"))
    out = git("diff")
    assert out == ("showctl diff a/show.yaml b/show.yaml\n"
                   "settings: go_guard 0.3 s → 0.5 s\n"
                   "cue 12 'Sunset': time 3 s → 5 s\n")
    git("commit", "-qam", "second")
    log = git("log", "-p", "--ext-diff", "--format=%s")
    assert "second\n\nshowctl diff a/show.yaml b/show.yaml\nsettings: go_guard" in log
    assert "show 'Test' added: 8 cues in 2 lists, 2 fixtures" in log
    show.write_text("# only a comment\n" + show.read_text())
    assert git("diff") == ("showctl diff a/show.yaml b/show.yaml\n"
                           "the same show: only comments or formatting changed\n")
    show.write_text("show: [\n")  # an unreadable version still lets git go on
    broken = git("diff")
    assert "show.yaml:" in broken and "showctl diff a/show.yaml" in broken
