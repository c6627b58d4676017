"""The last messages of a show reach their peer: ``showctl run --headless --auto`` whose
final cue sends OSC over TCP to liblo's oscdump, the link still connecting as the show
ends. A clean stop delivers (or reports) every queued message, then exits 0."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OSCDUMP = shutil.which("oscdump")


def _free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(OSCDUMP is None, reason="liblo-tools (oscdump) not installed")
def test_the_last_osc_messages_over_tcp_arrive_before_the_show_ends(tmp_path: Path) -> None:
    assert OSCDUMP is not None
    port = _free_tcp_port()
    show = tmp_path / "ending.yaml"
    show.write_text(
        "show: {title: The last word}\n"
        "settings: {go_guard: 0, auto_go_gap: 0}\n"
        "outputs: {snd: {kind: osc}}\n"
        "cuelists:\n  main:\n    cues:\n"
        "      - {number: '1', type: osc, output: snd, address: /last/one, args: [1]}\n"
        "      - {number: '2', type: osc, output: snd, address: /last/two, args: [2]}\n",
        encoding="utf-8")
    rig = tmp_path / "rig.yaml"
    rig.write_text(f"outputs:\n  snd: {{driver: osc, host: 127.0.0.1, port: {port}, "
                   "transport: tcp, framing: length}\n", encoding="utf-8")
    dump = subprocess.Popen([OSCDUMP, "-L", f"osc.tcp://:{port}"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)  # oscdump listening
        r = subprocess.run([sys.executable, "-m", "showctl", "run", str(show), "--headless",
                            "--auto", "--rig", str(rig), "--no-runlog", "--osc-port", "0",
                            "--no-api"], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=60, cwd=ROOT)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "FAULT" not in r.stdout, r.stdout
        time.sleep(0.5)
    finally:
        dump.terminate()
        out, _ = dump.communicate(timeout=5)
    lines = [ln for ln in out.splitlines() if "/last/" in ln]
    assert [ln.split()[1] for ln in lines] == ["/last/one", "/last/two"], out
