"""``indicators`` command line."""

from __future__ import annotations

from pathlib import Path

from cosar_common.cli import make_cli
from indicators.settings import IndicatorsSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"

app = make_cli(
    service_name="indicators",
    settings_factory=IndicatorsSettings,
    app_path="indicators.app:create_app",
    migrations_dir=MIGRATIONS,
    help_text="Service indicators : Indicateurs régionaux.",
)
