"""Hot reload (issue 15): the show file saved while the show runs applies to the running
show — through the real LiveRuntime and the console (tests/console/conftest.py Harness),
on the manual clock, with exact times.

The runtime polls the file every 0.5 s from its start (t = 0) and reads a change once it
has stayed the same for one more poll: a file written at t = 1.2 is seen at 1.5 and
applied at 2.0.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from showctl.api.client import connect
from showctl.console.dialogs import SaveConflictDialog
from showctl.console.log_pane import LogPane
from showctl.engine import events as ev
from showctl.live.journal import iter_lines, journal_path
from showctl.live.reload import file_stamp
from tests.console.conftest import SIZE, SMALL, Harness, screen_text

ROOT = Path(__file__).resolve().parents[2]


def _watching(path: Path, **runtime: Any) -> Harness:
    h = Harness(path)
    h.runtime.watch = True
    for k, v in runtime.items():
        setattr(h.runtime, k, v)
    return h


async def _at(h: Harness, t: float) -> None:
    """Advance the manual clock to show time ``t``, letting a reload finish there."""
    await h.clock.advance_async(t - h.clock.now())
    await h.runtime.reload.wait()


async def _screen(h: Harness, pilot: Any) -> str:
    """The console's screen once the engine's next state push (every 0.1 s) reached it."""
    await _at(h, h.clock.now() + 0.15)
    await h.settle(pilot)
    await pilot.pause()
    return screen_text(h.app)


def _level(h: Harness, name: str) -> float:
    view = h.runtime.state().lighting["lx"]
    return view.values[view.names.index(name)]


def _save_in_place(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:  # truncate + write, same inode
        f.write(text)


def _save_rename_over(path: Path, text: str) -> None:
    """As vim (backupcopy=no), VS Code and git do: a new file renamed over the old."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _cmd(h: Harness, verb: str, **args: Any) -> Any:
    from showctl.api.protocol import Command

    return h.runtime.execute(Command(verb, args))


# ---------------------------------------------------------------- a change mid-fade


async def test_a_change_mid_fade_finishes_the_running_fade_as_started_next_go_is_new(
        small_path: Path, tmp_path: Path) -> None:
    runlog = tmp_path / "run.yaml"
    h = _watching(small_path, runlog=str(runlog))
    async with h.app.run_test(size=SIZE) as pilot:
        assert (await _cmd(h, "goto", cue="2")).ok
        h.attach()
        assert (await _cmd(h, "go")).ok                      # t=0: cue 2, 5 s to ch1 100 %
        await _at(h, 1.2)
        new = (SMALL.replace('channels: {"1": 100, "2": 50}', 'channels: {"1": 40, "2": 50}')
                    .replace("time: 5", "time: 10"))
        _save_in_place(small_path, new)
        await _at(h, 1.9)
        assert h.runtime.reload.reloads == 0                 # seen at 1.5, not read yet
        await _at(h, 2.0)
        assert h.runtime.reload.reloads == 1                 # applied at 2.0
        cue2 = h.runtime.show.cuelists["main"].cues[1]
        assert cue2.time == 10                                # type: ignore[union-attr]
        # the running fade goes on as it started: 5 s to 100 %, linear
        assert _level(h, "lx:1/1") == pytest.approx(0.4, abs=1e-3)   # 2 s of 5
        await _at(h, 5.0)
        assert _level(h, "lx:1/1") == pytest.approx(1.0)
        assert (5.0, "cue_completed", "2") in h.kinds("cue_completed")
        # the next GO of cue 2 uses the saved version: 10 s to 40 %
        assert (await _cmd(h, "goto", cue="2")).ok
        await _at(h, 6.0)
        assert (await _cmd(h, "go")).ok
        await _at(h, 11.0)
        assert _level(h, "lx:1/1") == pytest.approx(0.7, abs=1e-3)   # half way 100 → 40
        await _at(h, 16.0)
        assert _level(h, "lx:1/1") == pytest.approx(0.4, abs=1e-3)
        assert (16.0, "cue_completed", "2") in h.kinds("cue_completed")
        # the run log holds the reload with the diff it applied
        assert h.runtime.recorder is not None
        log = h.runtime.recorder.runlog()
        assert len(log.reloads) == 1
        rec = log.reloads[0]
        assert (rec.at, rec.outcome, rec.file) == (2.0, "applied", str(small_path))
        assert rec.changes == ["cue 2 'Lights up': channels.1 100 → 40",
                               "cue 2 'Lights up': time 5 s → 10 s"]
        # … and so does the console's log
        await _screen(h, pilot)
        shown = h.app.query_one(LogPane).history
        assert any("reloaded small.yaml: 2 changes" in line for line in shown)
        assert any("cue 2 'Lights up': time 5 s → 10 s" in line for line in shown)
    assert await h.runtime.stop() == runlog
    written = runlog.read_text(encoding="utf-8")
    assert "reloads:" in written and "outcome: applied" in written
    assert "time 5 s → 10 s" in written


async def test_a_running_cue_changed_finishes_as_started_and_continues_into_new_cue(
        small_path: Path) -> None:
    """Cue 1 (prewait 2, 4 s, postwait 3, auto-continue) runs; the save makes it 8 s
    long and changes cue 2: cue 1 still ends at 6.0, its continue fires the new cue 2."""
    h = _watching(small_path)
    async with h.app.run_test(size=SIZE):
        h.attach()
        assert (await _cmd(h, "go")).ok
        await _at(h, 1.2)
        _save_in_place(small_path, SMALL.replace("duration: 4", "duration: 8")
                       .replace('channels: {"1": 100, "2": 50}', 'channels: {"1": 30}'))
        await _at(h, 2.0)
        assert h.runtime.reload.reloads == 1
        await _at(h, 10.0)
        assert h.kinds("cue_started", "cue_completed")[:4] == [
            (2.0, "cue_started", "1"), (5.0, "cue_started", "2"),
            (6.0, "cue_completed", "1"), (10.0, "cue_completed", "2")]
        assert _level(h, "lx:1/1") == pytest.approx(0.3, abs=1e-3)
        assert _level(h, "lx:1/2") == pytest.approx(0.0)


# ---------------------------------------------------------------- playheads


async def test_a_deleted_standby_cue_hands_the_playhead_to_the_next_one(
        small_path: Path) -> None:
    h = _watching(small_path)
    async with h.app.run_test(size=SIZE) as pilot:
        assert (await _cmd(h, "goto", cue="3")).ok
        assert (await _cmd(h, "go", list="side")).ok       # side A: 10 s wait, runs on
        h.attach()
        await _at(h, 1.2)
        start = SMALL.index('      - number: "3"')
        end = SMALL.index("      # a comment before cue 4")
        _save_rename_over(small_path, SMALL[:start] + SMALL[end:])
        await _at(h, 2.0)
        assert h.runtime.reload.reloads == 1
        state = h.runtime.state()
        assert state.lists["main"].playhead == "4"
        assert state.lists["side"].playhead == "B"           # kept (same number)
        assert (2.0, "playhead", "4") in [(round(e.t, 6), e.kind, getattr(e, "cue", None))
                                           for e in h.events
                                           if isinstance(e, ev.PlayheadMoved)]
        await _at(h, 10.0)
        assert (10.0, "cue_completed", "A") in h.kinds("cue_completed")
        assert not h.kinds("cue_stopped")
        text = await _screen(h, pilot)
        assert "cue 3 'Sound cue' deleted" in text


async def test_a_deleted_running_cue_stops_the_others_run_on(small_path: Path) -> None:
    h = _watching(small_path)
    async with h.app.run_test(size=SIZE):
        assert (await _cmd(h, "go", list="side")).ok       # A: 10 s
        h.attach()
        await _at(h, 1.2)
        _save_in_place(small_path, SMALL.replace(
            '      - {number: "A", type: wait, name: Side wait, duration: 10}\n', ""))
        await _at(h, 2.0)
        assert h.kinds("cue_stopped") == [(2.0, "cue_stopped", "A")]
        assert h.runtime.state().lists["side"].playhead == "B"


async def test_the_engines_own_save_is_not_reloaded(small_path: Path) -> None:
    h = _watching(small_path)
    async with h.app.run_test(size=SIZE):
        assert (await _cmd(h, "mode", mode="edit")).ok
        assert (await _cmd(h, "set_field", list="main", cue="4", field="name",
                           value="Break")).ok
        assert (await _cmd(h, "save")).ok
        revision = h.runtime.revision
        await _at(h, 3.0)
        assert h.runtime.reload.reloads == 0 and h.runtime.revision == revision
        assert h.runtime.state().show_file is None
        # an edit after it is kept: no reload replaced the document
        assert (await _cmd(h, "set_field", list="main", cue="4", field="name",
                           value="Break 2")).ok
        await _at(h, 4.0)
        assert h.runtime.state().dirty


# ---------------------------------------------------------------- a bad save


async def test_a_bad_save_is_refused_with_file_line_col_then_a_fixed_save_applies(
        small_path: Path) -> None:
    h = _watching(small_path)
    async with h.app.run_test(size=SIZE) as pilot:
        assert (await _cmd(h, "go", list="side")).ok       # A runs through it all
        await _at(h, 1.2)
        bad = SMALL.replace("time: 5", "tme: 5")             # a typo, line 27
        line = bad.splitlines().index("        tme: 5") + 1
        _save_in_place(small_path, bad)
        await _at(h, 2.0)
        news = h.runtime.state().show_file
        assert news is not None
        where = f"{small_path}:{line}:9:"
        assert any(p.startswith(where) for p in news["problems"]), news["problems"]
        assert h.runtime.reload.reloads == 0
        assert h.runtime.show.cuelists["main"].cues[1].time == 5   # type: ignore[union-attr]
        text = await _screen(h, pilot)
        assert "SHOW FILE REFUSED" in text
        assert f"small.yaml:{line}:9:" in text, text
        assert "running 1" in text                           # the show runs on
        # the state as a client gets it carries the problems too
        assert h.app.state.show_file is not None
        assert h.app.state.show_file["problems"] == news["problems"]
        # put back as it was (an editor's undo, git checkout): nothing to apply, no problem
        _save_in_place(small_path, SMALL)
        await _at(h, 2.5)   # (seen at 2.5, read at 3.0)
        await _at(h, 3.0)
        news = h.runtime.state().show_file
        assert news is not None and news["problems"] == [] and h.runtime.reload.reloads == 0
        assert news["last"] == "small.yaml is back to the version that runs"
        # fixed: applies
        _save_in_place(small_path, SMALL.replace("time: 5", "time: 7"))
        await _at(h, 4.0)
        assert h.runtime.reload.reloads == 1
        assert h.runtime.show.cuelists["main"].cues[1].time == 7   # type: ignore[union-attr]
        news = h.runtime.state().show_file
        assert news is not None and news["problems"] == []
        text = await _screen(h, pilot)
        assert "SHOW FILE REFUSED" not in text
        await _at(h, 10.0)
        assert (10.0, "cue_completed", "A") in h.kinds("cue_completed")


# ---------------------------------------------------------------- rename-over


async def test_a_rename_over_save_is_picked_up_half_written_files_are_not(
        small_path: Path) -> None:
    h = _watching(small_path)
    async with h.app.run_test(size=SIZE):
        ino = file_stamp(small_path)
        await _at(h, 1.2)
        _save_rename_over(small_path, SMALL.replace("name: Interval", "name: Break"))
        assert file_stamp(small_path) != ino
        await _at(h, 2.0)
        assert h.runtime.reload.reloads == 1
        assert h.runtime.show.cuelists["main"].cues[3].name == "Break"
        # a file still being written (it changes between polls) is not read
        text = SMALL.replace("name: Interval", "name: Later")
        half = len(text) // 2
        _save_in_place(small_path, text[:half])
        await _at(h, 2.5)
        with open(small_path, "a", encoding="utf-8") as f:
            f.write(text[half:])
        await _at(h, 3.0)
        assert h.runtime.reload.reloads == 1 and h.runtime.state().show_file is not None
        assert h.runtime.state().show_file["problems"] == []  # type: ignore[index]
        await _at(h, 3.5)
        assert h.runtime.reload.reloads == 2
        assert h.runtime.show.cuelists["main"].cues[3].name == "Later"


# ---------------------------------------------------------------- patch / outputs


async def test_an_outputs_change_while_cues_run_waits_for_them_to_end(
        small_path: Path) -> None:
    h = _watching(small_path)
    async with h.app.run_test(size=SIZE):
        assert (await _cmd(h, "go", list="side")).ok       # A: 10 s
        h.attach()
        await _at(h, 1.2)
        _save_in_place(small_path, SMALL.replace("universes: [1]", "universes: [1, 2]"))
        await _at(h, 2.0)
        news = h.runtime.state().show_file
        assert news is not None and "wait for the running cues" in news["pending"]
        assert h.runtime.reload.reloads == 0
        await _at(h, 10.0)
        assert h.kinds("cue_completed") == [(10.0, "cue_completed", "A")]
        assert h.runtime.reload.reloads == 1
        assert h.runtime.show.outputs["lx"].universes == [1, 2]
        assert h.runtime.engine.now() == 10.0                # one show time axis
        assert h.runtime.state().lists["side"].playhead == "B"


# ---------------------------------------------------------------- a conflict


async def test_a_save_while_the_console_has_unsaved_edits_is_a_conflict(
        small_path: Path) -> None:
    h = _watching(small_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert (await h.app.send("set_field", list="main", cue="1", field="name",
                                 value="Mine")).ok
        await _at(h, 1.2)
        _save_in_place(small_path, SMALL.replace("name: Interval", "name: Theirs"))
        await _at(h, 2.0)
        assert h.runtime.reload.reloads == 0
        names = {c.number: c.name for c in h.runtime.show.cuelists["main"].cues}
        assert names["1"] == "Mine" and names["4"] == "Interval"   # nothing overwritten
        assert "Theirs" in small_path.read_text(encoding="utf-8")
        news = h.runtime.state().show_file
        assert news is not None and "unsaved edits" in news["conflict"]
        text = await _screen(h, pilot)
        # the console offers what a save conflict offers
        assert isinstance(h.app.screen, SaveConflictDialog)
        assert "changed on disk" in text
        await pilot.press("r")                               # reload, edits re-applied
        await h.settle(pilot)
        names = {c.number: c.name for c in h.runtime.show.cuelists["main"].cues}
        assert names["1"] == "Mine" and names["4"] == "Theirs"
        await _at(h, 3.0)
        news = h.runtime.state().show_file
        assert news is not None and news["conflict"] == ""
        assert h.runtime.reload.reloads == 0                 # the save flow reloaded it
        await pilot.press("ctrl+s")
        await h.settle(pilot)
        saved = small_path.read_text(encoding="utf-8")
        assert "name: Mine" in saved and "name: Theirs" in saved
        await _at(h, 4.0)
        assert h.runtime.reload.reloads == 0                 # its own save: no reload


async def test_a_conflict_whose_edits_are_undone_applies_the_file(small_path: Path) -> None:
    h = _watching(small_path)
    async with h.app.run_test(size=SIZE):
        assert (await _cmd(h, "mode", mode="edit")).ok
        assert (await _cmd(h, "set_field", list="main", cue="1", field="name",
                           value="Mine")).ok
        await _at(h, 1.2)
        _save_in_place(small_path, SMALL.replace("name: Interval", "name: Theirs"))
        await _at(h, 2.0)
        assert h.runtime.state().show_file["conflict"]  # type: ignore[index]
        assert (await _cmd(h, "undo")).ok                  # the edits dropped
        await _at(h, 3.0)
        assert h.runtime.reload.reloads == 1
        assert h.runtime.show.cuelists["main"].cues[3].name == "Theirs"


# ---------------------------------------------------------------- journal


async def test_a_reload_is_journaled_with_the_text_it_applied(small_path: Path) -> None:
    from showctl.live.journal import Journal
    from showctl.live.resume import JournalTap

    h = _watching(small_path)
    jpath = journal_path(small_path)
    tap = JournalTap(Journal(jpath, fresh=True), show_path=str(small_path))
    h.runtime.journal = tap
    async with h.app.run_test(size=SIZE):
        await _at(h, 1.2)
        new = SMALL.replace("name: Interval", "name: Break")
        _save_in_place(small_path, new)
        await _at(h, 2.0)
    reloads = [r for r in iter_lines(jpath) if r.get("cmd") == "reload"]
    assert len(reloads) == 1
    assert reloads[0]["t"] == 2.0 and reloads[0]["args"]["text"] == new


# ---------------------------------------------------------------- the engine process


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_the_headless_engine_process_applies_a_saved_file(tmp_path: Path) -> None:
    show = tmp_path / "small.yaml"
    show.write_text(SMALL, encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "showctl", "run", str(show), "--headless", "--no-runlog",
         "--osc-port", "0", "--no-web", "--fresh", "--api", f"127.0.0.1:{port}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT, env=env)
    try:
        client = None
        deadline = time.monotonic() + 30
        while client is None:
            try:
                client = await connect(f"127.0.0.1:{port}", timeout=2.0)
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the engine never answered"
                time.sleep(0.2)
        try:
            _save_rename_over(show, SMALL.replace("name: Interval", "name: Hot"))
            while True:
                await client.refresh()
                assert client.show is not None
                names = [c.name for c in client.show.cuelists["main"].cues]
                if "Hot" in names:
                    break
                assert time.monotonic() < deadline + 30, "the save never applied"
                time.sleep(0.2)
            state = client.state
            assert state is not None and state.show_file is not None
            assert state.show_file["last"] == "reloaded small.yaml: 1 change"
            # a bad save: refused, with where
            show.write_text(SMALL.replace("time: 5", "time: -5"), encoding="utf-8")
            while True:
                await client.refresh()
                state = client.state
                assert state is not None
                if state.show_file and state.show_file["problems"]:
                    break
                assert time.monotonic() < deadline + 60, "the bad save was not reported"
                time.sleep(0.2)
            assert state.show_file["problems"][0].startswith(f"{show}:")
            assert client.show is not None
            assert "Hot" in [c.name for c in client.show.cuelists["main"].cues]
        finally:
            await client.close()
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "reloaded small.yaml" in out


async def test_a_resumed_engine_replays_the_reload_then_takes_the_file_as_it_is_now(
        tmp_path: Path) -> None:
    """kill -9 after a reload; the file saved again while the engine is down. The resume
    replays the journaled version at its time, then, live, applies the file on disk."""
    show = tmp_path / "small.yaml"
    show.write_text(SMALL, encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def engine(flag: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "showctl", "run", str(show), "--headless", "--no-runlog",
             "--no-osc", "--no-web", flag, "--api", f"127.0.0.1:{port}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, cwd=ROOT, env=env)

    async def attach(proc: subprocess.Popen[str]) -> Any:
        deadline = time.monotonic() + 30
        while True:
            try:
                return await connect(f"127.0.0.1:{port}", timeout=2.0)
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the engine never answered"
                await asyncio.sleep(0.1)

    async def names(client: Any, want: str) -> list[str]:
        deadline = time.monotonic() + 30
        while True:
            await client.refresh()
            got = [c.name for c in client.show.cuelists["main"].cues]
            if want in got or time.monotonic() > deadline:
                return got
            await asyncio.sleep(0.2)

    proc = engine("--fresh")
    try:
        client = await attach(proc)
        _save_rename_over(show, SMALL.replace("name: Interval", "name: Second"))
        assert "Second" in await names(client, "Second")
        await client.close()
        proc.kill()
        proc.wait()
        journal = [r for r in iter_lines(journal_path(show)) if r.get("cmd") == "reload"]
        assert len(journal) == 1 and "name: Second" in journal[0]["args"]["text"]
        _save_rename_over(show, SMALL.replace("name: Interval", "name: Third"))
        proc = engine("--resume")
        client = await attach(proc)
        assert "Third" in await names(client, "Third")
        await client.command("end_show")
        await client.close()
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    records = list(iter_lines(journal_path(show)))
    assert any("resumed" in r for r in records)
    texts = [r["args"]["text"] for r in records if r.get("cmd") == "reload"]
    assert len(texts) == 2 and "name: Third" in texts[1]


def test_run_watches_by_default_and_no_watch_reaches_the_engine_process() -> None:
    from showctl.cli import _engine_args, build_parser

    on = build_parser().parse_args(["run", "show.yaml"])
    off = build_parser().parse_args(["run", "show.yaml", "--no-watch"])
    assert on.no_watch is False and "--no-watch" not in _engine_args(on)
    assert "--no-watch" in _engine_args(off)   # `showctl run` starts the engine with it
