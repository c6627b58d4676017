"""Rehearsal without hardware: a simulated rig that receives DMX like a real node.

- :mod:`showctl.sim.receiver` — pure per-universe receive state: sources, priorities,
  sequence checks, data-loss timeouts, rates and the merge (no sockets).
- :mod:`showctl.sim.listen` — the UDP sockets (Art-Net 6454, sACN 5568 unicast and
  multicast) that feed a receiver.
- :mod:`showctl.sim.decode` — universe buffers → what each patched fixture looks like.
- :mod:`showctl.sim.snapshot` — replay a show and draw the stage at given times as SVG.
- :mod:`showctl.sim.monitor` — ``showctl monitor dmx``.
- :mod:`showctl.sim.headless` / :mod:`showctl.sim.app` — ``showctl sim`` as text lines or
  as a Textual stage view.
- :mod:`showctl.sim.cli` — argparse wiring for both commands.

Nothing here is imported by the engine; the engine's layering rule (no UI in the core)
is unaffected because only :mod:`showctl.sim.app` imports Textual.
"""
