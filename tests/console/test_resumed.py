"""The console of a resumed show: the top bar says "resumed after a crash at HH:MM:SS
(down N.N s)" for as long as the run goes on, and the log has the line. The runtime is
resumed by the real resume path (a journal of a crashed run, replayed and taken live);
the console attaches afterwards, as ``showctl run`` does once the show is live."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from showctl.live.journal import Journal, parse
from showctl.live.resume import JournalTap
from tests.console.conftest import SIZE, Harness


class ResumedHarness(Harness):
    def __init__(self, path: Path, journal: Path) -> None:
        super().__init__(path)
        self.tap = JournalTap(Journal(journal, fresh=False),
                              resume=parse(journal.read_bytes()))
        self.runtime.journal = self.tap
        self.line = ""

    async def _connect(self) -> Any:
        await self.runtime.start()
        replay = asyncio.ensure_future(self.tap.replay())  # a GO at 0.5
        await asyncio.sleep(0)
        await self.clock.advance_async(0.5)
        await asyncio.wait_for(replay, 5)
        self.clock.advance(4.0)  # show time 4.5: down since the crash at 3.0
        self.line = self.tap.go_live()
        return await self._connect_only()

    async def _connect_only(self) -> Any:
        from showctl.live.server import ApiServer

        self.server = ApiServer(self.runtime)
        client = self.server.memory_client()
        await client.hello()
        return client


async def test_the_top_bar_and_the_log_say_the_show_was_resumed(small_path: Path,
                                                                tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    started = datetime(2026, 5, 1, 21, 14, 0).timestamp()
    lines = [{"journal": "showctl-journal/1", "started": started, "show": "small.yaml",
              "pid": 1},
             {"t": 0.5, "cmd": "go", "args": {}},
             {"t": 3.0, "beat": 1, "seq": {}}]
    journal.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    h = ResumedHarness(small_path, journal)
    async with h.app.run_test(size=SIZE) as pilot:
        text = await h.settle(pilot)

        assert h.line == "resumed after a crash at 21:14:03 (down 1.5 s)"
        top = next(x for x in text.splitlines() if " SHOW " in x)
        assert "resumed after a crash at 21:14:03 (down 1.5 s)" in top, top
        assert re.search(r"resumed after a crash at 21:14:03 \(down 1\.5 s\)",
                         "\n".join(text.splitlines()[1:])), "not in the log"
        # The GO the journal holds was replayed: the playhead is past the first cue.
        assert h.runtime.engine.lists[h.runtime.show.main_list].playhead is not \
            h.runtime.engine.lists[h.runtime.show.main_list].nav.first()
