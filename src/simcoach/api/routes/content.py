"""Read-only content API: personas, scenarios and rubrics with their versions; reload for staff."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel

from simcoach.api.deps import PrincipalDep, StateDep
from simcoach.content.errors import ContentError
from simcoach.content.library import Versioned
from simcoach.practice.errors import NotFound

router = APIRouter(prefix="/content", tags=["content"])
Kind = Literal["personas", "scenarios", "rubrics"]


class ContentItemRead(BaseModel):
    """One content item in a listing."""

    id: str
    version: str
    title: str
    detail: dict[str, str] = {}


class ContentList(BaseModel):
    """Every item of one kind."""

    kind: Kind
    items: list[ContentItemRead]


class ContentItemDetail(ContentItemRead):
    """One item with its full authored content."""

    content: dict[str, Any]


class ReloadRead(BaseModel):
    """What a reload did; on errors the previous content keeps serving."""

    ok: bool
    counts: dict[str, int]
    errors: list[ContentError]


def _summary(kind: Kind, v: Versioned[Any]) -> ContentItemRead:
    item = v.item
    if kind == "personas":
        return ContentItemRead(
            id=item.id, version=v.version, title=item.display_name, detail={"archetype": str(item.archetype)}
        )
    if kind == "scenarios":
        detail = {"persona": item.persona, "rubric": item.rubric, "difficulty": str(item.difficulty)}
        return ContentItemRead(id=item.id, version=v.version, title=item.title, detail=detail)
    return ContentItemRead(
        id=item.id, version=v.version, title=item.title, detail={"authored_version": item.version}
    )


def _items(state: StateDep, kind: Kind) -> dict[str, Versioned[Any]]:
    lib = state.content.library
    if kind == "personas":
        return dict(lib.personas)
    if kind == "scenarios":
        return dict(lib.scenarios)
    return dict(lib.rubrics)


@router.get("/{kind}", response_model=ContentList)
async def list_content(kind: Kind, state: StateDep, _: PrincipalDep) -> ContentList:
    """List every persona, scenario or rubric with its content version."""
    items = _items(state, kind)
    return ContentList(kind=kind, items=[_summary(kind, items[k]) for k in sorted(items)])


@router.get("/{kind}/{item_id}", response_model=ContentItemDetail)
async def get_content(kind: Kind, item_id: str, state: StateDep, _: PrincipalDep) -> ContentItemDetail:
    """One item in full."""
    found = _items(state, kind).get(item_id)
    if found is None:
        raise NotFound(f"no {kind[:-1]} '{item_id}'", field="item_id")
    summary = _summary(kind, found)
    return ContentItemDetail(**summary.model_dump(), content=found.item.model_dump(mode="json"))


@router.post("/reload", response_model=ReloadRead)
async def reload_content(state: StateDep, principal: PrincipalDep) -> ReloadRead:
    """Reload the content folder; if the new files are broken the last good content keeps serving."""
    principal.require_staff()
    result = state.content.reload()
    return ReloadRead(ok=result.ok, counts=result.counts, errors=result.errors)
