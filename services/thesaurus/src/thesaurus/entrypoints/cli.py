"""``thesaurus`` command line."""

from __future__ import annotations

from pathlib import Path

from cosar_common.cli import make_cli
from thesaurus.settings import ThesaurusSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"

app = make_cli(
    service_name="thesaurus",
    settings_factory=ThesaurusSettings,
    app_path="thesaurus.app:create_app",
    migrations_dir=MIGRATIONS,
    help_text="Service thésaurus : systèmes de codes partagés de la région.",
)
