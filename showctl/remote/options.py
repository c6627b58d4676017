"""Command-line wiring for the remote side, so ``showctl run`` needs three lines:

    from showctl.remote.options import add_remote_arguments, remote_config_from_args
    add_remote_arguments(run_parser)
    config = remote_config_from_args(args)   # raises ShowFileError with file:line:col

and then ``remote = await start_remote(session, config)`` after ``session.open()``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from showctl.model.problems import Problem, ShowFileError

if TYPE_CHECKING:
    from showctl.remote.config import PasscodeConfig, RemoteConfig

# The config models, pydantic and the reader are imported by the functions that use
# them: ``showctl --help`` only needs add_remote_arguments.

__all__ = ["add_remote_arguments", "load_remote_config", "parse_passcode",
           "remote_config_from_args"]


def add_remote_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("remote control (OSC API, triggers, timecode)")
    g.add_argument("--osc-port", type=int, metavar="N",
                   help="OSC API port, UDP and TCP (default 53000; 0 = any free port)")
    g.add_argument("--osc-host", metavar="IP",
                   help="address to listen on (default 127.0.0.1; others need --passcode)")
    g.add_argument("--passcode", action="append", default=[], metavar="CODE[:LEVELS]",
                   help="a passcode (all levels, or e.g. 1234:view,control); repeatable")
    g.add_argument("--udp-reply-port", metavar="N|sender",
                   help="where UDP replies go (default 53001 as QLab; 'sender' = its port)")
    g.add_argument("--remote", metavar="FILE",
                   help="remote configuration (YAML): MIDI inputs, MSC, Art-Net timecode")
    g.add_argument("--no-osc", action="store_true", help="do not start the OSC API")


def parse_passcode(text: str) -> PasscodeConfig:
    """``1234`` (all levels) or ``1234:view,control``."""
    from showctl.remote.config import Level, PasscodeConfig

    code, sep, levels = text.partition(":")
    if not sep:
        return PasscodeConfig(code=code)
    return PasscodeConfig(code=code, levels=[Level(x.strip()) for x in levels.split(",")
                                             if x.strip()])


def load_remote_config(path: str | Path) -> RemoteConfig:
    """Read a remote configuration file; every problem is reported with file:line:col."""
    from pydantic import ValidationError

    from showctl.model.translate import CONFIG, validation_problems
    from showctl.model.yamlsource import YamlSyntaxError, load_located, read_text
    from showctl.remote.config import RemoteConfig

    name = str(path)
    try:
        text = read_text(path)
    except OSError as exc:
        raise ShowFileError([Problem(name, 1, 1, f"cannot read: {exc.strerror}")]) from None
    except YamlSyntaxError as exc:
        raise ShowFileError([Problem(name, exc.line, exc.col, exc.message)]) from None
    try:
        located = load_located(text)
    except YamlSyntaxError as exc:
        raise ShowFileError([Problem(name, exc.line, exc.col, exc.message)]) from None
    try:
        return RemoteConfig.model_validate(located.data or {})
    except ValidationError as exc:
        raise ShowFileError(validation_problems(exc, located, name, CONFIG,
                                                data=located.data or {})) from None


def remote_config_from_args(args: argparse.Namespace) -> RemoteConfig:
    """The file given with ``--remote`` (if any), then the flags on top of it."""
    from pydantic import ValidationError

    from showctl.remote.config import OscApiConfig, RemoteConfig

    config = load_remote_config(args.remote) if getattr(args, "remote", None) else RemoteConfig()
    osc: dict[str, Any] = config.osc.model_dump()
    if getattr(args, "osc_port", None) is not None:
        osc["port"] = args.osc_port
    if getattr(args, "osc_host", None):
        osc["host"] = args.osc_host
    if getattr(args, "passcode", None):
        osc["passcodes"] = [*osc["passcodes"],
                            *(parse_passcode(p).model_dump() for p in args.passcode)]
    reply = getattr(args, "udp_reply_port", None)
    if reply is not None:
        osc["udp_reply_port"] = None if reply == "sender" else int(reply)
    if getattr(args, "no_osc", False):
        osc["enabled"] = False
    try:
        return config.model_copy(update={"osc": OscApiConfig.model_validate(osc)})
    except ValidationError as exc:
        raise ShowFileError([Problem("command line", 1, 1,
                                     e["msg"].removeprefix("Value error, "))
                             for e in exc.errors()]) from None
