"""Helpers for testing the remote API (test-only: not part of the runtime package).

* :func:`local_api` / :func:`call`: drive the pure :class:`~showctl.remote.api.QLabApi`
  dispatcher without sockets (on the virtual clock).
* :func:`free_port`, :func:`open_session`, :data:`EXAMPLE_SHOW`: a small show and a
  port for tests that run the API on real sockets.

What a real client does is tested with the real one: Bitfocus Companion's QLab module,
run unchanged by ``tests/companion`` (a Python socket client for the fuzzing and
socket-level tests lives in ``tests/osc_client.py``, out of the runtime package).
"""

from __future__ import annotations

import json
import socket
from typing import Any

from showctl.drivers.base import OscMessage
from showctl.remote.api import Client, QLabApi
from showctl.remote.config import OscApiConfig
from showctl.session import Session
from showctl.testing import make_show

EXAMPLE_SHOW = """
show: {title: Remote Test}
settings: {go_guard: 0, panic_time: 1}
outputs:
  lx: {kind: dmx, universes: [1]}
  sound: {kind: osc}
cuelists:
  main:
    description: The SM's list
    cues:
      - {number: "1", type: light, name: Wash up, channels: {"1": 100}, time: 2}
      - {number: "2", type: wait, name: Hold, duration: 5, notes: Standby sound,
         prewait: 0.5}
      - number: "3"
        type: group
        mode: timeline
        name: Sting
        cues:
          - {number: "3.1", type: osc, output: sound, address: /play}
          - {number: "3.2", type: wait, duration: 1}
      - {number: "4", type: memo, name: End, color: red}
  side:
    cues:
      - {number: "S1", type: wait, duration: 3}
"""

def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port free for both TCP and UDP on 127.0.0.1 right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                u.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


async def open_session(text: str = EXAMPLE_SHOW) -> Session:
    session = Session(make_show(text))
    await session.open()
    return session


def local_api(session: Session, **cfg: Any) -> tuple[QLabApi, Client]:
    api = QLabApi(session.engine, OscApiConfig(**cfg))
    return api, api.add_client(Client("local", "127.0.0.1", 0))


def call(api: QLabApi, client: Client, address: str, *args: Any) -> dict[str, Any]:
    """Send one message through the pure dispatcher, return the decoded JSON reply
    (exactly one: see :func:`call_all` for queries that answer once per cue)."""
    replies = call_all(api, client, address, *args)
    assert len(replies) == 1, f"{address}: {len(replies)} replies"
    return replies[0]


def call_all(api: QLabApi, client: Client, address: str, *args: Any) -> list[dict[str, Any]]:
    """Send one message through the pure dispatcher, return every decoded JSON reply."""
    out: list[dict[str, Any]] = []
    for reply in api.handle_all(OscMessage(address, tuple(args)), client):
        assert reply.address == "/reply" + address
        out.append(json.loads(str(reply.args[0])))
    return out
