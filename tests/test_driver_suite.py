"""The driver conformance suite (showctl.testing.drivers) catches each breach of the
driver contract: every check is run here on a driver that breaks its rule, and must fail
saying which rule; the built-in drivers' own tests run it on them and pass."""

from __future__ import annotations

import socket
import time
from collections.abc import Coroutine, Sequence
from typing import Any

import pytest

from showctl.clocks.virtual import run_virtual
from showctl.drivers.base import (
    DmxPayload,
    Driver,
    DriverConfig,
    DriverContext,
    MidiPayload,
    OscMessage,
    Payload,
)
from showctl.testing.drivers import (
    ConformanceError,
    DriverMaker,
    check_fault_is_an_event,
    check_frame,
    check_keepalive,
    check_never_blocks,
    check_never_raises,
    closed_port,
    udp_sink,
)


class Good(Driver):
    """Takes MIDI and DMX, reports what it is given; faults on anything else."""

    kind = "good"
    payloads = (MidiPayload, DmxPayload)

    def send(self, payload: Payload) -> None:
        if isinstance(payload, self.payloads):
            self.sent(payload)
        else:
            self.fault(f"cannot send {type(payload).__name__}")


def make(cls: type[Driver]) -> DriverMaker:
    return lambda ctx: cls("out", DriverConfig(driver=cls.kind), ctx)


def fails(check: Coroutine[Any, Any, None], rule: str) -> None:
    with pytest.raises(ConformanceError, match=rule):
        run_virtual(check)


def test_a_good_driver_passes() -> None:
    run_virtual(check_never_raises(make(Good)))
    run_virtual(check_never_blocks(make(Good)))
    run_virtual(check_frame(make(Good)))


def test_raising_is_caught() -> None:
    class Raises(Good):
        def send(self, payload: Payload) -> None:
            if isinstance(payload, DmxPayload) and len(payload.data) > 512:
                raise ValueError("too long")
            super().send(payload)

    fails(check_never_raises(make(Raises)), r"never raise: send\(DmxPayload")


def test_a_silently_dropped_wrong_payload_is_caught() -> None:
    class Drops(Good):
        def send(self, payload: Payload) -> None:
            if isinstance(payload, OscMessage):
                return
            super().send(payload)

    fails(check_never_raises(make(Drops)),
          "a wrong payload is a fault: Drops does not take OscMessage")


def test_blocking_is_caught() -> None:
    class Blocks(Good):
        def send(self, payload: Payload) -> None:
            time.sleep(0.15)  # what a blocking connect or name lookup does to the loop
            super().send(payload)

    fails(check_never_blocks(make(Blocks), rounds=1),
          r"never block: send\(DmxPayload\) held the loop 1[0-9][0-9]\.[0-9] ms \(bound 100 ms\)")


class Udp(Good):
    """Sends MIDI bytes to a connected UDP port (the config's port is the class's)."""

    port = 0

    def __init__(self, output: str, config: DriverConfig, ctx: DriverContext) -> None:
        super().__init__(output, config, ctx)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setblocking(False)
        self.sock.connect(("127.0.0.1", self.port))

    def send(self, payload: Payload) -> None:
        if not isinstance(payload, MidiPayload):
            return super().send(payload)
        try:
            self.sock.send(payload.data)
        except OSError as exc:
            self.report(exc)
            return
        self.sent(payload)

    def report(self, exc: OSError) -> None:
        pass

    async def close(self) -> None:
        self.sock.close()


def test_a_swallowed_fault_is_caught() -> None:
    class Swallows(Udp):
        port = closed_port()

    fails(check_fault_is_an_event(make(Swallows), within=0.5),
          "a fault is an event: .* reported no fault")


def test_a_fault_per_send_is_caught() -> None:
    class Repeats(Udp):
        port = closed_port()

        def report(self, exc: OSError) -> None:
            self.fault(str(exc))

    fails(check_fault_is_an_event(make(Repeats), within=0.5),
          "one outage, [0-9]+ fault events")


def test_a_frame_that_sends_nothing_is_caught() -> None:
    class Lazy(Good):
        def frame(self, now: float, changed: Sequence[DmxPayload]) -> None:
            pass

    fails(check_frame(make(Lazy)),
          r"frame\(\): frame\(\) with universes \[1, 2\] reported \[\] as sent")


def test_no_keepalive_is_caught() -> None:
    async def main() -> None:
        async with udp_sink() as sink:
            class Once(Udp):
                port = sink.port

                def frame(self, now: float, changed: Sequence[DmxPayload]) -> None:
                    for p in changed:  # sent once, never refreshed
                        self.send(MidiPayload(p.data[:3]))

            await check_keepalive(make(Once), sink, interval=0.9)

    fails(main(), "keep-alive: 1 packets in 3.6[0-9]* s with no frame tick")
