"""The page's tests reuse the console's small show."""

from tests.console.conftest import small_path

__all__ = ["small_path"]
