"""Layer rules, checked in fresh processes so what one test imported cannot hide another's.

- The core (model, engine, drivers) never imports the UI.
- The console is a client: it reaches the engine only through the native API
  (``showctl.api``); nothing of the engine, the drivers, the live runtime or the session
  is imported by it, directly or through another module.
- The API package itself imports no engine, so a browser page or a tool written against
  it carries no engine either.
"""

import subprocess
import sys

import pytest


def _modules_after(imports: str) -> list[str]:
    code = (
        "import sys\n"
        f"{imports}\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_core_imports_no_textual() -> None:
    mods = _modules_after(
        "import showctl.model.loader, showctl.engine.engine, showctl.session, showctl.replay\n"
        "import showctl.drivers.base, showctl.drivers.capture, showctl.drivers.rig\n"
        "import showctl.live.runtime, showctl.live.server, showctl.headless\n"
        "import pkgutil, importlib, showctl.drivers, showctl.engine, showctl.model\n"
        "for pkg in (showctl.drivers, showctl.engine, showctl.model):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)")
    assert [m for m in mods if m == "textual" or m.startswith("textual.")] == []


ENGINE_SIDE = ("showctl.engine", "showctl.drivers", "showctl.live", "showctl.session",
               "showctl.remote", "showctl.replay", "showctl.headless", "showctl.runlog")


@pytest.mark.parametrize("front_end", ["showctl.console.app", "showctl.api.client"])
def test_front_ends_reach_the_engine_only_through_the_api(front_end: str) -> None:
    mods = _modules_after(f"import {front_end}")
    bad = [m for m in mods if m.startswith(ENGINE_SIDE)]
    assert bad == [], f"{front_end} pulls in engine-side modules: {bad}"
    assert front_end in mods


def test_no_import_circles_and_nothing_reaches_up() -> None:
    """The house's layer rules (shared/design/architecture.md), checked by the shared
    tool on every run: clocks at the bottom, drivers below the engine, the engine below
    the front ends, front ends through the API; and no module circles."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    tool = root.parent / "shared" / "tools" / "layers.py"
    if not tool.exists():
        pytest.skip("../shared/tools/layers.py is not beside this checkout")
    r = subprocess.run([sys.executable, str(tool), str(root)], capture_output=True, text=True)
    assert r.returncode == 0 and " 0 circles, 0 imports reaching up" in r.stdout, r.stdout


def test_python_osc_is_test_only() -> None:
    """docs/decisions/0003: our OSC codec is the runtime's; python-osc is a second opinion
    the tests and benchmarks check our bytes against, so no module of showctl imports it
    and it is not a runtime dependency."""
    import ast
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    importers = []
    for path in sorted((root / "showctl").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "pythonosc" or n.startswith("pythonosc.") for n in names):
                importers.append(f"{path.relative_to(root)}:{node.lineno}")
    assert importers == []
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert not [d for d in project["dependencies"] if d.startswith("python-osc")]
    assert [d for d in project["optional-dependencies"]["test"] if d.startswith("python-osc")]
