"""The platform's shared vocabulary: the regional thesaurus' code systems (names and French
labels) and the size bands.

A code system is named the same way everywhere: the thesaurus publishes its reference systems
under these names (``thesaurus.reference``), the other services look codes up by them and
store them beside each code. The platform's time zone and today's date are the clock's
(:mod:`cosar_common.clock`: ``PARIS``, ``today()``, ``now()``).
"""

from __future__ import annotations

from typing import Literal, get_args

# --- code systems of the regional thesaurus ---------------------------------------------------

NAF = "naf-rev2"  # activities (INSEE NAF rév. 2)
PCS = "pcs-ese-2017"  # professions of company employees (INSEE PCS-ESE 2017)
PCS_2020 = "pcs-2020"
CIM_10 = "cim-10"  # diseases (CIM-10 FR)
DANGERS = "dangers"  # hazard families (level 1) and hazards
ACTIONS = "actions-prevention"  # workplace actions and kinds of prevention measures
FACTORS = "penibilite-facteurs"  # the ten pénibilité factors (C. trav. L4161-1)
C2P_THRESHOLDS = "c2p-seuils"  # dated C2P thresholds (C. trav. D4163-2)
DISEASES_GENERAL = "maladies-professionnelles-rg"  # occupational disease tables, régime général
DISEASES_AGRICULTURAL = "maladies-professionnelles-agricole"  # … régime agricole

# How a French message names a system after « la nomenclature » (``require_code``'s 422); a
# system without a label here is named by its identifier.
LABELS: dict[str, str] = {
    NAF: "NAF rév. 2",
    DANGERS: "des dangers",
    PCS: "PCS-ESE",
    FACTORS: "des facteurs de pénibilité",
    ACTIONS: "des actions de prévention",
    DISEASES_GENERAL: "des tableaux de maladies professionnelles (régime général)",
    DISEASES_AGRICULTURAL: "des tableaux de maladies professionnelles (régime agricole)",
}

# --- size bands ---------------------------------------------------------------------------------

# INSEE-style headcount bands, in increasing order: how a company's size leaves its tenant.
SizeBand = Literal["0", "1-9", "10-49", "50-249", "250+"]
SIZE_BANDS: tuple[SizeBand, ...] = get_args(SizeBand)


def size_band(headcount: int) -> SizeBand:
    """INSEE-style headcount band; the exact headcount of a small company is not published."""
    if headcount <= 0:
        return "0"
    if headcount < 10:
        return "1-9"
    if headcount < 50:
        return "10-49"
    if headcount < 250:
        return "50-249"
    return "250+"
