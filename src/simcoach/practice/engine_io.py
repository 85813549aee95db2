"""Building engines from stored sessions, the scorer and renderer, and scorecards with overrides."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from simcoach.content.library import Versioned
from simcoach.content.persona import Persona
from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.scoring.backend import TurnScorer
from simcoach.scoring.models import Scorecard, TurnAssessment
from simcoach.settings import Settings
from simcoach.sim.engine import PracticeSession
from simcoach.sim.models import Renderer, SessionSnapshot
from simcoach.store.tables import OverrideRecord, SessionRecord

log = logging.getLogger("simcoach.practice")
ModelT = TypeVar("ModelT", bound=BaseModel)

# Content versions are hashes of the content, so one validated model per (kind, id, version) can be
# shared by every session that ran it: this is a content cache, not session state.
_CACHE: OrderedDict[tuple[str, str, str], Versioned[Any]] = OrderedDict()
_CACHE_SIZE = 256


def _versioned(
    model: type[ModelT], kind: str, item_id: str, version: str, data: dict[str, Any]
) -> Versioned[ModelT]:
    key = (kind, item_id, version)
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    item = model.model_validate(data)
    made: Versioned[ModelT] = Versioned(item=item, version=version, source=Path(f"session:{kind}/{item_id}"))
    _CACHE[key] = made
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return made


Content = tuple[Versioned[Scenario], Versioned[Persona], Versioned[Rubric]]


class HasContentKey(Protocol):
    """Anything naming a session's content ids and versions (a record or a session head)."""

    @property
    def scenario_id(self) -> str: ...
    @property
    def scenario_version(self) -> str: ...
    @property
    def persona_id(self) -> str: ...
    @property
    def persona_version(self) -> str: ...
    @property
    def rubric_id(self) -> str: ...
    @property
    def rubric_version(self) -> str: ...


def cached_content(key: HasContentKey) -> Content | None:
    """The session's content if every item is already validated in this process."""
    found = (
        _CACHE.get(("scenario", key.scenario_id, key.scenario_version)),
        _CACHE.get(("persona", key.persona_id, key.persona_version)),
        _CACHE.get(("rubric", key.rubric_id, key.rubric_version)),
    )
    if any(f is None for f in found):
        return None
    return found  # type: ignore[return-value]


def content_from(key: HasContentKey, data: dict[str, Any]) -> Content:
    """The exact content a session started with, re-validated from its stored JSON (then cached)."""
    return (
        _versioned(Scenario, "scenario", key.scenario_id, key.scenario_version, data["scenario_json"]),
        _versioned(Persona, "persona", key.persona_id, key.persona_version, data["persona_json"]),
        _versioned(Rubric, "rubric", key.rubric_id, key.rubric_version, data["rubric_json"]),
    )


def stored_content(rec: SessionRecord) -> Content:
    """The content of a fully loaded session record."""
    return cached_content(rec) or content_from(
        rec,
        {
            "scenario_json": rec.scenario_json,
            "persona_json": rec.persona_json,
            "rubric_json": rec.rubric_json,
        },
    )


class Backends:
    """The scorer and renderer this process uses (LLM when configured, offline/scripted otherwise)."""

    def __init__(self, settings: Settings) -> None:
        self.scorer = _scorer(settings)
        self.renderer = _renderer(settings)

    @property
    def immediate(self) -> bool:
        """Whether a reply and its scores are worked out locally, at once (scripted customer, offline scorer).

        Then a whole turn can be one transaction: nothing is worth acknowledging before the reply is ready.
        """
        return self.renderer is None and self.scorer.name.startswith("offline/")


def _scorer(settings: Settings) -> TurnScorer:
    try:
        from simcoach.llm.factory import scorer_from_settings

        return scorer_from_settings(settings)
    except ImportError:
        from simcoach.scoring.offline import OfflineScorer

        return OfflineScorer()


def _renderer(settings: Settings) -> Renderer | None:
    try:
        from simcoach.llm.factory import renderer_from_settings

        return renderer_from_settings(settings)
    except ImportError:
        log.warning("LLM renderer unavailable; using the scripted customer")
        return None


def restore(content: Content, snapshot: dict[str, Any] | str, scorer: TurnScorer) -> PracticeSession:
    """The engine as of a stored snapshot (data or JSON text), with the session's own content."""
    scenario, persona, rubric = content
    if isinstance(snapshot, str):
        snap = SessionSnapshot.model_validate_json(snapshot)
    else:
        snap = SessionSnapshot.model_validate(snapshot)
    return PracticeSession.restore(snap, scenario=scenario, persona=persona, rubric=rubric, scorer=scorer)


def override_map(turns: Sequence[int], overrides: Sequence[OverrideRecord]) -> dict[tuple[int, str], int]:
    """Overrides keyed by (position in the assessments list, criterion); the latest per key wins."""
    position = {turn: i for i, turn in enumerate(turns)}
    out: dict[tuple[int, str], int] = {}
    for o in overrides:
        if o.turn is not None and o.turn in position:
            out[(position[o.turn], o.criterion_id)] = o.level
    return out


def scorecard(
    content: Content,
    assessments: Sequence[TurnAssessment],
    turns: Sequence[int],
    overrides: Sequence[OverrideRecord] = (),
) -> Scorecard:
    """The session scorecard from the stored assessments, with trainer overrides applied."""
    from simcoach.scoring.scorecard import build_scorecard

    scenario, _, rubric = content
    return build_scorecard(
        rubric=rubric.item,
        rubric_version=rubric.version,
        assessments=assessments,
        scenario=scenario.item,
        overrides=override_map(turns, overrides),
    )
