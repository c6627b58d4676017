"""Issue 13: what the console shows is true (outputs, health, log, running cues)."""

from __future__ import annotations

from pathlib import Path

from showctl.console.outputs_view import OutputPane, short_labels
from tests.console.conftest import Harness, screen_text


async def test_outputs_show_lit_fixtures_first_raw_channels_and_programmer(
        demo_path: Path) -> None:
    h = Harness(demo_path)
    async with h.app.run_test(size=(160, 48)) as pilot:
        await h.settle(pilot)
        pane = h.app.query_one(OutputPane)
        print(pane.plain)
        print(screen_text(h.app))
