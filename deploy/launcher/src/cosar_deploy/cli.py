"""`platform` command line: `run`, `test`, `assets`, `backup`, `restore` and
`infra up|down|status|reset`."""

from __future__ import annotations

from pathlib import Path

import typer

from cosar_deploy import backup as backups
from cosar_deploy import infra, platform_commands
from cosar_deploy.endpoints import Endpoints
from cosar_deploy.errors import InfraError
from cosar_deploy.paths import Paths

app = typer.Typer(name="platform", help="COSAR platform developer commands.", no_args_is_help=True)
app.add_typer(infra.app, name="infra")


@app.command()
def run() -> None:
    """Start the whole platform with demo data and print where to open it (Ctrl-C stops it)."""
    try:
        platform_commands.run()
    except InfraError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from exc


@app.command("test", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def suite(
    ctx: typer.Context,
    lint: bool = typer.Option(True, help="Run ruff, mypy and lint-imports before the tests"),
    clock_runs: bool | None = typer.Option(
        None,
        "--clock-runs/--no-clock-runs",
        help="Run the suite again with the platform clock at Paris-vs-UTC date boundaries"
        " (default: only for the whole suite, without pytest arguments)",
        show_default=False,
    ),
) -> None:
    """Run the whole test suite on the real infrastructure (extra arguments go to pytest)."""
    try:
        platform_commands.run_tests(list(ctx.args), lint=lint, clock_runs=clock_runs)
    except InfraError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from exc


@app.command()
def assets(
    check: bool = typer.Option(
        False, "--check", help="Only verify the installed files; never download"
    ),
    dest: Path | None = typer.Option(
        None,
        help="Target folder (default: $COSAR_WEB_ASSETS_DIR, else web-assets in the cache)",
        show_default=False,
    ),
) -> None:
    """Download and verify the pinned browser files (Swagger UI for /docs, htmx for the portal).

    `run` and `test` do it too. Tarballs and files are checked against pinned hashes.
    """
    try:
        platform_commands.install_web_assets(Paths.from_env(), dest=dest, check_only=check)
    except InfraError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from exc


BACKUP_HELP = (
    "Sauvegarder la base de chaque service (pg_dump) dans un dossier daté, avec son manifeste."
    "\n\nLe dossier <horodatage UTC>/ créé contient un fichier .dump par base et manifest.json"
    " (date, version du serveur, taille, empreinte SHA-256 et révision Alembic de chaque base)."
    " PostgreSQL doit tourner (bin/platform infra up --only postgres)."
)


@app.command(help=BACKUP_HELP)
def backup(
    to: Path | None = typer.Option(
        None,
        "--to",
        help="Dossier où créer la sauvegarde (par défaut : backups/ dans le dossier d'état,"
        " ~/.local/state/cosar-platform/backups)",
        show_default=False,
    ),
) -> None:
    """`pg_dump` of every service database into `<root>/<UTC timestamp>/` (see BACKUP_HELP)."""
    paths = Paths.from_env()
    root = to.expanduser().resolve() if to is not None else backups.default_backup_root(paths)
    server = backups.superuser_server(Endpoints.local())
    typer.echo(f"Sauvegarde des bases de {server.host}:{server.port} :")
    try:
        folder = backups.backup(server, root, echo=typer.echo)
    except backups.BackupError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Sauvegarde terminée : {folder}")
    typer.echo(f"Pour la restaurer : bin/platform restore {folder}")


RESTORE_HELP = (
    "Remplacer les bases des services par celles d'une sauvegarde (pg_restore)."
    "\n\nVérifie d'abord les empreintes du manifeste : une sauvegarde abîmée est refusée et rien"
    " n'est modifié. Les services doivent être arrêtés (bin/platform run : Ctrl-C). Les rôles et"
    " les droits sont ceux du lanceur ; chaque base est restaurée à part, puis échangée avec"
    " l'actuelle, qui est supprimée. Demande confirmation, sauf avec --yes."
    "\n\nRelancez ensuite bin/platform run (qui applique les migrations manquantes)."
)


CONFIRMATIONS = ("oui", "o", "yes", "y")


@app.command(help=RESTORE_HELP)
def restore(
    folder: Path = typer.Argument(..., help="Dossier d'une sauvegarde (celui de manifest.json)"),
    yes: bool = typer.Option(False, "--yes", help="Ne pas demander de confirmation"),
) -> None:
    """`pg_restore` of a checked backup in place of the service databases (see RESTORE_HELP)."""
    folder = folder.expanduser().resolve()
    server = backups.superuser_server(Endpoints.local())
    try:
        manifest = backups.verify_backup(folder)
        if not yes:
            typer.echo(
                f"Sauvegarde du {manifest.created_at} (PostgreSQL {manifest.server_version}) :"
            )
            for database in manifest.databases:
                typer.echo(f"  {database.name} : {database.size} octets")
            answer = typer.prompt(
                f"Remplacer les bases {', '.join(manifest.names)} de {server.host}:{server.port}"
                " par celles-ci ? Leurs données actuelles seront perdues. [oui/non]",
                default="non",
                show_default=False,
            )
            if answer.strip().lower() not in CONFIRMATIONS:
                typer.echo("Restauration annulée : rien n'a été modifié.")
                raise typer.Exit(1)
        backups.restore(
            folder,
            server,
            service_ports=list(platform_commands.PORTS.values()),
            echo=typer.echo,
        )
    except backups.BackupError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from exc
    typer.echo("Restauration terminée. Relancez la plateforme : bin/platform run")
