"""`platform` command line: `run`, `test`, `assets` and `infra up|down|status|reset`."""

from __future__ import annotations

from pathlib import Path

import typer

from cosar_deploy import infra, platform_commands
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
