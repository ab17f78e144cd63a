"""``portal`` command line: ``portal serve``, ``portal migrate``."""

from __future__ import annotations

from pathlib import Path

from cosar_common.cli import make_cli
from portal.settings import PortalSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"

app = make_cli(
    service_name="portal",
    settings_factory=PortalSettings,
    app_path="portal.app:create_app",
    migrations_dir=MIGRATIONS,
    help_text="Portail web : pages, connexion par Keycloak, sessions côté serveur.",
)
