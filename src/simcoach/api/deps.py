"""Dependency aliases: the app state and the calling principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from simcoach.api.state import AppState
from simcoach.practice.access import Principal, authenticate

bearer = HTTPBearer(auto_error=False, description="A trainer/admin API key or a trainee session token.")


def get_state(request: Request) -> AppState:
    """The process's AppState."""
    state: AppState = request.app.state.simcoach
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_principal(
    state: StateDep, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """Authenticate the bearer key; 401 with a JSON error if missing or unknown."""
    return await authenticate(state.db, creds.credentials if creds else None)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
