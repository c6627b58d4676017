"""Session rebuilds: carrying the lighting state of an old session into a new one."""

from __future__ import annotations

from typing import Any

import numpy as np


def carry_lighting(old: Any, new: Any) -> None:
    """Give a rebuilt session's lighting the state of the old one (by attribute name).

    The console rebuilds its session after every edit; without this the new session
    would start from the rig's home state, and the stage would go dark under the TD
    recording a look on top of it. Each list's playback takes over where the old one
    is now (fades end there: edits happen on an idle show), with the same touched
    attributes and latest-takes-precedence owner; grandmaster and blackout too.
    Call before the new session opens (its first frame then carries the state)."""
    index = new.layout.index
    pairs = [(i, index[n]) for i, n in enumerate(old.layout.names) if n in index]
    if not pairs:
        return
    oi = np.array([p[0] for p in pairs], dtype=np.int64)
    ni = np.array([p[1] for p in pairs], dtype=np.int64)
    now = old.clock.now()
    old_names = list(old.playbacks)
    for name, pb in old.playbacks.items():
        cur = pb.values(now)
        npb = new.playback(name)
        npb.start[ni] = cur[oi]
        npb.target[ni] = cur[oi]
        npb.dur[ni] = 0.0
        npb.touched[ni] = pb.touched[oi]
        npb.set_time[ni] = pb.set_time[oi]
        npb.touch()
    new_names = list(new.playbacks)
    owner = old._ltp_owner[oi]
    mapped = np.array([new_names.index(old_names[k]) if k >= 0 else -1
                       for k in owner.tolist()], dtype=new._ltp_owner.dtype)
    new._ltp_owner[ni] = mapped
    new.grandmaster = old.grandmaster
    new.blackout = old.blackout
