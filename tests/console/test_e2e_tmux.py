"""End to end: ``python3 -m showctl run shows/demo.yaml`` in a real terminal (tmux)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


SOCKET = f"showctl-e2e-{uuid.uuid4().hex[:8]}"
"""A private tmux server, so the test never touches anyone else's sessions."""


def _tmux(*args: str, check: bool = True) -> str:
    r = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True,
                       check=check)
    return r.stdout


def _wait_for(session: str, ok: Callable[[str], bool], timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if ok(screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"timed out; the screen was:\n{screen}")


def test_run_demo_in_a_real_terminal(tmp_path: Path) -> None:
    show = tmp_path / "demo.yaml"
    show.write_text((ROOT / "shows" / "demo.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(ROOT / "shows" / "media", tmp_path / "media")  # the show's MIDI file
    session = "console"
    conf = tmp_path / "tmux.conf"
    conf.write_text("set -g default-size 140x45\n")
    # COLUMNS/LINES from the test runner would override the real terminal size.
    cmd = f"cd {ROOT} && exec env -u COLUMNS -u LINES {sys.executable} -m showctl run {show}"
    _tmux("-f", str(conf), "new-session", "-d", "-s", session, "-x", "140", "-y", "45", cmd)
    try:
        screen = _wait_for(session, lambda s: "STANDBY" in s and "GO ▸ 0.5" in s)
        assert "Aurora Summit 2026 — Opening" in screen and " SHOW " in screen
        assert "Confirm house open with FOH manager." in screen  # the standby notes
        _tmux("send-keys", "-t", session, "Space")
        screen = _wait_for(session, lambda s: "GO        main 0.5" in s)
        assert "1  House to half, stage preset" in screen  # the next cue is on standby
        time.sleep(0.6)  # past the demo's 0.5 s GO guard
        _tmux("send-keys", "-t", session, "Space")  # cue 1: a 5 s light fade
        screen = _wait_for(session, lambda s: "GO        main 1" in s and "Running (" in s
                           and "11        inten" in s)  # the front wash in the output view
        assert "Running (0)" not in screen
        _tmux("send-keys", "-t", session, "Escape")  # panic
        screen = _wait_for(session, lambda s: "PANIC over 2.0 s" in s)
        _tmux("send-keys", "-t", session, "C-q")  # cues may still be fading: asks again
        _tmux("send-keys", "-t", session, "C-q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            r = subprocess.run(["tmux", "-L", SOCKET, "has-session", "-t", session],
                               capture_output=True)
            if r.returncode != 0:
                break  # the console quit and its session closed
            time.sleep(0.2)
    finally:
        _tmux("kill-server", check=False)
