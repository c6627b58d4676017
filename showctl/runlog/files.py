"""Run log files: written atomically, read back with every problem located, and where
they go by default (the XDG state folder)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from showctl import __version__
from showctl.model.problems import Problem, ShowFileError
from showctl.model.translate import RUNLOG, validation_problems
from showctl.model.yamlsource import YamlSyntaxError, load_located, read_text
from showctl.runlog.schema import FORMAT, RunLog


def write_runlog(log: RunLog, path: str | Path) -> Path:
    """Write ``log`` as YAML atomically (temp file in the same folder, then rename)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = log.to_yaml()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def load_runlog(path: str | Path) -> RunLog:
    """Read a run log; every problem is raised at once as ``ShowFileError`` with lines."""
    name = str(path)
    try:
        text = read_text(path)
    except FileNotFoundError:
        raise ShowFileError([Problem(name, 1, 1, "no such file")]) from None
    except IsADirectoryError:
        raise ShowFileError([Problem(name, 1, 1, "is a folder, not a run log")]) from None
    except YamlSyntaxError as exc:
        raise ShowFileError([Problem(name, exc.line, exc.col, exc.message)]) from None
    except OSError as exc:
        raise ShowFileError([Problem(name, 1, 1, f"cannot read: {exc.strerror}")]) from None
    try:
        located = load_located(text)
    except YamlSyntaxError as exc:
        raise ShowFileError([Problem(name, exc.line, exc.col, exc.message)]) from None
    data = located.data
    if not isinstance(data, dict) or "format" not in data:
        what = "a calling script" if isinstance(data, list) else "this"
        raise ShowFileError([Problem(name, 1, 1, f"not a showctl run log: {what} has no "
                                     f"'format: {FORMAT}' key")])
    fmt = data["format"]
    if fmt != FORMAT:
        line, col = located.where(("format",))
        if isinstance(fmt, str) and fmt.startswith("showctl-runlog/"):
            msg = (f"run log format {fmt!r} is not one this showctl ({__version__}) reads: "
                   f"it reads {FORMAT!r}")
        else:
            msg = f"not a showctl run log: format is {fmt!r}, expected {FORMAT!r}"
        raise ShowFileError([Problem(name, line, col, msg)])
    try:
        return RunLog.model_validate(data)
    except ValidationError as exc:
        raise ShowFileError(validation_problems(exc, located, name, RUNLOG)) from None


def state_dir() -> Path:
    """``$XDG_STATE_HOME/showctl`` (an absolute XDG_STATE_HOME only, as the XDG spec
    says), else ``~/.local/state/showctl``."""
    base = os.environ.get("XDG_STATE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "showctl"


def default_runlog_path(show_path: str | Path, when: datetime) -> Path:
    """Where a run of ``show_path`` started at ``when`` is logged by default:
    ``<state dir>/runs/<show stem>-<YYYYmmdd-HHMMSS>.runlog.yaml``. If that file exists
    already (two runs in one second) ``-2``, ``-3``… is added before ``.runlog.yaml``."""
    stem = Path(show_path).name
    for suffix in (".yaml", ".yml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    folder = state_dir() / "runs"
    base = f"{stem}-{when:%Y%m%d-%H%M%S}"
    path = folder / f"{base}.runlog.yaml"
    n = 2
    while path.exists():
        path = folder / f"{base}-{n}.runlog.yaml"
        n += 1
    return path

