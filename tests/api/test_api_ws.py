"""The websocket protocol in process: a full session, idempotent resends, the in-flight rule, bad frames."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from simcoach.api.protocol import SERVER_ADAPTER

from .conftest import ADMIN_KEY, PRACTICE, GateRenderer, auth, start_session


def until(ws: WebSocketTestSession, kind: str) -> list[dict[str, Any]]:
    """Frames up to and including the first of ``kind`` (each checked against the protocol union)."""
    frames: list[dict[str, Any]] = []
    while True:
        frame: dict[str, Any] = ws.receive_json()
        SERVER_ADAPTER.validate_python(frame)
        frames.append(frame)
        if frame["type"] == kind:
            return frames


def say(ws: WebSocketTestSession, cmid: str, text: str = PRACTICE) -> None:
    """Send an agent message."""
    ws.send_json({"type": "agent_message", "client_message_id": cmid, "text": text})


def test_scripted_customer_sends_its_whole_line_as_one_delta(client: TestClient) -> None:
    """The scripted customer has its line at once: one reply_delta frame per turn, not one per few words."""
    s = start_session(client)
    with client.websocket_connect(f"/api/v1/sessions/{s['session']['id']}/ws?token={s['token']}") as ws:
        ws.receive_json()
        for i in range(2):
            say(ws, f"m{i}")
            frames = until(ws, "state")
            deltas = [f for f in frames if f["type"] == "reply_delta"]
            reply = next(f for f in frames if f["type"] == "reply")
            assert len(deltas) == 1
            assert deltas[0]["text"] == reply["text"]
            assert len(reply["text"].split()) > 4  # longer than one piece of the engine's stream
            assert deltas[0]["reset"] is False


def test_full_coach_session_streams_reply_then_assessment_and_state(client: TestClient) -> None:
    s = start_session(client)
    with client.websocket_connect(f"/api/v1/sessions/{s['session']['id']}/ws?token={s['token']}") as ws:
        hello = ws.receive_json()
        assert hello["type"] == "session"
        assert hello["protocol"] == 1
        assert [m["role"] for m in hello["messages"]] == ["customer"]
        for i in range(3):
            say(ws, f"m{i}")
            frames = until(ws, "state")
            kinds = [f["type"] for f in frames]
            assert kinds[:2] == ["ack", "customer_typing"]
            assert kinds[-3:] == ["reply", "assessment", "state"]
            assert set(kinds[2:-3]) == {"reply_delta"}
            reply = frames[-3]
            assert "".join(f["text"] for f in frames[2:-3]) == reply["text"]
            assert frames[0]["agent_turn"] == reply["agent_turn"] == i + 1
            assert frames[-2]["assessment"]["scores"]
        ws.send_json({"type": "end", "reason": "done"})
        outcome, card = until(ws, "scorecard")
        assert outcome["outcome"]["kind"] == "agent_ended"
        assert card["scorecard"]["rubric_id"] == "empathy-core"
    transcript = client.get(
        f"/api/v1/sessions/{s['session']['id']}/transcript", headers=auth(s["token"])
    ).json()
    assert [t["agent_turn"] for t in transcript["turns"]] == [1, 2, 3]
    assert [m["seq"] for m in transcript["messages"]] == list(range(7))


def test_assessment_mode_shows_nothing_until_the_end(client: TestClient) -> None:
    s = start_session(client, mode="assessment")
    with client.websocket_connect(f"/api/v1/sessions/{s['session']['id']}/ws?token={s['token']}") as ws:
        assert ws.receive_json()["session"]["state"] is None
        say(ws, "a1")
        kinds = [f["type"] for f in until(ws, "reply")]
        assert "assessment" not in kinds
        ws.send_json({"type": "ping", "nonce": "n1"})
        assert ws.receive_json() == {"type": "pong", "nonce": "n1"}  # nothing else came after the reply
        ws.send_json({"type": "end"})
        assert [f["type"] for f in until(ws, "scorecard")] == ["outcome", "scorecard"]


def test_resend_is_stored_once_and_acknowledged_again(client: TestClient) -> None:
    s = start_session(client)
    path = f"/api/v1/sessions/{s['session']['id']}/ws?token={s['token']}"
    with client.websocket_connect(path) as ws:
        ws.receive_json()
        say(ws, "same")
        first = until(ws, "state")[0]
    with client.websocket_connect(path) as ws:
        hello = ws.receive_json()
        assert [m["role"] for m in hello["messages"]] == ["customer", "agent", "customer"]
        say(ws, "same")
        again = ws.receive_json()
        assert again["duplicate"] is True
        assert again["turn_id"] == first["turn_id"]
    body = client.get(f"/api/v1/sessions/{s['session']['id']}/transcript", headers=auth(ADMIN_KEY)).json()
    assert [m["client_message_id"] for m in body["messages"] if m["role"] == "agent"] == ["same"]


def test_message_while_customer_replies_gets_turn_in_flight(client: TestClient) -> None:
    gate = GateRenderer()
    client.app.state.simcoach.practice.backends.renderer = gate  # type: ignore[attr-defined]
    s = start_session(client)
    with client.websocket_connect(f"/api/v1/sessions/{s['session']['id']}/ws?token={s['token']}") as ws:
        ws.receive_json()
        say(ws, "one")
        assert ws.receive_json()["type"] == "ack"
        assert ws.receive_json()["type"] == "customer_typing"
        assert gate.started.wait(5)
        say(ws, "two")
        busy = ws.receive_json()
        assert (busy["code"], busy["client_message_id"], busy["retryable"]) == ("turn_in_flight", "two", True)
        say(ws, "one")
        assert ws.receive_json()["duplicate"] is True
        ws.send_json({"type": "end"})
        assert ws.receive_json()["code"] == "turn_in_flight"
        gate.gate.set()
        reply = until(ws, "reply")[-1]
        assert reply["prompt_tokens"] == 11
        say(ws, "two")  # straight after the reply: the turn is no longer in flight
        assert [f["type"] for f in until(ws, "state")] == ["assessment", "state"]
        assert ws.receive_json()["type"] == "ack"
        until(ws, "state")
    got = client.get(f"/api/v1/sessions/{s['session']['id']}", headers=auth(ADMIN_KEY)).json()
    assert got["usage"] == {"prompt_tokens": 22, "completion_tokens": 10}
    assert got["turn"] == 2


@pytest.mark.parametrize(
    ("frame", "code", "field"),
    [
        ("not json", "malformed_frame", None),
        ("[1, 2]", "malformed_frame", None),
        ('{"type": 3}', "malformed_frame", None),
        ('{"type": "teleport"}', "unknown_type", "type"),
        ('{"type": "agent_message", "text": "hi"}', "invalid_frame", "client_message_id"),
        ('{"type": "agent_message", "client_message_id": "x", "text": ""}', "invalid_frame", "text"),
        (
            '{"type": "agent_message", "client_message_id": "a b", "text": "hi"}',
            "invalid_frame",
            "client_message_id",
        ),
        ('{"type": "ping", "extra": 1}', "invalid_frame", "extra"),
        ('{"type": "agent_message", "client_message_id": "x", "text": "a\\u0000"}', "invalid_frame", "text"),
        ("x" * 20_000, "frame_too_large", None),
        ("é" * 9_000, "frame_too_large", None),
    ],
)
def test_bad_frames_get_coded_errors_and_the_connection_stays(
    client: TestClient, frame: str, code: str, field: str | None
) -> None:
    s = start_session(client)
    with client.websocket_connect(f"/api/v1/sessions/{s['session']['id']}/ws?token={s['token']}") as ws:
        ws.receive_json()
        ws.send_text(frame)
        error = ws.receive_json()
        assert (error["type"], error["code"], error["field"]) == ("error", code, field)
        ws.send_bytes(b"\x00\x01")
        assert ws.receive_json()["code"] == "binary_frame"
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"


@pytest.mark.parametrize(
    ("token", "session", "code", "close"),
    [
        (None, None, "unauthorized", 4401),
        ("sct_nope", None, "unauthorized", 4401),
        ("trainee", "other", "forbidden", 4403),
        ("admin", "missing", "session_not_found", 4404),
    ],
)
def test_refused_connections_get_an_error_then_a_close_code(
    client: TestClient, token: str | None, session: str | None, code: str, close: int
) -> None:
    mine = start_session(client, learner="alice")
    other = start_session(client, learner="bob")
    key = {"trainee": mine["token"], "admin": ADMIN_KEY}.get(token or "", token)
    sid = {"other": other["session"]["id"], "missing": "0" * 32}.get(session or "", mine["session"]["id"])
    query = f"?token={key}" if key else ""
    with client.websocket_connect(f"/api/v1/sessions/{sid}/ws{query}") as ws:
        assert ws.receive_json()["code"] == code
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == close


def test_finished_session_refuses_messages(client: TestClient) -> None:
    s = start_session(client)
    with client.websocket_connect(f"/api/v1/sessions/{s['session']['id']}/ws?token={s['token']}") as ws:
        ws.receive_json()
        ws.send_json({"type": "end"})
        until(ws, "scorecard")
        say(ws, "late")
        assert ws.receive_json()["code"] == "session_finished"
        ws.send_json({"type": "end"})
        assert ws.receive_json()["type"] == "outcome"  # ending twice returns the same outcome
