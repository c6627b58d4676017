"""The supervisor: restarts a crashed engine at once, resuming the show from its journal.

``showctl run SHOW --headless --supervise`` (and the engine process ``showctl run``
starts) is this small loop around the real engine process: the engine runs as a child
(same stdin, stdout and stderr); when it dies of a signal (``kill -9``, the OOM killer)
or with an internal error, it is started again with ``--resume`` — the show comes back
where it would be (docs/journal.md). It gives up after ``MAX_CRASHES`` crashes within
``WINDOW`` seconds (an engine that dies at once on start would otherwise spin) and says
why. A clean end (exit 0), a user error (exit 1: a bad show file, a busy port) or a
signal sent to the supervisor itself (forwarded to the engine) ends it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

MAX_CRASHES = 5
WINDOW = 30.0
EXIT_GAVE_UP = 3
USER_ERROR = 1
EXIT_BUG = 70


@dataclass(slots=True)
class Supervisor:
    argv: list[str]
    """The engine's command line (first start)."""
    resume_argv: list[str]
    """The command line of a restart (with ``--resume``)."""
    max_crashes: int = MAX_CRASHES
    window: float = WINDOW
    say: Callable[[str], None] = field(default=lambda text: print(text, file=sys.stderr,
                                                                   flush=True))
    fork_main: Callable[[bool], int] | None = None
    """Run the engine in a forked child (``fork_main(resume)`` returns its exit status)
    instead of a new interpreter: the child starts with every module imported already,
    which is most of a restart's time (docs/performance.md)."""
    crashes: list[float] = field(default_factory=list)
    child: int | None = None
    stopping: bool = False

    def _forward(self, signum: int, _frame: object) -> None:
        self.stopping = True
        if self.child is not None:
            with contextlib.suppress(OSError):
                os.kill(self.child, signum)

    def _start(self, resume: bool) -> int:
        if self.fork_main is None:
            return subprocess.Popen(self.resume_argv if resume else self.argv).pid
        pid = os.fork()
        if pid == 0:  # the engine
            code = EXIT_BUG
            try:
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                    signal.signal(sig, signal.SIG_DFL)
                code = self.fork_main(resume)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else USER_ERROR
            except BaseException:
                import traceback

                traceback.print_exc()
                print("showctl: internal error (a bug)", file=sys.stderr, flush=True)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        return pid

    def _wait(self, pid: int) -> int:
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                return os.waitstatus_to_exitcode(status)
            except InterruptedError:
                continue

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._forward)
        signal.signal(signal.SIGINT, self._forward)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        resume = False
        while True:
            self.child = self._start(resume)
            code = self._wait(self.child)
            self.child = None
            if self.stopping or code in (0, USER_ERROR):
                return code
            now = time.monotonic()  # clock-ok: a process supervisor, not show time
            self.crashes = [t for t in self.crashes if now - t < self.window] + [now]
            why = describe_exit(code)
            if len(self.crashes) >= self.max_crashes:
                self.say(f"showctl: the engine crashed {len(self.crashes)} times within "
                         f"{self.window:g} s (last: {why}); giving up — the show is NOT "
                         "running. Fix the cause, then `showctl run` resumes it.")
                return EXIT_GAVE_UP
            self.say(f"showctl: the engine crashed ({why}); restarting it with resume")
            resume = True


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def engine_argv(args: Sequence[str], *, resume: bool) -> list[str]:
    """The engine's command line from the supervisor's arguments (``run ... --supervise``)."""
    out = [a for a in args if a not in ("--supervise", "--resume", "--fresh")]
    if resume:
        out.append("--resume")
    elif "--fresh" in args:
        out.append("--fresh")
    elif "--resume" in args:
        out.append("--resume")
    return [sys.executable, "-m", "showctl", *out]


def supervise(args: Sequence[str], *, max_crashes: int | None = None,
              window: float | None = None,
              fork_main: Callable[[bool], int] | None = None) -> int:
    env_max = os.environ.get("SHOWCTL_MAX_CRASHES")
    env_win = os.environ.get("SHOWCTL_CRASH_WINDOW")
    sup = Supervisor(engine_argv(args, resume=False), engine_argv(args, resume=True),
                     max_crashes=max_crashes or int(env_max or MAX_CRASHES),
                     window=window or float(env_win or WINDOW), fork_main=fork_main)
    return sup.run()
