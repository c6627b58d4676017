"""The module's npm packages are the versions its own yarn.lock pins (the vendored module
is not on the npm registry; tests/companion/package-lock.json installs its dependencies)."""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _yarn_versions() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for block in (HERE / "module" / "yarn.lock").read_text().split("\n\n"):
        lines = block.strip().splitlines()
        if not lines or lines[0].startswith("#"):
            continue
        version = re.search(r'^\s+version "([^"]+)"', block, re.M)
        if version is None:
            continue
        for spec in lines[0].rstrip(":").split(", "):
            name = spec.strip('"').rsplit("@", 1)[0]
            out.setdefault(name, set()).add(version.group(1))
    return out


def test_package_lock_follows_the_module_yarn_lock() -> None:
    yarn = _yarn_versions()
    lock = json.loads((HERE / "package-lock.json").read_text())
    module = json.loads((HERE / "module" / "package.json").read_text())
    ours = json.loads((HERE / "package.json").read_text())
    assert set(ours["dependencies"]) == set(module["dependencies"])
    packages = {path: info for path, info in lock["packages"].items() if path}
    assert packages
    for path, info in packages.items():
        name = path.rsplit("node_modules/", 1)[-1]
        assert info["version"] in yarn.get(name, set()), (name, info["version"])
