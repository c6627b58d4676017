"""SVG snapshots of the main screens (pytest-textual-snapshot), on a ManualClock.

Update after an intended visual change with ``pytest tests/console --snapshot-update``
and review the SVGs in ``tests/console/__snapshots__``. Without the plugin these tests
are skipped; the rendered-text tests in test_show_mode/test_edit_mode still run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from tests.console.conftest import SIZE, Harness

pytest.importorskip("pytest_textual_snapshot")


async def _still(h: Harness, pilot: Any) -> None:
    """Let every pending redraw and log write land before the picture is taken (the
    console's own 10 Hz timer runs on real time, however busy the machine is). A text
    field's cursor blinks on real time too, so it is held on: otherwise a slow machine
    photographs it half the time in the other phase."""
    for field in h.app.query(Input):
        field.cursor_blink = False
    for _ in range(2):
        await h.app.sync()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()


async def _running(h: Harness, pilot: Any) -> None:
    await pilot.press("space")  # cue 1: 2 s prewait, 4 s wait, 3 s postwait
    await h.clock.advance_async(3.0)
    await _still(h, pilot)


def test_snapshot_show_mode_running(snap_compare: Any, small_path: Path) -> None:
    h = Harness(small_path)
    assert snap_compare(h.app, terminal_size=SIZE,
                        run_before=lambda pilot: _running(h, pilot))


async def _editing(h: Harness, pilot: Any) -> None:
    await pilot.press("e", "down")
    await _still(h, pilot)


def test_snapshot_edit_mode(snap_compare: Any, small_path: Path) -> None:
    h = Harness(small_path)
    assert snap_compare(h.app, terminal_size=SIZE,
                        run_before=lambda pilot: _editing(h, pilot))


async def _demo_running(h: Harness, pilot: Any) -> None:
    await pilot.press("space")              # 0.5: pre-show checks
    await h.clock.advance_async(1.0)
    await pilot.press("space")              # 1: house to half, stage preset (5 s fade)
    await h.clock.advance_async(2.5)
    await _still(h, pilot)


@pytest.mark.parametrize("size", [(100, 30), (160, 48)])
def test_snapshot_demo_running(snap_compare: Any, demo_path: Path,
                               size: tuple[int, int]) -> None:
    h = Harness(demo_path)
    assert snap_compare(h.app, terminal_size=size,
                        run_before=lambda pilot: _demo_running(h, pilot))


async def _demo_editing(h: Harness, pilot: Any) -> None:
    await pilot.press("e", "down", "enter")
    await h.app.send("programmer", line="spots @ 60 pan 45")
    await _still(h, pilot)


@pytest.mark.parametrize("size", [(100, 30), (160, 48)])
def test_snapshot_demo_edit_mode(snap_compare: Any, demo_path: Path,
                                 size: tuple[int, int]) -> None:
    h = Harness(demo_path)
    assert snap_compare(h.app, terminal_size=size,
                        run_before=lambda pilot: _demo_editing(h, pilot))
