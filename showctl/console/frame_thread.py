"""DMX frames on their own thread, so a console redraw cannot delay or drop a frame.

The console shares the event loop with the engine, and a full Textual redraw holds the
loop for longer than a 22.7 ms DMX frame. Under `showctl run` the lighting frame loop
therefore moves to a dedicated thread: it computes each frame (numpy releases the GIL)
and hands it to the DMX drivers at its deadline, while the loop keeps the engine, the
UI and every other driver. What crosses threads is explicit:

- the engine's lighting changes (``fade``, ``pause``, ``resume``, ``stop``…) take a lock
  the frame thread also holds while computing a frame;
- a GO's immediate frame (``send_now``) is a request the frame thread serves at once;
- DMX drivers get a clock whose timers run their callbacks on the frame thread, so
  every call into a DMX driver's state happens on that one thread;
- faults and trace events go back to the loop with ``call_soon_threadsafe``.

Replays and tests keep the in-loop frame task (deterministic, on the virtual clock);
this is for live runs only.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from showctl.drivers.base import DmxPayload, Driver, DriverContext, Payload
from showctl.session import Session


class _Handle:
    def __init__(self) -> None:
        self.cancelled = False
        self.loop_handle: asyncio.TimerHandle | None = None

    def cancel(self) -> None:
        self.cancelled = True
        h = self.loop_handle
        if h is not None:
            h.cancel()


class _ThreadClock:
    """The loop's clock for reading; timers fire their callbacks on the frame thread."""

    def __init__(self, owner: ThreadedFrames) -> None:
        self.owner = owner

    def now(self) -> float:
        return time.monotonic()  # the event loop's own time base

    async def sleep_until(self, deadline: float) -> None:  # pragma: no cover - unused
        await asyncio.sleep(max(0.0, deadline - self.now()))

    def call_at(self, deadline: float, callback: Callable[[], None]) -> _Handle:
        handle = _Handle()
        loop = self.owner.loop

        def fire() -> None:
            if not handle.cancelled:
                self.owner.post(lambda: None if handle.cancelled else callback())

        def schedule() -> None:
            if not handle.cancelled:
                handle.loop_handle = loop.call_at(deadline, fire)

        loop.call_soon_threadsafe(schedule)
        return handle


class ThreadedFrames:
    """Runs a session's lighting frames on a thread of their own (see the module doc)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.lighting = session.lighting
        self.router = session.router
        self.loop = asyncio.get_running_loop()
        self.lock = threading.RLock()
        self._tasks: list[Callable[[], None]] = []
        self._tasks_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="showctl-frames", daemon=True)
        self._original_send_now = self.lighting.send_now
        self.outputs = sorted({s.output for s in self.lighting.layout.slots})

    # ------------------------------------------------------------------ wiring

    def start(self) -> None:
        # Each numpy call in a frame releases and re-takes the GIL; with the default 5 ms
        # switch interval every re-take can wait 5 ms behind the UI thread (a convoy that
        # made frames 100+ ms late). 0.5 ms keeps the frame thread's waits short.
        sys.setswitchinterval(0.0005)
        # A full garbage collection stops every thread; the UI allocates a lot, so move
        # what exists now out of the collector's way and collect the young more often.
        gc.freeze()
        task = getattr(self.session, "_frame_task", None)
        if task is not None:
            task.cancel()
        lt = self.lighting
        for name in ("fade", "pause", "resume", "stop", "fade_intensity_out"):
            setattr(lt, name, self._locked(getattr(lt, name)))
        overlay = lt.overlay
        if overlay is not None:
            # The programmer's holds are read by every frame: change them under the lock.
            for name in ("set", "clear"):
                if hasattr(overlay, name):
                    setattr(overlay, name, self._locked(getattr(overlay, name)))
        lt.send_now = self._request_send_now  # type: ignore[method-assign]
        lt._send_frame = self._send_frame
        clock = _ThreadClock(self)
        for out in self.outputs:
            driver = self.router.drivers.get(out)
            if driver is not None:
                for d in [driver, *getattr(driver, "targets", [])]:
                    d.ctx = DriverContext(clock=clock, on_fault=self._fault,
                                          on_sent=self._sent)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)

    def _locked(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        # The console rebuilds sessions on edits while the programmer object lives on:
        # wrap the original method, not a previous session's wrapper.
        fn = getattr(fn, "_frames_inner", fn)

        def call(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                return fn(*args, **kwargs)

        call._frames_inner = fn  # type: ignore[attr-defined]
        return call

    def post(self, task: Callable[[], None]) -> None:
        with self._tasks_lock:
            self._tasks.append(task)
        self._wake.set()

    def _request_send_now(self, first: Any = None) -> None:
        self.post(lambda: self._serve_send_now(first))

    def _serve_send_now(self, first: Any) -> None:
        with self.lock:
            self._original_send_now(first)

    def _fault(self, output: str, reason: str) -> None:
        self.loop.call_soon_threadsafe(self.router.fault, output, reason)

    def _sent(self, output: str, payload: Payload) -> None:
        pass  # the router traces what it hands over (below)

    def _send_frame(self, output: str, now: float, changed: list[DmxPayload]) -> None:
        driver: Driver | None = self.router.drivers.get(output)
        if driver is None:
            return
        try:
            frame = getattr(driver, "frame", None)
            if frame is not None:
                frame(now, changed)
            else:
                for p in changed:
                    driver.send(p)
        except Exception as exc:  # a driver must not raise; if one does, frames go on
            self._fault(output, f"driver raised {exc!r}")
        if self.router.trace_outputs and self.router.trace_dmx and changed:
            publish = self.router._publish
            for p in changed:
                self.loop.call_soon_threadsafe(publish, output, p)

    # ------------------------------------------------------------------ the thread

    def _run_tasks(self) -> None:
        with self._tasks_lock:
            tasks, self._tasks = self._tasks, []
        for task in tasks:
            try:
                task()
            except Exception as exc:
                self._fault("lighting", f"frame thread task failed: {exc!r}")

    def _wait_until(self, deadline: float | None) -> None:
        """Sleep until ``deadline`` (None: until woken), serving tasks meanwhile."""
        while not self._stop.is_set():
            self._run_tasks()
            timeout = None if deadline is None else deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                return
            if self._wake.wait(timeout):
                self._wake.clear()
                if deadline is None:
                    self._run_tasks()
                    return

    def _run(self) -> None:
        lt = self.lighting
        t0, k, rendered_at = time.monotonic(), 0, -np.inf
        overlay_was_busy = False
        while not self._stop.is_set():
            now = time.monotonic()
            with self.lock:
                ends = max((pb.ends() for pb in lt.playbacks.values()), default=-np.inf)
                overlay_busy = lt.overlay is not None and lt.overlay.busy(now)
            settled = ends <= now and rendered_at >= ends
            quiet = not overlay_busy and not overlay_was_busy
            overlay_was_busy = overlay_busy
            if settled and quiet:
                self._wait_until(None)
                t0, k = time.monotonic(), 0
                continue
            k += 1
            deadline = t0 + k / lt.rate
            if deadline < time.monotonic():
                behind = int((time.monotonic() - t0) * lt.rate) + 1
                lt.skipped += behind - k
                k = behind
                deadline = t0 + k / lt.rate
            self._wait_until(deadline)
            if self._stop.is_set():
                break
            with self.lock:
                frame = lt.compute_frame(deadline)
            rendered_at = deadline
            lt.frames += 1
            for output in self.outputs:
                self._send_frame(output, deadline, frame.get(output, []))


def start_threaded_frames(session: Session) -> ThreadedFrames:
    frames = ThreadedFrames(session)
    frames.start()
    return frames


def stop_threaded_frames(frames: ThreadedFrames | None) -> None:
    if frames is not None:
        with contextlib.suppress(Exception):
            frames.stop()
