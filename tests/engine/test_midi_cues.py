"""MSC, MIDI-file and timecode cues on the virtual clock: bytes at exact times."""

from pathlib import Path

import mido

from showctl.model.loader import read_show
from showctl.testing import cue_times, drive, make_show


def test_msc_cue_sends_the_spec_bytes_after_cue_started() -> None:
    show = make_show("""
    show: {title: t}
    outputs: {desk: {kind: midi}}
    cuelists:
      main:
        cues:
          - {number: 1, type: msc, output: desk, command: go, device: 1, format: lighting,
             cue: "12.5", cue_list: "2"}
          - {number: 2, type: msc, output: desk, command: timed_go, format: sound,
             cue: "3", time: "01:02:03:04"}
    """)
    trace = drive(show, [(0, lambda e: e.go()), (1, lambda e: e.go())], until=2)
    kinds = [ln["kind"] for ln in trace if ln.get("cue") == "1" or ln["kind"] == "midi"]
    assert kinds.index("cue_started") < kinds.index("midi")
    midi = [ln["data"] for ln in trace if ln["kind"] == "midi"]
    # F0 7F dev 02 fmt cmd  "12.5" 00 "2" F7  (MSC 1.0: cue, list, trailing fields omitted)
    assert midi[0] == "F0 7F 01 02 01 01 31 32 2E 35 00 32 F7"
    # TIMED_GO 04 to sound 10, all-call 7F, time hr(30 fps = 0b11) mn sc fr ff, then cue "3"
    assert midi[1] == "F0 7F 7F 02 10 04 61 02 03 04 00 33 F7"


def _write_midi_file(path: Path) -> None:
    mid = mido.MidiFile(type=1, ticks_per_beat=480)
    meta = mido.MidiTrack()
    meta.append(mido.MetaMessage("set_tempo", tempo=500000, time=0))  # 120 bpm
    meta.append(mido.MetaMessage("set_tempo", tempo=1000000, time=960))  # 60 bpm at beat 2
    notes = mido.MidiTrack()
    notes.append(mido.Message("note_on", note=60, velocity=100, time=0))
    notes.append(mido.Message("note_off", note=60, velocity=0, time=960))  # 1.0 s at 120
    notes.append(mido.Message("note_on", note=62, velocity=100, time=0))
    notes.append(mido.Message("note_off", note=62, velocity=0, time=480))  # 1.0 s at 60
    mid.tracks += [meta, notes]
    mid.save(str(path))


def _midi_show(tmp_path: Path) -> Path:
    _write_midi_file(tmp_path / "song.mid")
    show = tmp_path / "show.yaml"
    show.write_text(
        "show: {title: t}\noutputs: {synth: {kind: midi}}\ncuelists:\n  main:\n    cues:\n"
        "      - {number: 1, type: midi_file, output: synth, file: song.mid}\n"
    )
    return show


def test_midi_file_follows_its_tempo_map(tmp_path: Path) -> None:
    show, problems = read_show(_midi_show(tmp_path))
    assert not problems and show is not None
    trace = drive(show, [(0, lambda e: e.go())], until=5)
    midi = [(ln["t"], ln["data"]) for ln in trace if ln["kind"] == "midi"]
    assert midi == [(0.0, "90 3C 64"), (1.0, "80 3C 00"), (1.0, "90 3E 64"),
                    (2.0, "80 3E 00")]
    assert [ln["duration"] for ln in trace if ln["kind"] == "cue_started"] == [2.0]
    assert cue_times(trace, "cue_completed") == {"1": 2.0}


def test_stopping_a_midi_file_releases_held_notes(tmp_path: Path) -> None:
    show, _ = read_show(_midi_show(tmp_path))
    assert show is not None
    trace = drive(show, [(0, lambda e: e.go()), (0.5, lambda e: e.stop())], until=5)
    midi = [(ln["t"], ln["data"]) for ln in trace if ln["kind"] == "midi"]
    assert midi == [(0.0, "90 3C 64"), (0.5, "80 3C 00")]


def test_missing_midi_file_is_a_located_problem(tmp_path: Path) -> None:
    show = tmp_path / "show.yaml"
    show.write_text(
        "show: {title: t}\noutputs: {synth: {kind: midi}}\ncuelists:\n  main:\n    cues:\n"
        "      - {number: 1, type: midi_file, output: synth, file: nope.mid}\n"
    )
    _, problems = read_show(show)
    assert [str(p) for p in problems] == [
        f"{show}:6:59: cue 1: no such MIDI file '{tmp_path / 'nope.mid'}'"]


def test_timecode_cue_mtc_and_artnet_frames_pause_and_resume() -> None:
    show = make_show("""
    show: {title: t}
    outputs: {desk: {kind: midi}, lx: {kind: dmx}}
    cuelists:
      main:
        cues:
          - {number: 1, type: timecode, output: desk, artnet: lx, start: "00:59:59:23",
             fps: 24, duration: 1}
    """)
    steps = [(0, lambda e: e.go()), (0.5, lambda e: e.pause()), (2.5, lambda e: e.resume())]
    trace = drive(show, steps, until=5)
    midi = [(ln["t"], ln["data"]) for ln in trace if ln["kind"] == "midi"]
    # full frame first: hr = 0b000_00000 | 24 fps code 0 → 00, 59 min, 59 s, frame 23
    assert midi[0] == (0.0, "F0 7F 7F 01 01 00 3B 3B 17 F7")
    # then quarter frames every 1/96 s: piece 0 = frames low nibble (23 = 0x17 → 7)
    assert midi[1] == (0.0, "F1 07")
    assert midi[2] == (round(1 / 96, 6), "F1 11")
    tc = [(ln["t"], ln["timecode"]) for ln in trace if ln["kind"] == "timecode"]
    assert tc[:2] == [(0.0, "00:59:59:23"), (round(1 / 24, 6), "01:00:00:00")]
    # paused from 0.5 to 2.5 s: nothing is sent, then it goes on from where it stopped
    assert not [t for t, _ in midi if 0.5 < t < 2.5]
    assert cue_times(trace, "cue_completed") == {"1": 3.0}


def test_midi_cue_sends_every_kind_of_message_as_the_wire_wants() -> None:
    """Each kind a show file can write, through the engine, byte for byte (channels 1-16
    as people count are 0-15 on the wire; pitch bend -8192..8191 around 0x2000); mido
    reads each back as the same message."""
    show = make_show("""
    show: {title: t}
    outputs: {synth: {kind: midi}}
    cuelists:
      main:
        cues:
          - number: 1
            type: midi
            output: synth
            messages:
              - {kind: note_on, channel: 1, note: 60, velocity: 100}
              - {kind: note_off, channel: 2, note: 60, velocity: 0, at: 0.1}
              - {kind: poly_aftertouch, channel: 3, note: 61, value: 90, at: 0.2}
              - {kind: control_change, channel: 16, control: 7, value: 127, at: 0.3}
              - {kind: program_change, channel: 10, program: 5, at: 0.4}
              - {kind: aftertouch, channel: 4, value: 33, at: 0.5}
              - {kind: pitch_bend, channel: 5, value: -8192, at: 0.6}
              - {kind: pitch_bend, channel: 5, value: 8191, at: 0.7}
              - {kind: pitch_bend, channel: 5, value: 0, at: 0.8}
              - {kind: sysex, data: [0x7D, 1, 2], at: 0.9}
    """)
    trace = drive(show, [(0, lambda e: e.go())], until=2)
    midi = [ln["data"] for ln in trace if ln["kind"] == "midi"]
    assert midi == [
        "90 3C 64", "81 3C 00", "A2 3D 5A", "BF 07 7F", "C9 05", "D3 21",
        "E4 00 00", "E4 7F 7F", "E4 00 40", "F0 7D 01 02 F7",
    ]
    back = [mido.Message.from_bytes(bytes.fromhex(d)) for d in midi]
    assert [(m.type, getattr(m, "channel", None)) for m in back][:6] == [
        ("note_on", 0), ("note_off", 1), ("polytouch", 2), ("control_change", 15),
        ("program_change", 9), ("aftertouch", 3)]
    assert [m.pitch for m in back[6:9]] == [-8192, 8191, 0]
