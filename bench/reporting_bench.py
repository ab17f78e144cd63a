"""Reporting benchmark: a 5,000-agent hospital with three years of registers (~600 accidents
a year): time to validate and compute the report, and to render its PDF (also HTML and ODT).

In process (the domain and the renderers; no infrastructure), with the two earlier years'
reports as the side-by-side source. Prints figures only: nothing passes or fails.

    uv run python bench/reporting_bench.py [--runs 30]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reporting.domain.computations import year_figures
from reporting.domain.report import ReportInput, parse_report_input
from reporting.domain.report_figures import compute_report
from reporting.rendering import RenderInput, ReportStatus, render_html, render_odt, render_pdf

SAMPLE = Path(__file__).parents[1] / "services" / "reporting" / "tests" / "sample_report.py"
ELEMENTS = [
    "falls",
    "cutting_tools",
    "machines",
    "burns",
    "lifting",
    "agitated_patients",
    "traffic",
    "moving_objects",
    "radiation",
    "toxic_products",
    "other",
]


def _sample() -> Any:
    spec = importlib.util.spec_from_file_location("bench_sample_report", SAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hospital_year(sample: Any, year: int, rng: random.Random) -> ReportInput:
    """The sample hospital scaled to 5,000 agents, with ~600 accidents in the year."""
    data = sample.sample_report_data(year=year)
    lines = data["establishment"]["headcount"]["lines"]
    for line in lines:
        for column in ("men", "women", "foreigners"):
            line[column] = line[column] * 25 // 2
        line["total"] = line["men"] + line["women"]
    table = data["establishment"]["headcount"]
    for column, key in (
        ("men", "total_men"),
        ("women", "total_women"),
        ("foreigners", "total_foreigners"),
    ):
        table[key] = sum(line[column] for line in lines)
    table["total"] = table["total_men"] + table["total_women"]
    accidents = []
    for n in range(rng.randint(560, 640)):
        time_off = rng.random() < 0.6
        accidents.append(
            sample.accident(
                year=year,
                month=rng.randint(1, 12),
                day=rng.randint(1, 28),
                kind="work" if rng.random() < 0.85 else "commute",
                with_time_off=time_off,
                days_lost=rng.randint(1, 60) if time_off else 0,
                material_element=rng.choice(ELEMENTS),
                reference=f"AT-{year}-{n:04d}",
            )
        )
    data["indicators"]["accidents"] = accidents
    days = data["indicators"]["hours_worked"]
    for key in ("practitioner_days", "other_staff_days"):
        if days.get(key):
            days[key] = days[key] * 25 // 2
    data["indicators"]["previous_years"] = []
    return parse_report_input(data)


def report(label: str, values: list[float]) -> None:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{label:<44} p50 {statistics.median(values):8.1f} ms   p95 {p95:8.1f} ms")


def main(runs: int) -> None:
    sample = _sample()
    rng = random.Random(5000)
    years = [hospital_year(sample, year, rng) for year in (2022, 2023, 2024)]
    current = years[-1]
    print(
        f"agents: {compute_report(current).headcount.total}; accidents per year: "
        f"{', '.join(str(len(y.indicators.accidents)) for y in years)}"
    )
    earlier = [year_figures(y) for y in years[:2]]
    raw = current.model_dump(mode="json")
    timings: dict[str, list[float]] = {k: [] for k in ("compute", "pdf", "html", "odt")}
    for _ in range(runs):
        started = time.perf_counter()
        figures = compute_report(parse_report_input(raw), earlier_reports=earlier)
        timings["compute"].append((time.perf_counter() - started) * 1000)
        data = RenderInput(
            report=current,
            figures=figures,
            establishment_name="Centre hospitalier du banc",
            siret="26130012300017",
            naf_code="86.10Z",
            revision=1,
            status=ReportStatus.FINALISED,
            finalised_at=datetime(2025, 3, 1, tzinfo=UTC),
            content_hash="0" * 64,
            tenant_name="sst-13-marseille",
        )
        for name, render in (("pdf", render_pdf), ("html", render_html), ("odt", render_odt)):
            started = time.perf_counter()
            render(data)
            timings[name].append((time.perf_counter() - started) * 1000)
    report("validate + compute (3 years side by side)", timings["compute"])
    report("render PDF (Typst, with charts)", timings["pdf"])
    report("render HTML", timings["html"])
    report("render ODT", timings["odt"])
    print("target: PDF p95 < 2 s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    main(parser.parse_args().runs)
