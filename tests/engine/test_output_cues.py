"""OSC messages, bundles and argument fades; MIDI sequences — exact values at exact times."""

from showctl.testing import drive, make_show

SHOW = """
show: {title: t}
outputs: {snd: {kind: osc}, desk: {kind: midi}}
cuelists:
  main:
    cues:
      - {number: 1, type: osc, output: snd, address: /go, args: [1, 2.5, hi, true, null]}
      - number: 2
        type: osc
        output: snd
        messages: [{address: /a, args: [1]}, {address: /b}]
      - number: 3
        type: osc
        output: snd
        address: /fader
        args: [0]
        fade: {from: 0, to: 100, duration: 1, rate: 4}
      - number: 4
        type: midi
        output: desk
        messages:
          - {kind: note_on, channel: 2, note: 60, velocity: 100}
          - {kind: note_off, channel: 2, note: 60, velocity: 0, at: 0.5}
          - {kind: program_change, channel: 16, program: 5, at: 0.25}
          - {kind: pitch_bend, channel: 1, value: -8192, at: 0.75}
          - {kind: sysex, data: [0x7e, 0x7f, 0x06, 0x01], at: 0.75}
"""


def test_osc_message_bundle_and_fade() -> None:
    show = make_show(SHOW)
    steps = [(0, lambda e: e.go()), (1, lambda e: e.go()), (2, lambda e: e.go())]
    trace = drive(show, steps, until=5)
    osc = [ln for ln in trace if ln["kind"] == "osc"]
    assert osc[0] == {"t": 0.0, "kind": "osc", "output": "snd", "address": "/go",
                      "args": [1, 2.5, "hi", True, None]}
    assert osc[1]["bundle"] == [{"address": "/a", "args": [1]}, {"address": "/b", "args": []}]
    fade = [(ln["t"], ln["args"][0]) for ln in osc[2:]]
    # int argument stays int; samples at rate 4 on exact deadlines, last exactly at the end.
    assert fade == [(2.0, 0), (2.25, 25), (2.5, 50), (2.75, 75), (3.0, 100)]
    done = [ln["t"] for ln in trace if ln["kind"] == "cue_completed" and ln["cue"] == "3"]
    assert done == [3.0]
    last_osc = max(i for i, ln in enumerate(trace) if ln["kind"] == "osc")
    completed = next(i for i, ln in enumerate(trace)
                     if ln["kind"] == "cue_completed" and ln["cue"] == "3")
    assert last_osc < completed  # the final value is out before "completed"


def test_osc_fade_pauses_and_resumes_exactly() -> None:
    show = make_show(SHOW)
    steps = [(0, lambda e: e.goto("3")), (1, lambda e: e.go()), (1.6, lambda e: e.pause()),
             (3.6, lambda e: e.resume())]
    trace = drive(show, steps, until=8)
    fade = [(ln["t"], ln["args"][0]) for ln in trace if ln["kind"] == "osc"]
    assert fade == [(1.0, 0), (1.25, 25), (1.5, 50), (3.75, 75), (4.0, 100)]


def test_midi_sequence_bytes_and_offsets() -> None:
    show = make_show(SHOW)
    trace = drive(show, [(0, lambda e: e.goto("4")), (1, lambda e: e.go())], until=5)
    midi = [(ln["t"], ln["data"]) for ln in trace if ln["kind"] == "midi"]
    assert midi == [
        (1.0, "91 3C 64"),
        (1.25, "CF 05"),
        (1.5, "81 3C 00"),
        (1.75, "E0 00 00"),
        (1.75, "F0 7E 7F 06 01 F7"),
    ]
