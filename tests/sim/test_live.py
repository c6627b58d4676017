"""The simulator receiving real packets from showctl's own drivers on 127.0.0.1.

A show runs through a ``Session`` whose rig points at the simulator's port; both run on
the virtual event loop, so the fixtures' looks are asserted at exact show times (the
loop reads every datagram already delivered before it moves time on).
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest
from dmx_support import Events, make_ctx, settle
from sim_support import SMALL_SHOW, fixed_port_lock

from showctl.clocks.clock import LoopClock
from showctl.clocks.virtual import run_virtual
from showctl.drivers.artnet import ArtNetConfig
from showctl.drivers.base import DmxPayload, DriverConfig
from showctl.drivers.sacn import SacnConfig, SacnDriver
from showctl.lighting.patch import build_patch
from showctl.session import Session
from showctl.sim.decode import FixtureState, decode_patch
from showctl.sim.listen import Listener
from showctl.sim.receiver import Receiver
from showctl.testing import make_show

FADE = 2.0


async def run_show(rig_for: Any, times: list[float], *, multicast: bool = False,
                   sacn_port: int | None = 0) -> tuple[dict[float, list[FixtureState]],
                                                        Receiver]:
    show = make_show(SMALL_SHOW)
    patch = build_patch(show.patch)
    clock = LoopClock()
    rx = Receiver(clock)
    looks: dict[float, list[FixtureState]] = {}
    async with Listener(rx, artnet_port=0, sacn_port=sacn_port,
                        multicast=[1, 2] if multicast else ()) as lst:
        session = Session(show, rig=rig_for(lst), clock=clock)
        await session.open()
        try:
            t0 = session.engine.t0
            await clock.sleep_until(t0 + 0.5)
            session.engine.go()
            for t in times:
                await clock.sleep_until(t0 + 0.5 + t)
                await settle()
                looks[t] = decode_patch(patch, rx.snapshot())
        finally:
            await session.close()
    return looks, rx


def by_key(states: list[FixtureState]) -> dict[str, FixtureState]:
    return {s.key: s for s in states}


def check_cue_one(looks: dict[float, list[FixtureState]]) -> None:
    half, end = by_key(looks[1.0]), by_key(looks[2.5])
    # halfway through the 2 s fade (one 44 Hz frame of slack)
    assert half["1"].intensity == pytest.approx(40, abs=80 / 88 + 0.5)
    assert half["4"].intensity == pytest.approx(20, abs=40 / 88 + 0.5)
    assert half["101"].tilt == pytest.approx(22.5, abs=45 / 88 + 0.1)
    # the end state, exactly as the cue wrote it
    assert (end["1"].intensity, end["1"].hex) == (80.0, "#ff8040")
    assert end["2"].intensity == 100.0
    assert end["3"].hex == "#00ffff"
    assert end["4"].intensity == pytest.approx(40, abs=0.2)
    spot = end["101"]
    assert spot.intensity == pytest.approx(60, abs=1e-3)
    assert spot.pan == pytest.approx(-30, abs=540 / 65535)  # 16-bit: within one step
    assert spot.tilt == pytest.approx(45, abs=270 / 65535)
    assert (spot.color_name, spot.gobo, spot.hex) == ("blue", "breakup", "#0000ff")
    assert spot.zoom == pytest.approx(25, abs=0.1)


def test_a_show_over_artnet_lights_the_simulated_rig() -> None:
    def rig(lst: Listener) -> dict[str, DriverConfig]:
        assert lst.artnet_address is not None
        return {"lx": ArtNetConfig(nodes=[f"127.0.0.1:{lst.artnet_address[1]}"], listen=None)}

    looks, rx = run_virtual(run_show(rig, [0.0, 1.0, 2.5]))
    check_cue_one(looks)
    before = by_key(looks[0.0])
    assert before["1"].intensity == 0.0 and before["101"].pan == pytest.approx(0, abs=0.01)
    u1 = rx.universe(1)
    assert u1 is not None
    (src,) = u1.sources.values()
    assert src.protocol == "artnet" and src.priority == 100
    assert rx.counters.malformed == 0 and rx.counters.sequence == 0


def test_a_show_over_sacn_unicast_lights_the_simulated_rig(tmp_path: Path) -> None:
    def rig(lst: Listener) -> dict[str, DriverConfig]:
        assert lst.sacn_address is not None
        return {"lx": SacnConfig(destinations=[f"127.0.0.1:{lst.sacn_address[1]}"],
                                 cid_file=str(tmp_path / "cid"), source_name="rehearsal",
                                 priority=120, discovery=False)}

    looks, rx = run_virtual(run_show(rig, [1.0, 2.5]))
    check_cue_one(looks)
    u2 = rx.universe(2)
    assert u2 is not None
    (src,) = u2.sources.values()
    assert (src.name, src.priority, src.protocol) == ("rehearsal", 120, "sacn")


def test_a_show_over_sacn_multicast_on_loopback(tmp_path: Path) -> None:
    def rig(lst: Listener) -> dict[str, DriverConfig]:
        return {"lx": SacnConfig(interface="127.0.0.1", cid_file=str(tmp_path / "cid"),
                                 discovery=False)}

    with fixed_port_lock():
        try:
            looks, _rx = run_virtual(run_show(rig, [1.0, 2.5], multicast=True, sacn_port=5568))
        except OSError as exc:
            pytest.skip(f"cannot listen on 5568 here: {exc}")
    check_cue_one(looks)


# ------------------------------------------------------------------ priority merge


async def two_sources(tmp_path: Path, prio_a: int, prio_b: int) -> dict[str, Any]:
    clock = LoopClock()
    rx = Receiver(clock)
    events = Events()
    out: dict[str, Any] = {}
    async with Listener(rx, artnet_port=None, sacn_port=0) as lst:
        assert lst.sacn_address is not None
        dest = f"127.0.0.1:{lst.sacn_address[1]}"

        def driver(name: str, prio: int) -> SacnDriver:
            cfg = SacnConfig(destinations=[dest], priority=prio, source_name=name,
                             cid_file=str(tmp_path / f"cid-{name}"), discovery=False)
            return SacnDriver("lx", cfg, make_ctx(clock, events))

        a, b = driver("desk A", prio_a), driver("desk B", prio_b)
        await a.open()
        await b.open()
        t = clock.now()
        a.frame(t, [DmxPayload(1, bytes([200, 10, 0]))])
        b.frame(t, [DmxPayload(1, bytes([50, 60, 70]))])
        await settle()
        out["both"] = rx.levels(1)[:3]
        u = rx.universe(1)
        assert u is not None
        out["names"] = sorted(s.name for s in u.sources.values())
        out["winners"] = sorted(s.name for s in u.winners())
        await a.close()  # three Stream_Terminated packets: B is all that is left at once
        await settle()
        out["after_a_left"] = rx.levels(1)[:3]
        await clock.sleep_until(clock.now() + 3.0)  # B's keep-alives keep it live
        rx.expire()
        out["kept_alive"] = not u.lost and b.source_name in [s.name for s in u.winners()]
        await b.close()
        await settle()
        out["lost"] = u.lost
        out["held"] = rx.levels(1)[:3]
    return out


def test_sacn_higher_priority_wins(tmp_path: Path) -> None:
    out = run_virtual(two_sources(tmp_path, 150, 100))
    assert out["both"] == bytes([200, 10, 0])
    assert out["names"] == ["desk A", "desk B"] and out["winners"] == ["desk A"]
    assert out["after_a_left"] == bytes([50, 60, 70])
    assert out["kept_alive"]
    assert out["lost"] and out["held"] == bytes([50, 60, 70])


def test_sacn_equal_priorities_merge_htp(tmp_path: Path) -> None:
    out = run_virtual(two_sources(tmp_path, 100, 100))
    assert out["both"] == bytes([200, 60, 70])
    assert out["winners"] == ["desk A", "desk B"]
    assert out["after_a_left"] == bytes([50, 60, 70])


def test_a_busy_port_is_an_oserror_and_nothing_stays_open() -> None:
    async def main() -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as blocker:
            blocker.bind(("127.0.0.1", 0))  # no SO_REUSEADDR: the port is really taken
            port = blocker.getsockname()[1]
            lst = Listener(Receiver(LoopClock()), artnet_port=0, sacn_port=port)
            with pytest.raises(OSError, match="Address already in use"):
                await lst.start()
            assert lst.transports == []

    asyncio.run(main())
