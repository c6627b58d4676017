"""Golden error files: the exact wording of every kind of file's problems.

Each ``errors/KIND--NAME.yaml`` is read by the loader of that kind of file (show, calling
script, run log, rig, remote configuration, fixture profile); the problems it reports,
one ``file:line:col: message`` a line, must equal ``errors/KIND--NAME.txt``. Wording is
a contract people and scripts rely on: change it on purpose, then refresh the golden
files with ``SHOWCTL_UPDATE_GOLDEN=1 python3 -m pytest tests/golden/test_error_wording.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from showctl.api.calls import load_calls
from showctl.drivers.rig import load_rig
from showctl.lighting.profiles import ProfileError, parse_profile
from showctl.model.loader import read_show
from showctl.model.problems import ShowFileError
from showctl.remote.options import load_remote_config
from showctl.runlog import load_runlog

HERE = Path(__file__).resolve().parent / "errors"


def _raising(fn: Callable[[str], object]) -> Callable[[str], list[str]]:
    def problems(path: str) -> list[str]:
        try:
            fn(path)
        except ShowFileError as exc:
            return [str(p) for p in exc.problems]
        return []

    return problems


def _show(path: str) -> list[str]:
    return [str(p) for p in read_show(path)[1]]


def _profile(path: str) -> list[str]:
    try:
        parse_profile(Path(path).read_text(encoding="utf-8"), path)
    except ProfileError as exc:
        return list(exc.problems)
    return []


READERS: dict[str, Callable[[str], list[str]]] = {
    "show": _show,
    "calls": _raising(load_calls),
    "runlog": _raising(load_runlog),
    "rig": _raising(load_rig),
    "remote": _raising(load_remote_config),
    "profile": _profile,
}

CASES = sorted(p.name for p in HERE.glob("*.yaml"))


@pytest.mark.parametrize("name", CASES)
def test_error_wording_matches_the_golden_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE)
    kind = name.split("--")[0]
    got = "".join(f"{line}\n" for line in READERS[kind](name))
    golden = HERE / name.replace(".yaml", ".txt")
    if os.environ.get("SHOWCTL_UPDATE_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    assert got, f"{name}: expected problems"
    assert got == golden.read_text(encoding="utf-8")


def test_every_kind_has_a_golden_file() -> None:
    assert {c.split("--")[0] for c in CASES} == set(READERS)
