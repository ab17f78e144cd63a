"""The command line every service shares: ``<service> serve`` and ``<service> migrate``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import typer

from cosar_common.db import migrations
from cosar_common.settings import ServiceSettings
from cosar_common.telemetry import setup_logging


def make_cli(
    *,
    service_name: str,
    settings_factory: Callable[[], ServiceSettings],
    app_path: str,
    migrations_dir: Path,
    help_text: str,
) -> typer.Typer:
    """A Typer app with the commands of every service; a service may add its own."""
    cli = typer.Typer(help=help_text, no_args_is_help=True, add_completion=False)

    @cli.command()
    def serve(
        host: str = typer.Option(None, help="Interface d'écoute (défaut : réglages)"),
        port: int = typer.Option(None, help="Port d'écoute (défaut : réglages)"),
        reload: bool = typer.Option(False, help="Rechargement à chaud (développement)"),
    ) -> None:
        """Start the HTTP API and the Kafka subscribers in one process."""
        import uvicorn

        settings = settings_factory()
        setup_logging(service_name, level=settings.log_level, json_logs=settings.log_json)
        module_name = app_path.partition(":")[0]
        importlib.import_module(module_name)  # fail early with a clear import error
        uvicorn.run(
            app_path,
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            reload=reload,
            log_config=None,
            access_log=False,
        )

    @cli.command()
    def migrate(revision: str = typer.Argument("head", help="Révision Alembic cible")) -> None:
        """Apply the database migrations (as the owner role), then grant the runtime role."""
        settings = settings_factory()
        setup_logging(service_name, level=settings.log_level, json_logs=False)
        migrations.upgrade(
            migrations_dir=migrations_dir,
            owner_url=settings.owner_database_url,
            runtime_url=settings.app_database_url,
            revision=revision,
        )
        typer.echo(f"{service_name}: database migrated to {revision}")

    return cli
