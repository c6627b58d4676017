"""Run Bitfocus Companion's QLab module, unchanged, against a real ``showctl run``.

* :class:`Showctl`: ``python -m showctl run shows/demo.yaml --headless`` in a subprocess
  on a free loopback port (restartable on the same port).
* :class:`ModuleHost`: ``node tests/companion/host.js``, a minimal Companion that runs the
  vendored module (tests/companion/module) over @companion-module/base's IPC: init with a
  config, press buttons (actions), read status, variables, feedbacks, and — through its
  transparent TCP relay or its UDP socket — every address the module sent and the status
  of every reply.
* :class:`Observer`: a plain OSC/TCP connection that asks showctl what the engine did.
* :func:`node_ready`: Node and the module's pinned npm packages, installed if missing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pythonosc import slip
from pythonosc.osc_message import OscMessage as PyOscMessage
from pythonosc.osc_message_builder import OscMessageBuilder
from remote_support import free_port

ROOT = Path(__file__).resolve().parents[1]
COMPANION = ROOT / "tests" / "companion"
DEMO = ROOT / "shows" / "demo.yaml"


# ---------------------------------------------------------------------------- Node


def node_ready() -> str | None:
    """None when node and the module's packages are there (installing them with
    ``scripts/setup-test-env --companion`` if needed), else why not."""
    base = COMPANION / "node_modules" / "@companion-module" / "base"
    if shutil.which("node") and base.is_dir():
        return None
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "setup-test-env"), "--companion"],
                          capture_output=True, text=True, timeout=600, check=False)
    if shutil.which("node") and base.is_dir():
        return None
    return ("node and the Companion module's npm packages are missing and "
            f"scripts/setup-test-env --companion could not install them: "
            f"{(proc.stderr or proc.stdout).strip()[-300:]}")


# ---------------------------------------------------------------------------- showctl


class Showctl:
    """``showctl run shows/demo.yaml --headless`` on 127.0.0.1:``port``."""

    def __init__(self, *extra: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.extra = list(extra)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Showctl:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            # --fresh: every start is a new run of the demo (crash resume is tested in
            # tests/live; here a run killed by an earlier test must not be resumed).
            [sys.executable, "-m", "showctl", "run", str(DEMO), "--headless", "--no-runlog",
             "--fresh", "--osc-port", str(self.port), *self.extra],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"showctl exited {self.proc.returncode}: {err}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("showctl did not open its OSC port in 30 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


# ---------------------------------------------------------------------------- observer


def _build(address: str, *args: Any) -> bytes:
    b = OscMessageBuilder(address)
    for a in args:
        b.add_arg(a)
    return bytes(b.build().dgram)


class Observer:
    """Asks showctl over its own TCP connection (as the test's eyes on the engine)."""

    def __init__(self, port: int, passcode: str | None = None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""
        if passcode is not None:
            self.ask("/connect", passcode)

    def ask(self, address: str, *args: Any) -> Any:
        self.sock.sendall(slip.encode(_build(address, *args)))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            while b"\xc0" in self.buf.lstrip(b"\xc0"):
                self.buf = self.buf.lstrip(b"\xc0")
                frame, _, self.buf = self.buf.partition(b"\xc0")
                msg = PyOscMessage(slip.decode(frame + b"\xc0"))
                if msg.address == "/reply" + address:
                    body = json.loads(msg.params[0])
                    assert body["status"] == "ok", body
                    return body["data"]
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"showctl closed the connection (asked {address})")
            self.buf += chunk
        raise AssertionError(f"no reply to {address}")

    def playhead(self) -> str:
        return str(self.ask("/cue/playhead/number")) if self.ask("/playheadID") != "none" else ""

    def running(self) -> dict[str, bool]:
        """{cue number: paused?} of every running or paused cue."""
        return {q["number"]: not any(r["uniqueID"] == q["uniqueID"]
                                     for r in self.ask("/runningCues"))
                for q in self.ask("/runningOrPausedCues")}

    def close(self) -> None:
        self.sock.close()


# ---------------------------------------------------------------------------- module host


def module_config(port: int, *, tcp: bool = True, passcode: str = "",
                  tenths: bool = True) -> dict[str, Any]:
    """The module's connection settings as Companion stores them."""
    return {"host": "127.0.0.1", "port": str(port), "useTCP": tcp, "useTenths": tenths,
            "exposeVariables": False, "passcode": passcode, "workspace": "default",
            "cuelist": "default"}


FEEDBACKS = {"anyRun": {"feedbackId": "any_run", "options": {}},
             "minGo": {"feedbackId": "min_go", "options": {"goMode": "1"}}}


class ModuleHost:
    """``node tests/companion/host.js`` running the module; see host.js for the protocol."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["node", str(COMPANION / "host.js")], cwd=COMPANION, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.events: list[tuple[float, dict[str, Any]]] = []
        self.vars: dict[str, Any] = {}
        self.feedbacks: dict[str, Any] = {}
        self.status: tuple[str, str | None] = ("", None)
        self.cond = threading.Condition()
        self._seq = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            with self.cond:
                self.events.append((time.monotonic(), ev))
                kind = ev.get("ev")
                if kind == "vars":
                    self.vars.update(ev["values"])
                elif kind == "status":
                    self.status = (ev["status"], ev.get("message"))
                elif kind == "feedback":
                    self.feedbacks[ev["id"]] = ev["value"]
                self.cond.notify_all()

    def _send(self, obj: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(obj) + "\n")
        self.proc.stdin.flush()

    def start(self, config: dict[str, Any], *, tap: bool = True,
              udp_target: int | None = None) -> ModuleHost:
        self._send({"cmd": "start", "config": config, "tap": tap and config["useTCP"],
                    "udpTarget": udp_target, "feedbacks": FEEDBACKS})
        return self

    def wait(self, pred: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what or pred}; status "
                                         f"{self.status}, last events "
                                         f"{[e for _, e in self.events[-8:]]}")
                self.cond.wait(left)

    def wait_status(self, status: str, timeout: float = 15.0) -> None:
        self.wait(lambda: self.status[0] == status, timeout, f"status {status}")

    def wait_var(self, name: str, value: Any, timeout: float = 5.0) -> None:
        self.wait(lambda: self.vars.get(name) == value, timeout, f"{name} == {value!r} "
                  f"(is {self.vars.get(name)!r})")

    def press(self, action_id: str, **options: Any) -> None:
        """Press a button with this action; waits until the module has handled it."""
        self._seq += 1
        seq = self._seq
        self._send({"cmd": "action", "seq": seq, "actionId": action_id, "options": options})
        self.wait(lambda: any(e.get("ev") == "action" and e.get("seq") == seq
                              for _, e in self.events), 5, f"action {action_id}")
        done = next(e for _, e in self.events if e.get("ev") == "action" and e.get("seq") == seq)
        assert done["ok"], done

    def wire(self, direction: str) -> list[dict[str, Any]]:
        with self.cond:
            return [e for _, e in self.events if e.get("ev") == "wire" and e["dir"] == direction]

    def replies(self, status: str) -> list[dict[str, Any]]:
        """Replies the module got (TCP) or its UDP commands got, with that status."""
        return [e for e in self.wire("in") if e.get("status") == status]

    def sent(self, address: str) -> int:
        return sum(1 for e in self.wire("out") if e["address"] == address)

    def logs(self) -> list[str]:
        with self.cond:
            return [e["message"] for _, e in self.events if e.get("ev") == "log"]

    def var_history(self, name: str) -> list[tuple[float, Any]]:
        with self.cond:
            return [(t, e["values"][name]) for t, e in self.events
                    if e.get("ev") == "vars" and name in e["values"]]

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self._send({"cmd": "stop"})
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(5)
