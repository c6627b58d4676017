"""The Textual console of ``showctl run``: stage manager's show mode, TD's edit mode.

Entry points: :func:`showctl.console.app.run_console` (the CLI) and
:class:`showctl.console.app.ShowctlApp` (the one factory the CLI and the tests share).
The console only drives the engine through its public methods and reads its state; it
has no cue logic of its own.
"""
