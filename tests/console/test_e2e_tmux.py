"""End to end in a real terminal (tmux): ``python3 -m showctl run SHOW`` starts the engine
process and a console on it; the show outlives its console.

- the demo: keys drive the show, and quitting while lights are up asks, then ends it;
- the console killed (SIGKILL), and separately its pane closed (SIGHUP), mid-fade while
  a receiver on loopback times the Art-Net frames: no frame is lost, and
  ``showctl attach`` shows the show still running.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
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
        screen = _tmux("capture-pane", "-p", "-t", session, check=False)
        if ok(screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"timed out; the screen was:\n{screen}")


def _showctl(*args: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "showctl", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


def _ps() -> list[dict[str, object]]:
    r = _showctl("ps", "--json")
    assert r.returncode == 0, r.stderr
    data: list[dict[str, object]] = json.loads(r.stdout)
    return data


def _console_cmd(*args: str) -> str:
    # COLUMNS/LINES from the test runner would override the real terminal size.
    return (f"cd {ROOT} && exec env -u COLUMNS -u LINES {sys.executable} -m showctl "
            + " ".join(args))


def _new_session(tmp_path: Path, session: str, cmd: str) -> None:
    conf = tmp_path / "tmux.conf"
    conf.write_text("set -g default-size 140x45\n")
    _tmux("-f", str(conf), "new-session", "-d", "-s", session, "-x", "140", "-y", "45", cmd)


def _stop_all() -> None:
    for e in _ps():
        _showctl("stop", str(e["pid"]))


def test_run_demo_in_a_real_terminal(tmp_path: Path) -> None:
    show = tmp_path / "demo.yaml"
    show.write_text((ROOT / "shows" / "demo.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(ROOT / "shows" / "media", tmp_path / "media")  # the show's MIDI file
    session = "console"
    _new_session(tmp_path, session, _console_cmd("run", str(show), "--osc-port", "0"))
    try:
        screen = _wait_for(session, lambda s: "STANDBY" in s and "GO ▸ 0.5" in s)
        assert "Aurora Summit 2026 — Opening" in screen and " SHOW " in screen
        assert "Confirm house open with FOH manager." in screen  # the standby notes
        (entry,) = _ps()
        assert entry["show"] == str(show) and entry["title"] == "Aurora Summit 2026 — Opening"
        _tmux("send-keys", "-t", session, "Space")
        screen = _wait_for(session, lambda s: "GO        main 0.5" in s)
        assert "1  House to half, stage preset" in screen  # the next cue is on standby
        time.sleep(0.6)  # past the demo's 0.5 s GO guard
        _tmux("send-keys", "-t", session, "Space")  # cue 1: a 5 s light fade
        screen = _wait_for(session, lambda s: "GO        main 1" in s and "Running (" in s
                           and "lx u1" in s and "int██" in s)  # levels in the output view
        assert "Running (0)" not in screen
        _tmux("send-keys", "-t", session, "Escape")  # panic
        _wait_for(session, lambda s: "everything fades out over 2 s" in s)
        _tmux("send-keys", "-t", session, "C-q")  # the show is live: the console asks
        _wait_for(session, lambda s: "leave it running" in s and "end the show" in s)
        _tmux("send-keys", "-t", session, "x")  # end it
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _ps():
            time.sleep(0.2)
        assert _ps() == []  # the engine process ended with the show
    finally:
        _tmux("kill-server", check=False)
        _stop_all()


class ArtNetReceiver:
    """Times every ArtDmx packet arriving on a loopback port (in a thread)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.packets: list[tuple[float, int, bytes]] = []
        """(arrival, sequence, data) of each ArtDmx packet."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(2048)
            except TimeoutError:
                continue
            if data[:8] == b"Art-Net\0" and data[8:10] == b"\x00\x50":
                self.packets.append((time.monotonic(), data[12], data[18:]))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def _fade_show(tmp_path: Path, port: int) -> tuple[Path, Path]:
    channels = ", ".join(f'"{i}": 100' for i in range(1, 513))
    show = tmp_path / "fade.yaml"
    show.write_text(
        "show: {title: Outlives its console}\n"
        "settings: {go_guard: 0.5}\n"
        "outputs: {lx: {kind: dmx, universes: [1]}}\n"
        "cuelists:\n  main:\n    cues:\n"
        f"      - {{number: '1', type: light, name: Big fade, time: 5, channels: {{{channels}}},"
        " continue: auto_continue}\n"
        "      - {number: '2', type: wait, name: Long wait, duration: 120}\n",
        encoding="utf-8")
    rig = tmp_path / "rig.yaml"
    rig.write_text(f"outputs:\n  lx: {{driver: artnet, nodes: ['127.0.0.1:{port}'], "
                   "listen: null}\n", encoding="utf-8")
    return show, rig


@pytest.mark.parametrize("how", ["kill", "close-pane"])
def test_the_show_outlives_its_console(tmp_path: Path, how: str) -> None:
    receiver = ArtNetReceiver()
    show, rig = _fade_show(tmp_path, receiver.port)
    session = "console"
    _new_session(tmp_path, session, _console_cmd("run", str(show), "--rig", str(rig),
                                                 "--osc-port", "0", "--no-runlog"))
    try:
        _wait_for(session, lambda s: "GO ▸ 1 Big fade" in s)
        (entry,) = _ps()
        _tmux("send-keys", "-t", session, "Space")  # a 5 s fade of 512 channels
        _wait_for(session, lambda s: "GO        main 1" in s)
        go_seen = time.monotonic()
        time.sleep(1.5)  # mid-fade
        pane_pid = int(_tmux("display", "-p", "-t", session, "#{pane_pid}").strip())
        if how == "kill":
            os.kill(pane_pid, signal.SIGKILL)  # the console dies without a word
        else:
            _tmux("kill-pane", "-t", session)  # the terminal goes away: SIGHUP
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.kill(pane_pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the console did not go away")
        # The engine runs on: attach a new console and see the show still running.
        _tmux("kill-server", check=False)
        _new_session(tmp_path, "again", _console_cmd("attach", str(show)))
        screen = _wait_for("again", lambda s: "Running (" in s and "Long wait" in s)
        assert "Running (0)" not in screen
        while time.monotonic() < go_seen + 6.0:  # past the fade's end
            time.sleep(0.1)
        assert [e["pid"] for e in _ps()] == [entry["pid"]]
    finally:
        _tmux("kill-server", check=False)
        _stop_all()
        receiver.close()
    # Every frame of the fade arrived: one ArtDmx packet per 1/44 s frame, each a new
    # level, with no gap in Art-Net's sequence numbers across the console's death.
    fade = [(t, seq, data) for t, seq, data in receiver.packets if 0 < data[0] < 255]
    span = fade[-1][0] - fade[0][0]
    assert span > 4.8, f"the fade was seen for {span:.2f} s of 5"
    # A skipped frame (the loop a whole frame behind) would leave one frame fewer than
    # the span holds; arrival jitter on loopback is far below a frame.
    assert len(fade) >= round(span * 44) - 1, f"{len(fade)} frames in {span:.3f} s"
    seqs = [seq for _, seq, _ in receiver.packets]
    for a, b in itertools.pairwise(seqs):
        assert b == (a % 255) + 1, f"sequence jumped {a} → {b}"
    levels = [data[0] for _, _, data in fade]
    assert levels == sorted(levels)  # the fade went on smoothly, never restarted
