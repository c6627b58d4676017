"""The CLI functions the main ``showctl`` parser wires: flags, errors, headless runs."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from showctl.sim.cli import main

REPO = Path(__file__).resolve().parents[2]
DEMO = str(REPO / "shows" / "demo.yaml")


def test_headless_sim_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sim", DEMO, "--headless", "--duration", "0.3", "--artnet-port", "0",
                 "--sacn-port", "0", "--osc-port", "0", "--midi", "127.0.0.1:0"])
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("0.000 sim  listening: Art-Net 127.0.0.1:")
    assert "(multicast 1, 2)" in out[0]
    assert sum(1 for ln in out if " fix  " in ln) == 8  # every demo fixture once


def test_busy_ports_are_one_sentence_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
        assert main(["monitor-dmx", "--bind", "127.0.0.1", "--artnet-port", port,
                     "--protocol", "artnet"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("showctl monitor dmx: cannot listen on 127.0.0.1:")
        assert main(["sim", DEMO, "--headless", "--artnet-port", port, "--no-sacn",
                     "--no-osc", "--no-midi"]) == 1
        assert "showctl sim: cannot listen" in capsys.readouterr().err


def test_bad_values_and_bad_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match=r"^2$"):  # argparse's usage error
        main(["sim", DEMO, "--snapshot-at", "twelve"])
    assert "want seconds separated by commas" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("show: {}\n")
    assert main(["sim", str(bad), "--headless"]) == 1
    assert str(bad) in capsys.readouterr().err

