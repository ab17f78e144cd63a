"""Read what a DUERP snapshot needs from the thesaurus: the company's NAF label, the labels of
the pénibilité factors, and the C2P thresholds in force over the year assessed (dated values,
prorated when the law changed mid-year). ``duerp.builder`` then maps rows and facts without I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from assessment.companies.models import Company
from assessment.domain.penibilite import FACTOR_CODES, DatedValue, threshold_for_year
from assessment.duerp.builder import ThesaurusFacts, Threshold
from assessment.duerp.models import DuerpRows, PenibiliteExposure
from cosar_common.thesaurus_client import ThesaurusClient, decimal_or_none
from cosar_common.vocabulary import C2P_THRESHOLDS, FACTORS, NAF


async def threshold_in_year(client: ThesaurusClient, code: str, year: int) -> Threshold:
    """The C2P threshold line ``code`` over ``year``, prorated when the law changed mid-year."""
    values: dict[tuple[Decimal, date | None, date | None], DatedValue] = {}
    unit = None
    for day in (date(year, 1, 1), date(year, 12, 31)):
        concept = await client.lookup(C2P_THRESHOLDS, code, on=day)
        if concept is None:
            continue
        unit = unit or concept.value("duree_unite")
        for prop in concept.properties.get("duree_valeur", []):
            value = decimal_or_none(prop.value)
            if value is not None:
                key = (value, prop.valid_from, prop.valid_to)
                values[key] = DatedValue(value, prop.valid_from, prop.valid_to)
    return Threshold(threshold_for_year(list(values.values()), year), unit)


async def thresholds_in_year(
    client: ThesaurusClient, exposures: Iterable[PenibiliteExposure], year: int
) -> dict[str, Threshold]:
    """The threshold of every threshold line that ``exposures`` use, by line code."""
    codes = dict.fromkeys(e.threshold_code for e in exposures if e.threshold_code)
    return {code: await threshold_in_year(client, code, year) for code in codes}


async def factor_labels(client: ThesaurusClient) -> dict[str, str]:
    labels = {}
    for code in FACTOR_CODES:
        concept = await client.lookup(FACTORS, code)
        labels[code] = concept.display if concept else code
    return labels


async def naf_display(client: ThesaurusClient, company: Company) -> str:
    naf = await client.lookup(NAF, company.naf_code)
    return naf.display if naf else company.naf_code


async def thesaurus_facts(
    client: ThesaurusClient, *, company: Company, rows: DuerpRows, year: int
) -> ThesaurusFacts:
    return ThesaurusFacts(
        naf_display=await naf_display(client, company),
        factor_labels=await factor_labels(client),
        thresholds=await thresholds_in_year(client, rows.exposures, year),
    )
