"""The capture driver: the embedded default for every output when no rig is given.

It sends nothing anywhere; every payload it accepts is published by the router as an
output event, so a trace records it with its time. A newcomer's run, a replay and CI
all behave exactly as with real outputs, and nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Sequence

from showctl.drivers.base import DmxPayload, Driver, DriverConfig, Payload, register


class CaptureConfig(DriverConfig):
    driver: str = "capture"


@register
class CaptureDriver(Driver):
    kind = "capture"
    config_model = CaptureConfig

    def send(self, payload: Payload) -> None:
        self.sent(payload)

    def frame(self, now: float, changed: Sequence[DmxPayload]) -> None:
        for p in changed:
            self.sent(p)
