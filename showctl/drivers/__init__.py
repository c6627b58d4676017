"""Output drivers: each one maps a show's logical output to real I/O (or a capture).

A driver is an async transport that owns a socket or port; the wire formats it speaks
are encoded and decoded by the codecs in :mod:`showctl.protocols` (bytes in, bytes out,
tested byte for byte), which the inputs (the OSC API, triggers, timecode chase, the
simulator, the monitors) share. See :mod:`showctl.drivers.base` for the contract every
driver, built-in or third-party, implements (docs/drivers.md).
"""
