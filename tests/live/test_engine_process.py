"""The engine process (``showctl run --headless``, which ``showctl run`` starts) as a user
and a service manager see it: stdin at its end, signals, the registry, ps / stop, the
native API's port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from showctl.api.client import connect

ROOT = Path(__file__).resolve().parents[2]

SHORT = """\
show: {title: Short show}
settings: {go_guard: 0}
outputs: {snd: {kind: osc}}
cuelists:
  main:
    cues:
      - {number: "1", type: wait, duration: 0.3}
      - {number: "2", type: osc, output: snd, address: /end}
"""


def _showctl(*args: str, stdin: int | None = subprocess.DEVNULL,
             timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "showctl", *args], stdin=stdin,
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "showctl", *args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


def _ps() -> list[dict[str, object]]:
    r = _showctl("ps", "--json")
    assert r.returncode == 0, r.stderr
    data: list[dict[str, object]] = json.loads(r.stdout)
    return data


def _wait_registered(pid: int, timeout: float = 20.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for e in _ps():
            if e["pid"] == pid:
                return e
        time.sleep(0.1)
    raise AssertionError(f"pid {pid} never registered")


@pytest.fixture
def short(tmp_path: Path) -> Path:
    p = tmp_path / "short.yaml"
    p.write_text(SHORT, encoding="utf-8")
    return p


def test_auto_with_stdin_at_its_end_runs_the_show_and_exits_0(short: Path) -> None:
    r = _showctl("run", str(short), "--headless", "--auto", "--no-runlog", "--osc-port", "0")
    assert r.returncode == 0, r.stderr
    assert "start     main 2" in r.stdout and r.stdout.rstrip().endswith("show over")
    assert _ps() == []  # it unregistered


def test_without_auto_the_show_runs_on_after_stdin_ends_until_stop(short: Path) -> None:
    proc = _start("run", str(short), "--headless", "--no-runlog", "--osc-port", "0")
    try:
        entry = _wait_registered(proc.pid)
        assert entry["show"] == str(short.resolve()) and entry["title"] == "Short show"
        time.sleep(1.0)
        assert proc.poll() is None  # stdin ended at once; the show did not
        r = _showctl("stop", str(short))
        assert r.returncode == 0, r.stderr
        assert proc.wait(10) == 0
        out = proc.stdout.read() if proc.stdout else ""
        assert "show over" in out
        assert _ps() == []
    finally:
        if proc.poll() is None:
            proc.kill()


def test_sighup_does_not_stop_the_show_sigterm_does_cleanly(short: Path) -> None:
    proc = _start("run", str(short), "--headless", "--no-runlog", "--osc-port", "0")
    try:
        _wait_registered(proc.pid)
        proc.send_signal(signal.SIGHUP)  # the terminal went away
        time.sleep(0.8)
        assert proc.poll() is None
        assert [e["pid"] for e in _ps()] == [proc.pid]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert _ps() == []
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_second_show_takes_another_api_port_and_both_are_listed(
        short: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(SHORT.replace("Short show", "Other show"), encoding="utf-8")
    a = _start("run", str(short), "--headless", "--no-runlog", "--osc-port", "0")
    b = _start("run", str(other), "--headless", "--no-runlog", "--osc-port", "0")
    try:
        ea, eb = _wait_registered(a.pid), _wait_registered(b.pid)
        assert ea["api"] != eb["api"]
        r = _showctl("ps")
        assert "short.yaml" in r.stdout and "other.yaml" in r.stdout and "idle" in r.stdout

        async def go_on_b() -> str | None:
            client = await connect(str(eb["api"]))
            await client.command("go")
            state = await client.refresh()
            await client.close()
            return state.lists["main"].playhead if state is not None else None

        import asyncio

        assert asyncio.run(go_on_b()) == "2"
        r = _showctl("stop")  # two shows run: name one
        assert r.returncode == 1 and "several shows run" in r.stderr
        assert _showctl("stop", "Other show").returncode == 0
        assert _showctl("stop", str(a.pid)).returncode == 0
        assert a.wait(10) == 0 and b.wait(10) == 0
    finally:
        for p in (a, b):
            if p.poll() is None:
                p.kill()


def test_a_busy_fixed_api_port_is_said_and_the_show_still_runs(short: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = _start("run", str(short), "--headless", "--no-runlog", "--osc-port", "0",
                      "--api", f"127.0.0.1:{port}")
        try:
            assert proc.stdout is not None
            lines = [proc.stdout.readline() for _ in range(2)]  # waits for start-up
            assert "the native API is off" in lines[0]
            assert "Short show" in lines[1]
            time.sleep(0.5)
            assert proc.poll() is None  # the show runs, without its native API
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()


def test_attach_and_stop_say_when_nothing_runs() -> None:
    r = _showctl("attach")
    assert r.returncode == 1 and "no running show" in r.stderr
    r = _showctl("stop", "nothing.yaml")
    assert r.returncode == 1 and "no running show" in r.stderr
    assert _showctl("ps").stdout.strip() == "no shows running"


def test_a_stale_registration_is_cleaned_up() -> None:
    from showctl.live.registry import Entry, register, running

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    register(Entry(show="/nowhere/gone.yaml", title="gone", pid=dead.pid,
                   api="127.0.0.1:1", osc=None, started="2026-01-01T00:00:00+00:00"))
    assert running() == []
    assert not any(p.name.startswith("gone-") for p in
                   Path(os.environ["SHOWCTL_RUNTIME_DIR"]).iterdir())
