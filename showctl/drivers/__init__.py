"""Output drivers: each one maps a show's logical output to real I/O (or a capture).

Drivers are split into a pure codec (bytes in, bytes out, tested byte for byte) and an
async transport that owns the socket or port. See :mod:`showctl.drivers.base` for the
contract every driver, built-in or third-party, implements.
"""
