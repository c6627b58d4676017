"""Bitfocus Companion's QLab module (figure53-qlab-advance 2.14.1, vendored unchanged in
tests/companion/module) against ``showctl run shows/demo.yaml --headless``, run through
@companion-module/base's real entry point by a minimal Companion (tests/companion/host.js).

What a Companion user sees: the connection's status, the playhead and running-cue
variables, the feedbacks; what the buttons do to the engine (asked over a separate OSC
connection); and that no address the module asks is answered with an error.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable

import pytest
from companion_support import ModuleHost, Observer, Showctl, module_config

Start = Callable[..., Showctl]
Make = Callable[[], ModuleHost]
See = Callable[..., Observer]

DEMO_FIRST = ("0.5", "Pre-show checks")
SESSION = float(os.environ.get("COMPANION_SESSION_SECONDS", "0"))
"""How long the TCP session runs in all: by default only as long as its checks take
(about 12 s); the issue's full session is ``COMPANION_SESSION_SECONDS=60``."""


def _no_errors(host: ModuleHost) -> None:
    bad = host.replies("error") + host.replies("denied")
    assert bad == [], bad
    assert not [m for m in host.logs() if "returned an error" in m]
    assert host.vars.get("errs") in (None, "", 0)


def _need_udp_53001() -> None:
    """In UDP mode the module listens on 0.0.0.0:53001 (QLab's reply port, fixed in the
    module); its status is an error when something else has that port."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind(("0.0.0.0", 53001))
        except OSError:
            pytest.skip("UDP port 53001, where the module listens in UDP mode, is in use")


def _wait_engine(pred: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"engine: {what}")
        time.sleep(0.05)


def test_tcp_session_shows_the_show(showctl: Start, module: Make, observer: See) -> None:
    """Status, playhead variables at connect and after every GO, the running cue's
    elapsed/remaining advancing between pushes, and no error reply all session."""
    show = showctl()
    eye = observer(show.port)
    host = module().start(module_config(show.port))
    host.wait_status("ok", 15)
    # The playhead at connect, before anything moved it.
    host.wait_var("n_num", DEMO_FIRST[0])
    assert host.vars["n_name"] == DEMO_FIRST[1]
    assert host.vars["q_ver"].startswith("5")
    assert host.vars["min_go"] == "0.50"  # the demo's go_guard
    assert host.sent("/playheadID") >= 1 and host.sent("/settings/general/minGoTime") >= 1

    # GO through the top of the show: the playhead variables follow every GO.
    for _ in range(3):
        before = eye.playhead()
        host.press("go")
        _wait_engine(lambda b=before: eye.playhead() != b, "GO moved the playhead")  # type: ignore[misc]
        host.wait_var("n_num", eye.playhead())
        assert host.vars["n_id"] == eye.ask("/playheadID")
        time.sleep(0.55)  # the go guard
        if before == "1":  # cue 1 fired (GO moves past its sequence with 2, to 3)
            break
    # Cue 1 (a 5 s light fade) runs: the module polls /cue/active/valuesForKeys and its
    # running-cue variables advance between pushes.
    host.wait_var("r_num", "1", 3)
    t0 = time.monotonic()
    host.wait(lambda: time.monotonic() - t0 > 1.5, 3)
    history = [(t, v) for t, v in host.var_history("e_secs") if t >= t0 - 0.5]
    secs = [v for _, v in history if isinstance(v, int | float)]
    assert len(secs) >= 5 and secs[-1] - secs[0] > 1.0, history
    left = [v for t, v in host.var_history("r_secs") if t >= t0 - 0.5]
    assert left[0] > left[-1], left
    assert host.feedbacks.get("anyRun") is True
    # Cue 1 auto-continues into 2, which starts the ambience loop (L1 → L2, a 30 s wait):
    # several cues run at once, and the running cue still advances.
    _wait_engine(lambda: "L2" in eye.running() and "1" not in eye.running(),
                 "cue 1 done, the ambience loop runs", 8)
    host.wait_var("r_num", "L2", 5)
    t1 = time.monotonic()
    host.wait(lambda: time.monotonic() - t1 > 1.0, 2)
    l2 = [v for t, v in host.var_history("e_secs") if t >= t1]
    assert len(l2) >= 5 and l2[-1] - l2[0] > 0.5, l2
    assert l2 == sorted(l2), l2
    # The rest of the session: GO every 2 s, the playhead variables follow each one.
    while time.monotonic() - t0 < SESSION - 2:
        if eye.playhead() == "":
            host.press("reset")
            _wait_engine(lambda: eye.playhead() == "0.5", "reset")
        before = eye.playhead()
        host.press("go")
        _wait_engine(lambda b=before: eye.playhead() != b, "GO")  # type: ignore[misc]
        host.wait_var("n_num", eye.playhead())
        time.sleep(2)
    assert len(host.wire("in")) > 50
    _no_errors(host)


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_every_transport_button(transport: str, showctl: Start, module: Make,
                                observer: See) -> None:
    """Each of the module's transport buttons moves the engine as QLab's would."""
    tcp = transport == "tcp"
    if not tcp:
        _need_udp_53001()
    show = showctl("--udp-reply-port", "sender")
    eye = observer(show.port)
    host = module().start(module_config(show.port, tcp=tcp), udp_target=show.port)
    host.wait_status("ok", 15)
    if tcp:
        host.wait_var("n_num", "0.5")
    ws = eye.ask("/workspaces")[0]["uniqueID"]
    lists = {lst["name"]: lst for lst in eye.ask("/cueLists")}
    uid = {q["number"]: q["uniqueID"] for lst in lists.values() for q in lst["cues"]}
    assert ws

    def running() -> dict[str, bool]:
        return eye.running()

    # Playhead: goto, next, previous, goto by id.
    host.press("goto", cue="7")
    _wait_engine(lambda: eye.playhead() == "7", "goto 7")
    host.press("next", seq=False)
    _wait_engine(lambda: eye.playhead() == "7.5", "next")
    host.press("previous", seq=False)
    _wait_engine(lambda: eye.playhead() == "7", "previous")
    host.press("goto_id", cueId=uid["0.5"])
    _wait_engine(lambda: eye.playhead() == "0.5", "goto by id")
    # GO fires the standby cue and moves the playhead.
    host.press("go")
    _wait_engine(lambda: eye.playhead() == "1", "GO")
    time.sleep(0.55)
    # Start / stop by number and by id: the playhead stays.
    host.press("start", cue="L2")
    _wait_engine(lambda: running().get("L2") is False, "start L2")
    assert eye.playhead() == "1"
    host.press("pause")
    _wait_engine(lambda: running().get("L2") is True, "pause")
    host.press("resume")
    _wait_engine(lambda: running().get("L2") is False, "resume")
    host.press("stop_cue", cue="L2")
    _wait_engine(lambda: "L2" not in running(), "stop L2")
    host.press("start_id", cueId=uid["7"])
    _wait_engine(lambda: "7" in running(), "start 7 by id")
    host.press("stop_id", cueId=uid["7"])
    _wait_engine(lambda: "7" not in running(), "stop 7 by id")
    # Stop everything.
    host.press("start", cue="L2")
    host.press("start", cue="15")
    _wait_engine(lambda: {"L2", "15"} <= set(running()), "two cues run")
    host.press("stop")
    _wait_engine(lambda: not running(), "stop")
    # Panic: everything fades out over the panic time (2 s), then stops.
    host.press("start", cue="L2")
    _wait_engine(lambda: "L2" in running(), "L2 runs")
    host.press("panic")
    time.sleep(1.0)
    assert "L2" in running()  # still fading
    _wait_engine(lambda: not running(), "panic", 3)
    # Panic in time, for the workspace, for one cue by number and by id.
    host.press("start", cue="L2")
    _wait_engine(lambda: "L2" in running(), "L2 runs")
    host.press("panicInTime", time="0.3")
    _wait_engine(lambda: not running(), "panic in 0.3 s", 2)
    host.press("start", cue="L2")
    host.press("start", cue="15")
    _wait_engine(lambda: {"L2", "15"} <= set(running()), "two cues run")
    host.press("panicInTime_cue", cue="L2", time="0.3")
    _wait_engine(lambda: "L2" not in running(), "panic L2 in time", 2)
    assert "15" in running()
    host.press("panicInTime_id", cueId=uid["15"], time="0.3")
    _wait_engine(lambda: "15" not in running(), "panic 15 by id in time", 2)
    host.press("start", cue="L2")
    _wait_engine(lambda: "L2" in running(), "L2 runs")
    host.press("panic_cue", cue="L2")
    _wait_engine(lambda: "L2" not in running(), "panic L2", 4)
    # Select, then load (nothing to preload; accepted).
    host.press("select", scope="N", q_num="10")
    _wait_engine(lambda: [q["number"] for q in eye.ask("/selectedCues")] == ["10"], "select")
    host.press("load")
    # Reset: everything stops and the playhead goes back to the top.
    host.press("goto", cue="12")
    host.press("start", cue="L2")
    _wait_engine(lambda: eye.playhead() == "12" and "L2" in running(), "set up reset")
    host.press("reset")
    _wait_engine(lambda: eye.playhead() == "0.5" and not running(), "reset")
    time.sleep(0.3)
    assert host.status == ("ok", "Connected to QLab" if tcp else "UDP Mode")
    sent = {e["address"] for e in host.wire("out")}
    for address in ("/go", "/stop", "/pause", "/resume", "/panic", "/panicInTime", "/reset",
                    "/playhead/next", "/playhead/previous", "/cue/L2/start",
                    "/cue/L2/panicInTime", f"/cue_id/{uid['15']}/panicInTime",
                    "/cue/selected/load", "/select/10", f"/playheadID/{uid['0.5']}"):
        assert address in sent, address
    _no_errors(host)


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_passcodes(transport: str, showctl: Start, module: Make, observer: See) -> None:
    tcp = transport == "tcp"
    # (Over UDP only the first module gets port 53001 for itself, as with two UDP QLab
    # connections in one Companion; both still send, and the host sees the replies.)
    show = showctl("--passcode", "4321", "--udp-reply-port", "sender")
    eye = observer(show.port, "4321")
    wrong = module().start(module_config(show.port, tcp=tcp, passcode="1111"),
                           udp_target=show.port)
    right = module().start(module_config(show.port, tcp=tcp, passcode="4321"),
                           udp_target=show.port)
    right.wait_status("ok", 15)
    if tcp:
        wrong.wait_status("connection_failure", 15)
        assert wrong.status[1] in ("Passcode denied", "Wrong Passcode")
        right.wait_var("n_num", "0.5")
        assert wrong.vars.get("n_num") in (None, "")
    else:
        wrong.wait_status("ok", 5)  # UDP mode: the module cannot tell ("UDP Mode")
    wrong.press("go")
    wrong.wait(lambda: wrong.replies("denied") != [], 5, "GO denied")
    assert eye.playhead() == "0.5" and not eye.running()
    right.press("go")
    _wait_engine(lambda: eye.playhead() == "1", "GO with the right passcode")
    if tcp:
        right.wait_var("n_num", "1")
    _no_errors(right)


def test_reconnects_after_a_restart(showctl: Start, module: Make, observer: See) -> None:
    show = showctl()
    host = module().start(module_config(show.port))
    host.wait_status("ok", 15)
    host.press("goto", cue="7")
    host.wait_var("n_num", "7")
    show.stop()
    host.wait(lambda: host.status[0] != "ok", 10, "the module notices")
    again = showctl(port=show.port)
    host.wait_status("ok", 20)
    host.wait_var("n_num", "0.5", 10)  # a fresh run: the playhead at the top
    eye = observer(again.port)
    host.press("go")
    _wait_engine(lambda: eye.playhead() == "1", "GO after the restart")
    host.wait_var("n_num", "1")
