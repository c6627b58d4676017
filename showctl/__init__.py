"""showctl: an open show-control and cue-running engine.

The package is split along the seams of docs/architecture: ``model`` (the show file),
``engine`` (cue logic on an injected clock), ``drivers`` (real I/O), and front ends
(``cli``, ``console``, ``remote``) that only call the engine and listen to its events.
"""

__version__ = "0.1.0"
