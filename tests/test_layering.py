"""The core (model, engine, drivers) never imports the UI: checked in a fresh process."""

import subprocess
import sys


def test_core_imports_no_textual() -> None:
    code = (
        "import sys\n"
        "import showctl.model.loader, showctl.engine.engine, showctl.session, showctl.replay\n"
        "import showctl.drivers.base, showctl.drivers.capture, showctl.drivers.rig\n"
        "import pkgutil, importlib, showctl.drivers, showctl.engine, showctl.model\n"
        "for pkg in (showctl.drivers, showctl.engine, showctl.model):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
