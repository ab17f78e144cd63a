"""The first published entries of the sector library (seeded by migration 0002).

Typical hazards of a few sectors of the region with the usual situations and measures, written
from the INRS sector guides' common ground: a starting point that each company adapts, never
an assessment in itself. Hazard codes are those of the ``dangers`` code system.
"""

from __future__ import annotations

import uuid
from typing import Any

# (NAF divisions, hazard code, hazard label, situations, damages, [(measure kind, text)])
Entry = tuple[tuple[str, ...], str, str, str, str, list[tuple[str, str]]]

_ENTRIES: list[Entry] = [
    # Bakery and pastry (10.71)
    (
        ("10",),
        "CHI.POUSS",
        "Poussières et fumées",
        "Pesée, versement et fleurage de farine ; nettoyage à sec du fournil",
        "Asthme et rhinite du boulanger (tableau 66 RG)",
        [
            (
                "collective",
                "Pétrin à couvercle et vitesse lente au démarrage, aspiration à la source",
            ),
            ("instructions", "Verser la farine sans la jeter, fleurage à la main proscrit"),
        ],
    ),
    (
        ("10",),
        "PHY.THERM",
        "Ambiances thermiques (chaleur, froid)",
        "Travail devant les fours, chambres de pousse et chambres froides",
        "Coup de chaleur, brûlures, troubles liés au froid",
        [
            ("collective", "Ventilation et extraction des buées au-dessus des fours"),
            ("individual", "Gants anti-chaleur pour l'enfournement"),
        ],
    ),
    (
        ("10",),
        "PSY.NUIT",
        "Travail de nuit",
        "Fabrication entre minuit et 5 heures",
        "Troubles du sommeil, fatigue, risques cardiovasculaires",
        [("instructions", "Organisation des horaires et temps de repos, suivi médical renforcé")],
    ),
    (
        ("10",),
        "PHY.MANUT",
        "Manutention manuelle et activité physique",
        "Port de sacs de farine de 25 kg, plaques et bacs",
        "Lombalgies, troubles musculosquelettiques",
        [("collective", "Sacs de 25 kg maximum, chariots et tables à hauteur réglable")],
    ),
    # Building (41–43)
    (
        ("41", "42", "43"),
        "PHY.CHUTE_H",
        "Chutes de hauteur",
        "Travail sur toiture, échafaudage, trémies et bords de dalle",
        "Traumatismes graves, décès",
        [
            ("collective", "Garde-corps, filets, échafaudages conformes et vérifiés"),
            ("individual", "Harnais antichute en dernier recours"),
        ],
    ),
    (
        ("41", "42", "43"),
        "CHI.POUSS",
        "Poussières et fumées",
        "Découpe, perçage et ponçage de matériaux (silice cristalline, bois)",
        "Silicose, cancers bronchopulmonaires",
        [
            ("collective", "Outils avec aspiration ou arrosage à la source"),
            ("individual", "Masque FFP3 lors des travaux émissifs"),
        ],
    ),
    (
        ("41", "42", "43"),
        "PHY.BRUIT",
        "Bruit",
        "Marteau-piqueur, scies, engins de chantier",
        "Surdité professionnelle (tableau 42 RG)",
        [
            ("collective", "Matériel moins bruyant, capotage"),
            ("individual", "Protections auditives adaptées"),
        ],
    ),
    (
        ("41", "42", "43"),
        "MEC.CIRC",
        "Circulations internes et engins",
        "Coactivité piétons et engins, marche arrière",
        "Écrasement, heurts",
        [("collective", "Plan de circulation, séparation des flux, avertisseurs de recul")],
    ),
    # Road haulage (49.41)
    (
        ("49",),
        "MEC.ROUTIER",
        "Déplacements routiers",
        "Conduite de poids lourds, longues distances, conditions météo",
        "Accidents de la route, traumatismes graves",
        [
            ("collective", "Véhicules équipés d'aides à la conduite, entretien suivi"),
            (
                "instructions",
                "Planification des tournées respectant les temps de conduite et de repos",
            ),
        ],
    ),
    (
        ("49",),
        "PHY.CHUTE_PP",
        "Chutes de plain-pied (glissade, trébuchement)",
        "Montée et descente de cabine, quais et hayons",
        "Entorses, fractures",
        [("collective", "Marchepieds et poignées en bon état, quais éclairés")],
    ),
    (
        ("49",),
        "PHY.MANUT",
        "Manutention manuelle et activité physique",
        "Chargement et déchargement, arrimage",
        "Lombalgies, troubles musculosquelettiques",
        [("collective", "Transpalettes électriques, hayons élévateurs")],
    ),
    (
        ("49",),
        "PSY.CHARGE",
        "Charge de travail et rythmes",
        "Horaires décalés, délais de livraison, isolement",
        "Stress, fatigue, somnolence au volant",
        [("instructions", "Plannings prévisibles, temps de repos respectés")],
    ),
    # Hospitals and nursing homes (86–87)
    (
        ("86", "87"),
        "BIO.INFECT",
        "Agents biologiques infectieux",
        "Soins, piqûres et coupures avec du matériel souillé",
        "Infections (hépatites, VIH), accidents d'exposition au sang",
        [
            ("collective", "Matériel sécurisé, collecteurs à aiguilles au plus près des soins"),
            ("individual", "Gants, vaccination contre l'hépatite B"),
        ],
    ),
    (
        ("86", "87"),
        "PHY.MANUT",
        "Manutention manuelle et activité physique",
        "Transferts et mobilisation des patients ou résidents",
        "Lombalgies, troubles musculosquelettiques",
        [
            ("collective", "Lève-personnes, lits à hauteur variable, rails de transfert"),
            ("instructions", "Formation aux gestes et postures (PRAP)"),
        ],
    ),
    (
        ("86", "87"),
        "PSY.VIOLENCE_EXT",
        "Violences externes (agressions par le public)",
        "Patients ou familles agressifs, soins à domicile",
        "Blessures, stress post-traumatique",
        [("instructions", "Procédure de signalement et soutien après agression")],
    ),
    (
        ("86", "87"),
        "PSY.NUIT",
        "Travail de nuit",
        "Services ouverts 24 h sur 24, gardes",
        "Troubles du sommeil, fatigue",
        [("instructions", "Organisation des rotations, suivi médical renforcé")],
    ),
    # Retail (47)
    (
        ("47",),
        "PHY.MANUT",
        "Manutention manuelle et activité physique",
        "Mise en rayon, réception des livraisons",
        "Lombalgies, troubles musculosquelettiques",
        [("collective", "Rolls et transpalettes, rayonnages à bonne hauteur")],
    ),
    (
        ("47",),
        "PSY.VIOLENCE_EXT",
        "Violences externes (agressions par le public)",
        "Encaissement, clients mécontents, vols",
        "Blessures, stress",
        [
            ("collective", "Aménagement des caisses, vidéoprotection"),
            ("instructions", "Conduite à tenir en cas d'agression"),
        ],
    ),
    (
        ("47",),
        "PHY.POSTURE",
        "Postures pénibles et gestes répétitifs (TMS)",
        "Travail en caisse, scannage répétitif",
        "Troubles musculosquelettiques du membre supérieur",
        [("collective", "Caisses ergonomiques, alternance des tâches")],
    ),
    # Software (62)
    (
        ("62",),
        "PHY.ECRAN",
        "Travail sur écran",
        "Travail prolongé sur écran et clavier",
        "Fatigue visuelle, troubles musculosquelettiques",
        [
            ("collective", "Postes réglables, écrans déportés, éclairage adapté"),
            ("instructions", "Pauses régulières"),
        ],
    ),
    (
        ("62",),
        "PSY.CHARGE",
        "Charge de travail et rythmes",
        "Délais de livraison, astreintes, sollicitations permanentes",
        "Stress, épuisement professionnel",
        [("instructions", "Droit à la déconnexion, charge de travail suivie en entretien")],
    ),
    (
        ("62",),
        "MEC.ROUTIER",
        "Déplacements routiers",
        "Déplacements chez les clients",
        "Accidents de la route",
        [("instructions", "Privilégier la visioconférence et les transports en commun")],
    ),
]


def seed_rows() -> list[dict[str, Any]]:
    """One published row per (NAF division, hazard), with ids stable across databases."""
    rows = []
    for divisions, code, label, situations, damages, measures in _ENTRIES:
        for division in divisions:
            rows.append(
                {
                    "id": uuid.uuid5(uuid.NAMESPACE_URL, f"cosar:sector-library:{division}:{code}"),
                    "naf_division": division,
                    "hazard_code": code,
                    "hazard_display": label,
                    "situations": situations,
                    "damages": damages,
                    "measures": [{"kind": k, "description": d} for k, d in measures],
                    "status": "published",
                    "review_note": "Bibliothèque initiale de la plateforme",
                }
            )
    return rows
