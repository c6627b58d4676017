"""Rig files: the shipped ones load and build drivers; bad ones are located errors."""

from pathlib import Path

import pytest
from dmx_support import dmx_peers_lock, receiver, settle

from showctl.clocks.clock import LoopClock
from showctl.clocks.virtual import run_virtual
from showctl.drivers.base import DmxPayload, DriverContext
from showctl.drivers.capture import CaptureConfig, CaptureDriver
from showctl.drivers.rig import FanoutConfig, FanoutDriver, build_drivers, find_rig, load_rig
from showctl.model.problems import ShowFileError
from showctl.protocols import artnet as art
from showctl.protocols import sacn as e131
from showctl.testing.drivers import check_driver


@pytest.mark.parametrize("name", ["local", "sim", "venue-example"])
def test_shipped_rigs_load_by_name_and_build(name: str) -> None:
    rig = load_rig(name)
    assert set(rig) == {"lx", "sound", "video", "desk", "sampler"}
    drivers = build_drivers(["lx", "sound", "extra"], rig, DriverContext(clock=LoopClock()))
    assert drivers["extra"].kind == "capture"  # outputs a rig does not name are captured
    assert drivers["sound"].kind == "osc"


def test_local_rig_sends_lighting_as_artnet_and_sacn() -> None:
    """The local rig's lighting output reaches this machine twice: Art-Net receivers on
    127.0.0.1:6454 and sACN receivers on 127.0.0.1:5568 both see the universe's levels."""
    level = bytes(range(256)) * 2

    async def main() -> tuple[list[bytes], list[bytes]]:
        artnet_rx = await receiver(port=art.ARTNET_PORT)
        sacn_rx = await receiver(port=e131.SACN_PORT)
        try:
            clock = LoopClock()
            lx = build_drivers(["lx"], load_rig("local"), DriverContext(clock=clock))["lx"]
            assert isinstance(lx, FanoutDriver)
            assert [t.kind for t in lx.targets] == ["artnet", "sacn"]
            await lx.open()
            lx.frame(clock.now(), [DmxPayload(1, level)])
            await settle()
            await lx.close()
            await settle()
        finally:
            artnet_rx.close()
            sacn_rx.close()
        return [p for _, p, _ in artnet_rx.packets], [p for _, p, _ in sacn_rx.packets]

    with dmx_peers_lock():
        artnet_packets, sacn_packets = run_virtual(main)
    art_dmx = [d for d in map(art.decode, artnet_packets) if isinstance(d, art.ArtDmx)]
    assert [(d.port_address, d.data) for d in art_dmx] == [(1, level)]
    sacn_data = [d for d in map(e131.decode, sacn_packets)
                 if isinstance(d, e131.SacnData) and d.start_code == 0]
    assert sacn_data and {(d.universe, d.data, d.priority) for d in sacn_data} == {
        (1, level, 100)}


def test_capture_passes_the_driver_conformance_suite() -> None:
    """The capture driver (every output a rig does not name) keeps the driver contract."""
    run_virtual(check_driver(lambda ctx: CaptureDriver("out", CaptureConfig(), ctx)))


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
    with pytest.raises(ShowFileError, match=r"rig\.yaml:2:24: unknown key 'nodez'") as err:
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
