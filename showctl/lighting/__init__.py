"""Lighting: fixture profiles, the patch and people's values (the engine renders them to
DMX bytes: :mod:`showctl.engine.patching`, :mod:`showctl.engine.dmx_render`).

- :mod:`showctl.lighting.profiles` — our fixture profile format and its loader.
- :mod:`showctl.lighting.values` — "80", "full", "warm white", "45" degrees, gobo names
  → normalized attribute values (0..1) for one fixture.
- :mod:`showctl.lighting.patch` — which fixture sits at which universe and address.
- :mod:`showctl.lighting.import_ofl`, :mod:`showctl.lighting.import_qxf` — importers from
  the Open Fixture Library and QLC+ formats; :func:`import_fixture` picks one by file.

Nothing here imports a user interface, does I/O other than reading profile files, or
reads the clock.
"""
