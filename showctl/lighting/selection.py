"""Which fixtures a light cue's key means: an id, a group name, or an id range."""

from __future__ import annotations

from showctl.lighting.patch import AttributeLookupError, Patch, PatchedFixture


def select_fixtures(patch: Patch, key: str) -> list[PatchedFixture]:
    """``"101"`` → that fixture; ``front`` → the group; ``"1-4"`` → patched ids 1 to 4."""
    if "-" in key and key not in patch.by_key and key not in patch.groups:
        lo_text, _, hi_text = key.partition("-")
        if lo_text.strip().isdigit() and hi_text.strip().isdigit():
            lo, hi = int(lo_text), int(hi_text)
            found = [f for f in patch.fixtures if f.key.isdigit() and lo <= int(f.key) <= hi]
            if not found:
                raise AttributeLookupError(f"no patched fixture in range {key!r}")
            return found
    return patch.select(key)
