"""The command line as a user runs it: real subprocesses, real files, exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "shows" / "demo.yaml"
GOLDEN = ROOT / "tests" / "golden" / "demo.jsonl"


def showctl(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "showctl", *args], capture_output=True, text=True,
        cwd=ROOT, timeout=timeout,
    )


def test_check_clean_file_says_so_in_one_line() -> None:
    r = showctl("check", str(DEMO))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\n") == 1 and ": ok (" in r.stdout


def test_check_bad_file_lists_every_problem_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "show: {title: t}\ncuelists:\n  main:\n    cues:\n"
        "      - {number: 1, type: memo, prewiat: 1}\n"
        "      - {number: 2, type: goto, target: 9}\n"
    )
    r = showctl("check", str(bad))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines == [
        f"{bad}:5:33: unknown key 'prewiat' (did you mean 'prewait'?)",
        f"{bad}:6:41: cue 2 targets cue '9', which is not in list 'main'",
        f"{bad}: 2 problems",
    ]


def test_replay_matches_the_golden_trace() -> None:
    r = showctl("replay", str(DEMO), "--expect", str(GOLDEN))
    assert r.returncode == 0, r.stderr
    assert "trace matches" in r.stdout
    assert "planned" in r.stdout and "House to half" in r.stdout


def test_replay_expect_describes_the_first_difference(tmp_path: Path) -> None:
    lines = [json.loads(x) for x in GOLDEN.read_text().splitlines()]
    for ln in lines:
        if ln["kind"] == "cue_started" and ln["cue"] == "3":
            ln["t"] = round(ln["t"] - 0.5, 6)
            moved = ln["t"]
            break
    golden = tmp_path / "golden.jsonl"
    golden.write_text("".join(json.dumps(x) + "\n" for x in lines))
    r = showctl("replay", str(DEMO), "--expect", str(golden))
    assert r.returncode == 1
    assert f"cue 3 started at {moved + 0.5:.3f} s, expected {moved:.3f} s" in r.stderr


def test_replay_with_calling_script_and_trace(tmp_path: Path) -> None:
    calls = tmp_path / "calls.yaml"
    calls.write_text("- {at: 0, do: go}\n- {at: 2, do: goto 3}\n- {at: 3, do: go}\n")
    trace = tmp_path / "t.jsonl"
    r = showctl("replay", str(DEMO), "--calls", str(calls), "--trace", str(trace))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in trace.read_text().splitlines()]
    gos = [(ln["t"], ln["cue"]) for ln in lines if ln["kind"] == "go"]
    assert gos == [(0.0, "0.5"), (3.0, "3")]
    assert all(set(ln) >= {"t", "kind"} for ln in lines)


def test_replay_bad_calling_script(tmp_path: Path) -> None:
    calls = tmp_path / "calls.yaml"
    calls.write_text("- {at: 0, do: jump}\n- {at: 1}\n")
    r = showctl("replay", str(DEMO), "--calls", str(calls))
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"{calls}:1:15: unknown action 'jump': use one of go, stop, pause, resume, panic, back, "
        "goto, pause_all, resume_all, blackout, grandmaster",
        f"{calls}:2:3: missing required key 'do'",
    ]


def test_export_schema_is_json_schema(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    r = showctl("export-schema", "--out", str(out))
    assert r.returncode == 0, r.stderr
    schema = json.loads(out.read_text())
    assert schema["title"] == "showctl show file"
    assert {"show", "cuelists"} <= set(schema["required"])
    jsonschema = pytest.importorskip("jsonschema")
    import yaml
    jsonschema.validate(yaml.safe_load(DEMO.read_text()), schema)


def test_headless_auto_run_prints_cues_as_they_fire(tmp_path: Path) -> None:
    show = tmp_path / "s.yaml"
    show.write_text(
        "show: {title: Tiny}\noutputs: {snd: {kind: osc}}\ncuelists:\n  main:\n    cues:\n"
        "      - {number: 1, name: Hello, type: osc, output: snd, address: /hi}\n"
        "      - {number: 2, name: Pause, type: wait, duration: 0.2}\n"
    )
    r = showctl("run", str(show), "--headless", "--auto", timeout=30)
    assert r.returncode == 0, r.stderr
    assert "start     main 1      Hello" in r.stdout
    assert "done      main 2" in r.stdout
    assert r.stdout.strip().endswith("show over")


def test_headless_reads_operator_commands_from_stdin(tmp_path: Path) -> None:
    show = tmp_path / "s.yaml"
    show.write_text(
        "show: {title: Tiny}\ncuelists:\n  main:\n    cues:\n"
        "      - {number: 1, type: memo}\n      - {number: 2, type: memo}\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "showctl", "run", str(show), "--headless"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    out, err = proc.communicate("goto 2\n\nbogus\nquit\n", timeout=30)
    assert proc.returncode == 0, err
    assert "standby   main 2" in out and "start     main 2" in out
    assert "? unknown action 'bogus'" in out


def test_missing_show_file_is_one_clear_line() -> None:
    r = showctl("replay", "/nonexistent.yaml")
    assert r.returncode == 1
    assert r.stderr.strip() == "/nonexistent.yaml:1:1: no such file"


def test_replay_writes_a_run_log_and_report_reads_it(tmp_path: Path) -> None:
    log = tmp_path / "demo.runlog.yaml"
    r = showctl("replay", str(DEMO), "--runlog", str(log))
    assert r.returncode == 0, r.stderr
    assert f"run log: {log}" in r.stdout
    html = tmp_path / "report.html"
    r = showctl("report", str(log), "--html", str(html))
    assert r.returncode == 0, r.stderr
    assert "Aurora Summit 2026" in r.stdout
    assert html.read_text().count("<svg") == 1
    # the run log is a calling script: replaying it reproduces the run
    r = showctl("replay", str(DEMO), "--calls", str(log), "--expect", str(GOLDEN), "--no-runlog")
    assert r.returncode == 0, r.stderr


def test_monitor_osc_prints_what_oscsend_sends() -> None:
    import shutil
    import socket
    import time

    if shutil.which("oscsend") is None:
        pytest.skip("liblo-tools (oscsend) is not installed")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "showctl", "monitor", "osc", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 20
        out = ""
        while time.monotonic() < deadline and "/cue/1/go" not in out:
            subprocess.run(["oscsend", "127.0.0.1", str(port), "/cue/1/go", "if", "3", "0.5"],
                           check=True, timeout=5)
            time.sleep(0.3)
            if proc.poll() is not None:
                break
            import select
            while select.select([proc.stdout], [], [], 0.1)[0]:
                line = proc.stdout.readline()  # type: ignore[union-attr]
                if not line:
                    break
                out += line
        assert "/cue/1/go" in out and "3" in out and "0.5" in out, out
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_fixtures_import_writes_a_profile_a_show_can_patch(tmp_path: Path) -> None:
    src = ROOT / "tests" / "lighting" / "data" / "qxf-spot.qxf"
    r = showctl("fixtures", "import", str(src), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    written = next(tmp_path.glob("*.yaml"))
    show = tmp_path / "s.yaml"
    show.write_text(
        "show: {title: t}\noutputs: {lx: {kind: dmx}}\n"
        f"patch: [{{id: 1, profile: '{written}', universe: 1, address: 1}}]\n"
        "cuelists:\n  main:\n    cues:\n"
        "      - {number: 1, type: light, fixtures: {'1': {intensity: 50, pan: 10}}}\n"
    )
    r = showctl("check", str(show))
    assert r.returncode == 0, r.stderr + r.stdout


def test_fixtures_import_of_a_missing_file_is_one_line() -> None:
    r = showctl("fixtures", "import", "/nonexistent.qxf")
    assert r.returncode == 1
    assert r.stderr.strip() == "/nonexistent.qxf: cannot read: No such file or directory"
