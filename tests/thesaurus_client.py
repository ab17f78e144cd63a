"""A small HTTP client of the thesaurus API for the cross-service tests: test code systems
made through the editing workflow, as a thesaurus editor would."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from tests.assessment_client import auth

__all__ = ["auth", "create_draft", "publish"]


async def create_draft(
    http: httpx.AsyncClient,
    name: str,
    version: str,
    *,
    title: str = "Système de test",
    concepts: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> httpx.Response:
    """``POST /code-systems/{name}/versions``: a draft (a new system on its first version)."""
    body: dict[str, Any] = {
        "version": version,
        "url": f"https://cosar.example/test/{name}",
        "title": title,
        **fields,
    }
    if concepts is not None:
        body["concepts"] = list(concepts)
    return await http.post(f"/code-systems/{name}/versions", json=body)


async def publish(http: httpx.AsyncClient, name: str, version: str) -> httpx.Response:
    return await http.post(f"/code-systems/{name}/versions/{version}/publish")
