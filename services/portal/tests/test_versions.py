"""The published versions in words: the list, the chain, the file names, the diff (pure)."""

from __future__ import annotations

from datetime import date

import pytest
from portal.domain.versions import (
    CHAIN_EMPTY,
    CHAIN_VERIFIED,
    chain_status,
    comparison,
    default_pair,
    diff_summary,
    document_filename,
    may_publish,
    may_record_consultation,
    parse_consultation,
    version_rows,
)

from .samples import CHAIN_BROKEN, CHAIN_OK, DIFF, VERSIONS

pytestmark = pytest.mark.unit


def test_versions_are_listed_newest_first_with_paris_dates_and_the_cse_opinion() -> None:
    rows = version_rows(VERSIONS, username="employer1@sst-13-marseille", name="Jean Castel")
    assert [row.number for row in rows] == [2, 1]
    newest, first = rows
    assert newest.published_at == "02/07/2026 à 00:15"  # 22:15 UTC is the next day in Paris
    assert newest.published_on == "2 juillet 2026"
    assert newest.published_by == "sst-technician1@sst-13-marseille"  # only a login is known
    assert newest.consultation is None
    assert first.published_at == "14/01/2026 à 09:30"
    assert first.published_by == "Jean Castel (vous)"
    assert first.consultation is not None
    assert first.consultation.sentence == "Consulté le 02/02/2026 : avis assorti de réserves"
    assert first.consultation.proposals == "Capoter le laminoir."


def test_another_publisher_is_named_when_the_api_kept_the_name() -> None:
    named = [{**VERSIONS[1], "published_by_name": "Karim Benali"}]
    (row,) = version_rows(named, username="employer1@sst-13-marseille", name="Jean Castel")
    assert row.published_by == "Karim Benali"


def test_the_chain_is_said_in_words() -> None:
    ok = chain_status(CHAIN_OK)
    assert ok.valid
    assert ok.sentence == CHAIN_VERIFIED
    assert ok.detail == "2 versions contrôlées."
    assert chain_status({"valid": True, "length": 0}).sentence == CHAIN_EMPTY
    broken = chain_status(CHAIN_BROKEN)
    assert not broken.valid
    assert broken.sentence == (
        "Chaîne d'empreintes rompue à partir de la version 2 : "
        "Le contenu de la version 2 ne correspond plus à son empreinte."
    )
    assert "prévenez" in broken.detail


def test_a_document_is_named_in_french_without_characters_a_file_system_refuses() -> None:
    assert document_filename("Boulangerie du Vieux-Port", 3, "pdf") == (
        "Document unique - Boulangerie du Vieux-Port - version 3.pdf"
    )
    assert document_filename('Transports "A/B" : Sud', 1, "xlsx") == (
        "Document unique - Transports A B Sud - version 1.xlsx"
    )
    assert document_filename("///", 1, "ods") == "Document unique - entreprise - version 1.ods"


def test_the_compare_form_wants_two_different_published_versions() -> None:
    numbers = {1, 2, 3}
    assert default_pair(numbers) == (2, 3)
    assert default_pair({1}) == (None, None)
    assert not comparison(numbers, None, None).ready
    assert comparison(numbers, None, None).error is None
    chosen = comparison(numbers, "3", "1")
    assert (chosen.ready, chosen.old, chosen.new) == (True, 1, 3)  # the older first
    assert comparison(numbers, "2", "2").error == "Choisissez deux versions différentes."
    assert comparison(numbers, "2", "9").error == "Choisissez deux versions publiées."
    assert comparison(numbers, "deux", "3").error == "Choisissez deux versions publiées."


def test_the_diff_is_said_in_words() -> None:
    summary = diff_summary(DIFF)
    assert summary.headline == (
        "De la version 1 à la version 2 : 2 changements d'unités, 2 changements de risques, "
        "1 changement d'action."
    )
    sections = {section.title: section.lines for section in summary.sections}
    assert sections["Unités de travail ajoutées"] == ("Vente",)
    assert sections["Unités de travail modifiées"] == ("Fournil — effectif : « 3 » → « 4 »",)
    assert sections["Risques ajoutés"] == ("Coupures (Fournil)",)
    assert sections["Risques recotés"] == (
        "Bruit (Fournil) : criticité résiduelle 6, priorité Modérée → "
        "criticité résiduelle 3,15, priorité Faible",
    )
    assert sections["Actions retirées"] == ("Former au port de charges",)
    assert "Risques retirés" not in sections  # nothing to say, no heading


def test_two_identical_versions_say_so() -> None:
    empty = {
        **DIFF,
        **{k: [] for k in DIFF if isinstance(DIFF[k], list)},
        "counts": dict.fromkeys(DIFF["counts"], 0),
    }
    summary = diff_summary(empty)
    assert summary.sections == ()
    assert summary.headline == "Aucune différence entre la version 1 et la version 2."


def test_only_writers_of_the_duerp_are_offered_to_publish() -> None:
    assert may_publish({"employer"})
    assert not may_publish({"employee-representative"})
    assert not may_publish(set())


def test_the_cse_form_is_parsed_for_the_api() -> None:
    today = date(2026, 12, 7)
    payload, errors = parse_consultation(
        {"consulted_on": "07/12/2026", "opinion": "unfavourable", "proposals": ""}, today=today
    )
    assert not errors
    assert payload == {"consulted_on": "2026-12-07", "opinion": "unfavourable", "proposals": ""}
    _, future = parse_consultation(
        {"consulted_on": "2026-12-08", "opinion": "favourable"}, today=today
    )
    assert future.fields == {
        "consulted_on": ["La consultation ne peut pas être datée dans le futur."]
    }
    _, wrong = parse_consultation({"consulted_on": "", "opinion": "peut-être"}, today=today)
    assert wrong.fields == {
        "consulted_on": ["Ce champ est obligatoire."],
        "opinion": ["Choisissez une des valeurs proposées."],
    }
    assert may_record_consultation({"employee-representative"})
    assert may_record_consultation({"employer"})  # for the CSE, as the assessment allows
    assert not may_record_consultation({"sst-preventer", "regional-analyst"})
