"""Closed vocabularies of the annual report (seed 004): codes in English, labels in French.

Every list is an enum whose members carry the French label the report prints. Codes are what
the API and the database store; ``from_text`` also accepts the label, so an imported register
may say « Accidents de circulation » as well as ``traffic``.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Self


def _folded(text: str) -> str:
    """Case-, accent- and spacing-insensitive form used to match a label."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


class LabelledEnum(StrEnum):
    """A code stored in English with the French label users read."""

    label: str

    def __new__(cls, code: str, label: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def from_text(cls, text: str) -> Self:
        """The member whose code or French label is ``text``; ``ValueError`` in French otherwise."""
        wanted = _folded(text)
        for member in cls:
            if wanted in (_folded(member.value), _folded(member.label)):
                return member
        choices = " ; ".join(f"{member.value} ({member.label})" for member in cls)
        raise ValueError(f"« {text} » n'est pas une valeur connue. Valeurs admises : {choices}.")


class Sector(LabelledEnum):
    """Which headcount categories apply (I.1.2.1): the seed's hospital ones or private ones."""

    PUBLIC_HOSPITAL = ("public_hospital", "Établissement public de santé")
    PRIVATE = ("private", "Établissement de droit privé")


class StaffCategory(LabelledEnum):
    """I.1.2.1 headcount categories: the seed's hospital set, then the private-sector set."""

    HOSPITAL_PRACTITIONERS = (
        "hospital_practitioners",
        "Personnel médical : praticiens hospitaliers",
    )
    INTERNS = ("interns", "Personnel médical : internes")
    MIDWIVES = ("midwives", "Personnel médical : sages-femmes")
    ADMINISTRATIVE = ("administrative", "Personnel administratif")
    CARE_AND_EDUCATION = ("care_and_education", "Personnel soignant et éducatif")
    TECHNICAL = ("technical", "Personnel technique")
    MEDICO_TECHNICAL = ("medico_technical", "Personnel médico-technique")
    CADRES = ("cadres", "Cadres")
    INTERMEDIATE_PROFESSIONS = ("intermediate_professions", "Professions intermédiaires")
    EMPLOYEES = ("employees", "Employés")
    WORKERS = ("workers", "Ouvriers")


#: The categories a report may use, in the order the table prints them.
CATEGORIES_BY_SECTOR: dict[Sector, tuple[StaffCategory, ...]] = {
    Sector.PUBLIC_HOSPITAL: (
        StaffCategory.HOSPITAL_PRACTITIONERS,
        StaffCategory.INTERNS,
        StaffCategory.MIDWIVES,
        StaffCategory.ADMINISTRATIVE,
        StaffCategory.CARE_AND_EDUCATION,
        StaffCategory.TECHNICAL,
        StaffCategory.MEDICO_TECHNICAL,
    ),
    Sector.PRIVATE: (
        StaffCategory.CADRES,
        StaffCategory.INTERMEDIATE_PROFESSIONS,
        StaffCategory.EMPLOYEES,
        StaffCategory.WORKERS,
    ),
}


class HoursMethod(LabelledEnum):
    """II.2.1 note 4: how the hours worked are obtained."""

    DAYS_PRESENT = (
        "days_present",
        "Journées de présence : praticiens hospitaliers × 7 h, autres personnels × 7 h 38",
    )
    DECLARED = ("declared", "Heures travaillées décomptées par l'établissement")


class AccidentKind(LabelledEnum):
    """II.2.1: the seed counts work and commute accidents separately."""

    WORK = ("work", "Accident de travail")
    COMMUTE = ("commute", "Accident de trajet")


class MaterialElement(LabelledEnum):
    """II.2.1 note 6: the eleven material elements of work accidents, in the seed's order."""

    FALLS = ("falls", "Accidents dus à des chutes ou glissades")
    CUTTING_TOOLS = (
        "cutting_tools",
        "Accidents dus à l'emploi d'outils ou d'instruments coupants, contondants ou perforants",
    )
    MACHINES = ("machines", "Accidents occasionnés par des machines")
    BURNS = ("burns", "Accidents par brûlures")
    LIFTING = ("lifting", "Accidents dus à des efforts de soulèvement")
    AGITATED_PATIENTS = (
        "agitated_patients",
        "Accidents provenant du contact avec des malades agités",
    )
    TRAFFIC = ("traffic", "Accidents de circulation")
    MOVING_OBJECTS = (
        "moving_objects",
        "Accidents dus à des objets ou masses en mouvement accidentel",
    )
    RADIATION = ("radiation", "Accidents dus aux radiations")
    TOXIC_PRODUCTS = ("toxic_products", "Accidents dus à la manipulation des produits toxiques")
    OTHER = ("other", "Autres")


class DiseaseRegime(LabelledEnum):
    """II.2.2: the tables of occupational diseases belong to one of two social-security regimes."""

    GENERAL = ("general", "Régime général")
    AGRICULTURAL = ("agricultural", "Régime agricole")


class SignificantFactKind(LabelledEnum):
    """III: the facts the seed asks for, first those of the year, then the changes."""

    SERIOUS_ACCIDENT = ("serious_accident", "Accident grave")
    DISEASE = ("disease", "Maladie professionnelle ou imputable au service")
    REVEALING_INCIDENT = (
        "revealing_incident",
        "Accident ou incident révélateur des dangers encourus",
    )
    SERIOUS_IMMINENT_DANGER = ("serious_imminent_danger", "Situation de danger grave et imminent")
    OCCUPATIONAL_PHYSICIAN = (
        "occupational_physician",
        "Observation du médecin du travail",
    )
    LABOUR_INSPECTION = ("labour_inspection", "Observation du service d'inspection du travail")
    SOCIAL_SECURITY_PREVENTION = (
        "social_security_prevention",
        "Observation du service de prévention de l'organisme de sécurité sociale",
    )
    TECHNICAL_CONTROL = (
        "technical_control",
        "Observation d'un organisme de contrôle technique ou d'un expert du comité",
    )
    NEW_EQUIPMENT_OR_PROCESS = (
        "new_equipment_or_process",
        "Nouvelles machines, techniques ou procédés de travail",
    )
    WORK_ORGANISATION_CHANGE = (
        "work_organisation_change",
        "Modification de l'organisation du travail",
    )


class MeetingReason(LabelledEnum):
    """IV.4.2: why an extraordinary committee meeting was held."""

    STAFF_REQUEST = ("staff_request", "À la demande des représentants du personnel")
    AFTER_ACCIDENT = ("after_accident", "À la suite d'un accident")
    OTHER = ("other", "Autre motif")


class SpendingKind(LabelledEnum):
    """IV.4.1 a) note 10: the sums the seed asks to distinguish."""

    SPECIALISED_STAFF = ("specialised_staff", "Frais de personnel spécialisé")
    EQUIPMENT = ("equipment", "Investissements en matériel")
    ACTION_ORGANISATION = ("action_organisation", "Sommes consacrées à l'organisation des actions")


class ActionState(LabelledEnum):
    """IV.4.3: an action of the programme was done during the year or is open on 31 December."""

    DONE = ("done", "Réalisée dans l'année")
    OPEN = ("open", "En cours au 31 décembre")
