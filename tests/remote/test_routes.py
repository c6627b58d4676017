"""The OSC API's dispatch table: a method maps to routes tried in order; the first whose
conditions on the address tail and the arguments hold answers, with its access level."""

from __future__ import annotations

from collections.abc import Callable

from showctl.remote.api import ROUTES, QLabApi
from showctl.remote.config import Level
from showctl.remote.routes import AT_MOST_ONE, NONE, ONE, Routes


def test_first_matching_route_answers() -> None:
    routes: Routes[Callable[[], str]] = Routes()
    routes.map("playheadID", lambda: "query", tail=NONE, args=NONE, level=Level.VIEW)
    routes.map("playheadID", lambda: "move", tail=AT_MOST_ONE, level=Level.CONTROL)
    routes.map(("select", "select_id"), lambda: "select", tail=ONE)
    query = routes.match("playheadID", [], [])
    move = routes.match("playheadID", ["ABC"], [])
    move_by_arg = routes.match("playheadID", [], ["ABC"])
    assert query is not None and query.handler() == "query" and query.level is Level.VIEW
    assert move is not None and move.handler() == "move" and move.level is Level.CONTROL
    assert move_by_arg is not None and move_by_arg.handler() == "move"
    assert routes.match("playheadID", ["a", "b"], []) is None  # no route takes two parts
    sel = routes.match("select_id", ["X"], [])
    assert sel is not None and sel.handler() == "select" and sel.level is None
    assert routes.match("select", [], []) is None and routes.match("nope", [], []) is None


def test_the_api_table_checks_access_as_qlab_does() -> None:
    """Queries need view access, show actions control; session methods and the cue
    methods (which check per action) need none at the table."""
    def level(method: str, tail: list[str] | None = None, args: tuple[object, ...] = ()
              ) -> Level | None:
        route = ROUTES.match(method, tail or [], args)
        assert route is not None, method
        return route.level

    assert level("connect") is None and level("version") is None
    assert level("cue", ["1", "go"]) is None
    assert level("cueLists") is Level.VIEW and level("playheadID") is Level.VIEW
    assert level("go") is Level.CONTROL and level("playheadID", ["X"]) is Level.CONTROL
    assert level("grandmaster", args=(0.5,)) is Level.CONTROL
    assert ROUTES.match("grandmaster", [], ()) is None  # needs its one argument
    assert ROUTES.match("go", ["extra"], ()) is None  # an unknown method: denied or error
    route = ROUTES.match("thump", [], ())
    assert route is not None and route.handler is QLabApi._on_thump
