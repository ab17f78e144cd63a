"""The typeset PDF of a report revision, read back: the seed's structure, the domain's figures
written the French way, the formulas, the charts, the footer, the same bytes twice."""

import hashlib
import re
import time
from datetime import UTC, datetime
from io import BytesIO
from itertools import cycle

import pytest
from pypdf import PdfReader

from reporting.domain.presentation import NBSP, Quantity, present
from reporting.domain.report import ReportInput
from reporting.domain.report_figures import compute_report
from reporting.domain.vocabulary import MaterialElement
from reporting.rendering import RenderInput, ReportStatus, render_pdf
from reporting.rendering.charts import MATERIAL_CHART_TITLE, RATES_CHART_TITLE

from .sample_report import accident, sample_report
from .test_worked_example import worked_example_report

pytestmark = pytest.mark.unit

HASH = hashlib.sha256(b"ch-des-alpilles:2024:r2").hexdigest()
FINALISED_AT = datetime(2025, 2, 14, 9, 30, tzinfo=UTC)  # 10:30 in Paris
SMALL_HEADCOUNT = {"lines": [{"category": "care_and_education", "men": 50, "women": 200}]}
SEED_HEADINGS = [
    "I. – Présentation de l'établissement",
    "1.1. Identification",
    "1.2. Effectif",
    "1.2.1. Effectif des agents couverts par le comité (1)",
    "1.2.2. Mouvements de personnel",
    "1.2.3. Sous-traitance",
    "II. – Principaux indicateurs",
    "2.1. Accidents de travail et de trajet",
    "2.2. Maladies imputables au service",
    "2.3. Données communes aux accidents et maladies",
    "2.4. Organisation du travail",
    "III. – Faits saillants",
    "IV. – Moyens et actions",
    "4.1. L'administration",
    "4.2. Le comité d'hygiène, de sécurité et des conditions de travail (11)",
    "4.3. Actions menées et mise en œuvre du programme",
]


def render_input(
    report: ReportInput | None = None,
    *,
    status: ReportStatus = ReportStatus.FINALISED,
    name: str = "Centre hospitalier des Alpilles",
) -> RenderInput:
    report = report or sample_report()
    finalised = status is ReportStatus.FINALISED
    return RenderInput(
        report=report,
        figures=compute_report(report),
        establishment_name=name,
        siret="26130012300017",
        naf_code="86.10Z",
        revision=2,
        status=status,
        finalised_at=FINALISED_AT if finalised else None,
        content_hash=HASH if finalised else None,
        tenant_name="Santé Travail Provence",
    )


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def squeeze(text: str) -> str:
    """Whitespace (line breaks, no-break spaces) as single spaces."""
    return " ".join(text.split())


def large_hospital_report() -> ReportInput:
    """5,000 agents and 600 accidents in the year: the benchmark's size."""
    lines = [
        {"category": "hospital_practitioners", "men": 250, "women": 250},
        {"category": "interns", "men": 100, "women": 100},
        {"category": "midwives", "men": 5, "women": 95},
        {"category": "administrative", "men": 150, "women": 450},
        {"category": "care_and_education", "men": 600, "women": 2_400},
        {"category": "technical", "men": 350, "women": 50},
        {"category": "medico_technical", "men": 50, "women": 150},
    ]
    elements = cycle(element.value for element in MaterialElement)
    register = [
        accident(
            month=1 + i % 12,
            day=1 + i % 28,
            kind="commute" if i % 15 == 0 else "work",
            with_time_off=i % 6 != 0,
            days_lost=0 if i % 6 == 0 else 1 + i % 40,
            material_element=next(elements),
            external_company_victim=i % 60 == 1,
        )
        for i in range(600)
    ]
    return sample_report(
        headcount={"lines": lines},
        hours_worked={"practitioner_days": 100_000, "other_staff_days": 1_000_000},
        accidents=register,
    )


@pytest.fixture(scope="module")
def worked() -> RenderInput:
    return render_input(worked_example_report())


@pytest.fixture(scope="module")
def pages(worked: RenderInput) -> list[str]:
    started = time.perf_counter()
    pdf = render_pdf(worked)
    print(f"PDF of the worked example rendered in {time.perf_counter() - started:.3f} s")
    return pdf_pages(pdf)


@pytest.fixture(scope="module")
def text(pages: list[str]) -> str:
    return "\n".join(pages)


def test_pdf_shows_the_worked_example_rates_hand_checked(text: str) -> None:
    # 250,000 h; 5 accidents with time off, 150 days lost, 400 agents (test_worked_example).
    assert squeeze("Nombre d'heures travaillées (4) 1 000 200 000 250 000") in squeeze(text)
    assert f"250{NBSP}000" in text
    assert re.search(r"Taux de fréquence \(TF\) n\.c\. \([a-z]\) 30,00 20,00", squeeze(text))
    assert re.search(r"Taux de gravité \(TG\) n\.c\. \([a-z]\) 0,50 0,60", squeeze(text))
    assert "Indice de fréquence (IF) 83,3 15,8 12,5" in squeeze(text)


def test_pdf_figures_are_the_domains_presentation(worked: RenderInput, text: str) -> None:
    quantities = (
        ("frequency_rate", Quantity.FREQUENCY_RATE),
        ("severity_rate", Quantity.SEVERITY_RATE),
        ("frequency_index", Quantity.FREQUENCY_INDEX),
    )
    for column in worked.figures.years:
        for name, quantity in quantities:
            shown = present(getattr(column, name), quantity)
            assert shown.text in text
            if shown.note is not None:  # a missing figure says why, as a note
                assert squeeze(shown.note) in squeeze(text)
    for line in worked.figures.budget:
        assert present(line.change, Quantity.PERCENT_CHANGE).text in text


def test_pdf_states_the_seed_formulas_and_applies_them(text: str) -> None:
    flat = squeeze(text)
    assert (
        "journées de présence des praticiens hospitaliers × 7 h + journées de présence des "
        "autres personnels × 7 h 38"
    ) in flat
    assert squeeze("nombre d'accidents de travail avec arrêt × 1 000 000") in flat
    assert squeeze("nombre de journées perdues × 1 000 nombre d'heures travaillées") in flat
    assert squeeze("3 000 journées × 7 h + 30 000 journées × 7 h 38 = 250 000 heures") in flat
    assert squeeze("TF = 5 × 1 000 000 / 250 000 = 20,00") in flat
    assert squeeze("TG = 150 × 1 000 / 250 000 = 0,60") in flat
    assert squeeze("IF = 5 × 1 000 / 400 = 12,5") in flat


def test_pdf_follows_the_seed_numbering_in_order(pages: list[str]) -> None:
    body = squeeze("\n".join(pages[2:]))  # after the cover and the table of contents
    positions = [body.index(squeeze(heading)) for heading in SEED_HEADINGS]
    assert positions == sorted(positions)
    assert "Sommaire" in pages[1]


def test_pdf_has_the_headcount_movements_and_subcontracting(text: str) -> None:
    flat = squeeze(text)
    assert "Catégorie de personnel Hommes Femmes Total Dont étrangers" in flat
    assert "Personnel soignant et éducatif 38 192 230 6" in flat
    assert "Total 114 286 400 12" in flat
    assert "Agents recrutés dans l'année 38" in flat
    assert squeeze("sous-traitants permanents (3) 2 150") in flat


def test_pdf_has_means_committee_actions_and_training(text: str) -> None:
    flat = squeeze(text)
    assert squeeze("Investissements en matériel 33 000,00 € 30 000,00 € +10,0 %") in flat
    assert "dont à la suite d'un accident 1" in flat
    assert "Actions en cours au 31 décembre 2024" in flat
    assert "Réfection des sols de la cuisine" in flat
    assert "Organismes de formation ayant assuré les formations ANFH, INRS" in flat
    assert "Lombalgie lors du transfert d'un patient" in flat


def test_charts_of_rates_and_of_material_elements_above_300_agents(text: str) -> None:
    assert f"{RATES_CHART_TITLE}, 2022 à 2024" in text
    assert f"{MATERIAL_CHART_TITLE}, 2024" in text  # 400 agents


def test_no_material_element_chart_at_300_agents_or_fewer() -> None:
    report = sample_report(headcount=SMALL_HEADCOUNT)  # 250 agents
    text = "\n".join(pdf_pages(render_pdf(render_input(report))))

    assert MATERIAL_CHART_TITLE not in text
    assert RATES_CHART_TITLE in text
    assert squeeze("à ne fournir que dans les établissements de plus de 300 agents") in squeeze(
        text
    )


def test_every_page_has_the_footer(pages: list[str]) -> None:
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} / {len(pages)}" in page
        assert squeeze(
            f"Centre hospitalier des Alpilles — rapport 2024 — révision n° 2 — finalisé — "
            f"empreinte {HASH[:12]}"
        ) in squeeze(page)
    assert HASH in pages[0]


def test_draft_footer_says_draft_without_hash() -> None:
    pdf = render_pdf(render_input(status=ReportStatus.DRAFT))
    pages = pdf_pages(pdf)

    assert "révision n° 2 — brouillon" in squeeze(pages[-1])
    assert all("empreinte" not in page for page in pages)
    assert PdfReader(BytesIO(pdf)).metadata.creation_date is None


def test_pdf_date_is_the_finalisation_instant(worked: RenderInput) -> None:
    metadata = PdfReader(BytesIO(render_pdf(worked))).metadata

    assert metadata.creation_date == FINALISED_AT
    assert metadata.author == "Santé Travail Provence"


@pytest.mark.parametrize("status", list(ReportStatus))
def test_pdf_is_the_same_bytes_twice(status: ReportStatus) -> None:
    data = render_input(status=status)

    assert render_pdf(data) == render_pdf(data)


def test_user_text_is_printed_not_read_as_typst_markup() -> None:
    markup = r'#set text(red) *gras* _penché_ $x^2$ <lbl> @ref \ // "guillemets" `code` ]'
    text = "\n".join(pdf_pages(render_pdf(render_input(name=markup))))

    assert squeeze(markup) in squeeze(text)


def test_large_hospital_pdf_renders_counts_not_the_register() -> None:
    data = render_input(large_hospital_report())
    started = time.perf_counter()
    pdf = render_pdf(data)
    elapsed = time.perf_counter() - started
    pages = pdf_pages(pdf)
    print(f"PDF of a 5,000-agent hospital, 600 accidents: {elapsed:.3f} s, {len(pages)} pages")

    text = squeeze("\n".join(pages))
    tf = present(data.figures.current.frequency_rate, Quantity.FREQUENCY_RATE).text
    assert squeeze(tf) in text
    assert f"Total {squeeze(f'1{NBSP}505 3{NBSP}495 5{NBSP}000')}" in text
    assert len(pages) < 15  # counts and breakdowns, not one line per accident
