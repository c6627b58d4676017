"""The ``midi`` driver end to end: mido's network ports, a fake and a real (JACK) rtmidi."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import mido
import mido.sockets
import pydantic
import pytest
from oscmidi_support import Recorder, free_port, wait_for

from showctl.drivers.base import HealthState, MidiPayload, OscMessage, driver_class
from showctl.drivers.midi import MidiConfig, MidiDriver, find_port_name
from showctl.protocols.midi import (
    ControlChange,
    MidiEvent,
    MscCommand,
    MscMessage,
    MtcFullFrame,
    NoteOn,
    PitchBend,
    Timecode,
    decode_midi,
)
from showctl.testing.drivers import check_driver, closed_port

MESSAGES: list[MidiEvent] = [
    NoteOn(0, 60, 100),
    ControlChange(1, 7, 64),
    PitchBend(2, -100),
    MscMessage(MscCommand.GO, cue="12.5", cue_list="1"),
    MtcFullFrame(Timecode(1, 0, 0, 0)),
]


def payload(event: MidiEvent) -> MidiPayload:
    return MidiPayload(event.encode())


class PortServerThread:
    """A mido PortServer (the reference implementation of the socket protocol) in a
    thread, collecting what arrives as raw bytes. ``stop()`` makes it disappear.

    mido 1.3's ``PortServer.iter_pending()`` blocks while no client is connected (its
    ``_receive`` ignores ``block``), so clients are accepted and polled one by one.
    """

    def __init__(self, port: int) -> None:
        self.server = mido.sockets.PortServer("127.0.0.1", port)
        self.clients: list[Any] = []
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            client = self.server.accept(block=False)
            if client is not None:
                self.clients.append(client)
            for c in self.clients:
                if not c.closed:
                    for msg in c.iter_pending():
                        self.received.append(bytes(msg.bin()))
            time.sleep(0.002)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for c in self.clients:
            # SocketPort.close() leaves the fd open while its makefile() objects live;
            # shut down first so the peer sees the connection go, as when a process dies.
            with contextlib.suppress(OSError):
                c._socket.shutdown(socket.SHUT_RDWR)
            c.close()
        self.server.close()


@contextlib.asynccontextmanager
async def midi_driver(rec: Recorder, **cfg: Any) -> AsyncIterator[MidiDriver]:
    backend = cfg.pop("backend", None)
    drv = MidiDriver("midi1", MidiConfig(**cfg), rec.ctx(), backend=backend)
    await drv.open()
    try:
        yield drv
    finally:
        await drv.close()


# ---------------------------------------------------------------------------- config


def test_registered_and_config() -> None:
    assert driver_class("midi") is MidiDriver
    cfg = MidiConfig.model_validate({"driver": "midi", "port": "USB MIDI 1"})
    assert (cfg.transport, cfg.port) == ("rtmidi", "USB MIDI 1")
    assert MidiConfig.model_validate({"driver": "midi", "port": 1}).port == "1"
    net = MidiConfig.model_validate({"driver": "midi", "transport": "socket", "port": 9080})
    assert (net.host, net.port) == ("127.0.0.1", 9080)
    with pytest.raises(pydantic.ValidationError, match="socket transport needs a TCP port number"):
        MidiConfig.model_validate({"driver": "midi", "transport": "socket", "port": "x"})
    with pytest.raises(pydantic.ValidationError, match="Extra inputs are not permitted"):
        MidiConfig.model_validate({"driver": "midi", "port": "a", "chanel": 1})


def test_find_port_name() -> None:
    names = ["Midi Through:Midi Through Port-0 14:0", "USB MIDI 1:USB MIDI 1 MIDI 1 20:0"]
    assert find_port_name("USB MIDI 1:USB MIDI 1 MIDI 1 20:0", names) == names[1]
    assert find_port_name("USB MIDI 1", names) == names[1]  # prefix: client:port may change
    assert find_port_name("through", names) == names[0]  # substring, any case
    assert find_port_name("nope", names) is None


# ---------------------------------------------------------------------------- socket transport


async def test_socket_port_receives_exact_bytes() -> None:
    port = free_port(socket.SOCK_STREAM)
    server = PortServerThread(port)
    rec = Recorder()
    try:
        async with midi_driver(rec, transport="socket", port=port) as drv:
            for event in MESSAGES:
                drv.send(payload(event))
            await wait_for(lambda: len(server.received) == len(MESSAGES))
            assert drv.health.state is HealthState.SENDING
    finally:
        server.stop()
    assert server.received == [e.encode() for e in MESSAGES]
    assert rec.faults == []


async def test_socket_server_disappears_mid_run_and_comes_back() -> None:
    port = free_port(socket.SOCK_STREAM)
    server = PortServerThread(port)
    rec = Recorder()
    async with midi_driver(rec, transport="socket", port=port, backoff_max=0.1) as drv:
        drv.send(payload(NoteOn(0, 1, 1)))
        await wait_for(lambda: len(server.received) == 1)
        server.stop()  # the far end goes away
        await wait_for(lambda: rec.faults != [])
        assert drv.health.state in (HealthState.FAULTED, HealthState.RETRYING)
        for n in range(5):  # sends while down neither raise nor block
            drv.send(payload(NoteOn(0, 2, n)))
        await asyncio.sleep(0.3)
        faults_while_down = len(rec.faults)
        assert faults_while_down <= 3  # one per distinct reason, not one per retry
        server = PortServerThread(port)  # it comes back on the same port
        try:
            await wait_for(lambda: len(server.received) == 5)
            drv.send(payload(NoteOn(0, 3, 3)))
            await wait_for(lambda: len(server.received) == 6)
            assert drv.health.state is HealthState.SENDING
        finally:
            server.stop()
    assert server.received[-1] == NoteOn(0, 3, 3).encode()


async def test_socket_refused_at_start_then_recovers() -> None:
    port = free_port(socket.SOCK_STREAM)
    rec = Recorder()
    async with midi_driver(rec, transport="socket", port=port, backoff_max=0.1) as drv:
        drv.send(payload(NoteOn(0, 60, 1)))
        await wait_for(lambda: rec.faults != [])
        assert "refused" in rec.faults[0].lower()
        server = PortServerThread(port)
        try:
            await wait_for(lambda: len(server.received) == 1)
        finally:
            server.stop()


async def test_socket_input_reaches_on_event() -> None:
    port = free_port(socket.SOCK_STREAM)
    server = PortServerThread(port)
    rec = Recorder()
    got: list[MidiEvent] = []
    try:
        async with midi_driver(rec, transport="socket", port=port) as drv:
            drv.on_event = got.append
            drv.send(payload(NoteOn(0, 1, 1)))  # connects
            await wait_for(lambda: len(server.received) == 1)
            server.clients[0].send(mido.Message("control_change", control=7, value=9))
            await wait_for(lambda: got == [ControlChange(0, 7, 9)])
    finally:
        server.stop()


async def test_bad_payloads_fault_without_raising() -> None:
    rec = Recorder()
    async with midi_driver(rec, transport="socket", port=free_port(socket.SOCK_STREAM)) as drv:
        drv.send(MidiPayload(b"\x90\x40"))  # truncated
        drv.send(MidiPayload(b""))
        drv.send(OscMessage("/not/midi"))
    assert len(rec.faults) == 3
    drv.send(payload(NoteOn(0, 1, 1)))  # after close: ignored


# ---------------------------------------------------------------------------- rtmidi path (fake)


class FakePort:
    def __init__(self, bus: FakeBackend, name: str) -> None:
        self.bus, self.name = bus, name

    def send(self, msg: Any) -> None:
        if self.name not in self.bus.names:
            raise OSError("device gone")
        self.bus.received.append(bytes(msg.bin()))

    def close(self) -> None:
        self.bus.closed += 1


class FakeBackend:
    """Stands in for mido's rtmidi backend: blocking calls, checked off the loop."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.received: list[bytes] = []
        self.closed = 0
        self.threads: set[str] = set()

    def get_output_names(self) -> list[str]:
        self.threads.add(threading.current_thread().name)
        return list(self.names)

    def open_output(self, name: str) -> FakePort:
        self.threads.add(threading.current_thread().name)
        return FakePort(self, name)


async def test_rtmidi_port_missing_then_plugged_then_unplugged() -> None:
    fake = FakeBackend()
    rec = Recorder()
    async with midi_driver(rec, port="USB MIDI 1", retry_interval=0.05, backend=fake) as drv:
        await wait_for(lambda: rec.faults != [])  # open() already looks for it
        assert "not found" in rec.faults[0]
        drv.send(payload(NoteOn(0, 60, 1)))  # no raise while missing
        await asyncio.sleep(0.2)
        assert len(rec.faults) == 1  # retried several times, reported once
        fake.names = ["USB MIDI 1:USB MIDI 1 MIDI 1 20:0"]  # plugged in
        await wait_for(lambda: fake.received == [NoteOn(0, 60, 1).encode()])
        assert drv.connected
        fake.names = []  # unplugged: the periodic check notices
        await wait_for(lambda: not drv.connected)
        assert "disappeared" in rec.faults[-1]
        fake.names = ["USB MIDI 1:USB MIDI 1 MIDI 1 24:0"]  # back, new ALSA numbers
        await wait_for(lambda: drv.connected)
        drv.send(payload(NoteOn(0, 61, 1)))
        await wait_for(lambda: len(fake.received) == 2)
    assert all(t.startswith("showctl-midi") for t in fake.threads)  # never on the loop


async def test_rtmidi_send_error_is_a_fault_and_reconnects() -> None:
    fake = FakeBackend()
    fake.names = ["Desk"]
    rec = Recorder()
    async with midi_driver(rec, port="Desk", retry_interval=0.05, backend=fake) as drv:
        drv.send(payload(NoteOn(0, 1, 1)))
        await wait_for(lambda: len(fake.received) == 1)
        fake.names = []
        drv.send(payload(NoteOn(0, 2, 1)))  # write raises OSError inside the worker
        await wait_for(lambda: any("send failed" in f or "disappeared" in f for f in rec.faults))
        fake.names = ["Desk"]
        await wait_for(lambda: len(fake.received) == 2)  # the failed one goes after reconnect
    assert fake.received[1] == NoteOn(0, 2, 1).encode()


async def test_missing_rtmidi_library_is_a_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    import showctl.drivers.midi as midi_mod

    def no_rtmidi(api: str | None = None) -> Any:
        raise ImportError("No module named 'rtmidi'")

    monkeypatch.setattr(midi_mod, "rtmidi_backend", no_rtmidi)
    rec = Recorder()
    async with midi_driver(rec, port="anything", retry_interval=0.05):
        await wait_for(lambda: rec.faults != [])
    assert "python-rtmidi is not available" in rec.faults[0]


# ---------------------------------------------------------------------------- rtmidi on JACK (real)


def _have_rtmidi_jack() -> bool:
    try:
        import rtmidi
    except ImportError:
        return False
    return rtmidi.API_UNIX_JACK in rtmidi.get_compiled_api() and shutil.which("jackd") is not None


@pytest.fixture
def jack_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if not _have_rtmidi_jack():
        pytest.skip("python-rtmidi with JACK support, or jackd, not installed")
    name = f"showctl-test-{os.getpid()}"
    env = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1")
    proc = subprocess.Popen(
        ["jackd", "-n", name, "--no-realtime", "-d", "dummy"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    monkeypatch.setenv("JACK_DEFAULT_SERVER", name)
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    try:
        if subprocess.run(["jack_wait", "-s", name, "-w", "-t", "10"],
                          capture_output=True).returncode != 0:  # fmt: skip
            pytest.skip("jackd did not start")
        yield name
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_rtmidi_jack_port_end_to_end(jack_server: str) -> None:
    backend = mido.Backend("mido.backends.rtmidi/UNIX_JACK", load=True)
    got: list[bytes] = []
    lock = threading.Lock()

    def on_msg(msg: Any) -> None:
        with lock:
            got.append(bytes(msg.bin()))

    loop = asyncio.get_running_loop()
    inp = await loop.run_in_executor(
        None, lambda: backend.open_input("showctl-lx", virtual=True, callback=on_msg)
    )
    rec = Recorder()
    async with midi_driver(rec, port="showctl-lx", api="UNIX_JACK", retry_interval=0.1) as drv:
        await wait_for(lambda: drv.connected, timeout=10)
        for event in MESSAGES:
            drv.send(payload(event))
        await wait_for(lambda: len(got) == len(MESSAGES))
        assert [decode_midi(b) for b in got] == MESSAGES
        await loop.run_in_executor(None, inp.close)  # the port disappears
        await wait_for(lambda: not drv.connected, timeout=10)
        assert "disappeared" in rec.faults[-1]
        drv.send(payload(NoteOn(0, 1, 1)))  # no raise
        inp = await loop.run_in_executor(
            None, lambda: backend.open_input("showctl-lx", virtual=True, callback=on_msg)
        )
        await wait_for(lambda: drv.connected, timeout=10)
        drv.send(payload(NoteOn(0, 2, 2)))
        await wait_for(lambda: NoteOn(0, 2, 2).encode() in got, timeout=10)
    await loop.run_in_executor(None, inp.close)


# ---------------------------------------------------------------------------- conformance


async def test_network_port_passes_the_driver_conformance_suite() -> None:
    port = free_port(socket.SOCK_STREAM)
    server = PortServerThread(port)
    dead = closed_port(socket.SOCK_STREAM)
    try:
        await check_driver(
            lambda ctx: MidiDriver("midi1", MidiConfig(transport="socket", port=port), ctx),
            unreachable=lambda ctx: MidiDriver("midi1", MidiConfig(
                transport="socket", port=dead, backoff_max=0.2), ctx))
        await wait_for(lambda: bool(server.received))  # the well-formed sends arrived
    finally:
        server.stop()
