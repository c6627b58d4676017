"""An asyncio event loop whose clock is virtual: time jumps to the next deadline.

When the loop would block waiting for timers (no callback ready, no I/O ready), the
virtual selector sets the loop's time to exactly the earliest scheduled timer instead of
sleeping. Deadlines are therefore hit *exactly* (``loop.time() == when``), which is what
lets tests assert timestamps to the microsecond and a two-hour show replay in seconds.

Real file descriptors still work: the selector is polled without blocking first, so a
socket that already has data is served before time jumps.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


class _VirtualSelector(selectors.DefaultSelector):
    """A selector that never sleeps when a timer is pending: it advances virtual time."""

    def __init__(self) -> None:
        super().__init__()
        self.loop: VirtualEventLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready: list[tuple[selectors.SelectorKey, int]] = super().select(0)
        if ready or timeout == 0 or self.loop is None:
            return ready
        nxt = self.loop._next_deadline()
        if nxt is None:
            # Nothing scheduled at all: only real I/O can wake us, so really wait for it.
            result: list[tuple[selectors.SelectorKey, int]] = super().select(timeout)
            return result
        self.loop._advance_to(nxt)
        return []


class VirtualEventLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` is virtual and starts at 0.0."""

    def __init__(self) -> None:
        selector = _VirtualSelector()
        super().__init__(selector)
        selector.loop = self
        self._virtual_now = 0.0

    def time(self) -> float:
        return self._virtual_now

    def _next_deadline(self) -> float | None:
        scheduled: list[asyncio.TimerHandle] = getattr(self, "_scheduled")  # noqa: B009
        # asyncio drops cancelled handles lazily; jump only to a live deadline, and leave
        # the heap (and its cancelled-count bookkeeping) to asyncio itself.
        live = [h.when() for h in scheduled[:1] if not h.cancelled()]
        if live:
            return live[0]
        pending = [h.when() for h in scheduled if not h.cancelled()]
        return min(pending) if pending else None

    def _advance_to(self, when: float) -> None:
        if when > self._virtual_now:
            self._virtual_now = when


def run_virtual(main: Callable[[], Awaitable[T]] | Awaitable[T], *, debug: bool = False) -> T:
    """Run a coroutine to completion on a fresh :class:`VirtualEventLoop`."""
    coro: Any = main() if callable(main) else main
    with asyncio.Runner(debug=debug, loop_factory=VirtualEventLoop) as runner:
        return runner.run(coro)  # type: ignore[no-any-return]
