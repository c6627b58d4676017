"""Rig files: the shipped ones load and build drivers; bad ones are located errors."""

from pathlib import Path

import pytest

from showctl.clocks.clock import LoopClock
from showctl.drivers.base import DriverContext
from showctl.drivers.rig import FanoutConfig, FanoutDriver, build_drivers, find_rig, load_rig
from showctl.model.problems import ShowFileError


@pytest.mark.parametrize("name", ["local", "sim", "venue-example"])
def test_shipped_rigs_load_by_name_and_build(name: str) -> None:
    rig = load_rig(name)
    assert set(rig) == {"lx", "sound", "video", "desk", "sampler"}
    drivers = build_drivers(["lx", "sound", "extra"], rig, DriverContext(clock=LoopClock()))
    assert drivers["extra"].kind == "capture"  # outputs a rig does not name are captured
    assert drivers["sound"].kind == "osc"


def test_local_rig_sends_lighting_as_artnet_and_sacn() -> None:
    drivers = build_drivers(["lx"], load_rig("local"), DriverContext(clock=LoopClock()))
    lx = drivers["lx"]
    assert isinstance(lx, FanoutDriver)
    assert [t.kind for t in lx.targets] == ["artnet", "sacn"]


def test_rig_paths_work_too() -> None:
    assert find_rig("drivers/local.yaml").name == "local.yaml"


def test_bad_rig_reports_every_problem_with_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "rig.yaml"
    bad.write_text(
        "outputs:\n"
        "  lx: {driver: artnet, nodez: [1.2.3.4]}\n"
        "  sound: {driver: ocs, host: 127.0.0.1}\n"
        "  desk: {port: 3}\n"
    )
    with pytest.raises(ShowFileError) as err:
        load_rig(str(bad))
    lines = [str(p) for p in err.value.problems]
    assert lines[0] == f"{bad}:2:24: unknown key 'nodez'"
    assert lines[1].startswith(f"{bad}:3:19: unknown driver 'ocs'")
    assert lines[2] == f"{bad}:4:9: output 'desk' needs a 'driver:'"


def test_fanout_gives_each_endpoint_only_what_its_protocol_carries() -> None:
    from showctl.drivers.base import DmxPayload, Driver, Payload, TimecodePayload

    class Recorder(Driver):
        kind = "recorder"

        def __init__(self, payloads: tuple[type, ...]) -> None:
            super().__init__("lx", FanoutConfig(targets=[]), DriverContext(clock=LoopClock()))
            self.payloads = payloads  # type: ignore[misc]
            self.got: list[Payload] = []

        def send(self, payload: Payload) -> None:
            self.got.append(payload)

    artnet_like = Recorder((DmxPayload, TimecodePayload))
    sacn_like = Recorder((DmxPayload,))
    fan = FanoutDriver("lx", FanoutConfig(targets=[]), DriverContext(clock=LoopClock()),
                       [artnet_like, sacn_like])
    fan.send(TimecodePayload(1, 0, 0, 0, 1))
    fan.send(DmxPayload(1, bytes(512)))
    assert [type(p) for p in artnet_like.got] == [TimecodePayload, DmxPayload]
    assert [type(p) for p in sacn_like.got] == [DmxPayload]
