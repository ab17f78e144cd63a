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
