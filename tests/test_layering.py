"""The house's layer rules, each an explicit test with its reason.

Two kinds of check:

- **Import rules** (:data:`RULES`), read from the source with ``ast`` (every import,
  module-level or inside a function; ``if TYPE_CHECKING:`` imports are for the type
  checker only and never run): which package may import what. Bottom to top: clocks and
  the wire-format codecs (``showctl.protocols``); the model and the fixture library;
  drivers; the engine; the live runtime, the API and the remote inputs; the front ends.
- **Fresh-process checks**: what importing a module really loads, so a rule cannot be
  dodged through a third module: the core never loads the UI, and the console and the
  API client load nothing of the engine side.

The shared ``layers.py`` tool (last test) checks the same pairs and import circles.
"""

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """The showctl modules one source file imports (when it runs; TYPE_CHECKING aside)."""
    tree = ast.parse(path.read_text(), str(path))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for n in ast.walk(node))
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.update(f"{mod}.{a.name}" for a in node.names)
            out.add(mod)
    return {m for m in out if m == "showctl" or m.startswith("showctl.")}


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted((ROOT / "showctl").rglob("*.py"))}


def _in(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


@dataclass(frozen=True)
class Rule:
    name: str
    importers: tuple[str, ...]
    """The packages (or modules) the rule is about."""
    forbidden: tuple[str, ...] = ()
    """What they must not import."""
    only: tuple[str, ...] | None = None
    """When set: everything of showctl they import must be in here."""
    reason: str = ""

    def breaches(self, graph: dict[str, set[str]]) -> list[str]:
        out = []
        for mod, targets in graph.items():
            if not _in(mod, self.importers):
                continue
            for t in sorted(targets):
                if t == "showctl":
                    continue
                if _in(t, self.forbidden) or (self.only is not None and not _in(t, self.only)):
                    out.append(f"{mod} imports {t}")
        return out


FRONT_ENDS = ("showctl.console", "showctl.web", "showctl.cli")
ENGINE_SIDE_PACKAGES = ("showctl.engine", "showctl.drivers", "showctl.session",
                        "showctl.remote", "showctl.replay", "showctl.headless",
                        "showctl.runlog", "showctl.sim", "showctl.monitor")

RULES = [
    Rule("clocks at the bottom", ("showctl.clocks",), only=("showctl.clocks",),
         reason="time is what every layer reads (the engine, drivers, inputs, tests on the "
                "virtual clock); a clock that imported any of them would tie them in a circle"),
    Rule("codecs at the bottom", ("showctl.protocols",),
         only=("showctl.protocols", "showctl.clocks"),
         reason="the wire formats are pure encode/decode shared by outputs (drivers) and "
                "inputs (the OSC API, MIDI/MSC triggers, timecode chase, the simulator, the "
                "monitors): they must not drag in a transport, the engine or a front end "
                "(docs/decisions/0009-codecs-in-a-package-at-the-bottom.md)"),
    Rule("the model knows no engine", ("showctl.model",),
         forbidden=("showctl.engine", "showctl.drivers", "showctl.live", "showctl.remote",
                    "showctl.api", "showctl.session", *FRONT_ENDS),
         reason="a show file is loaded, checked, diffed and edited without running it "
                "(showctl check, diff, the console's edit mode), so the model is data only"),
    Rule("the fixture library knows no engine", ("showctl.lighting",),
         forbidden=("showctl.engine", "showctl.drivers", "showctl.live", "showctl.remote",
                    "showctl.api", *FRONT_ENDS),
         reason="profiles, the patch and values are used offline (fixture import, check)"),
    Rule("drivers below the engine", ("showctl.drivers",),
         forbidden=("showctl.engine", "showctl.live", "showctl.api", "showctl.remote",
                    "showctl.session", *FRONT_ENDS),
         reason="a driver is a transport the engine calls (docs/drivers.md); third-party "
                "drivers are written against drivers.base alone"),
    Rule("the engine knows no front end", ("showctl.engine",),
         forbidden=("showctl.live", "showctl.api", "showctl.remote", "showctl.headless",
                    "showctl.session", *FRONT_ENDS),
         reason="the engine runs headless, in replay and under tests on the virtual clock; "
                "front ends come and go (a console may crash or reconnect) and the show "
                "runs on"),
    Rule("the API carries no engine", ("showctl.api",),
         forbidden=(*ENGINE_SIDE_PACKAGES, "showctl.live", *FRONT_ENDS),
         reason="showctl.api is the native protocol, its views and a client: a console, "
                "a browser page or a script written against it carries no engine"),
    Rule("the console talks to the engine through the API", ("showctl.console",),
         forbidden=(*ENGINE_SIDE_PACKAGES, "showctl.live", "showctl.web"),
         reason="the console is a client of a running engine (possibly in another process "
                "or on another machine): everything it shows and does goes through "
                "showctl.api"),
    Rule("the page server reaches the engine through the API server", ("showctl.web",),
         forbidden=(*ENGINE_SIDE_PACKAGES, "showctl.console"),
         reason="the browser page is a client of the native API (its WebSocket); the page "
                "server only serves files beside the API server"),
]


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_layer_rule(rule: Rule) -> None:
    graph = _graph()
    assert any(_in(m, rule.importers) for m in graph), (
        f"no module under {rule.importers}: the rule checks nothing")
    assert rule.breaches(graph) == [], rule.reason


def test_the_rules_see_imports_inside_functions() -> None:
    """The graph is not blind to the imports most likely to reach up: those inside
    functions (how circles used to hide)."""
    graph = _graph()
    assert "showctl.engine.lighting" in graph["showctl.engine.patching"]  # in register_patch


def test_the_page_speaks_only_the_native_api() -> None:
    """The browser page's script opens one connection, the API's WebSocket, and fetches
    nothing else: what it shows and does goes through the native API."""
    js = (ROOT / "showctl" / "web" / "static" / "app.js").read_text()
    assert js.count("new WebSocket(") == 1 and "/api`" in js
    for other in ("fetch(", "XMLHttpRequest", "EventSource", "sendBeacon"):
        assert other not in js


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


def test_the_codecs_touch_no_socket_file_or_clock() -> None:
    """'Pure' is checkable: no module of showctl.protocols imports a socket, asyncio, a
    thread or a file API (encode and decode are bytes in, bytes out)."""
    io = {"socket", "asyncio", "selectors", "threading", "os", "tempfile", "pathlib", "time"}
    found = []
    for path in sorted((ROOT / "showctl" / "protocols").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in io]
    assert found == []
