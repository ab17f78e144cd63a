"""The portal's own tables: the server-side sessions (tokens never reach the browser)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base

metadata = Base.metadata


class WebSession(Base):
    """One browser session. The cookie holds a random value; only its SHA-256 is stored, so
    a read of this table does not give sessions away."""

    __tablename__ = "web_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Set once the person has logged in; the absolute timeout runs from here.
    authenticated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    subject: Mapped[str | None] = mapped_column(String(255), index=True)
    # Keycloak's session id (``sid``): what a back-channel logout names.
    keycloak_sid: Mapped[str | None] = mapped_column(String(255), index=True)
    # Who (username, name, tenant, roles, companies) and the tokens: server side only.
    user: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    tokens: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The login's state, nonce and PKCE verifier (Authlib), the CSRF token, where to return
    # and the form input kept across a new login.
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
