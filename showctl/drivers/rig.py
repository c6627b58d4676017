"""Rig profiles: which real endpoint each of a show's logical outputs goes to.

A rig file maps output names to a driver and its settings::

    outputs:
      lx:    {driver: artnet, nodes: ["127.0.0.1"]}
      sound: {driver: osc, host: 127.0.0.1, port: 53000}

Outputs the rig does not name go to the capture driver, so a show always runs. Shipped
rigs (``local``, ``sim``, ``venue-example``) are found by name as package data.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from showctl.drivers.base import Driver, DriverConfig, DriverContext, driver_class
from showctl.model.problems import Problem, ShowFileError
from showctl.model.yamlsource import YamlSyntaxError, load_located


def find_rig(name_or_path: str) -> Path:
    """A path as given, or a shipped rig by name (``local`` → drivers/local.yaml)."""
    p = Path(name_or_path)
    if p.exists():
        return p
    shipped = resources.files("showctl") / "data" / "drivers" / f"{p.stem}.yaml"
    if shipped.is_file():
        return Path(str(shipped))
    raise ShowFileError([Problem(name_or_path, 1, 1, "no such rig file (and no shipped rig "
                                 "of that name: try local, sim or venue-example)")])


def load_rig(path: str | Path) -> dict[str, DriverConfig]:
    """Read a rig file into validated driver configs, or raise with every problem."""
    p = find_rig(str(path))
    name = str(path)
    try:
        located = load_located(p.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        raise ShowFileError([Problem(name, exc.line, exc.col, exc.message)]) from None
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        raise ShowFileError([Problem(name, 1, 1, "a rig file needs an 'outputs:' mapping")])
    problems: list[Problem] = []
    configs: dict[str, DriverConfig] = {}
    for out, section in data["outputs"].items():
        path_key: tuple[str | int, ...] = ("outputs", out)
        if not isinstance(section, dict) or "driver" not in section:
            problems.append(Problem(name, *located.where(path_key),
                                    f"output '{out}' needs a 'driver:'"))
            continue
        try:
            cls = driver_class(str(section["driver"]))
        except KeyError as exc:
            problems.append(Problem(name, *located.where((*path_key, "driver")), str(exc.args[0])))
            continue
        try:
            configs[out] = cls.config_model.model_validate(section)
        except ValidationError as exc:
            for err in exc.errors():
                loc = (*path_key, *[x for x in err["loc"] if isinstance(x, str | int)])
                on_key = err["type"] == "extra_forbidden"
                msg = (f"unknown key '{err['loc'][-1]}'" if on_key
                       else err["msg"].removeprefix("Value error, "))
                problems.append(Problem(name, *located.where(loc, key=on_key), msg))
    if problems:
        raise ShowFileError(problems)
    return configs


def build_drivers(
    outputs: list[str], rig: dict[str, DriverConfig] | None, ctx: DriverContext
) -> dict[str, Driver]:
    """One driver per logical output: from the rig where it says, else capture."""
    drivers: dict[str, Driver] = {}
    for out in outputs:
        cfg: Any = (rig or {}).get(out)
        if cfg is None:
            cls = driver_class("capture")
            cfg = cls.config_model.model_validate({"driver": "capture"})
        else:
            cls = driver_class(cfg.driver)
        drivers[out] = cls(out, cfg, ctx)
    return drivers
