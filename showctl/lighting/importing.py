"""Importing fixture definitions from other formats into our profile YAML.

:func:`import_fixture` picks the importer by file (``.qxf`` → QLC+, ``.json`` → Open
Fixture Library) and returns the profile YAML text plus warnings: what could not be
carried over (24-bit channels, switching channels …). What the importers build is in
:mod:`showctl.lighting.draft`.
"""

from __future__ import annotations

import os
from pathlib import Path

from showctl.lighting.draft import FixtureImportError, ImportResult
from showctl.model.yamlsource import YamlSyntaxError, read_text

__all__ = ["FixtureImportError", "ImportResult", "import_fixture", "import_fixture_result"]


def import_fixture_result(path: str | os.PathLike[str]) -> ImportResult:
    """Import a QLC+ ``.qxf`` or Open Fixture Library ``.json`` file."""
    p = Path(path)
    try:
        text = read_text(p).removeprefix("\ufeff")
    except OSError as exc:
        raise FixtureImportError(f"{p}: cannot read: {exc.strerror or exc}") from None
    except YamlSyntaxError as exc:  # too big, or not UTF-8: with its position
        raise FixtureImportError(f"{p}:{exc.line}:{exc.col}: {exc.message}") from None
    suffix = p.suffix.casefold()
    head = text.lstrip()[:1]
    if suffix == ".qxf" or (suffix not in (".json",) and head == "<"):
        from showctl.lighting.import_qxf import import_qxf_text

        return import_qxf_text(text, str(p))
    if suffix == ".json" or head == "{":
        from showctl.lighting.import_ofl import import_ofl_text

        return import_ofl_text(text, str(p))
    raise FixtureImportError(
        f"{p}: not a fixture definition we can import (expected a QLC+ .qxf or an "
        "Open Fixture Library .json file)"
    )


def import_fixture(path: str | os.PathLike[str]) -> tuple[str, list[str]]:
    """Import a fixture file; return ``(profile_yaml_text, warnings)``.

    Raises :class:`FixtureImportError` with one clear sentence when the file cannot be
    imported (wrong format, unsupported OFL schema version, unsafe XML …).
    """
    result = import_fixture_result(path)
    return result.yaml_text, result.warnings
