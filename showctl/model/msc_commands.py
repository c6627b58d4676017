"""The MIDI Show Control commands a show file can name (``command: go`` …)."""

from __future__ import annotations

import enum


class MscCommand(enum.StrEnum):
    GO = "go"
    STOP = "stop"
    RESUME = "resume"
    TIMED_GO = "timed_go"
    LOAD = "load"
    SET = "set"
    FIRE = "fire"
    ALL_OFF = "all_off"
    RESTORE = "restore"
    RESET = "reset"
    GO_OFF = "go_off"
