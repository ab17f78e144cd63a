"""What the assessment returns, as the portal's tests need it: the default rating method and one
rated risk (``GET /companies/{id}/duerp``: ``method`` and ``work_units[].risks[]``).

Test modules import it relatively (pytest runs in importlib mode): ``from .samples import ...``.
"""

from __future__ import annotations

from typing import Any

# The default method as the assessment's GET /companies/{id}/duerp returns it (``method``).
METHOD: dict[str, Any] = {
    "key": "gravite-probabilite-maitrise",
    "label": "Gravité × probabilité, pondérées par la maîtrise des mesures existantes",
    "formula": "Criticité brute = gravité × probabilité.",
    "criteria": [
        {
            "key": "probability",
            "label": "Probabilité",
            "levels": {"1": "Improbable", "2": "Possible", "3": "Probable", "4": "Très probable"},
        },
        {
            "key": "gravity",
            "label": "Gravité",
            "levels": {"1": "Bénin", "2": "Sérieux", "3": "Grave", "4": "Très grave"},
        },
    ],
    "weighting": {"none": "1", "partial": "0.5", "controlled": "0.35", "well_controlled": "0.2"},
    "weighting_labels": {
        "none": "Aucune maîtrise",
        "partial": "Partiellement maîtrisé",
        "controlled": "Maîtrisé",
        "well_controlled": "Bien maîtrisé",
    },
    "measure_control": [
        {"measure_kind": "intrinsic", "control_level": "well_controlled"},
        {"measure_kind": "collective", "control_level": "controlled"},
        {"measure_kind": "individual", "control_level": "partial"},
        {"measure_kind": "instructions", "control_level": "none"},
    ],
    "bands": [
        {"min_score": "0", "max_score": "4", "priority": "low", "label": "Faible"},
        {"min_score": "4", "max_score": "8", "priority": "moderate", "label": "Modérée"},
        {"min_score": "8", "max_score": "12", "priority": "important", "label": "Importante"},
        {"min_score": "12", "max_score": None, "priority": "major", "label": "Majeure"},
    ],
}
OIRA: dict[str, Any] = {
    "key": "oira-fr",
    "criteria": [
        {"key": "frequency", "label": "Fréquence", "levels": {"1": "Rare", "9": "Très souvent"}},
        {"key": "severity", "label": "Gravité", "levels": {"10": "Très grave", "1": "Faible"}},
    ],
    "weighting": {},
    "measure_control": [],
    "bands": [{"priority": "low", "label": "Faible"}, {"priority": "major", "label": "Élevée"}],
}
RISK: dict[str, Any] = {
    "id": "7c1e0f0e-5f4a-4a51-8d63-3a3b1d1b9a10",
    "hazard": {"system": "dangers", "code": "PHY.BRUIT", "display": "Bruit"},
    "situations": "Pétrin et laminoir",
    "rating": {
        "method": "gravite-probabilite-maitrise",
        "inputs": {"probability": 3, "gravity": 3},
        "control_level": "controlled",
        "raw_score": "9",
        "residual_score": "3.15",
        "raw_priority": "important",
        "priority": "low",
        "deadline_months": None,
    },
    "needs_rerating": True,
}

# GET /companies/{id}/duerp/versions (``VersionSummary``, oldest first), version 1 consulted.
VERSIONS: list[dict[str, Any]] = [
    {
        "number": 1,
        "published_at": "2026-01-14T08:30:00Z",
        "published_by": "employer1@sst-13-marseille",
        "hash": "a" * 64,
        "previous_hash": None,
        "consultation": {
            "consulted_on": "2026-02-02",
            "opinion": "reserved",
            "proposals": "Capoter le laminoir.",
            "recorded_by": "cse1@sst-13-marseille",
            "recorded_at": "2026-02-02T16:00:00Z",
        },
    },
    {
        "number": 2,
        "published_at": "2026-07-01T22:15:00Z",  # 2 July in Paris
        "published_by": "sst-technician1@sst-13-marseille",
        "hash": "b" * 64,
        "previous_hash": "a" * 64,
        "consultation": None,
    },
]
# GET .../versions/verify (``cosar_common.integrity.ChainReport``)
CHAIN_OK: dict[str, Any] = {"valid": True, "length": 2, "first_broken": None, "reason": None}
CHAIN_BROKEN: dict[str, Any] = {
    "valid": False,
    "length": 2,
    "first_broken": 2,
    "reason": "Le contenu de la version 2 ne correspond plus à son empreinte.",
}
_UNIT = {"id": "5b0a8d0c-2d7e-4b8e-9a43-0f3f3a8b8c11", "name": "Fournil"}
_REF = {
    "id": RISK["id"],
    "work_unit_id": _UNIT["id"],
    "work_unit_name": "Fournil",
    "hazard_code": "PHY.BRUIT",
    "hazard_display": "Bruit",
}
_BEFORE = {**RISK["rating"], "inputs": {"probability": 2, "gravity": 3}, "control_level": None}
_BEFORE |= {"raw_score": "6", "residual_score": "6", "raw_priority": "moderate"}
_BEFORE |= {"priority": "moderate"}
# GET .../versions/diff?from=1&to=2 (``assessment.domain.diff.SnapshotDiff``)
DIFF: dict[str, Any] = {
    "old_number": 1,
    "new_number": 2,
    "method_changed": False,
    "work_units_added": [{"id": "9e1f7c1a-0000-4000-8000-000000000001", "name": "Vente"}],
    "work_units_removed": [],
    "work_units_changed": [
        {
            "id": _UNIT["id"],
            "name": "Fournil",
            "changes": [{"name": "headcount", "before": "3", "after": "4"}],
        }
    ],
    "risks_added": [
        {
            **_REF,
            "id": "9e1f7c1a-0000-4000-8000-000000000002",
            "hazard_code": "MEC.COUPURE",
            "hazard_display": "Coupures",
        }
    ],
    "risks_removed": [],
    "risks_rerated": [{"risk": _REF, "before": _BEFORE, "after": RISK["rating"]}],
    "risks_changed": [],
    "actions_added": [],
    "actions_removed": [
        {"id": "9e1f7c1a-0000-4000-8000-000000000003", "title": "Former au port de charges"}
    ],
    "actions_changed": [],
    "counts": {
        "work_units_added": 1,
        "work_units_removed": 0,
        "work_units_changed": 1,
        "risks_added": 1,
        "risks_removed": 0,
        "risks_rerated": 1,
        "risks_changed": 0,
        "actions_added": 0,
        "actions_removed": 1,
        "actions_changed": 0,
    },
}

# GET /companies/{id}/fiche/versions (``VersionSummary``, oldest first): the SPSTI's staff
# publishes the fiche, the API keeps the publisher's name from version 2 on.
FICHE_VERSIONS: list[dict[str, Any]] = [
    {
        "number": 1,
        "published_at": "2025-03-03T09:00:00Z",
        "published_by": "sst-technician1@sst-13-marseille",
        "hash": "c" * 64,
        "previous_hash": None,
        "consultation": None,
    },
    {
        "number": 2,
        "published_at": "2026-07-01T22:15:00Z",  # 2 July in Paris
        "published_by": "sst-preventer1@sst-13-marseille",
        "published_by_name": "Claire Martin",
        "hash": "d" * 64,
        "previous_hash": "c" * 64,
        "consultation": None,
    },
]
# GET /companies/{id}/fiche/versions/2 (``assessment.domain.fiche.FicheSnapshot``)
FICHE: dict[str, Any] = {
    "schema_version": 1,
    "tenant_id": "sst-13-marseille",
    "company": {
        "id": "1d495e5b-841a-5b20-aef1-d7fc4f68bb29",
        "name": "Boulangerie du Vieux-Port",
        "siret": "81234560100015",
        "address": "",
        "naf": {
            "system": "naf",
            "code": "10.71C",
            "display": "Boulangerie et boulangerie-pâtisserie",
        },
        "headcount": 4,
        "has_cse": False,
    },
    "number": 2,
    "published_at": "2026-07-01T22:15:00Z",
    "published_by": "sst-preventer1@sst-13-marseille",
    "year": 2026,
    "exposures": [
        {
            "exposure": {"system": "dangers", "code": "PHY.BRUIT", "display": "Bruit"},
            "exposed_headcount": 3,
            "priority": "important",
            "source": "duerp",
        },
        {
            "exposure": {
                "system": "dangers",
                "code": "CHI.FARINE",
                "display": "Poussières de farine",
            },
            "exposed_headcount": 2,
            "priority": None,
            "source": "visite",
        },
    ],
    "observations": "Fournil bien ventilé.\nLe laminoir n'est pas capoté.",
    "recommended_actions": [
        {
            "action": {
                "system": "actions-prevention",
                "code": "AMT.METRO.BRUIT",
                "display": "Métrologie du bruit",
            },
            "comment": "Mesurer au poste du laminoir.",
        },
        {
            "action": {
                "system": "actions-prevention",
                "code": "AMT.SENS",
                "display": "Sensibilisation",
            },
            "comment": "",
        },
    ],
    "previous_hash": "c" * 64,
}
