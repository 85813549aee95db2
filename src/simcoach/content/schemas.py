"""JSON Schemas of the content files, for editors (yaml-language-server) to autocomplete and flag errors."""

from __future__ import annotations

import json

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


def schema_for(kind: str) -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of one content kind."""
    body = _MODELS[kind].model_json_schema(mode="validation")
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
