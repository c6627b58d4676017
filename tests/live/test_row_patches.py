"""Cue rows kept between states, and clients sent only the rows that changed.

A 10,000-cue show made every state push rebuild, encode and decode 10,000 rows (over a
second a push); the engine now keeps unchanged rows as the same objects and a client
that says ``patches`` gets only the changed ones. These tests hold that to the rows built
afresh, through a show run with GOs, a ``first`` group, disarming cues, pause, stop, goto
and an edit."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from showctl.api.client import ApiClient
from showctl.api.protocol import Command
from showctl.clocks.manual import ManualClock
from showctl.live.runtime import LiveRuntime
from showctl.live.server import ApiServer
from showctl.live.state import cue_rows
from showctl.model.loader import load_show

DEMO = Path(__file__).resolve().parents[2] / "shows" / "demo.yaml"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    p = tmp_path / "demo.yaml"
    shutil.copy(DEMO, p)
    shutil.copytree(DEMO.parent / "media", tmp_path / "media")
    return p


def _steps() -> list[tuple[str, dict[str, Any], float]]:
    """(verb, args, seconds to advance after it): the demo's first cues, into and
    through the keynote group, with pause, stop, goto and back."""
    out: list[tuple[str, dict[str, Any], float]] = []
    for _ in range(14):
        out.append(("go", {}, 0.7))
    out += [("pause_all", {}, 0.5), ("resume_all", {}, 1.3), ("stop", {}, 0.2),
            ("goto", {"cue": "10"}, 0.1), ("go", {}, 0.4), ("go", {}, 0.4),
            ("back", {}, 0.3), ("go", {}, 3.0), ("panic", {}, 2.5)]
    return out


async def test_kept_rows_equal_rows_built_afresh(demo: Path) -> None:
    clock = ManualClock()
    rt = LiveRuntime(load_show(demo), path=demo, clock=clock)
    await rt.start()
    try:
        checked = 0
        for verb, args, dt in _steps():
            await rt.execute(Command(verb, args))
            for part in (dt / 2, dt / 2):
                await clock.advance_async(part)
                state = rt.state()
                for name, view in state.lists.items():
                    fresh = cue_rows(rt.engine, name, rt.history)
                    assert list(view.rows) == fresh, (verb, name, clock.now())
                    checked += 1
        # an edit rebuilds the show: the rows follow it
        await rt.execute(Command("mode", {"mode": "edit"}))
        done = await rt.execute(Command("set_field", {"list": "main", "cue": "1",
                                                      "field": "name",
                                                      "value": "Doors, renamed"}))
        assert done.ok, done.message
        view = rt.state().lists["main"]
        assert list(view.rows) == cue_rows(rt.engine, "main", rt.history)
        assert any(r.name == "Doors, renamed" for r in view.rows)
        assert checked > 40
    finally:
        await rt.stop()


async def test_unchanged_rows_are_the_same_objects(demo: Path) -> None:
    clock = ManualClock()
    rt = LiveRuntime(load_show(demo), path=demo, clock=clock)
    await rt.start()
    try:
        before = rt.state().lists["main"].rows
        await rt.execute(Command("go", {}))
        await clock.advance_async(0.3)
        after = rt.state().lists["main"].rows
        changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a is not b]
        # the cue that runs and the new standby cue; nothing else was rebuilt
        assert 1 <= len(changed) <= 3 < len(after)
        assert rt.state().lists["main"].rows is after  # nothing moved: the same tuple
    finally:
        await rt.stop()


class _Tap:
    """The state messages one in-memory client receives, as JSON."""

    def __init__(self, client: ApiClient) -> None:
        self.states: list[dict[str, Any]] = []
        take = client.receive

        def receive(text: str | bytes) -> None:
            msg = json.loads(text)
            if msg.get("op") == "state":
                self.states.append(msg["state"])
            take(text)

        client.receive = receive  # type: ignore[method-assign]


async def test_a_client_with_patches_sees_what_a_whole_state_client_sees(
        demo: Path) -> None:
    clock = ManualClock()
    rt = LiveRuntime(load_show(demo), path=demo, clock=clock)
    await rt.start()
    server = ApiServer(rt)
    patched = server.memory_client()
    whole = server.memory_client()
    tap_p, tap_w = _Tap(patched), _Tap(whole)
    await patched.hello()
    await whole.hello(patches=False)
    try:
        for verb, args, dt in _steps()[:16]:
            await patched.command(verb, **args)
            await clock.advance_async(dt)
            assert patched.state is not None and whole.state is not None
            assert patched.state.lists == whole.state.lists
        assert all("rows" in s["lists"]["main"] for s in tap_w.states)
        assert len(tap_p.states) == len(tap_w.states) > 20
        wholes = 0
        for k in range(1, len(tap_w.states)):
            before = tap_w.states[k - 1]["lists"]["main"]["rows"]
            now = tap_w.states[k]["lists"]["main"]["rows"]
            differ = [i for i, (a, b) in enumerate(zip(before, now, strict=True)) if a != b]
            got = tap_p.states[k]["lists"]["main"]
            if "rows" in got:  # most of the list changed (pause all): whole rows
                assert 2 * len(differ) >= len(now) and got["rows"] == now
                wholes += 1
                continue
            # exactly the rows that changed
            assert [i for i, _ in got["rows_patch"]["set"]] == differ
            assert got["rows_patch"]["length"] == len(now) > 2 * len(differ)
        assert wholes <= 2
    finally:
        await patched.close()
        await whole.close()
        await server.close()
        await rt.stop()


async def test_a_client_that_lost_its_rows_asks_for_the_whole_state(demo: Path) -> None:
    clock = ManualClock()
    rt = LiveRuntime(load_show(demo), path=demo, clock=clock)
    await rt.start()
    server = ApiServer(rt)
    client = server.memory_client()
    await client.hello()
    try:
        await client.command("go")
        assert client.state is not None
        full = client.state.lists["main"].rows
        # the client's copy is cut short: the next patch cannot apply
        lists = dict(client.state.lists)
        lists["main"] = replace(lists["main"], rows=full[:2])
        client.state = replace(client.state, lists=lists)
        await clock.advance_async(0.25)
        await client.refresh()
        assert client.state.lists["main"].rows == rt.state().lists["main"].rows
    finally:
        await client.close()
        await server.close()
        await rt.stop()
