"""The OSC API dispatcher without sockets, on the virtual clock: every address of the
subset, bare and under /workspace/{id}, replies in QLab's format, passcodes and levels."""

from __future__ import annotations

import json
from typing import Any

import pytest
from remote_support import EXAMPLE_SHOW, call, call_all, local_api, open_session

from showctl.clocks.virtual import run_virtual
from showctl.drivers.base import OscMessage
from showctl.remote.api import API_VERSION, Client, QLabApi
from showctl.remote.config import OscApiConfig, PasscodeConfig
from showctl.remote.workspace import make_uuid

PREFIXES = ["", "/workspace/{ws}", "/workspace/Remote Test"]


def run(fn: Any) -> Any:
    return run_virtual(fn)


def addr(prefix: str, api: QLabApi, rest: str) -> str:
    return prefix.format(ws=api.ws.uid) + rest


def test_ids_are_stable_uuids() -> None:
    async def main() -> None:
        s1 = await open_session()
        s2 = await open_session()
        a1, _ = local_api(s1)
        a2, _ = local_api(s2)
        assert a1.ws.uid == a2.ws.uid == make_uuid("workspace", "Remote Test")
        assert len(a1.ws.uid) == 36 and a1.ws.uid == a1.ws.uid.upper()
        ids = {r.uid for r in a1.ws.all_cues()} | {r.uid for r in a1.ws.lists.values()}
        assert len(ids) == 7 + 2  # every cue and list unique
        assert a1.ws.cues[("main", "3.1")].uid == a2.ws.cues[("main", "3.1")].uid
        await s1.close()
        await s2.close()

    run(main)


def test_reply_format() -> None:
    async def main() -> None:
        s = await open_session()
        api, c = local_api(s)
        reply = api.handle(OscMessage("/version"), c)
        assert reply is not None and reply.address == "/reply/version"
        assert len(reply.args) == 1 and isinstance(reply.args[0], str)
        body = json.loads(reply.args[0])
        assert body == {"workspace_id": api.ws.uid, "address": "/version", "status": "ok",
                        "data": API_VERSION}
        bad = call(api, c, "/nonsense")
        assert bad["status"] == "error"
        await s.close()

    run(main)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_query(prefix: str) -> None:
    async def main() -> None:
        s = await open_session()
        api, c = local_api(s)
        A = lambda rest: addr(prefix, api, rest)  # noqa: E731
        uid1 = api.ws.cues[("main", "1")].uid
        side = api.ws.lists["side"].uid

        assert call(api, c, A("/connect"))["data"] == "ok:view|edit|control"
        assert call(api, c, A("/version"))["data"] == API_VERSION
        ws = call(api, c, A("/workspaces"))["data"]
        assert ws[0]["uniqueID"] == api.ws.uid and ws[0]["displayName"] == "Remote Test"
        assert ws[0]["hasPasscode"] is False
        assert call(api, c, A("/thump"))["data"] == "thump"
        assert call(api, c, A("/updates"), 1)["status"] == "ok" and c.updates
        assert call(api, c, A("/updates"))["data"] == 1
        assert call(api, c, A("/updates"), 0)["status"] == "ok" and not c.updates

        lists = call(api, c, A("/cueLists"))["data"]
        assert [cl["listName"] for cl in lists] == ["main", "side"]
        assert lists[0]["type"] == "Cue List"
        assert [q["number"] for q in lists[0]["cues"]] == ["1", "2", "3", "4"]
        assert [q["number"] for q in lists[0]["cues"][2]["cues"]] == ["3.1", "3.2"]
        assert lists[0]["cues"][3]["colorName"] == "red"

        sel = call(api, c, A("/selectedCues"))["data"]
        assert [q["number"] for q in sel] == ["1"]  # nothing selected: the playhead

        vals = call(api, c, A("/cue/2/valuesForKeys"), json.dumps(
            ["number", "uniqueID", "listName", "type", "name", "isRunning", "isPaused",
             "isBroken", "duration", "actionElapsed", "percentActionElapsed", "preWait",
             "postWait", "continueMode", "armed", "flagged", "notes", "colorName", "parent",
             "noSuchKey"]))["data"]
        assert vals == {
            "number": "2", "uniqueID": api.ws.cues[("main", "2")].uid, "listName": "Hold",
            "type": "Wait", "name": "Hold", "isRunning": False, "isPaused": False,
            "isBroken": False, "duration": 5.0, "actionElapsed": 0.0,
            "percentActionElapsed": 0.0, "preWait": 0.5, "postWait": 0.0,
            "continueMode": 0, "armed": True, "flagged": False, "notes": "Standby sound",
            "colorName": "none", "parent": api.ws.lists["main"].uid,
        }
        assert call(api, c, A(f"/cue_id/{uid1}/valuesForKeys"), '["number"]')["data"] == {
            "number": "1"}
        assert call(api, c, A("/cue/3.1/parent"))["data"] == api.ws.cues[("main", "3")].uid
        assert call(api, c, A("/cue/playhead/uniqueID"))["data"] == uid1
        assert call(api, c, A(f"/cue_id/{side}/playheadID"))["data"] == \
            api.ws.cues[("side", "S1")].uid
        assert call(api, c, A("/cue/active/valuesForKeys"), '["number"]')["data"] == []
        assert call(api, c, A("/showMode"))["data"] is True
        await s.close()

    run(main)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_command(prefix: str) -> None:
    async def main() -> None:
        s = await open_session()
        e = s.engine
        api, c = local_api(s)
        A = lambda rest: addr(prefix, api, rest)  # noqa: E731
        ok = lambda rest, *args: call(api, c, A(rest), *args)["status"] == "ok"  # noqa: E731
        clock = s.clock

        assert ok("/go")
        assert e.playhead().number == "2" and "1" in e.lists["main"].runs
        assert ok("/pause")
        assert e.lists["main"].runs["1"].paused
        vals = call(api, c, A("/cue/1/valuesForKeys"), '["isPaused","isRunning"]')["data"]
        assert vals == {"isPaused": True, "isRunning": False}
        assert ok("/resume")
        assert not e.lists["main"].runs["1"].paused
        active = call(api, c, A("/cue/active/valuesForKeys"), '["number"]')["data"]
        assert active == {"number": "1"}  # one running cue: its values, as QLab
        assert ok("/stop")
        assert not e.running()
        assert ok("/playhead/next") and e.playhead().number == "3"
        assert ok("/playhead/previous") and e.playhead().number == "2"
        assert ok("/playhead/4") and e.playhead().number == "4"
        assert ok(f"/playheadID/{api.ws.cues[('main', '1')].uid}")
        assert e.playhead().number == "1"
        assert ok("/select/3")
        assert [q["number"] for q in call(api, c, A("/selectedCues"))["data"]] == ["3"]
        assert ok("/cue/selected/start")
        assert not e.is_idle() and e.playhead().number == "1"
        assert ok("/stop")

        for by in ("/cue/2", f"/cue_id/{api.ws.cues[('main', '2')].uid}"):
            assert ok(f"{by}/start")
            assert "2" in e.lists["main"].runs and e.playhead().number == "1"
            assert ok(f"{by}/pause") and e.lists["main"].runs["2"].paused
            assert ok(f"{by}/resume") and not e.lists["main"].runs["2"].paused
            assert ok(f"{by}/stop") and "2" not in e.lists["main"].runs
            assert ok(f"{by}/load")
            assert ok(f"{by}/go")
            assert "2" in e.lists["main"].runs and e.playhead().number == "3"
            assert ok(f"{by}/panic")
            await clock.sleep_until(clock.now() + 1.5)
            assert "2" not in e.lists["main"].runs
            e.goto("1")

        side = api.ws.lists["side"].uid
        assert ok(f"/cue_id/{side}/go") and "S1" in e.lists["side"].runs
        assert ok(f"/cue_id/{side}/playheadID", api.ws.cues[("side", "S1")].uid)
        assert ok("/panic")
        assert ok("/panic")  # a second panic is a hard stop
        assert not e.running()
        assert ok("/go")
        assert ok("/panicInTime", 0.25)
        await clock.sleep_until(clock.now() + 0.3)
        assert not e.running()
        assert ok("/blackout") and e.blackout and ok("/blackout") and not e.blackout
        assert ok("/blackout", 1) and e.blackout and ok("/blackout", 0) and not e.blackout
        assert ok("/grandmaster", 0.25) and e.grandmaster == 0.25
        assert ok("/grandmaster", 1) and e.grandmaster == 1.0
        e.set_armed("main", "2", False)
        assert ok("/go")
        assert ok("/reset")
        assert not e.running() and e.is_armed("main", e.lists["main"].nav.by_number["2"])
        assert e.playhead().number == "1"  # back to the top of the list
        assert ok("/cue/2/armed", 0) and not e.is_armed("main", e.lists["main"].nav.by_number["2"])
        assert ok("/disconnect")
        await s.close()

    run(main)


def test_errors_are_replies_not_exceptions() -> None:
    async def main() -> None:
        s = await open_session()
        api, c = local_api(s)
        for address, args in [
            ("/cue/99/start", ()), ("/cue_id/NOPE/start", ()), ("/playhead/99", ()),
            ("/cue/1/valuesForKeys", ()), ("/cue/1/valuesForKeys", ("not json",)),
            ("/cue/1/valuesForKeys", ('{"a": 1}',)), ("/cue/1/valuesForKeys", (3,)),
            ("/cue/1/valuesForKeys", (json.dumps(["k"] * 500),)), ("/cue/1/frobnicate", ()),
            ("/panicInTime", ()), ("/panicInTime", ("soon",)), ("/panicInTime", (1e9,)),
            ("/workspace/WRONG/go", ()), ("/workspace", ()), ("/cue", ()), ("/cue/1", ()),
            ("/udpReplyPort", (0,)), ("/cue/3.1/go", ()), ("/cue/1/name", ("x",)),
            ("/updates", ("yes",)), ("/select/nope", ()), ("/", ()), ("/cue/*/start", ()),
        ]:
            body = call(api, c, address, *args)
            assert body["status"] == "error", (address, body)
        assert s.engine.is_idle()
        await s.close()

    run(main)


def _protected() -> dict[str, Any]:
    return {"passcodes": [PasscodeConfig(code="1234"),
                          PasscodeConfig(code="0000", levels=["view"])]}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_passcodes_and_levels(prefix: str) -> None:
    async def main() -> None:
        s = await open_session()
        api, c = local_api(s, **_protected())
        A = lambda rest: addr(prefix, api, rest)  # noqa: E731
        # Before /connect: only the handshake works.
        assert call(api, c, A("/version"))["status"] == "ok"
        assert call(api, c, A("/workspaces"))["data"][0]["hasPasscode"] is True
        for a in ("/go", "/cueLists", "/cue/1/start", "/playhead/2", "/updates"):
            assert call(api, c, A(a), *((1,) if a == "/updates" else ()))["status"] == "denied"
        assert s.engine.is_idle() and s.engine.playhead().number == "1"
        # A wrong passcode, and none.
        bad = call(api, c, A("/connect"), "9999")
        assert bad["status"] == "ok" and bad["data"] == "badpass"
        assert call(api, c, A("/connect"))["data"] == "badpass"
        assert call(api, c, A("/go"))["status"] == "denied"
        # View only.
        assert call(api, c, A("/connect"), "0000")["data"] == "ok:view"
        assert call(api, c, A("/cueLists"))["status"] == "ok"
        assert call(api, c, A("/go"))["status"] == "denied"
        assert call(api, c, A("/cue/1/armed"), 0)["status"] == "denied"
        # Full access.
        assert call(api, c, A("/connect"), "1234")["data"] == "ok:view|edit|control"
        assert call(api, c, A("/go"))["status"] == "ok"
        assert s.engine.playhead().number == "2"
        await s.close()

    run(main)


def test_wrong_passcodes_lock_an_address_out() -> None:
    async def main() -> None:
        s = await open_session()
        api, c = local_api(s, lockout=10, failed_connect_limit=3, **_protected())
        for _ in range(3):
            assert call(api, c, "/connect", "1111")["data"] == "badpass"
        assert call(api, c, "/connect", "1234")["status"] == "denied"  # locked, even if right
        other = api.add_client(Client("local", "10.0.0.9", 0))
        assert call(api, other, "/connect", "1234")["data"].startswith("ok")
        await s.clock.sleep_until(s.clock.now() + 10.5)
        assert call(api, c, "/connect", "1234")["data"] == "ok:view|edit|control"
        await s.close()

    run(main)


def test_qlab4_connect_reply_and_open_access() -> None:
    async def main() -> None:
        s = await open_session()
        api, c = local_api(s, connect_reply="qlab4", open_access=["view"], **_protected())
        assert call(api, c, "/cueLists")["status"] == "ok"  # view without connecting
        assert call(api, c, "/go")["status"] == "denied"
        assert call(api, c, "/connect", "1234")["data"] == "ok"
        assert call(api, c, "/go")["status"] == "ok"
        await s.close()

    run(main)


def test_network_bind_needs_a_passcode() -> None:
    with pytest.raises(ValueError, match="needs at least one passcode"):
        OscApiConfig(host="0.0.0.0")
    OscApiConfig(host="0.0.0.0", passcodes=[PasscodeConfig(code="1234")])
    with pytest.raises(ValueError, match="IP literal"):
        OscApiConfig(host="localhost")


def test_updates_are_pushed_and_coalesced() -> None:
    async def main() -> None:
        s = await open_session()
        api, c = local_api(s)
        got: list[OscMessage] = []
        c.send = got.append
        call(api, c, "/updates", 1)
        s.engine.go()
        s.engine.go()
        await s.clock.sleep_until(s.clock.now())  # one loop turn: the flush
        prefix = f"/update/workspace/{api.ws.uid}"
        main_uid = api.ws.lists["main"].uid
        addrs = [m.address for m in got]
        assert addrs.count(f"{prefix}/cueList/{main_uid}/playbackPosition") == 1
        pos = next(m for m in got if m.address.endswith("playbackPosition"))
        assert pos.args == (api.ws.cues[("main", "3")].uid,)
        assert f"{prefix}/cue_id/{api.ws.cues[('main', '1')].uid}" in addrs
        assert f"{prefix}/cue_id/{api.ws.cues[('main', '2')].uid}" in addrs
        got.clear()
        s.engine.goto("4")
        s.engine.go()  # playhead falls off the end: playbackPosition with no argument
        await s.clock.sleep_until(s.clock.now())
        pos = next(m for m in got if m.address.endswith("playbackPosition"))
        assert pos.args == ()
        call(api, c, "/updates", 0)
        got.clear()
        s.engine.goto("1")
        await s.clock.sleep_until(s.clock.now() + 0.01)
        assert got == []
        await s.close()

    run(main)


def test_active_and_selected_answer_per_cue() -> None:
    """QLab's shape: one matching cue answers like that cue; several answer one reply
    per cue at the same address (Companion's module refreshes its running cue only from
    a single object); none an empty list."""

    async def main() -> None:
        s = await open_session()
        e = s.engine
        api, c = local_api(s)
        keys = '["number"]'
        assert call(api, c, "/cue/active/valuesForKeys", keys)["data"] == []
        e.fire("main", "2")
        assert call(api, c, "/cue/active/valuesForKeys", keys)["data"] == {"number": "2"}
        assert call(api, c, "/cue/active/number")["data"] == "2"
        e.fire("side", "S1")
        replies = call_all(api, c, "/cue/active/valuesForKeys", keys)
        assert [r["status"] for r in replies] == ["ok", "ok"]
        assert [r["data"] for r in replies] == [{"number": "2"}, {"number": "S1"}]
        assert {r["address"] for r in replies} == {"/cue/active/valuesForKeys"}
        assert call(api, c, "/cue/selected/valuesForKeys", keys)["data"] == {"number": "1"}
        api.ws.selection = [api.ws.cues[("main", "2")], api.ws.cues[("main", "4")]]
        numbers = [r["data"] for r in call_all(api, c, "/cue/selected/number")]
        assert numbers == ["2", "4"]
        assert call(api, c, "/cue/*/number")["data"] == ["1", "2", "3", "3.1", "3.2", "4", "S1"]
        await s.close()

    run(main)


COMPANION_ASKS = ["/playheadID", "/alwaysAudition", "/auditionMonitors", "/overrideWindow",
                  "/liveFadePreview", "/settings/general/minGoTime", "/showMode",
                  "/selectedCues", "/doubleGoWindowRemaining"] + [
    f"/overrides/{o}" for o in (
        "midiInputEnabled", "midiOutputEnabled", "mscInputEnabled", "mscOutputEnabled",
        "sysexInputEnabled", "sysexOutputEnabled", "oscOutputEnabled", "timecodeInputEnabled",
        "timecodeOutputEnabled", "artNetEnabled", "dmxOutputEnabled",
        "networkExternalInputEnabled", "networkExternalOutputEnabled",
        "networkLocalInputEnabled", "networkLocalOutputEnabled")]


@pytest.mark.parametrize("prefix", ["", "/workspace/{ws}"])
def test_the_addresses_companion_asks(prefix: str) -> None:
    async def main() -> None:
        s = await open_session()
        e = s.engine
        api, c = local_api(s)
        got = {a: call(api, c, addr(prefix, api, a)) for a in COMPANION_ASKS}
        assert {a: r["status"] for a, r in got.items() if r["status"] != "ok"} == {}
        assert got["/playheadID"]["data"] == api.ws.cues[("main", "1")].uid
        for a in ("/alwaysAudition", "/auditionMonitors", "/overrideWindow", "/liveFadePreview"):
            assert got[a]["data"] is False
        assert all(r["data"] is True for a, r in got.items() if a.startswith("/overrides/"))
        assert got["/settings/general/minGoTime"]["data"] == e.show.settings.go_guard
        # Nothing here can be switched on: asking to is an error, switching off is fine.
        assert call(api, c, "/alwaysAudition", 1)["status"] == "error"
        assert call(api, c, "/overrideWindow", 0)["status"] == "ok"
        assert call(api, c, "/overrides/dmxOutputEnabled", 0)["status"] == "error"
        assert call(api, c, "/overrides/noSuchOverride")["status"] == "error"
        e.goto("4")
        e.go()  # past the end
        assert call(api, c, "/playheadID")["data"] == "none"
        assert call(api, c, "/playheadID", api.ws.cues[("main", "2")].uid)["status"] == "ok"
        assert e.playhead().number == "2"
        await s.close()

    run(main)


def test_min_go_time_is_the_go_guard() -> None:
    async def main() -> None:
        s = await open_session(EXAMPLE_SHOW.replace("go_guard: 0", "go_guard: 0.75"))
        api, c = local_api(s)
        assert call(api, c, "/settings/general/minGoTime")["data"] == 0.75
        assert call(api, c, "/go")["status"] == "ok"
        left = call(api, c, "/doubleGoWindowRemaining")["data"]
        assert 0 < left <= 0.75
        await s.close()

    run(main)


def test_reset_returns_the_playhead_to_the_top() -> None:
    async def main() -> None:
        s = await open_session()
        e = s.engine
        api, c = local_api(s)
        side = api.ws.lists["side"].uid
        for _ in range(5):  # a full run: the playhead falls off the end
            e.go()
        assert e.playhead() is None
        assert call(api, c, "/reset")["status"] == "ok"
        assert e.playhead().number == "1" and not e.running()
        e.goto("3")
        e.go("side")
        assert e.playhead("side") is None
        assert call(api, c, f"/cue_id/{side}/reset")["status"] == "ok"
        assert e.playhead("side").number == "S1" and not e.running("side")
        assert e.playhead().number == "3"  # the other list is left alone
        main_uid = api.ws.lists["main"].uid
        assert call(api, c, f"/cue_id/{main_uid}/reset")["status"] == "ok"
        assert e.playhead().number == "1"
        await s.close()

    run(main)


def test_panic_in_time_per_cue_and_per_list() -> None:
    async def main() -> None:
        s = await open_session()
        e = s.engine
        clock = s.clock
        api, c = local_api(s)
        uid2 = api.ws.cues[("main", "2")].uid
        for by in ("/cue/2", f"/cue_id/{uid2}"):
            e.fire("main", "2")
            e.fire("side", "S1")
            assert call(api, c, f"{by}/panicInTime", 0.5)["status"] == "ok"
            await clock.sleep_until(clock.now() + 0.4)
            assert "2" in e.lists["main"].runs
            await clock.sleep_until(clock.now() + 0.2)
            assert "2" not in e.lists["main"].runs and "S1" in e.lists["side"].runs
            e.stop()
        e.fire("side", "S1")
        side = api.ws.lists["side"].uid
        assert call(api, c, f"/cue_id/{side}/panicInTime", 0.25)["status"] == "ok"
        await clock.sleep_until(clock.now() + 0.3)
        assert not e.running("side")
        assert call(api, c, "/cue/2/panicInTime")["status"] == "error"
        assert call(api, c, "/cue/2/panicInTime", "soon")["status"] == "error"
        await s.close()

    run(main)
