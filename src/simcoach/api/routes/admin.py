"""Admin: create trainer or admin API keys (shown once, stored hashed)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from simcoach.api.deps import PrincipalDep, StateDep
from simcoach.practice.access import mint_key, store_key
from simcoach.practice.views import CleanStr

router = APIRouter(prefix="/admin", tags=["admin"])


class KeyCreate(BaseModel):
    """A new staff key."""

    role: Literal["trainer", "admin"] = "trainer"
    label: CleanStr = Field(min_length=1, max_length=200)


class KeyCreated(BaseModel):
    """The key, shown only in this response."""

    id: str
    role: str
    label: str
    key: str


@router.post("/keys", status_code=201, response_model=KeyCreated)
async def create_key(body: KeyCreate, state: StateDep, principal: PrincipalDep) -> KeyCreated:
    """Mint a trainer or admin key (admin only); only its SHA-256 is stored."""
    principal.require_admin()
    key = mint_key(body.role)
    key_id = await store_key(state.db, role=body.role, key=key, label=body.label)
    return KeyCreated(id=key_id, role=body.role, label=body.label, key=key)
