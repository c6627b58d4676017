"""Live-runtime tests reuse the console's small show and helpers."""

from tests.console.conftest import demo_path, small_path

__all__ = ["demo_path", "small_path"]
