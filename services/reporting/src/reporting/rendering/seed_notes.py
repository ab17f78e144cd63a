"""The notes of the seed's annex, which the report's headings refer to by number « (4) »."""

from __future__ import annotations

SEED_NOTES: tuple[tuple[str, str], ...] = (
    (
        "(1)",
        "Nombre d'agents, y compris les personnels médicaux, rémunérés au 31 décembre de "
        "l'année au titre de laquelle le rapport est établi.",
    ),
    ("(2)", "Praticiens temps plein, temps partiel et attachés."),
    (
        "(3)",
        "Nombre de journées travaillées dans l'établissement au cours de l'année par des "
        "salariés appartenant à une entreprise liée à l'établissement par un contrat de "
        "concession, ainsi que par des personnels mis à la disposition de l'établissement par "
        "une entreprise intérimaire.",
    ),
    (
        "(4)",
        "Nombre de journées de présence au poste de travail des praticiens hospitaliers × "
        "7 heures + nombre de journées de présence au poste de travail des autres personnels "
        "× 7 h 38.",
    ),
    ("(5)", "Dans la mesure où l'établissement en a connaissance."),
    ("(6)", "Information à ne fournir que dans les établissements de plus de 300 agents."),
    ("(7)", "En application de l'article L. 461-4 du code de la sécurité sociale."),
    (
        "(8)",
        "Par opposition au coût direct (traitements versés et coût des remplacements), est "
        "estimé le coût indirect induit, tel que le coût des aménagements de postes rendus "
        "nécessaires, le coût éventuel des personnels supplémentaires nécessaires pour "
        "compenser la baisse de productivité des intéressés.",
    ),
    ("(9)", "En tout ou partie et dans le cadre de la durée légale du travail."),
    ("(10)", "Avec la variation par rapport à l'année précédente, en pourcentage."),
    (
        "(11)",
        "Ou, à défaut, dans les établissements comptant moins de 50 agents, les représentants "
        "du personnel au comité technique paritaire pour leur activité en matière d'hygiène, "
        "de sécurité et des conditions de travail.",
    ),
    (
        "(12)",
        "Enquêtes menées en application des articles L. 236-2, 3e alinéa, et L. 236-7, "
        "5e alinéa, du code du travail.",
    ),
    ("(13)", "En application de l'article L. 231-9 du code du travail."),
    ("(14)", "En application de l'article L. 236-9 du code du travail."),
    ("(15)", "En application de l'article L. 236-10 du code du travail."),
    ("(16)", "En application de l'article L. 236-2, 6e alinéa, du code du travail."),
    (
        "(17)",
        "Par prévention et sécurité, entendre les mesures concernant particulièrement la "
        "sécurité du personnel de l'établissement dans l'exercice de ses fonctions, et propres "
        "à éviter les accidents de travail, les maladies professionnelles et les maladies "
        "imputables au service.",
    ),
)
