"""Hostile and huge files: refused at once, ``file:line:col``, exit 1, never a traceback.

The corpus is in tests/model/hostile/. Every YAML case is tried as each kind of file
showctl reads (show, calling script, rig, remote config, run log, fixture profile), and
the real CLI runs in a subprocess for ``check``, ``replay`` and ``run``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from showctl.cli import main
from showctl.model.loader import parse_show
from showctl.model.yamlsource import MB, Limits, YamlSyntaxError, load_located, read_text

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).resolve().parent / "hostile"
DEMO = ROOT / "shows" / "demo.yaml"

# file -> (line, col, what the message says)
YAML_CASES: dict[str, tuple[int, int, str]] = {
    "billion-laughs.yaml": (7, 8, "alias *e copies too much"),
    "many-aliases.yaml": (3, 4005, "too many aliases: more than 1,000"),
    "recursive-alias.yaml": (2, 29, "alias *a refers to itself"),
    "deep-nesting.yaml": (4, 108, "nested too deep: more than 100 levels"),
    "deep-block.yaml": (102, 101, "nested too deep: more than 100 levels"),
    "not-utf8.yaml": (3, 53, "not UTF-8 text: byte 0xe9"),
    "python-tag.yaml": (7, 16, "unknown YAML tag '!!python/object/apply:os.system'"),
    "custom-tag.yaml": (2, 11, "unknown YAML tag '!include'"),
    "binary-tag.yaml": (2, 7, "unknown YAML tag '!!binary'"),
}
IMPORT_CASES: dict[str, tuple[int, int, str]] = {
    "deep.json": (2, 110, "nested too deep"),
    "not-utf8.json": (3, 19, "not UTF-8 text"),
    "not-utf8.qxf": (3, 19, "not UTF-8 text"),
    "entities.qxf": (2, 1, "refusing XML with a DTD subset"),
}


def run_cli(*args: str, timeout: float = 60) -> tuple[int, str, float, float]:
    """Exit status, stderr, wall seconds and peak RSS (MB) of ``showctl ARGS``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "showctl", *args], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    wall = time.perf_counter() - t
    # communicate() reaped the child: its rusage is in RUSAGE_CHILDREN, a max over all
    # children so far, so it is an upper bound for this one.
    import resource

    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return proc.returncode, err, wall, rss


def assert_refused(status: int, err: str, path: Path, case: tuple[int, int, str]) -> None:
    line, col, what = case
    assert status == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line}:{col}: " \
        in err or f"{path}:{line}:{col}: " in err, err
    assert what in err, err


@pytest.mark.parametrize("name", sorted(YAML_CASES))
@pytest.mark.parametrize("command", ["check", "replay"])
def test_cli_refuses_hostile_show(name: str, command: str) -> None:
    path = HOSTILE / name
    status, err, wall, rss = run_cli(command, str(path))
    assert_refused(status, err, path, YAML_CASES[name])
    assert wall < 20  # 2 s on an idle machine; CI machines are shared
    assert rss < 500


@pytest.mark.parametrize("name", ["billion-laughs.yaml", "deep-nesting.yaml", "python-tag.yaml"])
def test_run_refuses_hostile_show(name: str) -> None:
    path = HOSTILE / name
    status, err, _, _ = run_cli("run", str(path), "--headless")
    assert_refused(status, err, path, YAML_CASES[name])


@pytest.mark.parametrize("name", sorted(YAML_CASES))
def test_every_kind_of_file_refuses_the_corpus(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = HOSTILE / name
    for args in (["replay", str(DEMO), "--calls", str(path)],  # a calling script
                 ["report", str(path)],  # a run log
                 # run stops at the rig or the remote config, before anything starts
                 ["run", str(DEMO), "--headless", "--rig", str(path)],
                 ["run", str(DEMO), "--headless", "--remote", str(path)]):
        assert main(args) == 1
        assert_refused(1, capsys.readouterr().err, path, YAML_CASES[name])


@pytest.mark.parametrize("name", sorted(YAML_CASES))
def test_fixture_profile_refuses_the_corpus(name: str, tmp_path: Path) -> None:
    show = tmp_path / "show.yaml"
    show.write_text(
        "show: {title: t}\noutputs: {lx: {kind: dmx}}\n"
        f"patch:\n  - {{id: 1, profile: '{HOSTILE / name}', universe: 1, address: 1}}\n"
        "cuelists: {main: {cues: [{number: '1', type: memo}]}}\n"
    )
    _, problems = parse_show(show.read_text(), str(show))
    line, col, what = YAML_CASES[name]
    assert any(f"{HOSTILE / name}:{line}:{col}: " in p.message and what in p.message
               for p in problems), problems


@pytest.mark.parametrize("name", sorted(IMPORT_CASES))
def test_fixture_import_refuses_the_corpus(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = HOSTILE / name
    assert main(["fixtures", "import", str(path)]) == 1
    assert_refused(1, capsys.readouterr().err, path, IMPORT_CASES[name])


@pytest.mark.parametrize(("name", "where", "what"), [
    ("deep-trace.jsonl", "2:1", "not a trace line: nested too deep"),
    ("not-utf8-trace.jsonl", "2:22", "not UTF-8 text"),
])
def test_a_hostile_golden_trace_is_refused(
    name: str, where: str, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = HOSTILE / name
    assert main(["replay", str(DEMO), "--expect", str(path), "--no-runlog"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{where}: {what}" in err and "Traceback" not in err, err


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("w") as f:
        f.write("show: {title: big}\ncuelists: {main: {cues: [{number: '1', type: memo}]}}\n")
        f.write(("# " + "x" * 98 + "\n") * 168_000)  # 17 MB of comments
    status, err, wall, _ = run_cli("check", str(big))
    assert status == 1 and "Traceback" not in err, err
    assert f"{big}:1:1: the file is 17.0 MB, over the 16 MB limit" in err, err
    assert "--max-file-size" in err
    assert wall < 20
    # the limit can be raised, by flag or by environment
    status, err, _, _ = run_cli("--max-file-size", "20", "check", str(big))
    assert status == 0, err
    env = dict(os.environ, SHOWCTL_MAX_FILE_MB="20", PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "showctl", "check", str(big)], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_reader_limits_and_positions() -> None:
    tiny = Limits(max_bytes=1000, max_depth=3, max_aliases=2, max_alias_values=10)
    with pytest.raises(YamlSyntaxError, match="nested too deep: more than 3 levels of") as exc:
        load_located("a: [[[[1]]]]", limits=tiny)
    assert (exc.value.line, exc.value.col) == (1, 6)  # the fourth level
    with pytest.raises(YamlSyntaxError, match="too many aliases"):
        load_located("a: &a 1\nb: [*a, *a, *a]", limits=tiny)
    with pytest.raises(YamlSyntaxError, match="too many values: more than 62") as exc:
        load_located("[" + "1," * 100 + "1]", limits=tiny)  # 1000 bytes / 16
    assert (exc.value.line, exc.value.col) == (1, 124)  # the 63rd value
    located = load_located("a: &a [1, 2]\nb: *a\n")
    assert located.data == {"a": [1, 2], "b": [1, 2]}
    assert located.data["a"] is not located.data["b"]  # an alias is a copy
    assert located.where(("b",)) == (2, 4)
    assert located.where(("a", 1)) == (1, 11)
    assert located.where(("a",), key=True) == (1, 1)
    with pytest.raises(YamlSyntaxError, match="merge keys"):
        load_located("a: &a {x: 1}\nb: {<<: *a}\n")
    # YAML's own core tags are fine
    assert load_located("a: !!str 12\nb: !!int '3'\n").data == {"a": "12", "b": 3}
    # cue numbers keep their text; mapping keys too
    assert load_located("1.10: {number: 1.10}").data == {"1.10": {"number": "1.10"}}


def test_read_text_reports_bad_bytes_at_their_line(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes("a: ü\nb: 1\nc: \"x".encode() + b"\xff\"\n")
    with pytest.raises(YamlSyntaxError, match=r"not UTF-8 text: byte 0xff here \(save the") as exc:
        read_text(f)
    assert (exc.value.line, exc.value.col) == (3, 6)
    with pytest.raises(YamlSyntaxError, match=r"over the 1e-05 MB limit"):
        read_text(f, limits=Limits(max_bytes=MB // 100_000))
