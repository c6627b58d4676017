"""The JSON Schema of the show file, for editors' YAML extensions."""

from __future__ import annotations

from typing import Any

from showctl.model.show import Show


def show_schema() -> dict[str, Any]:
    schema = Show.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "showctl show file"
    return schema
