"""Run logs: what happened during a run (live, headless or replay), as one YAML file.

Show time 0 is the engine's start (``engine.t0``); ``started`` is the wall clock at that
moment, so wall-clock times are ``started + t``.

The package is split by job, and every public name is re-exported here
(``from showctl.runlog import RunLogRecorder, load_runlog`` and friends):

* :mod:`showctl.runlog.schema`: the file's records (:class:`RunLog` and its parts);
* :mod:`showctl.runlog.sections`: how a show divides into sections (acts, interval…);
* :mod:`showctl.runlog.recorder`: :class:`RunLogRecorder`, which records a run from a
  session's event bus and the operator's actions (``showctl.replay.record_replay``
  puts one on a replay);
* :mod:`showctl.runlog.files`: writing and reading run log files, and where they go.

The file format (``format: showctl-runlog/1``) is described in docs/reports.md.
"""

from __future__ import annotations

from showctl.runlog.files import default_runlog_path, load_runlog, state_dir, write_runlog
from showctl.runlog.recorder import MATCH_WINDOW, RunLogRecorder
from showctl.runlog.schema import (
    FORMAT,
    CrashRecord,
    CueRecord,
    FailureRecord,
    FaultRecord,
    GoRecord,
    How,
    Mode,
    PanicRecord,
    Pauses,
    RunLog,
    SectionDef,
    ShowRef,
)
from showctl.runlog.sections import section_outline

__all__ = [
    "FORMAT",
    "MATCH_WINDOW",
    "CrashRecord",
    "CueRecord",
    "FailureRecord",
    "FaultRecord",
    "GoRecord",
    "How",
    "Mode",
    "PanicRecord",
    "Pauses",
    "RunLog",
    "RunLogRecorder",
    "SectionDef",
    "ShowRef",
    "default_runlog_path",
    "load_runlog",
    "section_outline",
    "state_dir",
    "write_runlog",
]
