"""Health and the read-only content API."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from simcoach.api.app import create_app
from simcoach.settings import Settings

from .conftest import ADMIN_KEY, CONTENT, TRAINER_KEY, auth


def test_healthz_reports_schema_and_content(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["schema_revision"] == "0001"
    assert body["content"] == {"personas": 1, "scenarios": 1, "rubrics": 1}
    assert body["backends"] == {"customer": "scripted", "scorer": "offline"}


def test_content_lists_each_kind_with_versions(client: TestClient) -> None:
    for kind, wanted in (
        ("personas", "test-sam"),
        ("scenarios", "test-double-charge"),
        ("rubrics", "empathy-core"),
    ):
        body = client.get(f"/api/v1/content/{kind}", headers=auth(TRAINER_KEY)).json()
        assert body["kind"] == kind
        assert [i["id"] for i in body["items"]] == [wanted]
        assert len(body["items"][0]["version"]) == 16


def test_content_item_detail_and_unknown(client: TestClient) -> None:
    got = client.get("/api/v1/content/scenarios/test-double-charge", headers=auth(ADMIN_KEY))
    assert got.status_code == 200
    assert got.json()["content"]["persona"] == "test-sam"
    missing = client.get("/api/v1/content/rubrics/nope", headers=auth(ADMIN_KEY))
    assert missing.status_code == 404
    assert missing.json()["error"] == {"code": "not_found", "message": "no rubric 'nope'", "field": "item_id"}
    bad_kind = client.get("/api/v1/content/widgets", headers=auth(ADMIN_KEY))
    assert bad_kind.status_code == 422
    assert bad_kind.json()["error"]["field"] == "kind"


def test_content_needs_a_key(client: TestClient) -> None:
    got = client.get("/api/v1/content/personas")
    assert got.status_code == 401
    assert got.json()["error"]["code"] == "unauthorized"


def test_reload_keeps_last_good_content(settings: Settings, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    settings = settings.model_copy(update={"content_dir": content})
    with TestClient(create_app(settings)) as client:
        before = client.get("/api/v1/content/scenarios", headers=auth(ADMIN_KEY)).json()
        (content / "scenarios" / "test-double-charge.yaml").write_text("id: [broken\n", encoding="utf-8")
        result = client.post("/api/v1/content/reload", headers=auth(ADMIN_KEY)).json()
        assert result["ok"] is False
        assert result["errors"][0]["file"].endswith("test-double-charge.yaml")
        assert client.get("/api/v1/content/scenarios", headers=auth(ADMIN_KEY)).json() == before


def test_tokens_in_websocket_urls_are_redacted_from_logs() -> None:
    import logging

    from simcoach.api.app import RedactTokens

    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5", "/api/v1/sessions/ab/ws?token=sct_secret&protocol=1"),
        None,
    )
    assert RedactTokens().filter(record)
    assert "sct_secret" not in record.getMessage()
    assert "token=***&protocol=1" in record.getMessage()


def test_content_that_did_not_load_is_logged_with_each_error(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # started outside the repository, the service must say what is wrong and how to fix it, not just count
    empty = settings.model_copy(update={"content_dir": tmp_path})
    with caplog.at_level(logging.WARNING), TestClient(create_app(empty)) as c:
        assert c.get("/healthz").json()["content_errors"] == 1
    logged = caplog.text
    assert "no content files found" in logged
    assert "personas/, scenarios/ and rubrics/" in logged
    assert "--content" in logged
