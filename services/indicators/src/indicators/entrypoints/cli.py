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


@app.command("release")
def release_command(
    year: int | None = typer.Option(
        None, help="Année des indicateurs (par défaut : l'année en cours)"
    ),
) -> None:
    """Make, audit and publish the next release of YEAR (nothing is published if its audit
    finds a breach); shows its progress."""
    from cosar_common import clock
    from cosar_common.db import make_engine, make_session_factory
    from indicators.releases.service import ReleaseRejected, make_release

    def progress(done: int, total: int, step: str) -> None:
        typer.echo(f"[{done}/{total}] {step}", err=True)

    async def run() -> str:
        settings = IndicatorsSettings()
        engine = make_engine(settings.app_database_url, pool_size=2, application_name="release")
        try:
            made = await make_release(
                make_session_factory(engine),
                settings,
                year=year or clock.today().year,
                today=clock.today(),
                made_by="cli",
                progress=progress,
            )
        finally:
            await engine.dispose()
        return (
            f"release {made.id}: {made.year} n° {made.number}, data as of "
            f"{made.reference_date}, audit {made.audit['breaches']} breaches, loss {made.loss}"
        )

    try:
        typer.echo(asyncio.run(run()))
    except ReleaseRejected as rejected:
        typer.echo(f"release refused by its audit: {rejected.report.by_kind()}", err=True)
        for breach in rejected.report.breaches[:50]:
            typer.echo(
                f"  {breach.kind} {breach.intruder} {breach.cell}: {breach.detail}", err=True
            )
        raise typer.Exit(1) from None


@app.command("audit")
def audit_command(release: str = typer.Argument(..., help="Identifiant de la diffusion")) -> None:
    """Attack a stored release again (linked LP, each tenant, each company, differences,
    the previous release, rate bounds) and list every breach; exit 1 when there is one."""
    import uuid

    from cosar_common.db import make_engine, make_session_factory
    from indicators.releases.models import Release
    from indicators.releases.service import audit_stored

    async def run() -> tuple[int, dict[str, int], dict[str, int]]:
        settings = IndicatorsSettings()
        engine = make_engine(settings.app_database_url, pool_size=2, application_name="audit")
        try:
            async with make_session_factory(engine)() as session:
                found = await session.get(Release, uuid.UUID(release))
                if found is None:
                    typer.echo(f"no release {release}", err=True)
                    raise typer.Exit(2)
                report = await audit_stored(session, settings, found)
        finally:
            await engine.dispose()
        for breach in report.breaches[:50]:
            typer.echo(f"  {breach.kind} {breach.intruder} {breach.cell}: {breach.detail}")
        return len(report.breaches), report.by_kind(), dict(report.targets)

    breaches, kinds, targets = asyncio.run(run())
    typer.echo(f"targets attacked: {targets}")
    typer.echo(f"breaches: {breaches} {kinds}")
    if breaches:
        raise typer.Exit(1)
