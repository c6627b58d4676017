"""The trace: every event and output of a run as JSON Lines, and golden comparisons.

Each line is ``{"t": seconds (6 decimals), "kind": ..., ...payload}``. The kinds and
their fields are documented in docs/trace.md and are a stable contract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from showctl.engine.events import Event


class TraceWriter:
    """Collects trace lines; writes them to a file as they come when given one."""

    def __init__(self, out: IO[str] | None = None) -> None:
        self.lines: list[dict[str, Any]] = []
        self._out = out

    def __call__(self, event: Event) -> None:
        line = event.to_json()
        self.lines.append(line)
        if self._out is not None:
            self._out.write(dumps(line) + "\n")


def dumps(line: dict[str, Any]) -> str:
    return json.dumps(line, separators=(", ", ": "), ensure_ascii=False)


def read_trace(path: str | Path) -> list[dict[str, Any]]:
    """A golden trace (JSON Lines); a bad line raises ``ValueError`` with ``file:line:col``."""
    out = []
    with open(path, "rb") as f:
        for n, data in enumerate(f, 1):
            try:
                raw = data.decode("utf-8").strip()
            except UnicodeDecodeError as exc:
                col = len(data[:exc.start].decode("utf-8", errors="replace")) + 1
                raise ValueError(f"{path}:{n}:{col}: not UTF-8 text") from None
            if not raw:
                continue
            try:
                out.append(json.loads(raw))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}:{exc.colno}: not a JSON trace line: "
                                 f"{exc.msg}") from None
            except RecursionError:
                raise ValueError(f"{path}:{n}:1: not a trace line: nested too deep") from None
    return out


def _what(line: dict[str, Any]) -> str:
    kind = line.get("kind")
    if kind in ("cue_started", "cue_completed", "cue_stopped", "cue_triggered", "cue_paused",
                "cue_resumed"):
        verb = str(kind).removeprefix("cue_")
        return f"cue {line.get('cue')} {verb}"
    if kind == "playhead":
        return f"playhead of list {line.get('list')} moved to {line.get('cue')}"
    if kind == "dmx":
        return f"dmx {line.get('output')} universe {line.get('universe')} {line.get('channels')}"
    if kind == "osc":
        return f"osc {line.get('output')} {line.get('address') or 'bundle'} {line.get('args', '')}"
    if kind == "midi":
        return f"midi {line.get('output')} {line.get('data')}"
    if kind == "fault":
        return f"fault on {line.get('output')}: {line.get('reason')}"
    rest = {k: v for k, v in line.items() if k not in ("t", "kind")}
    return f"{kind} {rest}"


def compare(actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> str | None:
    """The first difference between two traces, in words; None when they match."""
    for i, (a, e) in enumerate(zip(actual, expected, strict=False)):
        if a == e:
            continue
        ta, te = float(a.get("t", 0)), float(e.get("t", 0))
        same_thing = {k: v for k, v in a.items() if k != "t"} == {
            k: v for k, v in e.items() if k != "t"}
        if same_thing:
            return f"{_what(a)} at {ta:.3f} s, expected {te:.3f} s (trace line {i + 1})"
        return (f"trace line {i + 1}: got {_what(a)} at {ta:.3f} s, "
                f"expected {_what(e)} at {te:.3f} s")
    if len(actual) > len(expected):
        extra = actual[len(expected)]
        return (f"the run went on past the expected trace: {_what(extra)} at "
                f"{float(extra.get('t', 0)):.3f} s (trace line {len(expected) + 1})")
    if len(actual) < len(expected):
        missing = expected[len(actual)]
        return (f"the run ended early: expected {_what(missing)} at "
                f"{float(missing.get('t', 0)):.3f} s (trace line {len(actual) + 1})")
    return None
