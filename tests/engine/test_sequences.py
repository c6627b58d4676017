"""GO moves past a cue sequence (QLab): exact times on the virtual clock.

A run of cues chained by auto-continue / auto-follow is one step for the operator. No cue
is ever fired twice by one GO plus one continue.
"""

import pytest

from showctl.testing import cue_times, drive, events, make_show

ISSUE = """
show: {title: x}
outputs: {snd: {kind: osc}}
cuelists: {main: {cues: [
  {number: "1", type: wait, duration: 2, continue: auto_follow},
  {number: "2", type: osc, output: snd, address: /sound/start},
  {number: "3", type: memo}]}}
"""


def sent(trace: list[dict]) -> list[tuple[float, str]]:
    return [(ln["t"], ln["address"]) for ln in trace if ln["kind"] == "osc"]


def test_issue_reproduction_go_during_sequence_fires_the_next_cue() -> None:
    trace = drive(make_show(ISSUE), [(0, lambda e: e.go()), (1, lambda e: e.go())], until=5)
    assert sent(trace) == [(2.0, "/sound/start")]
    assert events(trace, "go") == [(0.0, "go", "1"), (1.0, "go", "3")]
    assert [ln["cue"] for ln in trace if ln["kind"] == "cue_triggered"] == ["1", "3", "2"]
    heads = [(ln["t"], ln["cue"]) for ln in trace if ln["kind"] == "playhead"]
    assert heads == [(0.0, "3"), (1.0, None)]


@pytest.mark.parametrize("mode,second_at", [
    ("auto_follow", 2.0),     # 1 runs 2 s, then 2
    ("auto_continue", 0.5),   # postwait 0.5 after 1's start
])
def test_every_continue_mode_is_one_step(mode: str, second_at: float) -> None:
    show = make_show(f"""
    show: {{title: x}}
    outputs: {{snd: {{kind: osc}}}}
    cuelists: {{main: {{cues: [
      {{number: "1", type: wait, duration: 2, postwait: 0.5, continue: {mode}}},
      {{number: "2", type: osc, output: snd, address: /two, continue: {mode}}},
      {{number: "3", type: osc, output: snd, address: /three}},
      {{number: "4", type: osc, output: snd, address: /four}}]}}}}
    """)
    trace = drive(show, [(0, lambda e: e.go()), (0.4, lambda e: e.go())], until=10)
    # 2 has no duration and no postwait: its continue fires 3 at once.
    three_at = second_at
    assert sent(trace) == [(0.4, "/four"), (second_at, "/two"), (three_at, "/three")]
    heads = [(ln["t"], ln["cue"]) for ln in trace if ln["kind"] == "playhead"]
    assert heads == [(0.0, "4"), (0.4, None)]


def test_no_continue_is_not_a_sequence() -> None:
    trace = drive(make_show(ISSUE.replace("continue: auto_follow", "continue: none")),
                  [(0, lambda e: e.go()), (1, lambda e: e.go())], until=5)
    assert sent(trace) == [(1.0, "/sound/start")]
    heads = [(ln["t"], ln["cue"]) for ln in trace if ln["kind"] == "playhead"]
    assert heads == [(0.0, "2"), (1.0, "3")]


GROUP = """
show: {title: x}
outputs: {snd: {kind: osc}}
cuelists: {main: {cues: [
  {number: "1", type: group, mode: first, cues: [
    {number: "1.1", type: wait, duration: 1, continue: auto_follow},
    {number: "1.2", type: osc, output: snd, address: /a},
    {number: "1.3", type: osc, output: snd, address: /b, continue: auto_continue,
     postwait: 1},
    {number: "1.4", type: osc, output: snd, address: /c}]},
  {number: "2", type: osc, output: snd, address: /d}]}}
"""


def test_sequences_inside_a_first_group() -> None:
    steps = [(0, lambda e: e.go()), (0.4, lambda e: e.go()), (0.8, lambda e: e.go())]
    trace = drive(make_show(GROUP), steps, until=5)
    # GO 1 fires 1.1 → (auto-follow) 1.2: the playhead skips to 1.3. GO at 0.4 fires
    # 1.3 → (auto-continue 1 s) 1.4: the playhead skips to 2. GO at 0.8 fires 2.
    assert sent(trace) == [(0.4, "/b"), (0.8, "/d"), (1.0, "/a"), (1.4, "/c")]
    heads = [(ln["t"], ln["cue"]) for ln in trace if ln["kind"] == "playhead"]
    assert heads == [(0.0, "1.3"), (0.4, "2"), (0.8, None)]


def test_back_during_a_sequence_goes_to_its_head_and_goto_fires_once() -> None:
    steps = [(0, lambda e: e.go()), (0.5, lambda e: e.back()),
             (0.6, lambda e: e.goto("2")), (1.0, lambda e: e.go())]
    trace = drive(make_show(ISSUE), steps, until=5)
    heads = [(ln["t"], ln["cue"]) for ln in trace if ln["kind"] == "playhead"]
    # back: 2 belongs to 1's running sequence, so back lands on 1 (its head).
    assert heads[:3] == [(0.0, "3"), (0.5, "1"), (0.6, "2")]
    # goto 2 then GO fires it at 1.0; the continue at 2.0 does not fire it again.
    assert sent(trace) == [(1.0, "/sound/start")]


def test_stop_ends_the_sequence_and_the_playhead_stays_past_it() -> None:
    steps = [(0, lambda e: e.go()), (1, lambda e: e.stop())]
    trace = drive(make_show(ISSUE), steps, until=5)
    assert sent(trace) == []
    heads = [(ln["t"], ln["cue"]) for ln in trace if ln["kind"] == "playhead"]
    assert heads == [(0.0, "3")]


def test_a_chain_fires_every_cue_once_at_its_ideal_time() -> None:
    cues = ", ".join(f'{{number: "{i}", type: memo, continue: auto_continue, postwait: 0.5}}'
                     for i in range(1, 41))
    show = make_show(f"""
    show: {{title: x}}
    cuelists: {{main: {{cues: [{cues}, {{number: "41", type: memo}}]}}}}
    """)
    trace = drive(show, [(0, lambda e: e.go())], until=30)
    started = cue_times(trace, "cue_started")
    assert started["41"] == 20.0
    assert len([ln for ln in trace if ln["kind"] == "cue_started"]) == 41


def test_stopping_a_sequence_head_frees_its_cues_for_back() -> None:
    steps = [(0, lambda e: e.go()), (0.5, lambda e: e.stop_cue("main", "1")),
             (0.6, lambda e: e.back())]
    trace = drive(make_show(ISSUE), steps, until=5)
    heads = [(ln["t"], ln["cue"]) for ln in trace if ln["kind"] == "playhead"]
    # 2 is inside 1's sequence, so back from 3 goes to 1, the sequence's head.
    assert heads == [(0.0, "3"), (0.6, "1")]
    assert sent(trace) == []
