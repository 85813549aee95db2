"""The access matrix: every role against every endpoint and the websocket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from .conftest import ADMIN_KEY, PRACTICE, TRAINER_KEY, auth, start_session

ROLES = ("anonymous", "trainee_own", "trainee_other", "trainer", "admin")


@dataclass(frozen=True)
class Case:
    """One endpoint and the status each role gets."""

    method: str
    path: str
    expect: tuple[int, int, int, int, int]  # in ROLES order
    body: dict[str, Any] | None = None


CASES = {
    "healthz": Case("GET", "/healthz", (200, 200, 200, 200, 200)),
    "content_list": Case("GET", "/api/v1/content/scenarios", (401, 200, 200, 200, 200)),
    "content_item": Case("GET", "/api/v1/content/personas/test-sam", (401, 200, 200, 200, 200)),
    "content_reload": Case("POST", "/api/v1/content/reload", (401, 403, 403, 200, 200)),
    "session_create": Case(
        "POST",
        "/api/v1/sessions",
        (401, 201, 403, 201, 201),
        {"learner": "alice", "scenario": "test-double-charge"},
    ),
    "session_list": Case("GET", "/api/v1/sessions", (401, 200, 200, 200, 200)),
    "session_list_other_learner": Case("GET", "/api/v1/sessions?learner=alice", (401, 200, 403, 200, 200)),
    "session_get": Case("GET", "/api/v1/sessions/{sid}", (401, 200, 403, 200, 200)),
    "transcript": Case("GET", "/api/v1/sessions/{sid}/transcript", (401, 200, 403, 200, 200)),
    "scorecard": Case("GET", "/api/v1/sessions/{sid}/scorecard", (401, 200, 403, 200, 200)),
    "export_json": Case("GET", "/api/v1/sessions/{sid}/export", (401, 200, 403, 200, 200)),
    "export_csv": Case("GET", "/api/v1/sessions/{sid}/export?format=csv", (401, 200, 403, 200, 200)),
    "override": Case(
        "POST",
        "/api/v1/sessions/{sid}/overrides",
        (401, 403, 403, 201, 201),
        {"turn": 1, "criterion_id": "probing", "level": 2, "reason": "asked a fine open question"},
    ),
    "qa_score": Case(
        "POST",
        "/api/v1/qa/score",
        (401, 403, 403, 200, 200),
        {
            "rubric": "empathy-core",
            "messages": [
                {"role": "customer", "text": "I was charged twice!"},
                {"role": "agent", "text": PRACTICE},
            ],
        },
    ),
    "admin_keys": Case(
        "POST", "/api/v1/admin/keys", (401, 403, 403, 403, 201), {"role": "trainer", "label": "t"}
    ),
}


def _world(client: TestClient) -> tuple[str, dict[str, str | None]]:
    """Alice's session with one scored turn, and a key per role (bob's token is 'other')."""
    alice = start_session(client, learner="alice")
    bob = start_session(client, learner="bob")
    sid = alice["session"]["id"]
    with client.websocket_connect(f"/api/v1/sessions/{sid}/ws?token={alice['token']}") as ws:
        ws.receive_json()
        ws.send_json({"type": "agent_message", "client_message_id": "m1", "text": PRACTICE})
        while ws.receive_json()["type"] != "state":
            pass
    keys = {
        "anonymous": None,
        "trainee_own": alice["token"],
        "trainee_other": bob["token"],
        "trainer": TRAINER_KEY,
        "admin": ADMIN_KEY,
    }
    return sid, keys


@pytest.mark.parametrize("name", sorted(CASES))
def test_rest_matrix(client: TestClient, name: str) -> None:
    case = CASES[name]
    sid, keys = _world(client)
    got: dict[str, int] = {}
    for role in ROLES:
        key = keys[role]
        response = client.request(
            case.method, case.path.format(sid=sid), json=case.body, headers=auth(key) if key else {}
        )
        got[role] = response.status_code
        if response.status_code >= 400:
            assert set(response.json()["error"]) == {"code", "message", "field"}
    assert got == dict(zip(ROLES, case.expect, strict=True))


def test_websocket_matrix(client: TestClient) -> None:
    sid, keys = _world(client)
    expect = {"anonymous": 4401, "trainee_own": None, "trainee_other": 4403, "trainer": None, "admin": None}
    for role, close in expect.items():
        key = keys[role]
        with client.websocket_connect(f"/api/v1/sessions/{sid}/ws" + (f"?token={key}" if key else "")) as ws:
            first = ws.receive_json()
            if close is None:
                assert first["type"] == "session", role
                continue
            assert first["type"] == "error", role
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == close, role


def test_trainee_lists_only_own_sessions(client: TestClient) -> None:
    _, keys = _world(client)
    own = client.get("/api/v1/sessions", headers=auth(keys["trainee_own"] or "")).json()
    assert {i["learner"] for i in own["items"]} == {"alice"}
    every = client.get("/api/v1/sessions", headers=auth(TRAINER_KEY)).json()
    assert {i["learner"] for i in every["items"]} == {"alice", "bob"}


def test_keys_are_stored_hashed(client: TestClient) -> None:
    created = client.post("/api/v1/admin/keys", json={"label": "night shift"}, headers=auth(ADMIN_KEY)).json()
    assert client.get("/api/v1/sessions", headers=auth(created["key"])).status_code == 200
    state = client.app.state.simcoach  # type: ignore[attr-defined]

    async def stored() -> list[str]:
        from sqlalchemy import text

        async with state.db.transaction() as s:
            return [r[0] for r in (await s.execute(text("SELECT key_hash FROM credentials"))).all()]

    hashes = client.portal.call(stored)  # type: ignore[union-attr]
    assert created["key"] not in hashes
    assert all(len(h) == 64 for h in hashes)
