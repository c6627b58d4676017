"""The browser page of a running show: run of show, cue view, remote (docs/web.md)."""
