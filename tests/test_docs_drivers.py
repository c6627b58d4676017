"""docs/drivers.md stays true: its example driver and its example test are run here, the
driver through the whole conformance suite and to a real receiver."""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Any

import pytest

from showctl.clocks.virtual import run_virtual
from showctl.drivers import base
from showctl.drivers.base import DriverContext, OscMessage, driver_class, register
from showctl.testing.drivers import Reports, check_driver, udp_sink

DOC = Path(__file__).resolve().parents[1] / "docs" / "drivers.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def _module(code: str, name: str, **extra: Any) -> types.ModuleType:
    mod = types.ModuleType(name)
    mod.__dict__.update(extra)
    exec(compile(code, f"{DOC}:{name}", "exec"), mod.__dict__)
    return mod


def test_the_doc_has_the_driver_and_its_test() -> None:
    blocks = _blocks()
    assert len(blocks) == 2
    assert "class LineDriver(Driver):" in blocks[0]
    assert "def test_line_driver_keeps_the_contract" in blocks[1]


def test_the_example_test_runs_the_suite_on_the_example_driver() -> None:
    driver_code, test_code = _blocks()
    drv = _module(driver_code, "showctl_line")
    tests = _module(test_code, "test_showctl_line", LineDriver=drv.LineDriver,
                    LineConfig=drv.LineConfig)
    tests.test_line_driver_keeps_the_contract()


def test_the_example_driver_sends_lines_and_registers(monkeypatch: pytest.MonkeyPatch) -> None:
    drv = _module(_blocks()[0], "showctl_line")
    # A registry of this test's own: "line" must not leak into other tests' lists.
    monkeypatch.setattr(base, "_registry", dict(base._registry))
    register(drv.LineDriver)
    assert driver_class("line") is drv.LineDriver
    reports = Reports()

    async def main() -> list[bytes]:
        async with udp_sink() as sink:
            from showctl.clocks.clock import LoopClock

            ctx: DriverContext = reports.context(LoopClock())
            d = drv.LineDriver("sound", drv.LineConfig(port=sink.port), ctx)
            await d.open()
            d.send(OscMessage("/cue/go", (12, "intro")))
            await ctx.clock.sleep_until(ctx.clock.now() + 0.01)
            await d.close()
            return [p for _, p in sink.packets]

    assert run_virtual(main) == [b"/cue/go 12 intro\n"]
    assert [(out, p) for _, out, p in reports.sent] == [
        ("sound", OscMessage("/cue/go", (12, "intro")))]


def test_the_suite_passes_on_the_example_directly() -> None:
    drv = _module(_blocks()[0], "showctl_line")

    async def main() -> None:
        async with udp_sink() as sink:
            await check_driver(lambda ctx: drv.LineDriver("out", drv.LineConfig(
                port=sink.port), ctx))
            assert sink.packets

    run_virtual(main)
