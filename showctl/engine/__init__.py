"""The cue engine: cue lists, playheads and timing on an injected clock. No I/O, no UI."""
