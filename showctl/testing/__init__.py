"""Helpers for testing shows and front ends on the virtual clock.

Public on purpose: a plugin's tests (a third-party driver, a front end) can build a show
from YAML text and drive the real engine with exact timestamps, as showctl's own do.
A driver's author checks it against the driver contract with
:mod:`showctl.testing.drivers` (the ``check_*`` functions; docs/drivers.md).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from showctl.engine.engine import Engine
from showctl.model import show as m
from showctl.model.loader import parse_show
from showctl.session import Session


def make_show(text: str) -> m.Show:
    show, problems = parse_show(textwrap.dedent(text))
    assert not problems, "\n".join(map(str, problems))
    assert show is not None
    return show


Step = tuple[float, Callable[[Engine], Any]]


def drive(show: m.Show, steps: list[Step], until: float) -> list[dict[str, Any]]:
    """Run ``show`` on the virtual clock, calling each step at its show time; return the trace."""
    from showctl.clocks.virtual import run_virtual
    from showctl.trace import TraceWriter

    async def main() -> list[dict[str, Any]]:
        session = Session(show)
        writer = TraceWriter()
        session.bus.subscribe(writer)
        await session.open()
        t0 = session.engine.t0
        for at, fn in sorted(steps, key=lambda s: s[0]):
            await session.clock.sleep_until(t0 + at)
            fn(session.engine)
        await session.clock.sleep_until(t0 + until)
        await session.close()
        return writer.lines

    return run_virtual(main)


def cue_times(trace: list[dict[str, Any]], kind: str, lst: str | None = None) -> dict[str, float]:
    """cue number → time of its first event of ``kind``."""
    out: dict[str, float] = {}
    for line in trace:
        if line["kind"] == kind and (lst is None or line["list"] == lst):
            out.setdefault(line["cue"], line["t"])
    return out


def events(trace: list[dict[str, Any]], *kinds: str) -> list[tuple[float, str, str | None]]:
    return [(ln["t"], ln["kind"], ln.get("cue")) for ln in trace if ln["kind"] in kinds]
