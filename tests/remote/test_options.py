"""Command-line flags and the remote configuration file."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from showctl.model.problems import ShowFileError
from showctl.remote.config import Level
from showctl.remote.options import (
    add_remote_arguments,
    load_remote_config,
    parse_passcode,
    remote_config_from_args,
)


def parse(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_remote_arguments(p)
    return p.parse_args(list(argv))


def test_defaults_are_loopback_53000_53001() -> None:
    cfg = remote_config_from_args(parse())
    assert (cfg.osc.host, cfg.osc.port, cfg.osc.udp_reply_port) == ("127.0.0.1", 53000, 53001)
    assert cfg.osc.enabled and not cfg.osc.passcodes


def test_flags() -> None:
    cfg = remote_config_from_args(parse("--osc-port", "9000", "--osc-host", "0.0.0.0",
                                        "--passcode", "1234", "--passcode", "0000:view",
                                        "--udp-reply-port", "sender"))
    assert cfg.osc.port == 9000 and cfg.osc.host == "0.0.0.0"
    assert [p.code for p in cfg.osc.passcodes] == ["1234", "0000"]
    assert cfg.osc.passcodes[1].levels == [Level.VIEW]
    assert cfg.osc.udp_reply_port is None
    assert not remote_config_from_args(parse("--no-osc")).osc.enabled
    assert parse_passcode("9:control,edit").levels == [Level.CONTROL, Level.EDIT]


def test_network_without_passcode_is_a_clear_error() -> None:
    with pytest.raises(ShowFileError, match="needs at least one passcode"):
        remote_config_from_args(parse("--osc-host", "0.0.0.0"))


def test_file_with_errors_located(tmp_path: Path) -> None:
    f = tmp_path / "remote.yaml"
    f.write_text("osc:\n  port: 53000\n  pascodes: []\nmidi_inputs:\n"
                 "  - {name: desk, transport: socket, port: 5004}\n")
    with pytest.raises(ShowFileError, match=r"remote\.yaml:3:3: unknown key 'pascodes'") as err:
        load_remote_config(f)
    assert f"{f}:3:3: unknown key 'pascodes'" in str(err.value)
    f.write_text("osc: {port: 53010, passcodes: [{code: '1'}], host: 0.0.0.0}\n"
                 "msc: {device: 1}\nmidi_inputs:\n  - {name: desk, transport: socket, "
                 "port: 5004}\n")
    cfg = remote_config_from_args(parse("--remote", str(f), "--osc-port", "53020"))
    assert cfg.osc.port == 53020 and cfg.osc.host == "0.0.0.0"
    assert cfg.msc is not None and cfg.msc.device == 1
    assert cfg.midi_inputs[0].port == 5004
