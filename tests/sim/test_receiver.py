"""The receiver's rules, on hand-built packets and a settable clock: no sockets."""

from __future__ import annotations

from sim_support import CID_A, CID_B, StepClock, artnet_packet, sacn_packet

from showctl.protocols import artnet as art
from showctl.protocols import sacn as sacn
from showctl.sim.receiver import Receiver, ReceiverEvent, htp, sequence_ok

A = ("10.0.0.1", 5568)
B = ("10.0.0.2", 5568)


def make() -> tuple[StepClock, Receiver, list[ReceiverEvent]]:
    clock = StepClock()
    events: list[ReceiverEvent] = []
    return clock, Receiver(clock, on_event=events.append), events


def test_sequence_window_follows_e131() -> None:
    assert sequence_ok(None, 7)
    assert sequence_ok(10, 11)
    assert not sequence_ok(10, 10)  # repeated
    assert not sequence_ok(10, 9)  # late
    assert not sequence_ok(10, 247)  # int8(247 - 10) = -19: inside (-20, 0]
    assert sequence_ok(10, 246)  # -20: outside the window, a restarted source
    assert sequence_ok(255, 0)  # wrap
    assert sequence_ok(250, 3)


def test_one_sacn_source_sets_levels_name_priority_and_rate() -> None:
    clock, rx, events = make()
    for i in range(45):
        clock.t = i / 44
        assert rx.feed_sacn(sacn_packet({1: 255, 512: 7}, seq=i, priority=120), A) == "ok"
    u = rx.universe(1)
    assert u is not None
    assert u.levels[0] == 255 and u.levels[511] == 7
    (src,) = u.sources.values()
    assert (src.name, src.priority, src.protocol, src.address) == ("desk A", 120, "sacn", A)
    assert abs(u.rate(clock.t) - 44.0) < 0.01
    assert [e.what for e in events] == ["source"]


def test_late_and_duplicate_packets_are_dropped() -> None:
    _clock, rx, _ = make()
    rx.feed_sacn(sacn_packet({1: 10}, seq=50), A)
    assert rx.feed_sacn(sacn_packet({1: 99}, seq=50), A) == "sequence"
    assert rx.feed_sacn(sacn_packet({1: 99}, seq=45), A) == "sequence"
    assert rx.levels(1)[0] == 10
    assert rx.feed_sacn(sacn_packet({1: 20}, seq=51), A) == "ok"
    assert rx.levels(1)[0] == 20
    assert rx.counters.sequence == 2


def test_highest_priority_wins_and_equal_priorities_merge_htp() -> None:
    _clock, rx, events = make()
    rx.feed_sacn(sacn_packet({1: 200, 2: 10}, priority=100, cid=CID_A, name="A"), A)
    rx.feed_sacn(sacn_packet({1: 50, 2: 60}, priority=150, cid=CID_B, name="B"), B)
    assert rx.levels(1)[:2] == bytes((50, 60))  # B alone: higher priority
    rx.feed_sacn(sacn_packet({1: 50, 2: 60}, priority=100, cid=CID_B, name="B", seq=1), B)
    assert rx.levels(1)[:2] == bytes((200, 60))  # equal: HTP per slot
    assert [e.what for e in events] == ["source", "source", "priority"]
    u = rx.universe(1)
    assert u is not None and u.priority == 100 and len(u.winners()) == 2


def test_data_loss_timeout_drops_a_source_and_the_other_takes_over() -> None:
    clock, rx, events = make()
    rx.feed_sacn(sacn_packet({1: 200}, priority=150, cid=CID_A, name="main"), A)
    rx.feed_sacn(sacn_packet({1: 30}, priority=100, cid=CID_B, name="backup"), B)
    assert rx.levels(1)[0] == 200
    clock.t = 2.0
    rx.feed_sacn(sacn_packet({1: 30}, priority=100, cid=CID_B, name="backup", seq=1), B)
    clock.t = 2.49
    assert rx.expire() == [] and rx.levels(1)[0] == 200
    clock.t = 2.5
    (ev,) = rx.expire()
    assert (ev.what, ev.source, ev.t) == ("timeout", "'main'", 2.5)
    assert rx.levels(1)[0] == 30
    clock.t = 4.5
    rx.expire()
    u = rx.universe(1)
    assert u is not None and u.lost and u.levels[0] == 30  # holds the last look
    assert [e.what for e in events] == ["source", "source", "timeout", "timeout"]


def test_stream_termination_drops_at_once_and_its_levels_are_ignored() -> None:
    _clock, rx, events = make()
    rx.feed_sacn(sacn_packet({1: 200}, cid=CID_A), A)
    rx.feed_sacn(sacn_packet({1: 40}, cid=CID_B, name="B"), B)
    rx.feed_sacn(sacn_packet({1: 255}, cid=CID_A, seq=1,
                             options=sacn.OPTION_STREAM_TERMINATED), A)
    assert rx.levels(1)[0] == 40
    assert events[-1].what == "terminated"


def test_preview_and_other_start_codes_carry_no_levels() -> None:
    _clock, rx, _ = make()
    assert rx.feed_sacn(sacn_packet({1: 9}, options=sacn.OPTION_PREVIEW), A) == "ignored"
    assert rx.feed_sacn(sacn_packet({1: 9}, start_code=0xDD, seq=1), A) == "ignored"
    assert rx.universe(1) is None


def test_artnet_counts_as_priority_100_and_merges_htp_with_sacn() -> None:
    _clock, rx, _ = make()
    rx.feed_artnet(artnet_packet({1: 100, 2: 0}, universe=1, seq=1), ("10.0.0.9", 6454))
    rx.feed_sacn(sacn_packet({1: 20, 2: 77}), A)
    assert rx.levels(1)[:2] == bytes((100, 77))
    rx.feed_sacn(sacn_packet({1: 20, 2: 77}, priority=101, seq=1), A)
    assert rx.levels(1)[:2] == bytes((20, 77))


def test_artnet_source_name_from_poll_reply_and_sequence_zero_means_unsequenced() -> None:
    _clock, rx, _ = make()
    rx.feed_artnet(art.encode_poll_reply("10.0.0.9", short_name="Desk"), ("10.0.0.9", 6454))
    for level in (1, 2, 3):
        assert rx.feed_artnet(artnet_packet({1: level}), ("10.0.0.9", 6454)) == "ok"
    u = rx.universe(1)
    assert u is not None and u.levels[0] == 3
    assert [s.name for s in u.sources.values()] == ["Desk"]
    assert rx.feed_artnet(artnet_packet({1: 9}, seq=5), ("10.0.0.9", 6454)) == "ok"
    assert rx.feed_artnet(artnet_packet({1: 8}, seq=4), ("10.0.0.9", 6454)) == "sequence"


def test_artnet_times_out_after_ten_seconds() -> None:
    clock, rx, _ = make()
    rx.feed_artnet(artnet_packet({1: 5}), ("10.0.0.9", 6454))
    clock.t = 9.9
    assert rx.expire() == []
    clock.t = 10.0
    assert [e.what for e in rx.expire()] == ["timeout"]


def test_offsets_filter_and_garbage() -> None:
    clock = StepClock()
    rx = Receiver(clock, universes={1}, artnet_offset=16, sacn_offset=100)
    assert rx.feed_artnet(artnet_packet({1: 1}, universe=17), ("h", 1)) == "ok"
    assert rx.feed_sacn(sacn_packet({2: 2}, universe=101), A) == "ok"
    assert rx.levels(1)[:2] == bytes((1, 2))
    assert rx.feed_artnet(artnet_packet({1: 1}, universe=3), ("h", 1)) == "filtered"
    assert rx.feed_artnet(b"nonsense", ("h", 1)) == "malformed"
    assert rx.feed_sacn(b"\x00" * 40, A) == "malformed"
    assert rx.feed_artnet(art.encode_sync(), ("h", 1)) == "ignored"


def test_short_packets_pad_with_zero() -> None:
    _clock, rx, _ = make()
    rx.feed_artnet(art.encode_dmx(0, 0, 1, bytes((5, 6))), ("h", 1))
    assert rx.levels(1)[:3] == bytes((5, 6, 0)) and len(rx.levels(1)) == 512


def test_htp() -> None:
    assert htp(bytes((1, 9, 3)), bytes((4, 2, 3))) == bytes((4, 9, 3))
