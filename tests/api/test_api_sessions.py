"""REST: sessions, transcript, scorecard, overrides, exports, QA scoring, and JSON errors for bad input."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import ADMIN_KEY, PRACTICE, TRAINER_KEY, auth, start_session


def play(client: TestClient, session: dict[str, Any], turns: int, *, end: bool = False) -> None:
    """Play ``turns`` agent turns over the websocket, then optionally end the session."""
    sid = session["session"]["id"]
    with client.websocket_connect(f"/api/v1/sessions/{sid}/ws?token={session['token']}") as ws:
        ws.receive_json()
        for i in range(turns):
            ws.send_json({"type": "agent_message", "client_message_id": f"t{i}", "text": PRACTICE})
            while ws.receive_json()["type"] != "reply":
                pass
        if end:
            ws.send_json({"type": "end"})
            while ws.receive_json()["type"] != "scorecard":
                pass


def test_create_returns_token_ws_url_and_content_versions(client: TestClient) -> None:
    body = start_session(client, mode="assessment")
    sid = body["session"]["id"]
    assert body["websocket_url"] == f"ws://testserver/api/v1/sessions/{sid}/ws"
    assert body["token"].startswith("sct_")
    session = body["session"]
    assert session["mode"] == "assessment"
    assert session["status"] == "active"
    listed = client.get("/api/v1/content/scenarios", headers=auth(TRAINER_KEY)).json()["items"][0]
    assert session["scenario"] == {"id": "test-double-charge", "version": listed["version"]}
    assert session["state"] is not None  # created by a trainer, who sees everything
    trainee_view = client.get(f"/api/v1/sessions/{sid}", headers=auth(body["token"])).json()
    assert trainee_view["state"] is None  # assessment mode: hidden from the trainee until the end


def test_transcript_has_every_turn_with_scores_feedback_state_and_timestamps(client: TestClient) -> None:
    s = start_session(client)
    play(client, s, 2)
    body = client.get(f"/api/v1/sessions/{s['session']['id']}/transcript", headers=auth(s["token"])).json()
    assert body["opening"]["role"] == "customer"
    assert [m["role"] for m in body["messages"]] == ["customer", "agent", "customer", "agent", "customer"]
    times = [m["created_at"] for m in body["messages"]]
    assert times == sorted(times)
    first = body["turns"][0]
    assert first["agent"]["text"] == PRACTICE
    assert first["customer"]["renderer"] == "scripted"
    assert first["customer"]["usage"] == {"prompt_tokens": 0, "completion_tokens": 0}
    scores = first["assessment"]["scores"]
    assert set(scores) == {"probing", "mirroring", "deescalation"}
    assert scores["probing"]["feedback"]["better_line"]
    assert first["state"]["after"]["anger"] >= 0


def test_assessment_mode_hides_scores_from_the_trainee_until_the_end(client: TestClient) -> None:
    s = start_session(client, mode="assessment")
    sid = s["session"]["id"]
    play(client, s, 1)
    trainee = client.get(f"/api/v1/sessions/{sid}/transcript", headers=auth(s["token"])).json()
    assert trainee["turns"][0]["assessment"] is None
    card = client.get(f"/api/v1/sessions/{sid}/scorecard", headers=auth(s["token"]))
    assert (card.status_code, card.json()["error"]["code"]) == (409, "not_available_yet")
    staff = client.get(f"/api/v1/sessions/{sid}/transcript", headers=auth(TRAINER_KEY)).json()
    assert staff["turns"][0]["assessment"] is not None
    play(client, s, 0, end=True)
    after = client.get(f"/api/v1/sessions/{sid}/scorecard", headers=auth(s["token"])).json()
    assert after["final"] is True


def test_override_is_audited_and_changes_the_scorecard(client: TestClient) -> None:
    s = start_session(client)
    sid = s["session"]["id"]
    play(client, s, 1, end=True)
    before = client.get(f"/api/v1/sessions/{sid}/scorecard", headers=auth(TRAINER_KEY)).json()["scorecard"]
    got = client.post(
        f"/api/v1/sessions/{sid}/overrides",
        json={"turn": 1, "criterion_id": "mirroring", "level": 2, "reason": "she named the frustration"},
        headers=auth(TRAINER_KEY),
    )
    assert got.status_code == 201, got.text
    override = got.json()["override"]
    assert override["actor_role"] == "trainer"
    assert override["reason"] == "she named the frustration"
    assert override["original_level"] is not None
    after = client.get(f"/api/v1/sessions/{sid}/scorecard", headers=auth(TRAINER_KEY)).json()["scorecard"]
    mirroring = next(c for c in after["criteria"] if c["criterion_id"] == "mirroring")
    assert mirroring["overridden"] is True
    assert mirroring["mean_level"] == 2
    assert after["overall_percent"] >= before["overall_percent"]
    transcript = client.get(f"/api/v1/sessions/{sid}/transcript", headers=auth(TRAINER_KEY)).json()
    turn = transcript["turns"][0]
    assert turn["overrides"][0]["level"] == 2
    assert turn["assessment"]["scores"]["mirroring"]["level"] == override["original_level"]  # original kept


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"turn": 9, "criterion_id": "probing", "level": 1, "reason": "why not"}, 404, "turn"),
        ({"turn": 1, "criterion_id": "charm", "level": 1, "reason": "why not"}, 422, "criterion_id"),
        ({"turn": 1, "criterion_id": "probing", "level": 7, "reason": "why not"}, 422, "level"),
        ({"turn": 1, "criterion_id": "probing", "level": 1}, 422, "reason"),
    ],
)
def test_bad_overrides_name_the_field(
    client: TestClient, body: dict[str, Any], status: int, field: str
) -> None:
    s = start_session(client)
    play(client, s, 1)
    got = client.post(f"/api/v1/sessions/{s['session']['id']}/overrides", json=body, headers=auth(ADMIN_KEY))
    assert got.status_code == status
    assert got.json()["error"]["field"] == field


def test_list_filters_and_paginates(client: TestClient) -> None:
    for learner in ("alice", "alice", "bob"):
        start_session(client, learner=learner)
    ended = start_session(client, learner="carol")
    play(client, ended, 0, end=True)

    def get(query: str) -> dict[str, Any]:
        body: dict[str, Any] = client.get(f"/api/v1/sessions?{query}", headers=auth(TRAINER_KEY)).json()
        return body

    assert get("learner=alice")["total"] == 2
    assert get("learner=nobody")["total"] == 0
    assert [i["learner"] for i in get("outcome=agent_ended")["items"]] == ["carol"]
    assert get("status=active")["total"] == 3
    assert get("scenario=test-double-charge")["total"] == 4
    assert get("since=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z")["total"] == 4
    assert get("until=2000-01-01T00:00:00Z")["total"] == 0
    page1, page2 = get("limit=3&offset=0"), get("limit=3&offset=3")
    assert (len(page1["items"]), len(page2["items"]), page1["total"]) == (3, 1, 4)
    assert not {i["id"] for i in page1["items"]} & {i["id"] for i in page2["items"]}


def test_exports_json_and_csv(client: TestClient) -> None:
    s = start_session(client)
    sid = s["session"]["id"]
    play(client, s, 2, end=True)
    doc = client.get(f"/api/v1/sessions/{sid}/export", headers=auth(TRAINER_KEY)).json()
    assert doc["scorecard"]["rubric_id"] == "empathy-core"
    assert len(doc["transcript"]["turns"]) == 2
    got = client.get(f"/api/v1/sessions/{sid}/export?format=csv", headers=auth(TRAINER_KEY))
    assert got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert len(rows) == 2 * 3  # two turns, three criteria
    assert {r["criterion_id"] for r in rows} == {"probing", "mirroring", "deescalation"}
    assert all(r["agent_text"] == PRACTICE for r in rows)


def test_qa_scores_an_uploaded_transcript_like_a_live_session(client: TestClient) -> None:
    s = start_session(client)
    sid = s["session"]["id"]
    play(client, s, 1)
    live = client.get(f"/api/v1/sessions/{sid}/transcript", headers=auth(TRAINER_KEY)).json()
    messages = [{"role": m["role"], "text": m["text"]} for m in live["messages"][:2]]
    got = client.post(
        "/api/v1/qa/score", json={"rubric": "empathy-core", "messages": messages}, headers=auth(TRAINER_KEY)
    )
    assert got.status_code == 200, got.text
    qa = got.json()
    live_scores = {k: v["level"] for k, v in live["turns"][0]["assessment"]["scores"].items()}
    assert {k: v["level"] for k, v in qa["turns"][0]["scores"].items()} == live_scores
    assert qa["scorecard"]["rubric_id"] == "empathy-core"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/api/v1/sessions", {"learner": "a", "scenario": "nope"}, 422),
        ("POST", "/api/v1/sessions", {"learner": "", "scenario": "test-double-charge"}, 422),
        ("POST", "/api/v1/sessions", {"learner": "a", "scenario": "test-double-charge", "mode": "x"}, 422),
        ("POST", "/api/v1/sessions", {"learner": "a", "scenario": "test-double-charge", "seed": -1}, 422),
        ("POST", "/api/v1/sessions", {"learner": "a", "scenario": "test-double-charge", "seed": 10**30}, 422),
        ("POST", "/api/v1/sessions", ["not", "an", "object"], 422),
        ("POST", "/api/v1/sessions", None, 422),
        ("GET", "/api/v1/sessions?limit=0", None, 422),
        ("GET", "/api/v1/sessions?limit=abc", None, 422),
        ("GET", "/api/v1/sessions?since=yesterday", None, 422),
        ("GET", "/api/v1/sessions?offset=-1", None, 422),
        ("GET", "/api/v1/sessions/" + "x" * 5000, None, 404),
        ("GET", "/api/v1/sessions/%00", None, 404),
        ("GET", "/api/v1/sessions?learner=a%00b", None, 422),
        ("POST", "/api/v1/sessions", {"learner": "a\u0000b", "scenario": "test-double-charge"}, 422),
        (
            "POST",
            "/api/v1/qa/score",
            {"rubric": "empathy-core", "messages": [{"role": "agent", "text": "\u0000"}]},
            422,
        ),
        ("POST", "/api/v1/qa/score", {"rubric": "nope", "messages": [{"role": "agent", "text": "hi"}]}, 422),
        ("POST", "/api/v1/qa/score", {"rubric": "empathy-core", "messages": []}, 422),
        (
            "POST",
            "/api/v1/qa/score",
            {"rubric": "empathy-core", "messages": [{"role": "customer", "text": "x"}]},
            422,
        ),
        (
            "POST",
            "/api/v1/qa/score",
            {"rubric": "empathy-core", "messages": [{"role": "bot", "text": "x"}]},
            422,
        ),
        ("GET", "/api/v1/nothing-here", None, 404),
        ("DELETE", "/api/v1/sessions", None, 405),
    ],
)
def test_bad_input_gets_a_coded_json_error_never_5xx(
    client: TestClient, method: str, path: str, body: Any, status: int
) -> None:
    got = client.request(method, path, json=body, headers=auth(ADMIN_KEY))
    assert got.status_code == status, got.text
    error = got.json()["error"]
    assert error["code"]
    assert error["message"]


def test_malformed_json_body_is_a_422_with_a_code(client: TestClient) -> None:
    got = client.post(
        "/api/v1/sessions", content=b"{nope", headers={**auth(ADMIN_KEY), "content-type": "application/json"}
    )
    assert got.status_code == 422
    error = got.json()["error"]
    assert error["code"] == "invalid_json"
    assert error["field"] == "body"
    assert "character 1" in error["message"]
