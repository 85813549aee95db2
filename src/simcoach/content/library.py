"""A loaded, cross-checked set of personas, scenarios and rubrics, each with its content version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from simcoach.content.persona import Persona
from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario

ItemT = TypeVar("ItemT", bound=BaseModel)


def content_version(item: BaseModel) -> str:
    """A short stable hash of the item's normalised content (key order and formatting ignored)."""
    canonical = json.dumps(item.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Versioned(Generic[ItemT]):
    """An item with the version of its content and the file it came from."""

    item: ItemT
    version: str
    source: Path


@dataclass(frozen=True)
class ContentLibrary:
    """Everything a session can run with, keyed by id."""

    personas: Mapping[str, Versioned[Persona]] = field(default_factory=dict)
    scenarios: Mapping[str, Versioned[Scenario]] = field(default_factory=dict)
    rubrics: Mapping[str, Versioned[Rubric]] = field(default_factory=dict)

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario with this id; KeyError naming the known ids if absent."""
        try:
            return self.scenarios[scenario_id].item
        except KeyError:
            raise KeyError(_unknown("scenario", scenario_id, self.scenarios)) from None

    def persona(self, persona_id: str) -> Persona:
        """The persona with this id; KeyError naming the known ids if absent."""
        try:
            return self.personas[persona_id].item
        except KeyError:
            raise KeyError(_unknown("persona", persona_id, self.personas)) from None

    def rubric(self, rubric_id: str) -> Rubric:
        """The rubric with this id; KeyError naming the known ids if absent."""
        try:
            return self.rubrics[rubric_id].item
        except KeyError:
            raise KeyError(_unknown("rubric", rubric_id, self.rubrics)) from None


def _unknown(kind: str, wanted: str, known: Mapping[str, object]) -> str:
    return f"no {kind} '{wanted}'; known: {', '.join(sorted(known)) or '(none)'}"
