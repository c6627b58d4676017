"""Helpers for the simulator's tests: a settable clock, packet builders, a small show."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

from showctl.protocols import artnet as art
from showctl.protocols import sacn as sacn


class StepClock:
    """A clock whose ``now()`` is whatever the test set (the receiver only reads it)."""

    def __init__(self, t: float = 0.0) -> None:
        self.t = t

    def now(self) -> float:
        return self.t

    async def sleep_until(self, deadline: float) -> None:
        self.t = max(self.t, deadline)
        await asyncio.sleep(0)

    def call_at(self, deadline: float, callback: Callable[[], None]) -> Any:
        raise NotImplementedError


CID_A = uuid.UUID("11111111-2222-3333-4444-555555555555")
CID_B = uuid.UUID("66666666-7777-8888-9999-aaaaaaaaaaaa")


def sacn_packet(levels: dict[int, int], *, universe: int = 1, priority: int = 100,
                seq: int = 0, cid: uuid.UUID = CID_A, name: str = "desk A",
                options: int = 0, start_code: int = 0) -> bytes:
    """An sACN data packet with 1-based ``channel: level`` set, the rest 0."""
    data = bytearray(512)
    for ch, v in levels.items():
        data[ch - 1] = v
    return sacn.encode_data(cid, name, priority, 0, seq, options, universe, bytes(data),
                            start_code)


def artnet_packet(levels: dict[int, int], *, universe: int = 1, seq: int = 0) -> bytes:
    data = bytearray(512)
    for ch, v in levels.items():
        data[ch - 1] = v
    return art.encode_dmx(seq, 0, universe, bytes(data))


# A small rig of every colour system, on universe 1, and movers with 16-bit pan/tilt
# on universe 2. Cue 1 fades over 2 s; cue 2 snaps.
SMALL_SHOW = """
show: {title: Sim test}
settings: {default_fade: 0}
outputs:
  lx: {kind: dmx, universes: [1, 2]}
  sound: {kind: osc}
  desk: {kind: midi}
patch:
  - {id: 1, name: Par RGBW, profile: rgbw-par, mode: 8ch, universe: 1, address: 1,
     position: [-2, 1]}
  - {id: 2, name: Par RGBA, profile: rgbauv-par, mode: 7ch, universe: 1, address: 11,
     position: [2, 1]}
  - {id: 3, name: Wash CMY, profile: cmy-wash, mode: basic, universe: 1, address: 21,
     position: [0, 3]}
  - {id: 4, name: Dimmer, profile: generic-dimmer, mode: 1ch, universe: 1, address: 31}
  - {id: 101, name: Spot, profile: moving-spot, mode: standard, universe: 2, address: 1,
     position: [0, 5]}
cuelists:
  main:
    cues:
      - number: "1"
        type: light
        name: Warm up
        fixtures:
          "1": {intensity: 80, color: "#ff8040"}
          "2": {intensity: 100, color: "#ffa020"}
          "3": {intensity: 50, color: "#00ffff"}
          "4": {intensity: 40}
          "101": {intensity: 60, color: blue, gobo: breakup, pan: -30, tilt: 45, zoom: 25}
        time: 2
      - number: "2"
        type: osc
        name: Sound go
        output: sound
        address: /cue/1/start
      - number: "3"
        type: midi
        name: Desk scene
        output: desk
        messages:
          - {kind: program_change, channel: 1, program: 4}
"""



def _lock_path() -> Any:
    import tempfile
    from pathlib import Path

    return Path(tempfile.gettempdir()) / "showctl-dmx-peers.lock"


def fixed_port_lock() -> Any:
    """Context manager: the lock the conformance tests take before using 5568/6454/9010."""
    import contextlib
    import fcntl
    import time

    @contextlib.contextmanager
    def locked() -> Any:
        with open(_lock_path(), "a+") as fh:
            deadline = time.monotonic() + 120
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError("DMX peer lock held for 120 s") from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    return locked()
