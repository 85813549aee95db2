"""Credentials and who may see what: trainee tokens reach their own sessions; trainers and admins, all."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

from simcoach.practice.errors import Forbidden, Unauthorized
from simcoach.store import repository as repo
from simcoach.store.db import Database

Role = Literal["trainee", "trainer", "admin"]
ROLES: tuple[Role, ...] = ("trainee", "trainer", "admin")
PREFIX: dict[Role, str] = {"trainee": "sct_", "trainer": "sck_", "admin": "sca_"}


def hash_key(key: str) -> str:
    """SHA-256 of a key; the keys are 256-bit random, so a fast unsalted hash is safe to store."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def mint_key(role: Role) -> str:
    """A new random key, prefixed by role so a leaked one is recognisable."""
    return PREFIX[role] + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Principal:
    """Who is calling."""

    role: Role
    credential_id: str
    label: str
    learner_id: str | None = None

    @property
    def is_staff(self) -> bool:
        """Trainer or admin: reaches every session."""
        return self.role in ("trainer", "admin")

    def require_staff(self) -> None:
        """Raise Forbidden unless trainer or admin."""
        if not self.is_staff:
            raise Forbidden("this needs a trainer or admin API key")

    def require_admin(self) -> None:
        """Raise Forbidden unless admin."""
        if self.role != "admin":
            raise Forbidden("this needs an admin API key")

    def may_see_learner(self, learner_id: str) -> bool:
        """Staff see everyone; a trainee only themselves."""
        return self.is_staff or self.learner_id == learner_id


async def authenticate(db: Database, key: str | None) -> Principal:
    """The principal for a presented key; Unauthorized if missing, unknown or revoked."""
    if not key:
        raise Unauthorized("send 'Authorization: Bearer <key or token>'")
    async with db.transaction() as s:
        cred = await repo.credential_by_hash(s, hash_key(key))
    if cred is None or cred.role not in ROLES:
        raise Unauthorized("unknown or revoked key")
    role: Role = next(r for r in ROLES if r == cred.role)
    return Principal(role=role, credential_id=cred.id, label=cred.label, learner_id=cred.learner_id)


async def store_key(db: Database, *, role: Role, key: str, label: str, learner_id: str | None = None) -> str:
    """Store a key's hash (idempotent for a known key); returns the credential id."""
    async with db.transaction() as s:
        cred = await repo.add_credential(
            s, role=role, key_hash=hash_key(key), learner_id=learner_id, label=label
        )
        return cred.id


async def bootstrap(db: Database, *, admin_key: str | None, trainer_key: str | None) -> str | None:
    """Store configured keys; with no admin at all, mint one and return it so it can be shown once."""
    if admin_key:
        await store_key(db, role="admin", key=admin_key, label="bootstrap admin (SIMCOACH_ADMIN_API_KEY)")
    if trainer_key:
        await store_key(
            db, role="trainer", key=trainer_key, label="bootstrap trainer (SIMCOACH_TRAINER_API_KEY)"
        )
    async with db.transaction() as s:
        admins = await repo.count_credentials(s, "admin")
    if admins:
        return None
    key = mint_key("admin")
    await store_key(db, role="admin", key=key, label="generated on first start")
    return key
