"""Bad show files: every problem at once, each at its exact line and column."""

import textwrap

import pytest

from showctl.model.loader import parse_show, read_show


def problems(text: str) -> list[str]:
    show, found = parse_show(textwrap.dedent(text).lstrip("\n"), "s.yaml")
    assert show is None
    return [str(p) for p in found]


def test_yaml_syntax_error_is_located() -> None:
    assert problems("""
    show: {title: x
    cuelists: {}
    """) == ["s.yaml:2:9: YAML syntax error: expected ',' or '}', but got ':' "
             "(while parsing a flow mapping)"]


def test_every_problem_reported_at_once_with_line_and_column() -> None:
    found = problems("""
    show:
      title: Test
    outputs:
      sound: {kind: osc}
    cuelists:
      main:
        cues:
          - {number: 1, type: memo, prewiat: 2}
          - {number: 1, type: wiat, duration: 3}
          - {number: 2, type: wait, duration: abc}
          - {number: 3, type: start, target: 99}
          - {number: 4, type: osc, output: video, address: /go}
          - {number: 5, type: wait}
          - {number: 6, type: stop, list: nowhere}
          - {number: 7, type: osc, output: sound, address: /x, armed: maybe}
    """)
    assert found == [
        "s.yaml:8:33: unknown key 'prewiat' (did you mean 'prewait'?)",
        "s.yaml:9:18: duplicate cue number '1' in list 'main' (already used by the cue "
        "at position 1)",
        "s.yaml:9:27: unknown cue type 'wiat' (did you mean 'wait'?); known: memo, wait, "
        "group, start, stop, pause, resume, goto, arm, disarm, fade_out, osc, midi, msc, light, "
        "midi_file, timecode",
        "s.yaml:10:43: 'duration': cannot read 'abc' as a time: write seconds (2.5), '1:30', "
        "'250ms' or '1m30s'",
        "s.yaml:11:42: cue 3 targets cue '99', which is not in list 'main'",
        "s.yaml:12:40: cue 4 sends to output 'video', which the show does not declare "
        "(declared: sound)",
        "s.yaml:13:9: missing required key 'duration'",
        "s.yaml:14:39: cue 6 targets list 'nowhere', which does not exist (lists: main)",
        "s.yaml:15:67: 'armed': expected true or false, got 'maybe'",
    ]


def test_nested_group_child_errors_point_inside_the_group() -> None:
    found = problems("""
    show: {title: t}
    cuelists:
      main:
        cues:
          - number: 1
            type: group
            cues:
              - {number: 1.1, type: wait, duration: -2}
              - {number: 1.1, type: memo}
    """)
    assert found == [
        "s.yaml:8:49: 'duration': a time cannot be negative (got -2)",
        "s.yaml:9:22: duplicate cue number '1.1' in list 'main' (already used by the cue "
        "at position 1.1)",
    ]


def test_wrong_output_kind_and_light_without_dmx() -> None:
    found = problems("""
    show: {title: t}
    outputs: {snd: {kind: osc}}
    cuelists:
      main:
        cues:
          - {number: 1, type: midi, output: snd, messages: [{kind: program_change, program: 1}]}
          - {number: 2, type: light, channels: {"1": 50}}
          - {number: 3, type: light, channels: {"1/600": 50}}
    """)
    assert found[0] == "s.yaml:6:41: cue 1 is a midi cue but output 'snd' is osc, not midi"
    assert found[1].startswith("s.yaml:7:27: light cue 2 needs a dmx output")
    assert found[3] == "s.yaml:8:44: 'channels': channel '1/600': DMX address 600 is outside 1..512"


def test_cue_numbers_keep_their_text() -> None:
    show, found = parse_show(textwrap.dedent("""
    show: {title: t}
    cuelists:
      main:
        cues:
          - {number: 1.10, type: memo}
          - {number: 1.1, type: memo}
          - {number: 12A, type: memo}
    """))
    assert not found and show is not None
    assert [c.number for _, c, _ in show.walk()] == ["1.10", "1.1", "12A"]


def test_times_accept_seconds_and_text() -> None:
    show, found = parse_show(textwrap.dedent("""
    show: {title: t}
    cuelists:
      main:
        cues:
          - {number: 1, type: wait, duration: "1:30", prewait: 250ms, postwait: 2.5}
    """))
    assert not found and show is not None
    cue = show.cuelists["main"].cues[0]
    assert (cue.duration, cue.prewait, cue.postwait) == (90.0, 0.25, 2.5)  # type: ignore[union-attr]


@pytest.mark.parametrize("text,expected", [
    ("", "s.yaml:1:1: a show file must be a mapping with 'show:' and 'cuelists:' at the top"),
    ("- a\n- b\n", "s.yaml:1:1: a show file must be a mapping with 'show:' and 'cuelists:' "
     "at the top"),
    ("show: {title: t}\nshow: {title: u}\ncuelists: {}\n",
     "s.yaml:2:1: duplicate key 'show' (first at line 1)"),
])
def test_degenerate_files(text: str, expected: str) -> None:
    _, found = parse_show(text, "s.yaml")
    assert [str(p) for p in found] == [expected]


def test_missing_file_is_a_clear_problem() -> None:
    _, found = read_show("/nonexistent/show.yaml")
    assert [p.message for p in found] == ["no such file"]


def test_patch_and_fixture_value_problems_are_located() -> None:
    base = """
    show: {title: t}
    outputs: {lx: {kind: dmx}}
    patch:
      - {id: 1, name: A, profile: rgbw-par, mode: 8ch, universe: 1, address: 1}
      - {id: 2, name: B, profile: rgbw-par, mode: 8ch, universe: 1, address: 5}
      - {id: 3, name: C, profile: moving-spt, universe: 1, address: 100}
      - {id: 4, name: D, profile: moving-spot, mode: standard, universe: 1, address: 505}
    cuelists:
      main:
        cues:
          - {number: 1, type: light, fixtures: {"1": {intensity: 50}}}
    """
    found = problems(base)
    assert found == [
        "s.yaml:5:74: fixture 2 'B' (5-12) overlaps fixture 1 'A' (1-8) on universe 1 at 5-8",
        "s.yaml:6:31: unknown fixture profile 'moving-spt' (did you mean 'moving-spot'?); "
        "shipped profiles: cmy-wash, dimmer-16bit, generic-dimmer, moving-spot, moving-wash, "
        "rgb-par, rgbauv-par, rgbw-par",
        "s.yaml:7:82: fixture 4 'D' needs 14 channels from address 505, past channel 512 of "
        "universe 1 (last possible start: 499)",
    ]
    fixed = base.replace("address: 5}", "address: 9}").replace("moving-spt", "rgb-par")
    fixed = fixed.replace("address: 505", "address: 200")
    fixed = fixed.replace('{"1": {intensity: 50}}',
                          '{"1": {intensity: 50, colour: red}, "9": {intensity: 5}}')
    found = problems(fixed)
    assert found == ["s.yaml:11:85: cue 1: no fixture or group '9' in the patch"]
    found = problems(fixed.replace(', "9": {intensity: 5}', "").replace("colour", "colr"))
    assert found[0].startswith("s.yaml:11:50: cue 1: fixture 1 'A': colr:")


def test_timecode_trigger_needs_the_list_to_chase_timecode() -> None:
    found = problems("""
    show: {title: t}
    cuelists:
      main:
        cues:
          - {number: 1, type: memo, triggers: [{timecode: "01:00:00:00"}]}
    """)
    assert found == ["s.yaml:5:55: cue 1 has a timecode trigger, but list 'main' has no "
                     "'timecode:' settings (source: mtc or artnet, fps, …)"]


def test_trigger_values_run_would_reject_are_refused_by_check() -> None:
    found = problems("""
    show: {title: x}
    cuelists:
      main:
        cues:
          - {number: 1, type: memo, triggers: [{wallclock: "25:00"}]}
          - {number: 2, type: memo, triggers: [{wallclock: "19:61"}]}
          - {number: 3, type: memo, triggers: [{hotkey: space}, {hotkey: P}, {hotkey: Esc}]}
          - {number: 4, type: memo, triggers: [{hotkey: f5}, {hotkey: ctrl+p}]}
    """)
    assert found == [
        "s.yaml:5:56: 'wallclock': '25:00' is not a time of day (00:00 to 23:59:59)",
        "s.yaml:6:56: 'wallclock': '19:61' is not a time of day (00:00 to 23:59:59)",
        "s.yaml:7:53: 'hotkey': hotkey 'space' is a console key (the console takes it first); "
        "use a function key or a modifier, e.g. 'f5' or 'ctrl+space'",
        "s.yaml:7:70: 'hotkey': hotkey 'P' is a console key (the console takes it first); "
        "use a function key or a modifier, e.g. 'f5' or 'ctrl+p'",
        "s.yaml:7:83: 'hotkey': hotkey 'Esc' is a console key (the console takes it first); "
        "use a function key or a modifier, e.g. 'f5' or 'ctrl+escape'",
    ]


def test_value_problems_come_with_structural_ones_in_one_run() -> None:
    found = problems("""
    show: {title: t}
    outputs: {lx: {kind: dmx}}
    patch:
      - {id: 1, name: A, profile: rgbw-par, mode: 8ch, universe: 1, address: 1}
    cuelists:
      main:
        cues:
          - {number: 1, type: memo, prewiat: 2}
          - {number: 2, type: light, fixtures: {"1": {intensity: 50, colr: red}}}
          - {number: 3, type: light, fixtures: {"9": {intensity: 5}}}
          - {number: 4, type: wait, duration: abc}
    """)
    assert found[0] == "s.yaml:8:33: unknown key 'prewiat' (did you mean 'prewait'?)"
    assert found[1].startswith("s.yaml:9:50: cue 2: fixture 1 'A': colr:")
    assert found[2:] == [
        "s.yaml:10:50: cue 3: no fixture or group '9' in the patch",
        "s.yaml:11:43: 'duration': cannot read 'abc' as a time: write seconds (2.5), '1:30', "
        "'250ms' or '1m30s'",
    ]


def test_raw_channels_and_fixtures_on_a_universe_no_output_carries() -> None:
    found = problems("""
    show: {title: t}
    outputs:
      lx: {kind: dmx, universes: [1]}
    patch:
      - {id: 1, name: A, profile: generic-dimmer, universe: 3, address: 1}
    cuelists:
      main:
        cues:
          - {number: 1, type: light, channels: {"1": 100, "2/100": 50}}
          - {number: 2, type: light, output: lx, channels: {"2/7": 50}}
    """)
    assert found == [
        "s.yaml:5:57: fixture 1: no dmx output carries universe 3 (lx carries 1); list it in "
        "an output's 'universes:'",
        "s.yaml:9:64: cue 1: no dmx output carries universe 2 of channel '2/100' (lx carries "
        "1); list it in an output's 'universes:'",
        "s.yaml:10:64: cue 2: channel '2/7' is on universe 2, but output 'lx' carries 1",
    ]


def test_out_of_range_midi_msc_and_osc_values_are_refused() -> None:
    found = problems("""
    show: {title: t}
    outputs: {desk: {kind: midi}, snd: {kind: osc}}
    cuelists:
      main:
        cues:
          - number: 1
            type: midi
            output: desk
            messages:
              - {kind: control_change, control: 7, value: 200}
              - {kind: control_change, control: 7, value: -1}
              - {kind: aftertouch, value: 200}
              - {kind: poly_aftertouch, note: 60, value: 128}
              - {kind: pitch_bend, value: 8192}
              - {kind: pitch_bend, value: -8192}
          - {number: 2, type: msc, output: desk, command: go, cue: "5A"}
          - {number: 3, type: msc, output: desk, command: go, cue_list: "1"}
          - {number: 4, type: msc, output: desk, command: timed_go, cue: "1"}
          - {number: 5, type: msc, output: desk, command: fire}
          - {number: 6, type: msc, output: desk, command: timed_go, cue: "1", time: "01:00:61:00"}
          - {number: 7, type: msc, output: desk, command: go,
             cue: "11111111111111111111111111111111111111111111111111111111111111111\\
                   11111111111111111111111111111111111111111111111111111111111111111"}
          - {number: 8, type: osc, output: snd, address: /cue/1 start}
          - {number: 9, type: osc, output: snd, messages: [{address: "/a#b"}, {address: /ok}]}
    """)
    assert found == [
        "s.yaml:10:55: cue 1: control_change value 200 is outside 0..127",
        "s.yaml:11:55: cue 1: control_change value -1 is outside 0..127",
        "s.yaml:12:39: cue 1: aftertouch value 200 is outside 0..127",
        "s.yaml:13:54: cue 1: poly_aftertouch value 128 is outside 0..127",
        "s.yaml:14:39: cue 1: pitch bend 8192 is outside -8192..8191",
        "s.yaml:16:64: cue 2: MSC cue must be ASCII digits and '.', got '5A'",
        "s.yaml:17:69: cue 3: MSC cue list needs a cue number",
        "s.yaml:18:55: cue 4: MSC TIMED_GO needs a time",
        "s.yaml:19:55: cue 5: MSC FIRE needs a macro number",
        "s.yaml:20:81: cue 6: MSC time '01:00:61:00': seconds 61 is outside 0..59",
        "s.yaml:21:55: cue 7: MSC message longer than 128 bytes",
        "s.yaml:24:54: cue 8: OSC address '/cue/1 start' contains ' '; OSC 1.0 addresses are "
        "printable ASCII without spaces or '#'",
        "s.yaml:25:66: cue 9: OSC address '/a#b' contains '#'; OSC 1.0 addresses are "
        "printable ASCII without spaces or '#'",
    ]


def test_timecode_trigger_frames_past_the_list_rate() -> None:
    found = problems("""
    show: {title: t}
    cuelists:
      main:
        timecode: {source: mtc, fps: 25}
        cues:
          - {number: 1, type: memo, triggers: [{timecode: "01:00:00:24"}]}
          - {number: 2, type: memo, triggers: [{timecode: "01:00:00:27"}]}
    """)
    assert found == ["s.yaml:7:55: cue 2: timecode '01:00:00:27' has frame 27, but list "
                     "'main' runs at 25 fps (frames 0..24)"]
