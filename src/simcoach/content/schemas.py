"""JSON Schemas of the content files, for editors (yaml-language-server) to autocomplete and flag errors."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from simcoach.content.persona import Persona
from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario

SCHEMA_FILES: dict[str, str] = {
    "persona": "persona.schema.json",
    "scenario": "scenario.schema.json",
    "rubric": "rubric.schema.json",
}
"""File name of each kind's schema; content files point at ``../schemas/<name>``."""

_MODELS: dict[str, type[BaseModel]] = {"persona": Persona, "scenario": Scenario, "rubric": Rubric}


def _spell_out_enum_keys(node: Any, defs: dict[str, Any]) -> None:
    """Turn "keys from enum E" into explicit optional properties, so editors can complete the keys.

    Pydantic writes ``dict[Intent, …]`` as ``propertyNames: {$ref: Intent}``, which editors check but
    cannot offer as completions; listing each allowed key as a property gives both.
    """
    if isinstance(node, list):
        for item in node:
            _spell_out_enum_keys(item, defs)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _spell_out_enum_keys(value, defs)
    ref = node.get("propertyNames", {}).get("$ref", "") if isinstance(node.get("propertyNames"), dict) else ""
    enum = defs.get(ref.removeprefix("#/$defs/"), {}).get("enum") if ref else None
    if enum and isinstance(node.get("additionalProperties"), dict):
        value_schema = node.pop("additionalProperties")
        node["properties"] = dict.fromkeys(enum, value_schema)
        node["additionalProperties"] = False


def schema_for(kind: str) -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of one content kind."""
    body = _MODELS[kind].model_json_schema(mode="validation")
    _spell_out_enum_keys(body, body.get("$defs", {}))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://simcoach.invalid/schemas/{SCHEMA_FILES[kind]}",
        **body,
    }


def render_schemas() -> dict[str, str]:
    """Every schema file's exact text, keyed by file name (stable, so the committed copies can be checked)."""
    return {
        SCHEMA_FILES[kind]: json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"
        for kind in _MODELS
    }
