"""The published fiche d'entreprise (R4624-46 to R4624-48) as the pages say it (pure).

Everything comes from the assessment's fiche API (``assessment.api.fiche``): the list of
published versions (``VersionSummary``, the same as the DUERP's, read with
:func:`portal.domain.versions.version_rows`) and one version's content
(``assessment.domain.fiche.FicheSnapshot``). The draft and its editing stay with the SPSTI's
staff and are not shown here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cosar_common import clock
from cosar_common.auth.permissions import Permission, roles_with
from portal.domain.risks import PRIORITY_FALLBACK
from portal.domain.versions import publisher

# Who may read the fiche's published versions: the SPSTI's staff, the employer, the CSE.
FICHE_READERS = frozenset(role.value for role in roles_with(Permission.FICHE_READ))
# ``FicheExposure.source``: from the company's DUERP, or seen by the SPSTI during its visit.
SOURCES: dict[str, str] = {
    "duerp": "Document unique de l'entreprise",
    "visite": "Visite du service de santé au travail",
}


def may_read_fiche(roles: Collection[str]) -> bool:
    """Whether the person's roles let them read the published fiche (the assessment decides
    in the end)."""
    return bool(FICHE_READERS & set(roles))


@dataclass(frozen=True)
class ExposureRow:
    label: str  # « Bruit »
    code: str  # « PHY.BRUIT »
    exposed_headcount: int
    priority: str  # « Importante », or "" when the exposure has none
    priority_key: str  # « important »: the CSS class of its colour
    source: str  # « Document unique de l'entreprise »


@dataclass(frozen=True)
class ActionRow:
    label: str
    code: str
    comment: str


@dataclass(frozen=True)
class FicheView:
    """One published version, as its page shows it."""

    number: int
    published_on: str  # « 2 juillet 2026 », Paris day
    published_at: str  # « 02/07/2026 à 00:15 », Paris time
    published_by: str
    year: int
    company: Mapping[str, Any]
    observations: str
    exposures: tuple[ExposureRow, ...]
    actions: tuple[ActionRow, ...]
    hash: str


def _instant(value: str | datetime) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _label(coded: Mapping[str, Any] | None) -> tuple[str, str]:
    coded = coded or {}
    code = str(coded.get("code") or "")
    return str(coded.get("display") or code), code


def fiche_view(
    snapshot: Mapping[str, Any],
    summary: Mapping[str, Any] | None = None,
    *,
    username: str = "",
    name: str = "",
) -> FicheView:
    """``GET …/fiche/versions/{number}`` in words; ``summary`` is that version's entry of
    ``GET …/fiche/versions``, which alone carries the publisher's name and the hash."""
    summary = summary or {}
    published_at = _instant(snapshot["published_at"])
    exposures = []
    for line in snapshot.get("exposures") or ():
        label, code = _label(line.get("exposure"))
        priority = str(line.get("priority") or "")
        source = str(line.get("source") or "")
        exposures.append(
            ExposureRow(
                label=label,
                code=code,
                exposed_headcount=int(line.get("exposed_headcount") or 0),
                priority=PRIORITY_FALLBACK.get(priority, priority),
                priority_key=priority if priority in PRIORITY_FALLBACK else "",
                source=SOURCES.get(source, source),
            )
        )
    actions = []
    for action in snapshot.get("recommended_actions") or ():
        label, code = _label(action.get("action"))
        actions.append(ActionRow(label=label, code=code, comment=str(action.get("comment") or "")))
    return FicheView(
        number=int(snapshot["number"]),
        published_on=clock.fr_long_date(published_at),
        published_at=clock.fr_datetime(published_at),
        published_by=publisher(
            str(snapshot.get("published_by") or ""),
            username=username,
            name=name,
            published_by_name=str(summary.get("published_by_name") or ""),
        ),
        year=int(snapshot.get("year") or clock.date_of(published_at).year),
        company=snapshot.get("company") or {},
        observations=str(snapshot.get("observations") or "").strip(),
        exposures=tuple(exposures),
        actions=tuple(actions),
        hash=str(summary.get("hash") or ""),
    )
