"""The wire formats: pure encode/decode codecs and the maths they need, at the bottom.

Encode and decode sit side by side (as python-osc pairs them), with no sockets, no
files, no clock and no import of showctl above :mod:`showctl.clocks`, so the outputs
(:mod:`showctl.drivers`) and the inputs (the OSC API and triggers in
:mod:`showctl.remote`, timecode chase, :mod:`showctl.sim`, :mod:`showctl.monitor`)
share one codec per protocol without depending on each other.

- :mod:`~showctl.protocols.artnet`: Art-Net 4 (ArtDmx, ArtSync, ArtPoll/ArtPollReply,
  ArtTimeCode).
- :mod:`~showctl.protocols.sacn`: sACN, ANSI E1.31-2018 (data, sync, universe discovery).
- :mod:`~showctl.protocols.osc`: OSC 1.0/1.1, re-exporting
  :mod:`~showctl.protocols.osc_messages` (messages and bundles as values),
  :mod:`~showctl.protocols.osc_args` (argument types), :mod:`~showctl.protocols.osc_packets`
  (packets) and :mod:`~showctl.protocols.osc_framing` (stream framing: SLIP, length).
- :mod:`~showctl.protocols.midi`: MIDI, re-exporting
  :mod:`~showctl.protocols.midi_messages` (channel voice, SysEx, system),
  :mod:`~showctl.protocols.msc` (MIDI Show Control), :mod:`~showctl.protocols.mtc` (MIDI
  timecode) and :mod:`~showctl.protocols.smpte_timecode` (SMPTE timecode and its
  drop-frame arithmetic).

docs/decisions/0009-codecs-in-a-package-at-the-bottom.md says why they live here.
"""
