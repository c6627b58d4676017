"""The live runtime: a running show as one process, with front ends as its clients.

:class:`~showctl.live.runtime.LiveRuntime` assembles the session (engine + drivers),
the one supervised frame loop, the remote inputs (QLab-compatible OSC API, triggers,
timecode chase), the run log, the show document with its programmer, and executes the
one command vocabulary (:mod:`showctl.api.protocol`). :mod:`showctl.live.server`
serves it to clients (WebSocket + JSON, or in memory for tests);
:mod:`showctl.live.registry` and :mod:`showctl.live.process` make it a process that
outlives its console. docs/live.md tells the whole story.
"""
