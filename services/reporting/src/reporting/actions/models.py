"""The latest known state of each action of the member companies' plans (from events)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, TenantMixin


class ActionState(TenantMixin, Base):
    __tablename__ = "action_state"

    action: Mapped[str] = mapped_column(String(64), primary_key=True)
    company: Mapped[str] = mapped_column(String(64), index=True)
    measure_kind: Mapped[str] = mapped_column(String(20))
    hazard_code: Mapped[str | None] = mapped_column(String(40))
    priority: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    deadline: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    changed_on: Mapped[date] = mapped_column(Date)
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
