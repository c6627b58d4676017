"""Property-based fuzzing of the OSC API: random, truncated and plausible-but-wrong
packets, through the UDP and TCP paths, while a lighting frame loop runs on the
virtual clock. The engine keeps running, no packet raises, and the frame loop keeps
its exact frame count (frames are counted on the virtual clock, not wall time)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showctl.clocks.virtual import run_virtual
from showctl.drivers.base import OscBundle, OscMessage
from showctl.protocols.osc import encode_packet, slip_encode
from showctl.remote.api import QLabApi
from showctl.remote.config import OscApiConfig, PasscodeConfig
from showctl.remote.server import OscApiServer, _Tcp
from showctl.session import Session
from showctl.testing import make_show

SHOW = """
show: {title: Fuzz}
settings: {go_guard: 0, panic_time: 0.5}
outputs:
  lx: {kind: dmx, universes: [1, 2]}
  fx: {kind: osc}
cuelists:
  main:
    cues:
      - {number: "1", type: light, channels: {"1": 100, "2/7": 50}, time: 30}
      - {number: "2", type: wait, duration: 2, continue: auto_follow}
      - number: "3"
        type: group
        mode: first
        cues:
          - {number: "3.1", type: osc, output: fx, address: /a}
          - {number: "3.2", type: memo}
      - {number: "4", type: stop, list: side}
  side:
    cues:
      - {number: "S1", type: wait, duration: 1, triggers: [{osc: /side/go}]}
"""


WS_PREFIX = ["", "/workspace/{ws}", "/workspace/nope"]
METHODS = ["/connect", "/version", "/workspaces", "/updates", "/cueLists", "/selectedCues",
           "/go", "/stop", "/pause", "/resume", "/panic", "/panicInTime", "/reset",
           "/playhead/next", "/playhead/previous", "/playhead/3", "/playhead/99",
           "/playheadID/{id}", "/select/2", "/thump", "/udpReplyPort", "/runningCues",
           "/cue/{n}/start", "/cue/{n}/stop", "/cue/{n}/pause", "/cue/{n}/resume",
           "/cue/{n}/load", "/cue/{n}/go", "/cue/{n}/panic", "/cue/{n}/valuesForKeys",
           "/cue/{n}/armed", "/cue/{n}/name", "/cue_id/{id}/start", "/cue_id/{id}/go",
           "/cue_id/{id}/valuesForKeys", "/cue_id/{list}/playheadID", "/cue_id/{list}/go",
           "/side/go", "/cue/*/valuesForKeys", "/cue/active/stop", "/hardStop"]
IDENTS = ["1", "2", "3", "3.1", "4", "S1", "99", "", "selected", "playhead", "active", "*"]

args_st = st.lists(st.one_of(
    st.integers(-2**31, 2**31 - 1), st.floats(allow_nan=True, allow_infinity=True, width=32),
    # OSC strings are NUL-terminated: a NUL inside one cannot be encoded at all.
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
    st.binary(max_size=40), st.booleans(), st.none(),
    st.lists(st.sampled_from(["number", "uniqueID", "isRunning", "x", "parent"]),
             max_size=8).map(json.dumps),
    st.sampled_from(["1234", "0000", "nope", "[", "[1,2]", '{"a":1}']),
), max_size=4)


@st.composite
def plausible(draw: st.DrawFn, ids: list[str]) -> bytes:
    method = draw(st.sampled_from(METHODS))
    address = draw(st.sampled_from(WS_PREFIX)) + method
    address = address.replace("{n}", draw(st.sampled_from(IDENTS)))
    address = address.replace("{id}", draw(st.sampled_from([*ids, "BAD"])))
    address = address.replace("{list}", draw(st.sampled_from([*ids[-2:], "BAD"])))
    return encode_packet(OscMessage(address, tuple(draw(args_st))))


@st.composite
def packets(draw: st.DrawFn, ids: list[str]) -> bytes:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.binary(max_size=300))
    good = draw(plausible(ids))
    if kind == 1:
        return good[: draw(st.integers(0, len(good)))]  # truncated
    if kind == 2:
        msgs = [OscMessage(m.decode("latin-1").split("\0")[0] or "/x")
                for m in draw(st.lists(plausible(ids), max_size=5))]
        return encode_packet(OscBundle(tuple(msgs), draw(st.integers(0, 2**64 - 1))))
    if kind == 3:  # flip bytes of a valid message
        data = bytearray(good)
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    return good


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.out = bytearray()
        self.closing = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 5555) if name == "peername" else default

    def write(self, data: Any) -> None:
        self.out += data
        if len(self.out) > 1 << 16:
            del self.out[:]

    def get_write_buffer_size(self) -> int:
        return 0

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def is_closing(self) -> bool:
        return self.closing

    def abort(self) -> None:
        self.closing = True

    def close(self) -> None:
        self.closing = True


IDS: list[str] = []
STATS: list[dict[str, int]] = []
FRAMES_CHECKED: list[int] = []
"""One entry per example whose fade ran undisturbed, so its exact frame count was checked."""


def _ids() -> list[str]:
    if not IDS:
        async def main() -> None:
            s = Session(make_show(SHOW))
            api = QLabApi(s.engine, OscApiConfig())
            IDS.extend([r.uid for r in api.ws.all_cues()][:4])
            IDS.extend(r.uid for r in api.ws.lists.values())
        run_virtual(main)
    return IDS


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), protected=st.booleans())
def test_fuzzed_api_never_disturbs_the_show(data: st.DataObject, protected: bool) -> None:
    ids = _ids()
    batch = data.draw(st.lists(packets(ids), min_size=1, max_size=40))
    stream = data.draw(st.lists(packets(ids), max_size=20))
    chunking = data.draw(st.integers(1, 64))

    async def main() -> None:
        session = Session(make_show(SHOW))
        cfg = OscApiConfig(passcodes=[PasscodeConfig(code="1234")] if protected else [])
        await session.open()
        api = QLabApi(session.engine, cfg)
        server = OscApiServer(api, cfg)  # not started: UDP replies go nowhere
        tcp = _Tcp(server)
        tcp.connection_made(FakeTransport())
        clock, lighting = session.clock, session.lighting
        await clock.sleep_until(clock.now() + 0.001)
        session.engine.go()  # a 30 s fade is running: the frame loop ticks from here
        # What happens to that fade: a fuzzed packet may stop or pause it (then the frame
        # loop rests, as it does whenever nothing fades), while other cues keep running.
        fade_ended: list[str] = []
        session.bus.subscribe(
            lambda e: fade_ended.append(e.kind)
            if e.kind in ("cue_stopped", "cue_paused", "cue_completed", "cue_failed")
            and getattr(e, "cue", None) == "1" else None)
        await clock.sleep_until(clock.now() + 0.0001)
        t0 = lighting.t0
        assert t0 is not None
        slowest = 0.0
        tcp_bytes = b"".join(slip_encode(p) for p in stream)
        for i, pkt in enumerate(batch):
            await clock.sleep_until(t0 + (i + 1) * 0.0137)
            started = time.perf_counter()
            server.udp_packet(pkt, "127.0.0.1", 40000 + i % 3)
            if i < len(tcp_bytes) // chunking + 1:
                tcp.data_received(tcp_bytes[i * chunking:(i + 1) * chunking])
            slowest = max(slowest, time.perf_counter() - started)
        tcp.data_received(tcp_bytes[len(batch) * chunking:])
        frames_at = 2.0
        await clock.sleep_until(t0 + frames_at + 1e-6)
        # Not one frame lost or late while the fade runs (a fuzzed /stop, /pause or /panic
        # may end or hold it: then the loop rests, and other cues running — a wait, a
        # group — tick no frames).
        assert lighting.skipped == 0 and lighting.failed_frames == 0
        if not fade_ended:
            assert lighting.frames == round(frames_at * lighting.rate)
            FRAMES_CHECKED.append(1)
        assert session._frame_task is not None and not session._frame_task.done()
        assert slowest < 0.05  # every packet's work is small and bounded
        engine = session.engine
        for lst in engine.lists.values():  # the engine's state is still consistent
            assert lst.playhead is None or lst.playhead.number in lst.nav.by_number
        engine.stop()
        engine.goto("1")
        assert engine.go()  # and it still obeys
        STATS.append(dict(api.stats))
        api.close()
        await session.close()

    run_virtual(main)


def test_the_fuzzer_reaches_the_dispatcher() -> None:
    """Guard against a fuzzer that only ever produces garbage."""
    if not STATS:
        test_fuzzed_api_never_disturbs_the_show()
    total = {k: sum(s[k] for s in STATS) for k in STATS[0]}
    assert total["messages"] > 100 and total["undecodable"] > 10
    assert total["errors"] > 10 and total["denied"] + total["messages"] > total["errors"]
    assert len(FRAMES_CHECKED) > 5  # the exact frame count was checked, not always skipped
