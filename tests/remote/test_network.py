"""The OSC API over real sockets on 127.0.0.1 with a plain Python OSC client: connect,
poll valuesForKeys, follow /update pushes, fire GO — over UDP and over TCP with SLIP
framing. Also liblo's oscsend, and what a hostile peer can do. (Companion's real QLab
module is run against showctl by tests/companion.)"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
from typing import Any

import pytest
from osc_client import COMPANION_KEYS, OscClient, build
from remote_support import open_session

from showctl.remote import OscApiConfig, PasscodeConfig, RemoteConfig, start_remote


async def _server(**osc: Any) -> tuple[Any, Any]:
    session = await open_session()
    cfg = RemoteConfig(osc=OscApiConfig(port=0, **osc))
    remote = await start_remote(session, cfg)
    return session, remote


@pytest.mark.parametrize("transport", ["udp", "tcp"])
async def test_osc_session(transport: str) -> None:
    session, remote = await _server(udp_reply_port=None)
    port = remote.osc.tcp_port
    assert port == remote.osc.udp_port
    client = OscClient(transport, port)
    await client.open()
    try:
        connect = await client.connect()
        assert connect["status"] == "ok" and connect["data"].startswith("ok")
        ws = remote.api.ws
        lists = await client.ask("/cueLists")
        assert lists["data"][0]["uniqueID"] == ws.lists["main"].uid
        ph = await client.ask("/playheadID")
        assert ph["data"] == ws.cues[("main", "1")].uid

        # Poll the active cues: nothing yet.
        polled = await client.ask("/cue/active/valuesForKeys", COMPANION_KEYS)
        assert polled["data"] == []

        # GO: the engine fires, an update for the playhead and for cue 1 arrive.
        client.send("/go")
        await client.expect("/reply/go")
        assert session.engine.playhead().number == "2"
        prefix = f"/update/workspace/{ws.uid}"
        pos = await client.expect(f"{prefix}/cueList/{ws.lists['main'].uid}/playbackPosition")
        assert pos.args == [ws.cues[("main", "2")].uid]
        cue1 = ws.cues[("main", "1")].uid
        await client.expect(f"{prefix}/cue_id/{cue1}")

        # Follow the update like Companion: ask for the changed cue's values.
        vals = await client.ask(f"/workspace/{ws.uid}/cue_id/{cue1}/valuesForKeys",
                                COMPANION_KEYS)
        assert vals["data"]["number"] == "1" and vals["data"]["isRunning"] is True
        assert vals["data"]["type"] == "Light" and vals["workspace_id"] == ws.uid
        polled = await client.ask("/cue/active/valuesForKeys", COMPANION_KEYS)
        assert polled["data"]["number"] == "1"  # one running cue: an object, as QLab
        assert 0 < polled["data"]["percentActionElapsed"] < 1
        nxt = await client.ask("/cue/playhead/valuesForKeys", COMPANION_KEYS)
        assert nxt["data"]["number"] == "2"
        assert (await client.ask("/thump"))["data"] == "thump"
    finally:
        await client.close()
        await remote.close()
        await session.close()


async def test_udp_replies_follow_udp_reply_port() -> None:
    """QLab's documented default: replies to the sender's IP at port 53001, or where
    the client asked with /udpReplyPort."""
    session, remote = await _server()  # udp_reply_port: 53001 (the default)
    port = remote.osc.udp_port
    listener = OscClient("udp", port)
    await listener.open()
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sender.bind(("127.0.0.1", 0))
        # The sender tells the server to answer on the listener's port.
        sender.sendto(build("/udpReplyPort", listener.local_port), ("127.0.0.1", port))
        await listener.expect("/reply/udpReplyPort")
        sender.sendto(build("/version"), ("127.0.0.1", port))
        r = await listener.expect("/reply/version")
        assert r.json is not None and r.json["status"] == "ok"
        client = remote.api.clients[("udp", "127.0.0.1", sender.getsockname()[1])]
        assert client.reply_port == listener.local_port
        assert remote.api.udp_client("127.0.0.1", 40000).reply_port == 53001
    finally:
        sender.close()
        await listener.close()
        await remote.close()
        await session.close()


@pytest.mark.parametrize("transport", ["udp", "tcp"])
async def test_wrong_passcode_over_the_network(transport: str) -> None:
    session, remote = await _server(udp_reply_port=None,
                                    passcodes=[PasscodeConfig(code="4321")])
    client = OscClient(transport, remote.osc.tcp_port)
    await client.open()
    try:
        connect = await client.connect("1111")
        assert connect["data"] == "badpass"
        assert (await client.ask("/go"))["status"] == "denied"
        assert (await client.ask("/cue/1/valuesForKeys", COMPANION_KEYS))["status"] == "denied"
        assert session.engine.is_idle()
        assert (await client.ask("/connect", "4321"))["data"] == "ok:view|edit|control"
        assert (await client.ask("/go"))["status"] == "ok"
        assert session.engine.playhead().number == "2"
    finally:
        await client.close()
        await remote.close()
        await session.close()


@pytest.mark.skipif(shutil.which("oscsend") is None, reason="liblo-tools not installed")
async def test_oscsend_go() -> None:
    session, remote = await _server()
    try:
        proc = await asyncio.create_subprocess_exec(
            "oscsend", "127.0.0.1", str(remote.osc.udp_port), "/cue/3/start",
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        await asyncio.wait_for(proc.wait(), 5)
        for _ in range(100):
            if not session.engine.is_idle():
                break
            await asyncio.sleep(0.01)
        assert not session.engine.is_idle() and session.engine.playhead().number == "1"
    finally:
        await remote.close()
        await session.close()


async def test_tcp_garbage_and_floods_cost_nothing() -> None:
    session, remote = await _server(udp_reply_port=None)
    client = OscClient("tcp", remote.osc.tcp_port)
    await client.open()
    try:
        # Thousands of tiny frames in one write: handled a few per loop turn.
        from showctl.protocols.osc import slip_encode
        client.send_raw(b"".join(slip_encode(build("/thump")) for _ in range(3000)))
        client.send_raw(b"\xc0\xdb\x01garbage\xc0\xc0/\x00\x00\x00\xc0")  # bad escape, junk
        client.send("/version")
        r = await client.expect("/reply/version", timeout=10)
        assert r.json is not None and r.json["status"] == "ok"
        assert remote.api.stats["errors"] >= 1  # "/" has no method; the bad escape is dropped
        # A length-prefixed (OSC 1.0) client works too, on the same port.
        reader, writer = await asyncio.open_connection("127.0.0.1", remote.osc.tcp_port)
        data = build("/version")
        writer.write(len(data).to_bytes(4, "big") + data)
        size = int.from_bytes(await reader.readexactly(4), "big")
        assert b"/reply/version" in await reader.readexactly(size)
        writer.write(b"\x7f\xff\xff\xff")  # an absurd length: the connection is dropped
        assert await asyncio.wait_for(reader.read(), 5) == b""
        writer.close()
    finally:
        await client.close()
        await remote.close()
        await session.close()


async def test_slow_tcp_reader_is_dropped_not_buffered() -> None:
    session, remote = await _server(max_write_buffer=8192)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: small window
    sock.connect(("127.0.0.1", remote.osc.tcp_port))
    sock.setblocking(False)
    try:
        from showctl.protocols.osc import slip_encode
        ask = slip_encode(build("/cueLists"))
        for _ in range(500):  # keep asking, never read a reply
            if not remote.osc.tcp_clients:
                break
            with contextlib.suppress(BlockingIOError, ConnectionError):
                sock.send(ask * 20)
            await asyncio.sleep(0.01)
        assert not remote.osc.tcp_clients  # dropped; the server's memory stayed bounded
    finally:
        sock.close()
        await remote.close()
        await session.close()


async def test_close_sends_disconnect_to_subscribers() -> None:
    session, remote = await _server(udp_reply_port=None)
    client = OscClient("tcp", remote.osc.tcp_port)
    await client.open()
    await client.connect()
    await remote.close()
    await client.expect(f"/update/workspace/{remote.api.ws.uid}/disconnect")
    await client.close()
    await session.close()
