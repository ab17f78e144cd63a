"""``assessment`` command line."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from assessment.settings import AssessmentSettings
from cosar_common.cli import make_cli

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"

app = make_cli(
    service_name="assessment",
    settings_factory=AssessmentSettings,
    app_path="assessment.app:create_app",
    migrations_dir=MIGRATIONS,
    help_text="Service évaluation des risques : entreprises, DUERP, plans d'action.",
)


@app.command("load-demo")
def load_demo_command(
    file: Path = typer.Option(..., exists=True, dir_okay=False, help="deploy/demo/demo-data.json"),
) -> None:
    """Create the demo member companies (idempotent)."""
    from assessment.demo import load_demo

    created = asyncio.run(load_demo(AssessmentSettings().app_database_url, file))
    typer.echo(f"assessment: {created} demo companies created")
