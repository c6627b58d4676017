"""The OSC API's dispatch table: from an address's method name (and the shape of the
address after it and of the arguments) to the handler that answers it.

python-osc's ``Dispatcher.map(address, handler)`` is the model: the API says what it
answers as data, one :meth:`Routes.map` line per method, instead of a chain of ifs.
A method name may map to several routes; the first whose conditions hold answers
(``/playheadID`` with no argument is a query, with one it moves the playhead).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from showctl.remote.config import Level

__all__ = ["ANY", "AT_MOST_ONE", "NONE", "ONE", "Route", "Routes"]

H = TypeVar("H", bound=Callable[..., Any])

Condition = Callable[[Sequence[Any]], bool]


def ANY(_: Sequence[Any]) -> bool:
    """Any tail or any arguments."""
    return True


def NONE(items: Sequence[Any]) -> bool:
    """No tail (``/go``, not ``/go/x``), or no arguments."""
    return not items


def ONE(items: Sequence[Any]) -> bool:
    """Exactly one tail part or argument."""
    return len(items) == 1


def AT_MOST_ONE(items: Sequence[Any]) -> bool:
    """No tail part or argument, or one."""
    return len(items) <= 1


@dataclass(frozen=True)
class Route(Generic[H]):
    """One entry: the conditions on the address after the method and on the
    arguments, the access level a client needs, and the handler."""

    handler: H
    tail: Condition = ANY
    args: Condition = ANY
    level: Level | None = None
    """Checked before the handler runs (None = any client may call it)."""


class Routes(Generic[H]):
    """Method name → routes, in the order they were mapped."""

    def __init__(self) -> None:
        self._by_method: dict[str, list[Route[H]]] = {}

    def map(self, methods: str | Iterable[str], handler: H, *, tail: Condition = ANY,
            args: Condition = ANY, level: Level | None = None) -> None:
        """Answer ``methods`` (one name or several) with ``handler`` when ``tail`` holds
        for the address parts after the method and ``args`` for the arguments."""
        names = [methods] if isinstance(methods, str) else list(methods)
        route = Route(handler, tail, args, level)
        for name in names:
            self._by_method.setdefault(name, []).append(route)

    def match(self, method: str, tail: Sequence[str], args: Sequence[Any]) -> Route[H] | None:
        """The first route mapped for ``method`` whose conditions hold, or None."""
        for route in self._by_method.get(method, ()):
            if route.tail(tail) and route.args(args):
                return route
        return None
