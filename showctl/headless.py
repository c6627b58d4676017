"""``showctl run --headless``: the engine process in the foreground.

It runs the show (a :class:`~showctl.live.runtime.LiveRuntime` on the real clock),
serves the native API (so ``showctl attach`` can open a console on it), registers
itself in the runtime directory (``showctl ps``), and prints each cue as it fires.
``showctl run SHOW`` starts this same process in the background, with its output in a
log file, and opens a console on it.

Operator commands come as lines on stdin (Enter or ``go``, ``stop``, ``pause``,
``resume``, ``panic``, ``back``, ``goto N``, ``blackout``, ``gm 50``, ``quit``). When
stdin ends (a service, CI, a detached engine) the show keeps running until a signal or
``showctl stop``; with ``--auto`` it presses GO by itself like a replay without a
calling script, and exits 0 when the show is over. SIGINT and SIGTERM stop the show
cleanly; SIGHUP (a closed terminal, a dropped ssh session) does not stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from showctl.api.protocol import DEFAULT_PORT, CommandError, Level, listen_address, parse_line
from showctl.drivers.base import DriverConfig
from showctl.engine import events as ev
from showctl.live.log import describe
from showctl.live.registry import Entry, register, unregister
from showctl.live.runtime import LiveRuntime
from showctl.live.server import ApiServer
from showctl.model import show as m
from showctl.replay import _auto_go

if TYPE_CHECKING:
    from showctl.live.journal import JournalData
    from showctl.live.resume import JournalTap
    from showctl.remote.config import RemoteConfig
    from showctl.web.server import WebAddress


@dataclass(frozen=True, slots=True)
class ApiAddress:
    """Where the native API listens; ``fixed`` = the port was asked for explicitly."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    fixed: bool = False

    @classmethod
    def parse(cls, text: str) -> ApiAddress:
        """``PORT``, ``HOST:PORT`` or ``HOST``; ``0`` = any free port; "" = the default."""
        default = cls()
        return cls(*listen_address(text, "--api", default.host, default.port))


class _Out:
    """Printing that survives a terminal that went away (SIGHUP, a closed pipe)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.ok = True

    def __call__(self, text: str) -> None:
        if not self.ok:
            return
        try:
            print(text, file=self.stream, flush=True)
        except (OSError, ValueError):
            self.ok = False


def run_headless(
    show: m.Show, rig: dict[str, DriverConfig] | None, *, auto: bool, quiet_outputs: bool = True,
    show_path: str = "show.yaml", runlog: str | None = "", remote: RemoteConfig | None = None,
    api: ApiAddress | None = ApiAddress(), log_file: str = "", journal: str = "auto",
    web: WebAddress | None = None, watch: bool = True,
) -> int:
    """Run live without a console. ``runlog``: a path, ``""`` for the default place, or
    None for no run log. ``remote``: the OSC API and triggers (None = defaults).
    ``api``: where the native API listens (None = no API, no registration).
    ``journal``: ``auto`` (resume when the show's last run crashed), ``resume``,
    ``fresh`` or ``off`` (no journal: no crash resume). ``web``: where the page
    listens (None = no page; it needs the API). ``watch``: apply the show file's saved
    versions to the running show (hot reload, :mod:`showctl.live.reload`)."""
    from showctl.live.journal import needs_resume
    from showctl.live.resume import run_resumable

    resume = needs_resume(show_path) if journal in ("auto", "resume") else None
    if journal == "resume" and resume is None:
        print("showctl: nothing to resume (the last run ended cleanly): starting fresh",
              file=sys.stderr, flush=True)
    main = _run(show, rig, auto=auto, quiet_outputs=quiet_outputs, show_path=show_path,
                runlog=runlog, remote=remote, api=api, log_file=log_file,
                journal=journal != "off", resume=resume, web=web, watch=watch)
    if resume is not None:
        return int(run_resumable(main))
    return asyncio.run(main)


def freeze_startup_heap() -> None:
    """Move everything built so far (the show model, the compiled rig: millions of
    objects for a big show) out of the garbage collector's way. A full collection walks
    every tracked object; over a big show's model that stops the process for 100–400 ms,
    a dozen dropped DMX frames. These objects live as long as the show does."""
    gc.collect()
    gc.freeze()


def api_passcodes(remote: RemoteConfig | None) -> dict[str, Level]:
    """The OSC API's passcodes, for the native API too (the highest level each grants)."""
    if remote is None:
        return {}
    out = {}
    for pc in remote.osc.passcodes:
        levels = [Level[str(x.value).upper()] for x in pc.levels]
        if levels:
            out[pc.code] = max(levels)
    return out


async def _start_api(runtime: LiveRuntime, api: ApiAddress, remote: RemoteConfig | None,
                     out: _Out) -> ApiServer | None:
    server = ApiServer(runtime, host=api.host, port=api.port, passcodes=api_passcodes(remote))
    try:
        await server.start()
    except OSError as exc:
        if api.fixed:
            out(f"showctl: the native API is off: {exc.strerror or exc} (--api for another "
                "port)")
            await server.close()
            return None
        # The default port is taken (another show runs): any free port, registered.
        server.port = 0
        await server.start()
    except CommandError as exc:
        out(f"showctl: the native API is off: {exc}")
        await server.close()
        return None
    return server


async def _run(
    show: m.Show, rig: dict[str, DriverConfig] | None, *, auto: bool, quiet_outputs: bool,
    show_path: str, runlog: str | None, remote: RemoteConfig | None, api: ApiAddress | None,
    log_file: str, journal: bool = False, resume: JournalData | None = None,
    web: WebAddress | None = None, watch: bool = True,
) -> int:
    out = _Out(sys.stdout)
    runtime = LiveRuntime(show, rig=rig, path=show_path, remote=remote, runlog=runlog,
                          runlog_mode="headless", trace_dmx=not quiet_outputs, watch=watch)
    runtime.reload.offload = True  # the real clock: a big show is checked off the loop
    runtime.reload.on_line.append(lambda line: out(f"showctl: {line}"))
    names = show.cue_names()
    tap = _journal(runtime, show_path, resume) if journal else None

    def show_event(e: ev.Event) -> None:
        if tap is not None and tap.fast_forward:
            return  # replaying the journal: all this was printed before the crash
        line = describe(e, names)
        if line is None and not quiet_outputs and isinstance(e, ev.Output):
            line = f"{e.t:9.3f}  out       {e.to_json()}"
        if line is not None:
            out(line)

    runtime.on_event.append(show_event)
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):
        loop.add_signal_handler(signal.SIGINT, runtime.ended.set)
        loop.add_signal_handler(signal.SIGTERM, runtime.ended.set)
        # A closed terminal or a dropped ssh session must not take the show down.
        loop.add_signal_handler(signal.SIGHUP, lambda: None)
    await runtime.start()
    freeze_startup_heap()
    if tap is not None and resume is not None:
        out(f"showctl: {await _resume(runtime, tap, remote)}")
    # the run of show's times of day are read on the wall clock (also without a run log)
    runtime.wall_start = (datetime.now().astimezone()
                          - timedelta(seconds=runtime.engine.now()))
    if runtime.remote_error:
        print(f"showctl: {runtime.remote_error}", file=sys.stderr, flush=True)
    server = await _start_api(runtime, api, remote, out) if api is not None else None
    page = None
    if server is not None and web is not None:
        from showctl.web.server import start_web

        page = await start_web(server, web, out)
    registered = False
    if server is not None:
        osc = (runtime.remote.osc.tcp_port or runtime.remote.osc.udp_port
               if runtime.remote is not None else None)
        register(Entry(show=str(Path(show_path).resolve()), title=show.show.title,
                       pid=os.getpid(), api=server.address, osc=osc,
                       started=datetime.now().astimezone().isoformat(timespec="seconds"),
                       log=log_file, web=page.url if page is not None else ""))
        registered = True
    out(f"showctl: {show.show.title} — {sum(1 for _ in show.walk())} cues; "
        + ("auto GO" if auto else "Enter = GO, or type stop/pause/resume/panic/back/"
           "goto N/quit")
        + (f"; native API on {server.address} (showctl attach)" if server else ""))
    try:
        if auto:
            assert runtime.session is not None
            runner = asyncio.ensure_future(_auto_go(runtime.session, float("inf")))
            stopper = asyncio.ensure_future(runtime.ended.wait())
            await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            runner.cancel()
            stopper.cancel()
        else:
            _read_commands(runtime, out)
            await runtime.ended.wait()
    finally:
        if page is not None:
            await page.close()
        if server is not None:
            await server.close("show ended")
        if registered:
            unregister(show_path, os.getpid())
        saved = await runtime.stop()
        if saved is not None:
            out(f"showctl: run log {saved}")
    out("showctl: show over")
    return 0


def _journal(runtime: LiveRuntime, show_path: str,
             resume: JournalData | None) -> JournalTap:
    from showctl.live.journal import Journal, journal_path
    from showctl.live.resume import JournalTap

    tap = JournalTap(Journal(journal_path(show_path), fresh=resume is None), resume=resume,
                     show_path=str(Path(show_path).resolve()))
    runtime.journal = tap
    if resume is not None:
        runtime.remote_config = None  # no remote input while the journal is replayed
    return tap


async def _resume(runtime: LiveRuntime, tap: JournalTap, remote: RemoteConfig | None) -> str:
    """Fast-forward the journal on the virtual clock to the crash, then to now; go live."""
    from showctl.live.resume import ResumeLoop

    loop = asyncio.get_running_loop()
    assert isinstance(loop, ResumeLoop)
    loop.target = tap.target
    if runtime.recorder is not None:
        runtime.recorder.started = datetime.fromtimestamp(tap.started_wall).astimezone()
    await tap.replay()
    loop.hold = False
    await loop.live.wait()
    line = tap.go_live()
    runtime.show_text()  # for the clients, before the native API starts
    runtime.remote_config = remote
    if remote is not None:
        await runtime.start_remote()
        if runtime.remote is not None:
            tap.catch_up_wallclock(runtime.remote.triggers)
    return line


def _read_commands(runtime: LiveRuntime, out: _Out) -> None:
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[None]] = set()

    def on_line() -> None:
        try:
            line = sys.stdin.readline()
        except (OSError, ValueError):
            line = ""
        if not line:  # EOF: stop reading; the show runs on until a signal or `stop`
            loop.remove_reader(sys.stdin)
            return
        word = line.strip()
        if word in ("q", "quit", "exit"):
            runtime.ended.set()
            return
        try:
            cmd = parse_line(word)
        except CommandError as exc:
            out(f"  ? {exc}")
            return

        async def run() -> None:
            outcome = await runtime.execute(cmd)
            if not outcome.ok and cmd.verb != "go":  # a refused GO is an event already
                out(f"  ? {outcome.message}")

        pending.add(task := loop.create_task(run()))
        task.add_done_callback(pending.discard)

    # stdin may not be selectable (a regular file on some platforms): then GO via remote only
    with contextlib.suppress(OSError, ValueError):
        loop.add_reader(sys.stdin, on_line)
