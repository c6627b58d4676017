"""Rig profiles: which real endpoint each of a show's logical outputs goes to.

A rig file maps output names to a driver and its settings::

    outputs:
      lx:    {driver: artnet, nodes: ["127.0.0.1"]}
      sound: {driver: osc, host: 127.0.0.1, port: 53000}

Outputs the rig does not name go to the capture driver, so a show always runs. Shipped
rigs (``local``, ``sim``, ``venue-example``) are found by name as package data.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from showctl.drivers.base import (
    DmxPayload,
    Driver,
    DriverConfig,
    DriverContext,
    Payload,
    driver_class,
)
from showctl.model.problems import Problem, ShowFileError
from showctl.model.translate import CONFIG, validation_problems
from showctl.model.yamlsource import Located, YamlSyntaxError, load_located, read_text


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


def load_rig(path: str | Path, outputs: Sequence[str] | None = None
             ) -> dict[str, DriverConfig]:
    """Read a rig file into validated driver configs, or raise with every problem.

    ``outputs``: the show's declared outputs; a rig entry for any other name (a typo
    like ``sond:``) is then an error at its line and column. A shipped rig (found by
    name: ``local``, ``sim``…) is a generic profile: its entries for outputs the show
    does not have are left out instead."""
    p = find_rig(str(path))
    shipped = not Path(str(path)).exists()
    name = str(path)
    try:
        located = load_located(read_text(p))
    except OSError as exc:
        raise ShowFileError([Problem(name, 1, 1, f"cannot read: {exc.strerror}")]) from None
    except YamlSyntaxError as exc:
        raise ShowFileError([Problem(name, exc.line, exc.col, exc.message)]) from None
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        raise ShowFileError([Problem(name, 1, 1, "a rig file needs an 'outputs:' mapping")])
    problems: list[Problem] = []
    configs: dict[str, DriverConfig] = {}
    for out, section in data["outputs"].items():
        if outputs is not None and out not in outputs:
            if shipped:
                continue
            hint = f"; the show's outputs: {', '.join(outputs)}" if outputs else ""
            problems.append(Problem(name, *located.where(("outputs", out), key=True),
                                    f"output '{out}' is not declared by the show{hint}"))
            continue
        # One endpoint, or a list of them (the same universes as Art-Net and sACN, say).
        sections = section if isinstance(section, list) else [section]
        found: list[DriverConfig] = []
        for i, sec in enumerate(sections):
            path_key: tuple[str | int, ...] = (
                ("outputs", out, i) if isinstance(section, list) else ("outputs", out))
            cfg = _one_config(name, out, sec, path_key, located, problems)
            if cfg is not None:
                found.append(cfg)
        if len(found) == len(sections):
            configs[out] = found[0] if len(found) == 1 else FanoutConfig(targets=found)
    if problems:
        raise ShowFileError(problems)
    return configs


def _one_config(name: str, out: str, section: Any, path_key: tuple[str | int, ...],
                located: Located, problems: list[Problem]) -> DriverConfig | None:
    if not isinstance(section, dict) or "driver" not in section:
        problems.append(Problem(name, *located.where(path_key),
                                f"output '{out}' needs a 'driver:'"))
        return None
    try:
        cls = driver_class(str(section["driver"]))
    except KeyError as exc:
        problems.append(Problem(name, *located.where((*path_key, "driver")), str(exc.args[0])))
        return None
    try:
        return cls.config_model.model_validate(section)
    except ValidationError as exc:
        problems += validation_problems(exc, located, name, CONFIG, data=section,
                                        base=path_key)
    return None


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
        elif isinstance(cfg, FanoutConfig):
            drivers[out] = FanoutDriver(
                out, cfg, ctx, [driver_class(c.driver)(out, c, ctx) for c in cfg.targets])
            continue
        else:
            cls = driver_class(cfg.driver)
        drivers[out] = cls(out, cfg, ctx)
    return drivers


class FanoutConfig(DriverConfig):
    driver: str = "fanout"
    targets: list[DriverConfig]


class FanoutDriver(Driver):
    """One logical output sent to several endpoints (each keeps its own health)."""

    kind = "fanout"
    config_model = FanoutConfig

    def __init__(self, output: str, config: DriverConfig, ctx: DriverContext,
                 targets: list[Driver]) -> None:
        super().__init__(output, config, ctx)
        self.targets = targets

    async def open(self) -> None:
        for t in self.targets:
            try:
                await t.open()
            except Exception as exc:
                t.fault(f"could not open: {exc}")

    async def close(self) -> None:
        for t in self.targets:
            try:
                await t.close()
            except Exception as exc:
                t.fault(f"could not close cleanly: {exc}")

    def send(self, payload: Payload) -> None:
        # Each endpoint gets what its protocol carries: Art-Net timecode is not for sACN.
        for t in self.targets:
            if isinstance(payload, t.payloads):
                t.send(payload)

    def frame(self, now: float, changed: Sequence[DmxPayload]) -> None:
        for t in self.targets:
            try:
                t.frame(now, changed)
            except Exception as exc:  # one endpoint's bug must not cost the others
                t.fault(f"driver raised {exc!r}")
