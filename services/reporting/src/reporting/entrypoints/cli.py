"""``reporting`` command line."""

from __future__ import annotations

from pathlib import Path

from cosar_common.cli import make_cli
from reporting.settings import ReportingSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"

app = make_cli(
    service_name="reporting",
    settings_factory=ReportingSettings,
    app_path="reporting.app:create_app",
    migrations_dir=MIGRATIONS,
    help_text="Service reporting : Bilans annuels de santé, sécurité et conditions de travail.",
)
