"""Fixtures of the remote-control tests (helpers: showctl.remote.testing)."""

from __future__ import annotations

import pytest

from showctl.remote.testing import EXAMPLE_SHOW


@pytest.fixture
def show_text() -> str:
    return EXAMPLE_SHOW
