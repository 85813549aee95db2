"""Websocket endpoint for a live practice session."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["practice"])
