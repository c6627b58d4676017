"""The page in a real browser (Debian's chromium, headless, driven by selenium) against a
running engine process: updates from the state stream, the remote, passcodes, a lost
connection, screenshots at phone and desktop sizes (kept in test-artifacts/web/).

Install chromium and chromium-driver with scripts/setup-test-env; without them these
tests skip and say so."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SHOWCTL_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "web"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - the skip below says what to install
    webdriver = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    webdriver is None or CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium + chromium-driver and python selenium "
           "(scripts/setup-test-env installs them); "
           f"found chromium={CHROMIUM}, chromedriver={CHROMEDRIVER}, "
           f"selenium={webdriver is not None}")

SHOW = """\
show: {title: Conference}
settings: {go_guard: 0.5}
outputs:
  lx: {kind: dmx}
  video: {kind: osc}
  screens: {kind: osc, department: video}
cuelists:
  main:
    cues:
      - {number: "1", type: memo, name: Doors, segment: Doors, planned_start: "+0",
         planned_length: "15:00", notes: "House open, walk-in music"}
      - {number: "2", type: osc, output: video, address: /video/loop, name: Walk-in loop,
         notes: "Loop on the big screen"}
      - {number: "3", type: light, name: Stage wash, time: 2, channels: {"1": 100},
         segment: Welcome, planned_length: "5:00", notes: "Presenter walks on"}
      - {number: "4", type: wait, duration: 60, name: Long wait}
      - {number: "5", type: osc, output: screens, address: /video/keynote,
         name: Keynote slides}
"""


class Engine:
    """``showctl run --headless`` in its own process, its output read line by line."""

    def __init__(self, show: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "showctl", "run", str(show), "--headless", "--no-runlog",
             "--osc-port", "0", "--api", "127.0.0.1:0", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            cwd=ROOT, env=env)
        self.lines: list[str] = []
        self._seen = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        page = self.wait_line(lambda s: "page on " in s)
        self.url = page.split("page on ", 1)[1].strip()
        api = self.wait_line(lambda s: "native API on " in s)
        self.api = api.split("native API on ", 1)[1].split()[0].rstrip(";")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()

    def wait_line(self, pred: Callable[[str], bool], timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for line in self.lines:
                    if pred(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("engine never printed it:\n" + "\n".join(self.lines))
                self._seen.wait(min(left, 0.2))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class Native:
    """A tool on the native API (the console's messages), synchronous."""

    def __init__(self, address: str, passcode: str | None = None) -> None:
        from websockets.sync.client import connect

        self._cm = connect(f"ws://{address}")
        self.ws = self._cm.__enter__()
        hello: dict[str, Any] = {"op": "hello", "version": 1, "outputs": []}
        if passcode is not None:
            hello["passcode"] = passcode
        self.ws.send(json.dumps(hello))
        self.state: dict[str, Any] = {}
        self.recv_until(lambda m: m["op"] == "welcome")
        self.ids = 0

    def recv_until(self, pred: Callable[[dict[str, Any]], bool],
                   timeout: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if "state" in msg:
                self.state = msg["state"]
            if pred(msg):
                return msg

    def command(self, verb: str, **args: Any) -> dict[str, Any]:
        self.ids += 1
        rid = self.ids
        self.ws.send(json.dumps({"op": "cmd", "id": rid, "verb": verb, "args": args}))
        return self.recv_until(lambda m: m["op"] == "result" and m.get("id") == rid)

    def close(self) -> None:
        self._cm.__exit__(None, None, None)


@pytest.fixture
def show(tmp_path: Path) -> Path:
    p = tmp_path / "conference.yaml"
    p.write_text(SHOW, encoding="utf-8")
    return p


@pytest.fixture
def engine(show: Path) -> Iterator[Engine]:
    e = Engine(show, "--web", "127.0.0.1:0")
    yield e
    e.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM  # type: ignore[assignment]
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1440,900", "--force-device-scale-factor=1"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(20)
    yield drv
    drv.quit()


def _wait(drv: Any, js: str, timeout: float = 10.0) -> Any:
    return WebDriverWait(drv, timeout, poll_frequency=0.02).until(
        lambda d: d.execute_script(f"return {js}"), message=js)


def _standby(drv: Any, list_name: str = "main") -> str:
    return str(drv.execute_script(
        f"const c = document.querySelector('#lists .list[data-list={list_name}] .standby');"
        "return c ? c.dataset.cue : null;"))


def _text(drv: Any, selector: str) -> str:
    """Text of an element of the cue view (rebuilt with each state: no element refs)."""
    return str(drv.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
        selector))


def _shot(drv: Any, name: str, width: int, height: int) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    drv.set_window_size(width, height)
    time.sleep(0.3)  # a state push or two at the new size
    path = ARTIFACTS / f"{name}-{width}x{height}.png"
    assert drv.save_screenshot(str(path)), path
    assert path.stat().st_size > 5000
    return path


def test_a_go_from_the_native_api_shows_on_the_page_within_200_ms(
        engine: Engine, browser: Any) -> None:
    browser.get(engine.url)
    _wait(browser, "document.body.classList.contains('live')")
    assert _standby(browser) == "1"
    assert "House open" in _text(browser, "#lists .standby")
    # the page stamps the moment its cue view shows the new standby cue
    browser.execute_script("""
        window.seenAt = null;
        new MutationObserver(() => {
          const c = document.querySelector('#lists .list[data-list=main] .standby');
          if (c && c.dataset.cue === '2' && window.seenAt === null) window.seenAt = Date.now();
        }).observe(document.getElementById('lists'), {childList: true, subtree: true});""")
    tool = Native(engine.api)
    try:
        sent = time.time() * 1000.0
        assert tool.command("go", list="main")["ok"]
        seen = float(_wait(browser, "window.seenAt", timeout=2.0))
        latency = seen - sent
        assert latency < 200.0, f"the page showed the GO after {latency:.0f} ms"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "go-to-page-ms.txt").write_text(f"{latency:.1f}\n", encoding="utf-8")
        card = _text(browser, "#lists .standby")
        assert "Walk-in loop" in card and "Loop on the big screen" in card
        assert "last: 1 Doors" in _text(browser, "#lists .lastnext")
        # the run of show: Doors running, on time
        _wait(browser, "document.getElementById('ros-current').textContent === 'Doors'")
        assert browser.find_element(By.ID, "ros-over").text == "0:00"
        # the filter offers the show's departments: 'screens' says it is video's
        options = browser.execute_script(
            "return [...document.getElementById('dept').options].map(o => o.value)")
        assert options == ["", "lx", "video"]
        # department filter: the video operator sees video cues only
        browser.execute_script("const s = document.getElementById('dept'); s.value = 'video';"
                               "s.dispatchEvent(new Event('change'));")
        card = _text(browser, "#lists .standby")
        assert "Walk-in loop" in card
        tool.command("go", list="main")  # cue 2 (video) fired; the wash (lx) is on standby
        time.sleep(0.6)
        tool.command("go", list="main")
        _wait(browser, "document.querySelector('#lists .standby').dataset.cue === '5'")
        card = _text(browser, "#lists .standby")
        assert "next video cue" in card and "Keynote slides" in card  # on output screens
        # an edit reaches every open page at once
        tool.command("stop")
        assert tool.command("mode", mode="edit")["ok"]
        assert tool.command("set_field", list="main", cue="5", field="name",
                            value="Keynote deck")["ok"]
        _wait(browser, "document.querySelector('#lists .standby').textContent"
                       ".includes('Keynote deck')", timeout=2.0)
    finally:
        tool.close()


def test_go_from_the_page_remote_fires_the_cue_and_shows_the_guard(
        engine: Engine, browser: Any) -> None:
    browser.get(engine.url)
    _wait(browser, "document.body.classList.contains('live')")
    assert browser.find_element(By.ID, "remote-on").is_displayed()
    browser.find_element(By.ID, "btn-go").click()
    engine.wait_line(lambda s: "main 1" in s and "Doors" in s, timeout=5.0)
    # the double-GO guard (0.5 s) is shown and GO is held while it runs
    _wait(browser, "document.getElementById('go-guard').textContent.startsWith('GO guard')",
          timeout=2.0)
    assert not browser.find_element(By.ID, "btn-go").is_enabled()
    _wait(browser, "!document.getElementById('btn-go').disabled", timeout=3.0)
    _wait(browser, "document.getElementById('remote-standby').textContent"
                   ".includes('2 Walk-in loop')")
    browser.find_element(By.ID, "btn-go").click()
    engine.wait_line(lambda s: "main 2" in s, timeout=5.0)
    tool = Native(engine.api)
    try:
        assert tool.state["lists"]["main"]["playhead"] == "3"
    finally:
        tool.close()
    browser.find_element(By.ID, "btn-back").click()
    _wait(browser, "document.getElementById('remote-standby').textContent"
                   ".includes('2 Walk-in loop')", timeout=2.0)
    browser.find_element(By.ID, "btn-panic").click()
    _wait(browser, "document.getElementById('remote-msg').textContent !== 'panic…'")


def test_screenshots_at_phone_and_desktop_sizes(engine: Engine, browser: Any) -> None:
    browser.get(engine.url)
    _wait(browser, "document.body.classList.contains('live')")
    tool = Native(engine.api)
    try:
        tool.command("go", list="main")
    finally:
        tool.close()
    _wait(browser, "document.getElementById('ros-current').textContent === 'Doors'")
    desktop = _shot(browser, "page-desktop", 1440, 900)
    # desktop: all three parts side by side, no tab bar
    assert browser.find_element(By.ID, "remote").is_displayed()
    assert browser.find_element(By.ID, "ros").is_displayed()
    assert not browser.find_element(By.ID, "tabs").is_displayed()
    phone = _shot(browser, "page-phone-ros", 390, 844)
    assert browser.find_element(By.ID, "tabs").is_displayed()
    assert not browser.find_element(By.ID, "remote").is_displayed()
    # nothing wider than the phone's screen
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=cues]").click()
    _shot(browser, "page-phone-cues", 390, 844)
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=remote]").click()
    assert browser.find_element(By.ID, "btn-go").is_displayed()
    _shot(browser, "page-phone-remote", 390, 844)
    # the remote's buttons fit the phone's width (a thumb at the edge still hits Panic)
    right = browser.execute_script(
        "return document.getElementById('btn-panic').getBoundingClientRect().right")
    assert right <= 390 - 8, right
    assert desktop.exists() and phone.exists()


def test_a_passcode_page_refuses_a_wrong_code_and_keeps_the_remote_to_control(
        show: Path, browser: Any) -> None:
    e = Engine(show, "--web", "127.0.0.1:0", "--passcode", "4711:view",
               "--passcode", "2024:view,control")
    try:
        browser.get(e.url)
        _wait(browser, "!document.getElementById('login').hidden")
        assert "needs a passcode" in browser.find_element(By.ID, "login-msg").text
        assert not browser.find_element(By.ID, "main").is_displayed()
        browser.find_element(By.ID, "passcode").send_keys("1111")
        browser.find_element(By.ID, "login-go").click()
        _wait(browser, "document.getElementById('login-msg').textContent === 'Wrong passcode.'")
        assert "refused" in browser.execute_script("return document.body.className")
        assert not browser.find_element(By.ID, "main").is_displayed()
        # a view code: the page, without the remote
        browser.find_element(By.ID, "passcode").clear()
        browser.find_element(By.ID, "passcode").send_keys("4711")
        browser.find_element(By.ID, "login-go").click()
        _wait(browser, "document.body.classList.contains('live')")
        assert browser.find_element(By.ID, "conn").text == "live · view"
        assert not browser.find_element(By.ID, "remote-on").is_displayed()
        assert browser.find_element(By.ID, "remote-off").is_displayed()
        # a control code: the remote
        browser.execute_script("sessionStorage.setItem('showctl.passcode', '2024');")
        browser.refresh()
        _wait(browser, "document.body.classList.contains('live')")
        assert browser.find_element(By.ID, "conn").text == "live · control"
        assert browser.find_element(By.ID, "remote-on").is_displayed()
    finally:
        e.stop()


def test_a_lost_connection_is_shown_and_recovered_by_itself(show: Path, browser: Any) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    first = Engine(show, "--web", f"127.0.0.1:{port}")
    try:
        browser.get(first.url)
        _wait(browser, "document.body.classList.contains('live')")
    finally:
        first.stop()
    _wait(browser, "document.body.classList.contains('lost')", timeout=5.0)
    assert "connection lost" in browser.find_element(By.ID, "conn").text
    second = Engine(show, "--web", f"127.0.0.1:{port}")
    try:
        _wait(browser, "document.body.classList.contains('live')", timeout=10.0)
        assert _standby(browser) == "1"
    finally:
        second.stop()


def test_a_show_two_minutes_late_shows_plus_two_minutes_on_the_page(
        tmp_path: Path, browser: Any) -> None:
    """The engine's numbers on the wall clock, as the page shows them: the doors were
    planned two minutes ago and nothing has fired yet."""
    import datetime as dt

    doors = dt.datetime.now().astimezone() - dt.timedelta(seconds=120)
    welcome = doors + dt.timedelta(minutes=15)
    p = tmp_path / "late.yaml"
    p.write_text(SHOW.replace('planned_start: "+0"', f'planned_start: "{doors:%H:%M:%S}"')
                 .replace('segment: Welcome,', f'segment: Welcome, planned_start: '
                          f'"{welcome:%H:%M:%S}",'), encoding="utf-8")
    e = Engine(p, "--web", "127.0.0.1:0")
    try:
        browser.get(e.url)
        _wait(browser, "document.body.classList.contains('live')")
        # two minutes and the seconds the engine and the browser took to start
        _wait(browser, "/^\\+2:[0-3]\\d$/.test(document.getElementById('ros-over')"
                       ".textContent)", timeout=5.0)
        assert "late" in browser.find_element(By.ID, "ros-over").get_attribute("class")
        assert browser.find_element(By.ID, "ros-over-word").text == "behind"
        assert browser.find_element(By.ID, "ros-current").text == "not started"
        assert browser.find_element(By.ID, "ros-next").text == "Doors"
        assert browser.find_element(By.ID, "ros-next-at").text == f"{doors:%H:%M:%S}"
        assert browser.find_element(By.ID, "ros-next-in").text.startswith("overdue 2:")
        _shot(browser, "page-late-desktop", 1440, 900)
    finally:
        e.stop()


def test_a_refused_save_of_the_show_file_is_shown_on_the_page(
        show: Path, engine: Engine, browser: Any) -> None:
    """Hot reload: a save that does not check is refused with file:line:col, and every
    open page says so until the file is fixed."""
    browser.get(engine.url)
    _wait(browser, "document.body.classList.contains('live')")
    assert not browser.find_element(By.ID, "showfile").is_displayed()
    good = show.read_text(encoding="utf-8")
    show.write_text(good.replace('type: wait, duration: 60', 'type: wait, duration: -60'),
                    encoding="utf-8")
    _wait(browser, "!document.getElementById('showfile').hidden", timeout=10.0)
    text = browser.find_element(By.ID, "showfile").text
    assert "Show file refused" in text and f"{show.name}:16:45" in text, text
    # the show runs on: the page's remote still fires the cue
    browser.find_element(By.ID, "btn-go").click()
    engine.wait_line(lambda s: "main 1" in s and "Doors" in s, timeout=5.0)
    show.write_text(good.replace("name: Long wait", "name: Longer wait"), encoding="utf-8")
    _wait(browser, "document.getElementById('showfile').hidden", timeout=10.0)
