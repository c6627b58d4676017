"""Fixtures of the remote-control tests (helpers: tests/remote_support.py)."""

from __future__ import annotations

import pytest
from remote_support import EXAMPLE_SHOW


@pytest.fixture
def show_text() -> str:
    return EXAMPLE_SHOW
