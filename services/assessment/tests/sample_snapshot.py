"""A realistic small DUERP for tests: « Boulangerie du Vieux-Port », version 3, 12 employees.

Three work units (everyone, the bakehouse, the shop), seven risks covering the four priorities,
five actions in every status, night work above the C2P threshold for four bakers, and the annex
lines of the ten pénibilité factors. The method is the seed's « gravité × probabilité × maîtrise »;
the ratings are computed from it here, so they always agree with its bands.

    snapshot = sample_snapshot()                      # as published
    bigger = sample_snapshot(company=sample_company(headcount=60))

Test modules import it relatively (pytest runs in importlib mode):
``from .sample_snapshot import sample_snapshot``.

Ids are stable (uuid5 of a readable name), so two calls give equal snapshots.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from assessment.domain.snapshot import (
    ActionSnapshot,
    ActionStatus,
    CodedValue,
    CompanySnapshot,
    DuerpSnapshot,
    MeasureKind,
    MeasureSnapshot,
    MethodBand,
    MethodCriterion,
    PenibiliteAnnexLine,
    PenibiliteExposureSnapshot,
    Priority,
    RatingMethodSnapshot,
    RatingSnapshot,
    RiskSnapshot,
    WorkUnitKind,
    WorkUnitSnapshot,
)

_NAMESPACE = uuid.UUID("6f1c2a52-3b1e-4c8e-9f7a-0d5e2b8c4a10")

TENANT_ID = "spsti-provence"
#: Who published version 3: the login the snapshot records (the name is kept beside it).
PUBLISHER_LOGIN = "sst-preventer@spsti-provence"
PUBLISHED_AT = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # 10:30 in Paris
#: The hash of version 2, which version 3 chains to (a stand-in: any SHA-256 hex will do).
PREVIOUS_HASH = hashlib.sha256(b"boulangerie-du-vieux-port:v2").hexdigest()


def stable_id(name: str) -> uuid.UUID:
    """The id the sample gives to ``name`` (e.g. ``stable_id("risk:vente:agression")``)."""
    return uuid.uuid5(_NAMESPACE, name)


#: The seed's worked example: P 2 × G 3 = 6, no weighting (instructions only) → moderate.
SEED_EXAMPLE_RISK_ID = stable_id("risk:vente:agression")


def sample_method() -> RatingMethodSnapshot:
    """The seed method « gravite-probabilite-maitrise » with its default bands (seed 003)."""
    return RatingMethodSnapshot(
        key="gravite-probabilite-maitrise",
        label="Gravité × probabilité × maîtrise (méthode par défaut)",
        formula="Criticité brute = G × P ; criticité résiduelle = G × P × pondération de maîtrise",
        criteria=[
            MethodCriterion(
                key="probability",
                label="Probabilité",
                levels={
                    "1": "Improbable (jamais arrivé)",
                    "2": "Possible",
                    "3": "Probable",
                    "4": "Très probable (déjà arrivé, forte probabilité)",
                },
            ),
            MethodCriterion(
                key="gravity",
                label="Gravité",
                levels={
                    "1": "Bénigne (sans arrêt de travail)",
                    "2": "Sérieuse (arrêt de moins de 3 mois)",
                    "3": "Grave (arrêt de plus de 3 mois)",
                    "4": "Très grave (décès ou incapacité permanente)",
                },
            ),
        ],
        weighting={
            "none": Decimal("1"),
            "partial": Decimal("0.5"),
            "controlled": Decimal("0.35"),
            "well_controlled": Decimal("0.2"),
        },
        weighting_labels={
            "none": "Non maîtrisé",
            "partial": "Partiellement maîtrisé",
            "controlled": "Maîtrisé",
            "well_controlled": "Bien maîtrisé",
        },
        bands=[
            MethodBand(max_score=Decimal(4), priority=Priority.LOW, label="Faible"),
            MethodBand(
                min_score=Decimal(4),
                max_score=Decimal(8),
                priority=Priority.MODERATE,
                label="Modérée",
                deadline_months=6,
            ),
            MethodBand(
                min_score=Decimal(8),
                max_score=Decimal(12),
                priority=Priority.IMPORTANT,
                label="Importante",
                deadline_months=3,
            ),
            MethodBand(
                min_score=Decimal(12), priority=Priority.MAJOR, label="Majeure", deadline_months=2
            ),
        ],
    )


def _band(method: RatingMethodSnapshot, score: Decimal) -> MethodBand:
    return next(
        band
        for band in method.bands
        if (band.min_score is None or score >= band.min_score)
        and (band.max_score is None or score < band.max_score)
    )


def sample_rating(*, probability: int, gravity: int, control_level: str) -> RatingSnapshot:
    """A rating made with ``sample_method()``: raw = G × P, residual = raw × weighting."""
    method = sample_method()
    raw = Decimal(gravity * probability)
    residual = raw * method.weighting[control_level]
    band = _band(method, residual)
    return RatingSnapshot(
        inputs={"probability": probability, "gravity": gravity},
        control_level=control_level,
        raw_score=raw,
        residual_score=residual,
        raw_priority=_band(method, raw).priority,
        priority=band.priority,
        deadline_months=band.deadline_months,
    )


def _code(system: str, code: str, display: str) -> CodedValue:
    return CodedValue(system=system, code=code, display=display)


def _hazard(code: str, display: str) -> CodedValue:
    return _code("dangers", code, display)


def _risk(
    name: str,
    hazard: CodedValue,
    situations: str,
    damages: str,
    measures: list[tuple[MeasureKind, str]],
    *,
    exposed: int,
    p: int,
    g: int,
    control: str,
) -> RiskSnapshot:
    return RiskSnapshot(
        id=stable_id(f"risk:{name}"),
        hazard=hazard,
        situations=situations,
        damages=damages,
        measures=[MeasureSnapshot(kind=kind, description=text) for kind, text in measures],
        exposed_headcount=exposed,
        rating=sample_rating(probability=p, gravity=g, control_level=control),
    )


def sample_company(**overrides: Any) -> CompanySnapshot:
    """The bakery (SIRET 81234560100015, NAF 10.71C, 12 employees, no CSE)."""
    fields: dict[str, Any] = {
        "id": stable_id("company"),
        "name": "Boulangerie du Vieux-Port",
        "siret": "81234560100015",
        "address": "12 quai du Port, 13002 Marseille",
        "naf": _code("naf-rev2", "10.71C", "Boulangerie et boulangerie-pâtisserie"),
        "headcount": 12,
        "has_cse": False,
    }
    return CompanySnapshot(**(fields | overrides))


def sample_work_units() -> list[WorkUnitSnapshot]:
    """Everyone (transverse), the bakehouse (« Fournil ») and the shop (« Vente »)."""
    m = MeasureKind
    everyone = WorkUnitSnapshot(
        id=stable_id("unit:tous"),
        kind=WorkUnitKind.TRANSVERSE,
        name="Ensemble du personnel",
        description="Risques communs : incendie, circulations, locaux partagés.",
        headcount=12,
        risks=[
            _risk(
                "tous:incendie",
                _hazard("PHY.INCENDIE", "Incendie et explosion"),
                "Four à sole au gaz, friteuse à beignets, stockage de cartons près du four.",
                "Brûlures graves, intoxication par les fumées.",
                [
                    (m.COLLECTIVE, "Extincteurs vérifiés chaque année, détecteur de gaz"),
                    (m.INSTRUCTIONS, "Consignes d'évacuation affichées"),
                ],
                exposed=12,
                p=2,
                g=4,
                control="controlled",
            )
        ],
    )
    bakehouse = WorkUnitSnapshot(
        id=stable_id("unit:fournil"),
        kind=WorkUnitKind.TRADE,
        name="Fournil",
        headcount=5,
        description="Pétrissage, façonnage et cuisson, de 3 h à 11 h.",
        jobs=[
            _code("pcs-ese-2017", "636c", "Boulangers, pâtissiers (sauf activité industrielle)"),
            _code("pcs-ese-2017", "683a", "Apprentis boulangers, bouchers, charcutiers"),
        ],
        risks=[
            _risk(
                "fournil:nuit",
                _hazard("PSY.NUIT", "Travail de nuit"),
                "Prise de poste à 3 h, cinq nuits par semaine.",
                "Troubles du sommeil, fatigue, risque routier au retour.",
                [(m.INSTRUCTIONS, "Pause de 20 minutes à 6 h")],
                exposed=4,
                p=4,
                g=3,
                control="none",
            ),
            _risk(
                "fournil:manutention",
                _hazard("PHY.MANUT", "Manutention manuelle et activité physique"),
                "Port des sacs de farine de 25 kg, chargement du pétrin.",
                "Lombalgies, troubles musculo-squelettiques.",
                [
                    (m.COLLECTIVE, "Diable de manutention"),
                    (m.INSTRUCTIONS, "Port à deux au-delà de 25 kg"),
                ],
                exposed=5,
                p=4,
                g=4,
                control="partial",
            ),
            _risk(
                "fournil:farine",
                _hazard("CHI.POUSS", "Poussières et fumées"),
                "Poussières de farine au fleurage et au pétrissage.",
                "Rhinite et asthme du boulanger (tableau RG 66).",
                [(m.COLLECTIVE, "Pétrin à couvercle, farine de fleurage peu volatile")],
                exposed=5,
                p=4,
                g=3,
                control="controlled",
            ),
            _risk(
                "fournil:bruit",
                _hazard("PHY.BRUIT", "Bruit"),
                "Pétrin, diviseuse et extraction du four en marche simultanée.",
                "Fatigue auditive, surdité à long terme.",
                [(m.INDIVIDUAL, "Bouchons d'oreille moulés fournis")],
                exposed=5,
                p=3,
                g=2,
                control="partial",
            ),
        ],
        penibilite=[
            PenibiliteExposureSnapshot(
                factor=_code("penibilite-facteurs", "3a", "Travail de nuit"),
                threshold_code="3a",
                intensity="Au moins une heure entre minuit et 5 h (prise de poste à 3 h)",
                intensity_reached=True,
                yearly_duration=Decimal(110),
                duration_unit="nuits par an",
                threshold_value=Decimal(100),
                exposed_headcount=4,
                above_threshold=True,
            ),
            PenibiliteExposureSnapshot(
                factor=_code("penibilite-facteurs", "2d", "Bruit"),
                threshold_code="2d.1",
                intensity="Lex,8h mesuré à 82 dB(A)",
                intensity_reached=True,
                yearly_duration=Decimal(450),
                duration_unit="heures par an",
                threshold_value=Decimal(600),
                estimated=True,
                exposed_headcount=5,
            ),
            PenibiliteExposureSnapshot(
                factor=_code("penibilite-facteurs", "1a", "Manutentions manuelles de charges"),
                intensity="Sacs de farine de 25 kg",
                intensity_reached=True,
                exposed_headcount=5,
            ),
        ],
    )
    shop = WorkUnitSnapshot(
        id=stable_id("unit:vente"),
        kind=WorkUnitKind.TRADE,
        name="Vente",
        headcount=6,
        description="Accueil, vente et encaissement, de 6 h 30 à 20 h.",
        jobs=[_code("pcs-ese-2017", "554a", "Vendeurs en alimentation")],
        risks=[
            _risk(
                "vente:agression",
                _hazard("PSY.VIOLENCE_EXT", "Violences externes (agressions par le public)"),
                "Clients mécontents, tentative de vol à la caisse en fin de journée.",
                "Choc psychologique, blessures.",
                [(m.INSTRUCTIONS, "Ne pas résister en cas de vol ; fond de caisse limité")],
                exposed=6,
                p=2,
                g=3,
                control="none",
            ),
            _risk(
                "vente:trancheuse",
                _hazard("MEC.OUTILS", "Outils coupants, tranchants ou contondants"),
                "Tranchage du pain à la demande des clients.",
                "Coupures aux doigts.",
                [(m.INTRINSIC, "Trancheuse automatique carénée (plus de couteau à pain)")],
                exposed=6,
                p=3,
                g=2,
                control="well_controlled",
            ),
        ],
    )
    return [everyone, bakehouse, shop]


def sample_actions() -> list[ActionSnapshot]:
    """Five actions: two planned, one in progress, one done, one abandoned (with its reason)."""
    s, m = ActionStatus, MeasureKind
    return [
        ActionSnapshot(
            id=stable_id("action:sacs"),
            risk_id=stable_id("risk:fournil:manutention"),
            measure_kind=m.COLLECTIVE,
            title="Passer aux sacs de farine de 15 kg et installer un vide-sac",
            responsible="Gérant",
            deadline=date(2027, 2, 28),
            cost_eur=Decimal("1850"),
            resources="Devis du meunier et du fournisseur de matériel",
            result_indicator="Aucun sac de plus de 15 kg porté",
            status=s.PLANNED,
        ),
        ActionSnapshot(
            id=stable_id("action:plannings"),
            risk_id=stable_id("risk:fournil:nuit"),
            measure_kind=m.INSTRUCTIONS,
            title="Plannings : deux nuits de repos consécutives par semaine",
            responsible="Chef boulanger",
            deadline=date(2027, 1, 25),
            cost_eur=Decimal("0"),
            result_indicator="Plannings affichés conformes",
            status=s.IN_PROGRESS,
        ),
        ActionSnapshot(
            id=stable_id("action:petrin"),
            risk_id=stable_id("risk:fournil:farine"),
            measure_kind=m.COLLECTIVE,
            title="Pétrin à couvercle et aspiration au fleurage",
            responsible="Gérant",
            deadline=date(2026, 6, 30),
            cost_eur=Decimal("4320.50"),
            status=s.DONE,
            done_on=date(2026, 6, 15),
        ),
        ActionSnapshot(
            id=stable_id("action:formation"),
            risk_id=SEED_EXAMPLE_RISK_ID,
            measure_kind=m.INSTRUCTIONS,
            title="Formation à la gestion des situations conflictuelles",
            responsible="Gérant",
            deadline=date(2027, 5, 31),
            cost_eur=Decimal("1200"),
            resources="OPCO (prise en charge)",
            status=s.PLANNED,
        ),
        ActionSnapshot(
            id=stable_id("action:monnayeur"),
            risk_id=SEED_EXAMPLE_RISK_ID,
            measure_kind=m.INTRINSIC,
            title="Caisse à monnayeur automatique",
            responsible="Gérant",
            cost_eur=Decimal("9800"),
            status=s.ABANDONED,
            status_reason="Coût disproportionné ; paiement sans contact généralisé à la place",
        ),
    ]


#: The ten factors (L4161-1), with whether they still have a C2P threshold (not since 2017).
_FACTORS = (
    ("1a", "Manutentions manuelles de charges", False),
    ("1b", "Postures pénibles définies comme positions forcées des articulations", False),
    ("1c", "Vibrations mécaniques", False),
    ("2a", "Agents chimiques dangereux, y compris les poussières et fumées", False),
    ("2b", "Activités exercées en milieu hyperbare", True),
    ("2c", "Températures extrêmes", True),
    ("2d", "Bruit", True),
    ("3a", "Travail de nuit", True),
    ("3b", "Travail en équipes successives alternantes", True),
    ("3c", "Travail répétitif", True),
)


def sample_penibilite_annex(*, headcount: int = 12) -> list[PenibiliteAnnexLine]:
    """The R4121-1-1 annex: only night work (3a) has employees above the threshold (4)."""
    exposed = {"3a": 4}
    return [
        PenibiliteAnnexLine(
            factor=_code("penibilite-facteurs", code, label),
            has_c2p_threshold=c2p,
            exposed_above_threshold=exposed.get(code, 0),
            proportion=(Decimal(exposed.get(code, 0)) / headcount).quantize(Decimal("0.0001")),
        )
        for code, label, c2p in _FACTORS
    ]


def sample_snapshot(**overrides: Any) -> DuerpSnapshot:
    """Version 3 of the bakery's DUERP, published on 25/11/2026; any field can be replaced."""
    fields: dict[str, Any] = {
        "tenant_id": TENANT_ID,
        "company": sample_company(),
        "number": 3,
        "published_at": PUBLISHED_AT,
        "published_by": PUBLISHER_LOGIN,
        "assessed_year": 2026,
        "method": sample_method(),
        "work_units": sample_work_units(),
        "actions": sample_actions(),
        "penibilite_annex": sample_penibilite_annex(),
        "previous_hash": PREVIOUS_HASH,
    }
    return DuerpSnapshot(**(fields | overrides))
