"""The engine as a process of its own: start it, find it, attach to it, stop it.

``showctl run SHOW`` calls :func:`start_engine` (unless the show already runs, then it
attaches): the engine is ``showctl run SHOW --headless`` started in a new session (no
controlling terminal, so a closed terminal or a dropped ssh session never reaches it),
with its output in a log file beside its registry entry. The console is then a client
of it; ``showctl attach``, ``showctl ps`` and ``showctl stop`` use the registry
(:mod:`showctl.live.registry`) and the native API.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from showctl.api.client import ApiClient, ApiError, connect
from showctl.live.registry import Entry, find, pid_alive, runtime_dir, show_key


class EngineError(Exception):
    """The engine process could not be started or reached (the message says why)."""


def start_engine(show_path: str, engine_args: list[str], *, timeout: float = 30.0) -> Entry:
    """Start the engine process for a show and wait until it is registered.

    ``engine_args`` are the ``run`` options to pass on (rig, OSC, run log…)."""
    log = runtime_dir() / f"{show_key(show_path)}.log"
    cmd = [sys.executable, "-m", "showctl", "run", show_path, "--headless", "--supervise",
           *engine_args, "--engine-log", str(log)]
    with open(log, "ab") as out, open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(cmd, stdin=devnull, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, close_fds=True)
    deadline = time.monotonic() + timeout  # clock-ok: a CLI wait, not show time
    while time.monotonic() < deadline:  # clock-ok
        # The supervisor (proc) runs the engine as its child: the child registers.
        entries = find(show_path)
        if entries:
            return entries[0]
        if proc.poll() is not None:
            tail = _tail(log)
            raise EngineError(f"the engine did not start (exit {proc.returncode}):\n{tail}")
        time.sleep(0.05)  # clock-ok
    proc.terminate()
    raise EngineError(f"the engine did not register within {timeout:g} s; see {log}")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def pick(show: str | None) -> Entry:
    """The one running show ``show`` names (or the only one running)."""
    entries = find(show)
    if not entries:
        raise EngineError(f"no running show{'' if show is None else f' matches {show!r}'} "
                          "(showctl ps lists them)")
    if len(entries) > 1:
        names = ", ".join(f"{Path(e.show).name} (pid {e.pid})" for e in entries)
        raise EngineError(f"several shows run: {names}; name one")
    return entries[0]


async def connect_entry(entry: Entry, *, passcode: str | None = None,
                        timeout: float = 5.0) -> ApiClient:
    try:
        return await connect(entry.api, passcode=passcode, timeout=timeout)
    except (OSError, TimeoutError, ApiError) as exc:
        raise EngineError(f"cannot reach the show at {entry.api}: {exc}") from None


def stop_engine(entry: Entry, *, passcode: str | None = None, timeout: float = 10.0) -> bool:
    """End a show cleanly (the ``end_show`` command); SIGTERM if the API does not answer.
    True when the engine process is gone."""

    async def ask() -> None:
        client = await connect_entry(entry, passcode=passcode)
        try:
            await client.command("end_show")
        finally:
            await client.close()

    try:
        asyncio.run(ask())
    except (EngineError, ApiError):
        os.kill(entry.pid, signal.SIGTERM)
    return wait_gone(entry.pid, timeout)


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout  # clock-ok: a CLI wait
    while time.monotonic() < deadline:  # clock-ok
        if not pid_alive(pid):
            return True
        time.sleep(0.05)  # clock-ok
    return not pid_alive(pid)


async def describe_entry(entry: Entry, *, timeout: float = 2.0) -> str:
    """One word or two on what a running show is doing (for ``ps``)."""
    try:
        client = await connect(entry.api, timeout=timeout)
    except Exception:
        return "not answering"
    try:
        state = client.state
        if state is None:
            return "?"
        if state.mode == "edit":
            return "editing"
        if not state.idle:
            return f"running {len(state.running)}"
        return "lit" if state.lit else "idle"
    finally:
        await client.close()
