"""The command line every service shares: ``<service> serve`` and ``<service> migrate``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import typer

from cosar_common.db import migrations
from cosar_common.settings import ServiceSettings
from cosar_common.telemetry import logging_config, setup_logging

WORKER_HEALTHCHECK_S = 60


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
        workers: int = typer.Option(
            None,
            min=1,
            help=f"Processus serveurs partageant le port (défaut : {service_name.upper()}_WORKERS)",
        ),
        reload: bool = typer.Option(False, help="Rechargement à chaud (développement)"),
    ) -> None:
        """Start the HTTP API and the Kafka subscribers, in WORKERS processes (each its own
        app, started from the service's factory, sharing the listening socket)."""
        import uvicorn

        settings = settings_factory()
        count = workers or settings.workers
        if reload and count > 1:
            raise typer.BadParameter("--reload runs one process: not with --workers > 1")
        module_name = app_path.partition(":")[0]
        importlib.import_module(module_name)  # fail early with a clear import error
        uvicorn.run(
            app_path,  # an import string: each worker process builds its own app from it
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=count,
            reload=reload,
            # Applied in this process and in every worker (spawned: nothing is inherited).
            log_config=logging_config(
                service_name, level=settings.log_level, json_logs=settings.log_json
            ),
            access_log=False,
            # A worker must answer the supervisor's ping within this; the default (5 s) is
            # shorter than a spawned worker's start on a busy machine: killed, started again.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
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
