"""Who published and recorded, and which SPSTI: full names beside the logins kept for audit."""

import hashlib
import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assessment.tenancy.service import display_name_of
from assessment.versions.schemas import CseConsultation, VersionSummary

pytestmark = pytest.mark.unit

HASH = hashlib.sha256(b"v1").hexdigest()


def stored_version(**overrides: Any) -> SimpleNamespace:
    """A stored version row, as ``VersionSummary.of`` reads it."""
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "number": 1,
        "published_at": datetime(2026, 11, 25, 9, tzinfo=UTC),
        "published_by": "employer1@sst-13-marseille",
        "published_by_name": "Jean Castel",
        "content_hash": HASH,
        "previous_hash": None,
    }
    return SimpleNamespace(**(fields | overrides))


def test_a_version_answer_carries_the_login_and_the_publishers_name() -> None:
    consultation = SimpleNamespace(
        consulted_on=date(2026, 12, 10),
        opinion="favourable",
        proposals="",
        recorded_by="employee-representative@sst-13-marseille",
        recorded_by_name="Fatima Haddad",
        recorded_at=datetime(2026, 12, 11, 16, tzinfo=UTC),
    )
    summary = VersionSummary.of(stored_version(), consultation)
    assert (summary.published_by, summary.published_by_name) == (
        "employer1@sst-13-marseille",
        "Jean Castel",
    )
    assert summary.consultation is not None
    assert summary.consultation.recorded_by_name == "Fatima Haddad"
    assert summary.model_dump()["published_by_name"] == "Jean Castel"


def test_a_version_sealed_before_names_were_kept_answers_no_name() -> None:
    summary = VersionSummary.of(stored_version(published_by_name=None))
    assert summary.published_by_name is None
    assert summary.published_by == "employer1@sst-13-marseille"
    assert "recorded_by_name" in CseConsultation.model_fields


class _Session:
    """Answers one scalar query with ``value``, as the settings table would."""

    def __init__(self, value: str | None) -> None:
        self.value = value

    async def scalar(self, _query: object) -> str | None:
        return self.value


async def test_the_spsti_is_named_by_its_display_name_else_its_id() -> None:
    name = "Service de prévention et de santé au travail des Bouches-du-Rhône (démo)"
    assert await display_name_of(_Session(name), "sst-13-marseille") == name  # type: ignore[arg-type]
    assert await display_name_of(_Session(None), "sst-13-marseille") == "sst-13-marseille"  # type: ignore[arg-type]
    assert await display_name_of(_Session(""), "sst-13-marseille") == "sst-13-marseille"  # type: ignore[arg-type]


def test_every_demo_tenant_has_a_name_for_the_demo_loader() -> None:
    demo = Path(__file__).parents[3] / "deploy" / "demo" / "demo-data.json"
    tenants = json.loads(demo.read_text(encoding="utf-8"))["tenants"]
    names = {tenant["tenant_id"]: tenant.get("name", "") for tenant in tenants}
    assert all(
        name.startswith("Service de prévention et de santé au travail") for name in names.values()
    )
    assert all(tenant_id not in name for tenant_id, name in names.items())
