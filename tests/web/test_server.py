"""The page's server without a browser: files from the package, the API on /api, the
origin check, the passcode rule, the default port."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from showctl.api.protocol import DEFAULT_PORT, Level
from showctl.clocks.manual import ManualClock
from showctl.live.runtime import LiveRuntime
from showctl.live.server import ApiServer
from showctl.model.loader import load_show
from showctl.web.server import DEFAULT_WEB_PORT, WebAddress, WebError, WebServer


async def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.fixture
async def served(small_path: Path):  # type: ignore[no-untyped-def]
    runtime = LiveRuntime(load_show(small_path), path=small_path, clock=ManualClock())
    await runtime.start()
    api = ApiServer(runtime)
    web = WebServer(api, port=0)
    await web.start()
    yield web
    await web.close()
    await api.close()
    await runtime.stop()


async def test_the_page_files_come_from_the_package(served: WebServer) -> None:
    status, headers, body = await _get(served.port, "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b'<script src="/app.js"' in body
    assert "script-src 'self'" in headers["content-security-policy"]
    status, headers, body = await _get(served.port, "/app.js?v=2")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"new WebSocket" in body
    status, _, _ = await _get(served.port, "/../pyproject.toml")
    assert status == 404
    status, _, _ = await _get(served.port, "/api")  # a GET that is not a WebSocket
    assert status == 426


async def test_the_page_speaks_the_native_api_on_api(served: WebServer) -> None:
    url = f"ws://127.0.0.1:{served.port}/api"
    async with connect(url, origin=f"http://127.0.0.1:{served.port}") as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"op": "hello", "version": 1, "outputs": []}))
        welcome = json.loads(await ws.recv())
        assert welcome["op"] == "welcome" and welcome["level"] == "edit"
        assert welcome["state"]["schedule"] is None  # the small show plans no segments
        await ws.send(json.dumps({"op": "cmd", "id": 1, "verb": "go", "args": {}}))
        while (msg := json.loads(await ws.recv()))["op"] != "result":
            pass
        assert msg["ok"]
    # another site's page cannot drive the show
    with pytest.raises(InvalidStatus, match="server rejected WebSocket connection: HTTP") as err:
        async with connect(url, origin="http://evil.example"):  # type: ignore[arg-type]
            pass
    assert err.value.response.status_code == 403


async def test_off_loopback_only_with_passcodes(small_path: Path) -> None:
    runtime = LiveRuntime(load_show(small_path), path=small_path, clock=ManualClock())
    api = ApiServer(runtime)
    with pytest.raises(WebError, match="needs a passcode"):
        await WebServer(api, host="0.0.0.0", port=0).start()
    api.passcodes = {"2024": Level.CONTROL}
    web = WebServer(api, host="0.0.0.0", port=0)
    await web.start()
    await web.close()
    await api.close()


def test_addresses_and_the_documented_port() -> None:
    assert DEFAULT_WEB_PORT == 53190 and DEFAULT_WEB_PORT not in (DEFAULT_PORT, 53000)
    assert WebAddress.parse("") == WebAddress("127.0.0.1", 53190, False)
    assert WebAddress.parse("8080") == WebAddress("127.0.0.1", 8080, True)
    assert WebAddress.parse("0.0.0.0:80") == WebAddress("0.0.0.0", 80, True)
    with pytest.raises(ValueError, match="port must be a number"):
        WebAddress.parse("host:http")


def test_the_engine_process_serves_its_page_and_registers_it(small_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "showctl", "run", str(small_path), "--headless", "--no-runlog",
         "--osc-port", "0", "--api", "127.0.0.1:0", "--web", "127.0.0.1:0"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        cwd=root, env=env)
    try:
        assert proc.stdout is not None
        line = ""
        deadline = time.monotonic() + 30
        while "page on " not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
        url = line.split("page on ", 1)[1].strip()
        with urllib.request.urlopen(url, timeout=5) as r:
            assert r.status == 200 and b"showctl" in r.read()
        for _ in range(100):
            ps = subprocess.run([sys.executable, "-m", "showctl", "ps", "--json"], env=env,
                                capture_output=True, text=True, cwd=root, timeout=30)
            mine = [e for e in json.loads(ps.stdout) if e["pid"] == proc.pid]
            if mine:
                break
            time.sleep(0.1)
        assert mine and mine[0]["web"] == url
    finally:
        proc.terminate()
        assert proc.wait(10) == 0
