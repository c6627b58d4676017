"""Monitors: print what arrives on an OSC port or a MIDI port, one line per message.

These are the functions behind ``showctl monitor osc`` and ``showctl monitor midi``;
they read time only through a :class:`~showctl.clocks.clock.Clock` and never block
the event loop, so they also run inside tests and next to a running show.
"""
