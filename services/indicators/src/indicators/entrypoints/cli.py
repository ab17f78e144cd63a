"""``indicators`` command line."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

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


@app.command("rebuild")
def rebuild_command() -> None:
    """Replay the topics from offset 0 into empty fact tables (stop the service first)."""
    from cosar_common.db import make_engine, make_session_factory
    from indicators.facts.rebuild import replay

    async def run() -> dict[str, int]:
        settings = IndicatorsSettings()
        engine = make_engine(settings.app_database_url, pool_size=2, application_name="rebuild")
        try:
            return await replay(make_session_factory(engine), settings)
        finally:
            await engine.dispose()

    outcome = asyncio.run(run())
    typer.echo("indicators rebuilt: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))
