"""Front ends as clients of one runtime: two consoles, the WebSocket API, access levels."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from showctl.api.client import ApiClient, ApiError, connect
from showctl.api.protocol import Level
from showctl.api.views import CueState
from showctl.clocks.manual import ManualClock
from showctl.console.app import ShowctlApp, console_app
from showctl.console.cuestack import CueStack
from showctl.live.runtime import LiveRuntime
from showctl.live.server import ApiServer
from showctl.model.loader import load_show
from tests.console.conftest import FIXED_TIME, SIZE, screen_text


@pytest.fixture
def runtime(small_path: Path) -> LiveRuntime:
    return LiveRuntime(load_show(small_path), path=small_path, clock=ManualClock())


async def _client(server: ApiServer) -> ApiClient:
    client = server.memory_client()
    await client.hello()
    return client


async def _serve(runtime: LiveRuntime) -> ApiServer:
    await runtime.start()
    return ApiServer(runtime)


def _console(server: ApiServer) -> ShowctlApp:
    """A console built by the CLI's factory, connected in memory to ``server``."""

    async def connect_one() -> ApiClient:
        return await _client(server)

    return console_app(connect_one, wallclock=lambda: FIXED_TIME)


async def test_two_consoles_see_each_others_go_and_edits(runtime: LiveRuntime) -> None:
    server = await _serve(runtime)
    one, two = _console(server), _console(server)
    async with one.run_test(size=SIZE) as p1, two.run_test(size=SIZE) as p2:
        assert runtime.clients == 2
        await p1.press("space")  # GO on the first console
        await two.sync()
        await p2.pause()
        rows = {r.number: r for r in two.query_one(CueStack).rows}
        # 1 auto-continues into 2: GO moves past the whole sequence to 3.
        assert rows["1"].state is CueState.PREWAIT and rows["3"].state is CueState.STANDBY
        assert "GO        main 1" in screen_text(two)
        await p1.press("s")  # stop all, then edit on the first console
        await p1.press("e")
        assert two.mode == "edit"  # the engine's mode: every console is in it
        result = await one.send("set_field", list="main", cue="2", field="name",
                                value="Lights up full")
        assert result.ok, result.message
        await two.sync()
        await p2.pause()
        assert two.show.cuelists["main"].cues[1].name == "Lights up full"
        assert "Lights up full" in screen_text(two)
    await server.close()
    await runtime.stop()


async def test_websocket_clients_and_passcodes(runtime: LiveRuntime) -> None:
    await runtime.start()
    server = ApiServer(runtime, port=0, passcodes={"1234": Level.EDIT, "42": Level.VIEW})
    host, port = await server.start()
    assert host == "127.0.0.1" and port > 0
    try:
        with pytest.raises(ApiError, match="needs a passcode"):
            await connect(server.address)
        with pytest.raises(ApiError, match="wrong passcode"):
            await connect(server.address, passcode="9999")
        viewer = await connect(server.address, passcode="42")
        assert viewer.level is Level.VIEW and viewer.show is not None
        with pytest.raises(ApiError, match="go needs control access"):
            await viewer.command("go")
        assert runtime.engine.last_go == {}
        operator = await connect(server.address, passcode="1234")
        assert (await operator.command("go", list="main")).message == "GO"
        assert runtime.engine.playhead("main").number == "3"  # type: ignore[union-attr]
        state = await viewer.refresh()
        assert state is not None and state.lists["main"].playhead == "3"
        # A bad message is refused with a reason; the connection and the show go on.
        assert operator.link is not None
        await operator.link.send("{not json")  # type: ignore[func-returns-value]
        refused = await operator.try_command("goto", cue="99")
        assert not refused.ok and "no cue '99'" in refused.message
        await viewer.close()
        await operator.close()
    finally:
        await server.close()
        await runtime.stop()


async def test_state_is_pushed_ten_times_a_second_on_the_runtime_clock(
        runtime: LiveRuntime) -> None:
    clock = runtime.clock
    assert isinstance(clock, ManualClock)
    await runtime.start()
    server = ApiServer(runtime)
    client = await _client(server)
    seen: list[float] = []
    client.on_change.append(lambda what: seen.append(client.state.t) if what == "state"
                            and client.state is not None else None)
    await client.command("go")
    seen.clear()
    clock.advance(1.0)
    assert seen == pytest.approx([0.1 * k for k in range(1, 11)])
    # What the stage manager reads: the exact countdown of cue 1's prewait.
    row = next(r for r in client.state.lists["main"].rows if r.number == "1")  # type: ignore[union-attr]
    assert row.state is CueState.PREWAIT and row.remaining == pytest.approx(1.0)
    await server.close()
    await runtime.stop()


async def test_quit_on_an_idle_dark_show_ends_it(runtime: LiveRuntime) -> None:
    server = await _serve(runtime)
    app = _console(server)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.ended_show and runtime.ended.is_set()
    await server.close()
    await runtime.stop()


async def test_quit_on_a_live_show_asks_and_can_leave_it_running(runtime: LiveRuntime) -> None:
    server = await _serve(runtime)
    app = _console(server)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await pilot.press("ctrl+q")
        await pilot.pause()
        text = screen_text(app)
        assert "The show is live (1 cue running)" in text
        await pilot.press("l")  # leave it running
        await pilot.pause()
    assert not app.ended_show and not runtime.ended.is_set()
    assert not runtime.engine.is_idle() and runtime.clients == 0
    await server.close()
    await runtime.stop()


async def test_the_engine_going_away_is_shown(runtime: LiveRuntime) -> None:
    server = await _serve(runtime)
    app = _console(server)
    async with app.run_test(size=SIZE) as pilot:
        await server.close("show ended")
        await pilot.pause()
        app.refresh_views()
        await pilot.pause()
        assert "ENGINE LOST" in screen_text(app)
        result: Any = await app.send("go")
        assert not result.ok
    await runtime.stop()


def test_a_client_waits_for_a_slow_engine() -> None:
    """connect() to nothing fails with a clear error, not a hang."""

    async def go() -> None:
        with pytest.raises(OSError, match=r"Connect call failed \('127\.0\.0\.1', 9\)"):
            await connect("127.0.0.1:9", timeout=1.0)

    asyncio.run(go())
