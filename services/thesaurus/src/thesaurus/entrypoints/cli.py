"""``thesaurus`` command line."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

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


@app.command("load-reference")
def load_reference_command(
    directory: Path = typer.Option(
        None, "--dir", exists=True, file_okay=False, help="Dossier des CSV de référence"
    ),
) -> None:
    """Publish version 1 of the region's reference code systems (idempotent)."""
    from cosar_common.db import make_engine, make_session_factory
    from thesaurus.reference import DEFAULT_DIR
    from thesaurus.reference_loader import load_reference

    async def _run() -> dict[str, bool]:
        engine = make_engine(ThesaurusSettings().app_database_url, pool_size=2)
        try:
            return await load_reference(
                make_session_factory(engine), directory=directory or DEFAULT_DIR
            )
        finally:
            await engine.dispose()

    for name, loaded in asyncio.run(_run()).items():
        typer.echo(f"  {name:<38} {'chargé' if loaded else 'déjà présent'}")
