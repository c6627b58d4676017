"""Which fixtures a light cue's key means: an id, a group name, or an id range."""

from __future__ import annotations

import bisect

from showctl.lighting.patch import AttributeLookupError, Patch, PatchedFixture


def select_fixtures(patch: Patch, key: str) -> list[PatchedFixture]:
    """``"101"`` → that fixture; ``front`` → the group; ``"1-4"`` → patched ids 1 to 4."""
    if "-" in key and key not in patch.by_key and key not in patch.groups:
        lo_text, _, hi_text = key.partition("-")
        if lo_text.strip().isdigit() and hi_text.strip().isdigit():
            lo, hi = int(lo_text), int(hi_text)
            first = bisect.bisect_left(patch.numbered, (lo, -1))
            last = bisect.bisect_right(patch.numbered, (hi, len(patch.fixtures)))
            found = [patch.fixtures[i] for i in sorted(i for _, i in patch.numbered[first:last])]
            if not found:
                raise AttributeLookupError(f"no patched fixture in range {key!r}")
            return found
    return patch.select(key)
