"""Where running shows register themselves, so `showctl ps / attach / stop` find them.

Each engine process writes one small JSON file into the runtime directory while it
runs — ``$XDG_RUNTIME_DIR/showctl/`` (the platform's place for such files: per user,
cleaned at logout and boot), or ``/tmp/showctl-$UID/`` (mode 0700) where that is not
set; ``SHOWCTL_RUNTIME_DIR`` overrides both. The file is named after the show file's
absolute path and holds the show, its title, the pid, the native API's address, the
OSC API's port, when it started and where its log goes. A file whose pid is gone is
stale and is removed when read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any


def runtime_dir() -> Path:
    """The directory running shows register in (created, 0700, if missing)."""
    env = os.environ.get("SHOWCTL_RUNTIME_DIR")
    if env:
        d = Path(env)
    elif os.environ.get("XDG_RUNTIME_DIR"):
        d = Path(os.environ["XDG_RUNTIME_DIR"]) / "showctl"
    else:
        d = Path(tempfile.gettempdir()) / f"showctl-{os.getuid()}"
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    return d


def show_key(show_path: str | Path) -> str:
    """A file name for a show: its stem and a hash of its absolute path."""
    p = Path(show_path).resolve()
    digest = hashlib.sha1(str(p).encode()).hexdigest()[:10]
    return f"{p.stem}-{digest}"


@dataclass(frozen=True, slots=True)
class Entry:
    show: str
    """The show file's absolute path."""
    title: str
    pid: int
    api: str
    """The native API's ``host:port``."""
    osc: int | None
    started: str
    """ISO 8601 wall-clock time the engine started."""
    log: str = ""
    """Where the engine process writes its output (when started by `showctl run`)."""
    web: str = ""
    """The show's page (``http://host:port/``), or "" without one."""

    @property
    def key(self) -> str:
        return show_key(self.show)

    def uptime(self, now: datetime | None = None) -> float:
        start = datetime.fromisoformat(self.started)
        return ((now or datetime.now(start.tzinfo)) - start).total_seconds()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def register(entry: Entry) -> Path:
    """Write (atomically) the entry of a running show; returns its file."""
    d = runtime_dir()
    path = d / f"{entry.key}.json"
    tmp = d / f".{entry.key}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(asdict(entry), indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


def unregister(show_path: str | Path, pid: int | None = None) -> None:
    """Remove a show's entry (only if it is ``pid``'s, when given)."""
    path = runtime_dir() / f"{show_key(show_path)}.json"
    entry = _read(path)
    if entry is not None and pid is not None and entry.pid != pid:
        return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _read(path: Path) -> Entry | None:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        return Entry(**data)
    except (OSError, ValueError, TypeError):
        return None


def running() -> list[Entry]:
    """Every registered show whose engine process is alive (stale files are removed)."""
    out = []
    for path in sorted(runtime_dir().glob("*.json")):
        entry = _read(path)
        if entry is None or not pid_alive(entry.pid):
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        out.append(entry)
    return out


def find(show: str | None) -> list[Entry]:
    """Running shows matching ``show``: a show file path, a registry key, a title or
    a pid; None matches every running show."""
    entries = running()
    if show is None:
        return entries
    p = Path(show)
    if p.exists():
        key = show_key(p)
        return [e for e in entries if e.key == key]
    return [e for e in entries
            if show in (e.key, e.title, str(e.pid), Path(e.show).name, Path(e.show).stem)]
