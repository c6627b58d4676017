"""Fixtures of the Companion tests: Node with the module's packages, a showctl process,
the module host (see tests/companion_support.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from companion_support import ModuleHost, Observer, Showctl, node_ready


@pytest.fixture(scope="session")
def node() -> None:
    why = node_ready()
    if why is not None:
        pytest.skip(why)


@pytest.fixture
def showctl(node: None) -> Iterator[Callable[..., Showctl]]:
    """Start ``showctl run shows/demo.yaml --headless`` (extra CLI flags as arguments)."""
    started: list[Showctl] = []

    def start(*extra: str, port: int | None = None) -> Showctl:
        s = Showctl(*extra, port=port).start()
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def module(node: None) -> Iterator[Callable[[], ModuleHost]]:
    """A module host (a fresh Companion connection) per call."""
    hosts: list[ModuleHost] = []

    def make() -> ModuleHost:
        h = ModuleHost()
        hosts.append(h)
        return h

    yield make
    for h in hosts:
        h.close()


@pytest.fixture
def observer() -> Iterator[Callable[..., Observer]]:
    made: list[Observer] = []

    def make(port: int, passcode: str | None = None) -> Observer:
        o = Observer(port, passcode)
        made.append(o)
        return o

    yield make
    for o in made:
        o.close()
