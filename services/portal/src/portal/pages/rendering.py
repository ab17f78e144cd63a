"""Jinja2 rendering with what every page needs: the person, the CSRF token, French formats."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from cosar_common import clock
from portal.auth.web import CSRF_FIELD, csrf_token, web_session

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def fr_date(value: date | datetime | str | None) -> str:
    """« 7 décembre 2026 » (an instant, or its ISO text as the services send it, in Paris)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return clock.fr_long_date(value)


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters["fr_date"] = fr_date
templates.env.globals["CSRF_FIELD"] = CSRF_FIELD


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    state = web_session(request)
    user = state.user if state.authenticated else None
    base = {
        "request": request,
        "user": user,
        "csrf_token": csrf_token(state) if user is not None else "",
        "htmx": request.app.state.htmx,
    }
    return templates.TemplateResponse(
        request,
        template,
        {**base, **(context or {})},
        status_code=status_code,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )
