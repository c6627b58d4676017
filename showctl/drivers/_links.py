"""Shared plumbing for the OSC and MIDI drivers: fault latching and resilient links.

* :class:`ResilientDriver` adds fault *latching* to :class:`~showctl.drivers.base.Driver`:
  one outage is one ``fault`` event, not one per retry or per packet. A repeat of the
  same reason is quiet while the driver is already faulted/retrying, or within
  ``settle`` seconds of the previous error (UDP alternates "sent" and "ICMP refused"
  on every packet to a dead port; without this the engine would see a fault flood).
* :class:`StreamLink` is a TCP connection that connects lazily, reconnects with
  exponential backoff, and keeps a bounded, age-limited queue while it is down. Both
  OSC-over-TCP and network MIDI (mido's socket protocol) are framed byte streams on it.
* :class:`BlockingPortLink` drives a *blocking* port object (a mido/rtmidi port) from
  the event loop through one dedicated worker thread, so the loop never blocks and
  sends stay in order; results come back through the loop's futures
  (``run_in_executor`` uses ``call_soon_threadsafe`` under the hood).

Time comes only from the injected :class:`~showctl.clocks.clock.Clock`. Queued data
older than ``stale_after`` is dropped instead of being sent late: a GO that arrives
thirty seconds after the operator pressed it, when a cable is re-plugged, is worse than
a GO that never arrives (and the fault event already told the operator).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from showctl.clocks.clock import Clock
from showctl.drivers.base import Driver, DriverConfig, DriverContext, HealthState, Payload

T = TypeVar("T")
FaultFn = Callable[[str], None]
SentFn = Callable[[Payload], None]


class ResilientDriver(Driver):
    """A driver base with latched fault reporting and explicit retry/recover states."""

    settle: float = 1.0
    """Seconds without an error after which the same fault reason is reported anew."""

    def __init__(self, output: str, config: DriverConfig, ctx: DriverContext) -> None:
        super().__init__(output, config, ctx)
        self._last_reason = ""
        self._last_error_at = float("-inf")
        self._down_since: float | None = None
        """When the current outage's first fault was reported (None: not down)."""

    def problem(self, reason: str) -> None:
        """Report a fault unless it is the same outage we already reported."""
        now = self.ctx.clock.now()
        same = reason == self._last_reason
        ongoing = self.health.state in (HealthState.FAULTED, HealthState.RETRYING)
        recent = now - self._last_error_at < self.settle
        self._last_error_at = now
        self._last_reason = reason
        if same and (ongoing or recent):
            self.health.state = HealthState.FAULTED
            self.health.reason = reason
            return
        if self._down_since is None:
            self._down_since = now
        self.fault(reason)

    def retrying(self) -> None:
        if self.health.state is not HealthState.CLOSED:
            self.health.state = HealthState.RETRYING

    def recovered(self) -> None:
        """The endpoint is reachable again (connected / port open); nothing sent yet."""
        if self.health.state is not HealthState.CLOSED:
            self.health.state = HealthState.IDLE
            self.health.reason = ""
        if self._down_since is not None:
            since, self._down_since = self._down_since, None
            self.back(self.endpoint_label(), since)

    def endpoint_label(self) -> str:
        """How a recovery names the endpoint (``where`` when the driver has one)."""
        return str(getattr(self, "where", self.output))


@dataclass(slots=True)
class _Item:
    queued_at: float
    data: bytes
    payload: Payload


class _Queue:
    """A bounded FIFO of outgoing frames that drops the oldest on overflow."""

    def __init__(self, size: int, stale_after: float, clock: Clock, on_fault: FaultFn) -> None:
        self.items: deque[_Item] = deque()
        self.size = size
        self.stale_after = stale_after
        self.clock = clock
        self.on_fault = on_fault
        self.dropped = 0

    def push(self, data: bytes, payload: Payload) -> None:
        if len(self.items) >= self.size:
            self.items.popleft()
            self.dropped += 1
            self.on_fault(f"send queue full ({self.size}); dropping oldest")
        self.items.append(_Item(self.clock.now(), data, payload))

    def pop_fresh(self) -> _Item | None:
        """The oldest item that is not stale; stale ones are dropped (and reported)."""
        now = self.clock.now()
        stale = 0
        while self.items:
            item = self.items.popleft()
            if now - item.queued_at <= self.stale_after:
                if stale:
                    self._report_stale(stale)
                return item
            stale += 1
        if stale:
            self._report_stale(stale)
        return None

    def _report_stale(self, n: int) -> None:
        self.dropped += n
        self.on_fault(f"dropped {n} queued message(s) older than {self.stale_after:g} s")


# ---------------------------------------------------------------------------- TCP stream


class _QueuedLink:
    """What both links share: the callbacks, the bounded queue, and a lazily started
    sending task that ``submit`` wakes. Subclasses provide ``_run`` and their names."""

    def __init__(self, *, clock: Clock, on_fault: FaultFn, on_sent: SentFn,
                 on_connected: Callable[[], None], on_retry: Callable[[], None],
                 queue_size: int, stale_after: float) -> None:
        self.clock = clock
        self.on_fault = on_fault
        self.on_sent = on_sent
        self.on_connected = on_connected
        self.on_retry = on_retry
        self.queue = _Queue(queue_size, stale_after, clock, on_fault)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def _label(self) -> str:
        """How faults name this link."""
        raise NotImplementedError

    def _task_name(self) -> str:
        raise NotImplementedError

    async def _run(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        if self._task is None and not self._closed:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self.on_fault(f"{self._label()}: used outside the event loop")
                return
            self._task = loop.create_task(self._run(), name=self._task_name())

    def submit(self, data: bytes, payload: Payload) -> None:
        if self._closed:
            return
        self.queue.push(data, payload)
        self._wake.set()
        self.start()


class StreamLink(_QueuedLink):
    """A lazily connected, self-healing TCP byte stream carrying pre-framed packets.

    ``submit`` never blocks and never raises. The first ``submit`` (or :meth:`start`)
    starts a task that connects, writes queued frames in order, and after any error
    closes, reports, backs off (``backoff_min`` doubling to ``backoff_max``) and
    reconnects. A reader task drains incoming bytes (handed to ``on_data``) and notices
    the peer closing, which a writer alone would only learn one packet too late.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        host: str,
        port: int,
        on_fault: FaultFn,
        on_sent: SentFn,
        on_connected: Callable[[], None],
        on_retry: Callable[[], None],
        on_data: Callable[[bytes], None] | None = None,
        queue_size: int = 256,
        stale_after: float = 5.0,
        backoff_min: float = 0.1,
        backoff_max: float = 5.0,
        connect_timeout: float = 3.0,
        nodelay: bool = True,
    ) -> None:
        super().__init__(clock=clock, on_fault=on_fault, on_sent=on_sent,
                         on_connected=on_connected, on_retry=on_retry,
                         queue_size=queue_size, stale_after=stale_after)
        self.host = host
        self.port = port
        self.on_data = on_data
        self.backoff_min = backoff_min
        self.backoff_max = backoff_max
        self.connect_timeout = connect_timeout
        self.nodelay = nodelay
        self.connected = False
        self._lost = asyncio.Event()
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._flushed: asyncio.Future[None] | None = None
        self._closing = False

    @property
    def where(self) -> str:
        return f"tcp {self.host}:{self.port}"

    def _label(self) -> str:
        return self.where

    def _task_name(self) -> str:
        return f"showctl-link-{self.host}:{self.port}"

    async def close(self, flush_timeout: float = 0.5) -> None:
        """Stop cleanly: every queued frame is delivered or reported.

        Frames still queued get ``flush_timeout`` seconds to go out once connected; a
        link still connecting (or backing off) gets one more connect attempt, within
        ``connect_timeout``. Whatever is left after that is reported as one fault
        ("closed with N message(s) not delivered"), never dropped silently."""
        if self._closed:
            return
        if self.queue.items and self._task is not None and not self._task.done():
            self._closing = True
            self._flushed = asyncio.get_running_loop().create_future()
            wait = flush_timeout if self.connected else flush_timeout + self.connect_timeout
            handle = self.clock.call_at(self.clock.now() + wait,
                                        lambda: _resolve(self._flushed))
            self._wake.set()
            await self._flushed
            handle.cancel()
        left = len(self.queue.items)
        if left:
            self.on_fault(f"{self.where}: closed with {left} message(s) not delivered")
            self.queue.items.clear()
        self._closed = True
        for task in (self._task, self._reader_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._drop_connection()

    async def _run(self) -> None:
        delay = self.backoff_min
        while not self._closed:
            if not self.connected:
                try:
                    await self._connect()
                except (OSError, TimeoutError) as exc:
                    self.on_fault(f"{self.where}: connect failed: {_reason(exc)}")
                    self.on_retry()
                    if self._closing:
                        _resolve(self._flushed)  # closing: that was the last attempt
                        return
                    # Back off, but a closing link tries once more at once.
                    self._wake.clear()
                    handle = self.clock.call_at(self.clock.now() + delay, self._wake.set)
                    await self._wake.wait()
                    handle.cancel()
                    delay = min(delay * 2, self.backoff_max)
                    continue
                delay = self.backoff_min
                self.on_connected()
            await self._pump()

    async def _connect(self) -> None:
        # asyncio resolves a hostname in the default executor (getaddrinfo off the loop);
        # an IP literal is not resolved at all.
        reader, writer = await with_deadline(
            self.clock,
            self.clock.now() + self.connect_timeout,
            asyncio.open_connection(self.host, self.port),
        )
        sock = writer.get_extra_info("socket")
        if self.nodelay and sock is not None:
            # Control messages are tiny and latency matters more than packet count.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._writer = writer
        self._lost.clear()
        self.connected = True
        self._reader_task = asyncio.get_running_loop().create_task(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                chunk = await reader.read(4096)
                if not chunk:
                    self._connection_lost("peer closed the connection")
                    return
                if self.on_data is not None:
                    self.on_data(chunk)
        except OSError as exc:
            self._connection_lost(_reason(exc))

    def _connection_lost(self, reason: str) -> None:
        if self.connected:
            self.on_fault(f"{self.where}: {reason}")
            self._drop_connection()
            self._lost.set()
            self._wake.set()

    def _drop_connection(self) -> None:
        self.connected = False
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    async def _pump(self) -> None:
        """Write queued frames until the connection is lost (or we are closed)."""
        while self.connected and not self._closed:
            item = self.queue.pop_fresh()
            if item is None:
                if self._flushed is not None:
                    _resolve(self._flushed)
                self._wake.clear()
                await self._wake.wait()
                continue
            writer = self._writer
            assert writer is not None
            try:
                writer.write(item.data)
                await writer.drain()
            except (OSError, RuntimeError) as exc:
                # Not delivered: keep it at the head so it goes first after reconnecting.
                self.queue.items.appendleft(item)
                self._connection_lost(_reason(exc))
                return
            self.on_sent(item.payload)
        if not self.connected:
            self.on_retry()


# ---------------------------------------------------------------------------- blocking ports


class BlockingPort(Protocol):
    """The part of a mido output port we use."""

    def send(self, msg: Any) -> None: ...

    def close(self) -> None: ...


class BlockingPortLink(_QueuedLink):
    """Keeps a blocking port open from the event loop, through one worker thread.

    ``open_port`` and ``port_alive`` run on the worker; so does every write, in
    submission order. When opening fails, or ``port_alive`` says the port vanished (a
    USB interface unplugged), the link reports, closes, and tries again every
    ``retry_interval`` seconds of the injected clock.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        name: str,
        open_port: Callable[[], BlockingPort],
        port_alive: Callable[[BlockingPort], bool],
        write: Callable[[BlockingPort, bytes], None],
        on_fault: FaultFn,
        on_sent: SentFn,
        on_connected: Callable[[], None],
        on_retry: Callable[[], None],
        retry_interval: float = 2.0,
        queue_size: int = 256,
        stale_after: float = 5.0,
    ) -> None:
        super().__init__(clock=clock, on_fault=on_fault, on_sent=on_sent,
                         on_connected=on_connected, on_retry=on_retry,
                         queue_size=queue_size, stale_after=stale_after)
        self.name = name
        self.open_port = open_port
        self.port_alive = port_alive
        self.write = write
        self.retry_interval = retry_interval
        self.port: BlockingPort | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="showctl-midi")

    @property
    def connected(self) -> bool:
        return self.port is not None

    def _label(self) -> str:
        return f"MIDI port {self.name!r}"

    def _task_name(self) -> str:
        return f"showctl-port-{self.name}"

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def close(self, flush_timeout: float = 0.5) -> None:
        """Stop cleanly: queued messages get ``flush_timeout`` seconds to go out if the
        port is open; whatever is left is reported as one fault, never lost silently."""
        if self._closed:
            return
        deadline = self.clock.now() + flush_timeout
        while (self.queue.items and self.port is not None and self._task is not None
               and not self._task.done() and self.clock.now() < deadline):
            self._wake.set()
            await self.clock.sleep_until(min(deadline, self.clock.now() + 0.005))
        left = len(self.queue.items)
        if left:
            self.on_fault(f"{self._label()}: closed with {left} message(s) not delivered")
            self.queue.items.clear()
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self.port is not None:
            port, self.port = self.port, None
            with contextlib.suppress(Exception):
                await self._call(port.close)
        self._executor.shutdown(wait=False)

    async def _run(self) -> None:
        while not self._closed:
            if self.port is None:
                try:
                    self.port = await self._call(self.open_port)
                except Exception as exc:  # any backend error is a fault
                    self.on_fault(f"MIDI port {self.name!r}: {_reason(exc)}")
                    self.on_retry()
                    # Queued data is dropped by age when the port returns.
                    await self.clock.sleep_until(self.clock.now() + self.retry_interval)
                    continue
                self.on_connected()
            await self._pump()

    async def _pump(self) -> None:
        next_check = self.clock.now() + self.retry_interval
        while self.port is not None and not self._closed:
            item = self.queue.pop_fresh()
            if item is None:
                self._wake.clear()
                # Wake for new data, or at the next liveness check.
                handle = self.clock.call_at(next_check, self._wake.set)
                await self._wake.wait()
                handle.cancel()
                if self.clock.now() >= next_check:
                    next_check = self.clock.now() + self.retry_interval
                    await self._check_alive()
                continue
            try:
                await self._call(self.write, self.port, item.data)
            except Exception as exc:  # any backend error is a fault
                # Not delivered: it goes first once the port is back (unless stale by then).
                self.queue.items.appendleft(item)
                await self._lose(f"send failed: {_reason(exc)}")
                return
            self.on_sent(item.payload)

    async def _check_alive(self) -> None:
        port = self.port
        if port is None:
            return
        try:
            alive = bool(await self._call(self.port_alive, port))
        except Exception as exc:
            await self._lose(f"port check failed: {_reason(exc)}")
            return
        if not alive:
            await self._lose("port disappeared")

    async def _lose(self, reason: str) -> None:
        self.on_fault(f"MIDI port {self.name!r}: {reason}")
        port, self.port = self.port, None
        if port is not None:
            with contextlib.suppress(Exception):
                await self._call(port.close)
        self.on_retry()
        await self.clock.sleep_until(self.clock.now() + self.retry_interval)


def _resolve(fut: asyncio.Future[None] | None) -> None:
    if fut is not None and not fut.done():
        fut.set_result(None)


async def with_deadline(clock: Clock, deadline: float, aw: Awaitable[T]) -> T:
    """Await ``aw`` but raise ``TimeoutError`` at ``deadline`` on the injected clock."""
    task = asyncio.ensure_future(aw)
    timed_out = False

    def expire() -> None:
        nonlocal timed_out
        if not task.done():
            timed_out = True
            task.cancel()

    handle = clock.call_at(deadline, expire)
    try:
        return await task
    except asyncio.CancelledError:
        if timed_out:
            raise TimeoutError from None
        raise
    finally:
        handle.cancel()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.errno:
        # asyncio's connect errors carry a generic strerror ("Connect call failed");
        # the errno's own text ("Connection refused") is what an operator needs.
        return os.strerror(exc.errno)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
