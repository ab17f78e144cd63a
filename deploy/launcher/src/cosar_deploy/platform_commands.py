"""`platform run`, `platform test` and `platform assets`.

- `run`: the pinned browser files (:func:`install_web_assets`), infrastructure up, migrations,
  demo data, the four services and the portal as processes, the portal's address first, then
  the services' and the demo accounts; Ctrl-C stops the services and whatever infrastructure
  this run started.
- `test`: the browser files, infrastructure up (or reused), the whole pytest suite (unit and
  cross-service) with the machine's time zone set to UTC, then again (but two slow population
  modules) once per platform-clock setting of :data:`CLOCK_SETTINGS`; stops only what it
  started; exits with pytest's code (5, "no tests ran", is a failure).
- `assets`: the browser files alone (:func:`install_web_assets`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import typer

from cosar_deploy import infra
from cosar_deploy.endpoints import SERVICES, Endpoints
from cosar_deploy.errors import InfraError
from cosar_deploy.paths import DEPLOY_DIR, Paths
from cosar_deploy.system import require_command

REPO_DIR = DEPLOY_DIR.parent
DEMO_FILE = DEPLOY_DIR / "demo" / "demo-data.json"
PORTS = {
    "portal": 8000,
    "thesaurus": 8001,
    "assessment": 8002,
    "reporting": 8003,
    "indicators": 8004,
}
READY_TIMEOUT_S = 90.0


@dataclass
class ServiceProcess:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _service_env(service: str, ep: Endpoints) -> dict[str, str]:
    prefix = service.upper() + "_"
    extra = {"INDICATORS_RELEASE_HOUR": "2"} if service == "indicators" else {}
    return {
        **extra,
        **os.environ,
        prefix + "KAFKA_BOOTSTRAP_SERVERS": ep.kafka_bootstrap,
        prefix + "KEYCLOAK_URL": ep.keycloak_url,
        prefix + "DB_HOST": ep.postgres_host,
        prefix + "DB_PORT": str(ep.postgres_port),
    }


def _bin(name: str) -> str:
    """The console script of a workspace member, next to this interpreter."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def _run_step(args: Sequence[str], *, env: dict[str, str], what: str) -> None:
    result = subprocess.run(list(args), env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        typer.secho(f"échec : {what}\n{result.stdout}\n{result.stderr}", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"  {what} : ok")


def _wait_ready(service: ServiceProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"{service.name} exited ({service.process.returncode})")
        try:
            response = httpx.get(f"{service.url}/health/ready", timeout=2)
            if response.status_code == 200:
                return
            last = response.text
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.5)
    raise RuntimeError(f"{service.name} not ready after {timeout:.0f} s: {last}")


def _start_services(ep: Endpoints, paths: Paths) -> list[ServiceProcess]:
    running: list[ServiceProcess] = []
    for name in SERVICES:
        log = paths.log_file(name)
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            process = subprocess.Popen(
                [_bin(name), "serve", "--port", str(PORTS[name])],
                env=_service_env(name, ep),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        running.append(ServiceProcess(name, PORTS[name], process, log))
    for service in running:
        try:
            _wait_ready(service, READY_TIMEOUT_S)
        except RuntimeError as exc:
            _stop_services(running)
            typer.secho(f"{exc} — journal : {service.log}", fg="red", err=True)
            raise typer.Exit(1) from exc
    return running


def _stop_services(running: Sequence[ServiceProcess]) -> None:
    for service in running:
        if service.process.poll() is None:
            service.process.terminate()
    for service in running:
        try:
            service.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            service.process.kill()


def _print_summary(ep: Endpoints, running: Sequence[ServiceProcess]) -> None:
    lines = ["", "Plateforme COSAR démarrée.", ""]
    lines += [
        f"  Portail : {service.url}/   ← à ouvrir dans un navigateur (comptes ci-dessous)"
        for service in running
        if service.name == "portal"
    ]
    lines.append("")
    lines += [
        f"  {service.name:<11} {service.url}/docs   (AsyncAPI : {service.url}/asyncapi)"
        for service in running
        if service.name != "portal"
    ]
    lines += [
        f"  keycloak    {ep.keycloak_url}/admin/   (admin / admin, local uniquement)",
        f"  realm       {ep.keycloak_url}/realms/{ep.keycloak_realm}/account/",
        "",
        "Comptes de démonstration (mot de passe « demo », démo uniquement) :",
        "  thesaurus-editor, platform-admin, regional-analyst",
        "  par service (sst-13-marseille, sst-83-toulon, sst-06-nice) : sst-admin@<service>,",
        "  sst-preventer@…, sst-physician@…, employee-representative@…, employer1@…, employer2@…",
        "",
        "Jeton pour essayer l'API (client platform-cli, démo uniquement) :",
        f"  curl -s -d grant_type=password -d client_id=platform-cli -d username=employer1@"
        f"sst-13-marseille -d password=demo {ep.keycloak_url}/realms/{ep.keycloak_realm}"
        "/protocol/openid-connect/token",
        "",
        "Ctrl-C arrête tout.",
    ]
    typer.echo("\n".join(lines))


def _demo_duerp(ep: Endpoints) -> None:
    """The demo bakery's DUERP, through the API; a failure is reported, not fatal."""
    from cosar_deploy.demo_duerp import write_demo_duerp

    try:
        written = write_demo_duerp(
            assessment_url=f"http://127.0.0.1:{PORTS['assessment']}",
            keycloak_url=ep.keycloak_url,
            realm=ep.keycloak_realm,
        )
    except Exception as exc:  # the platform still runs without it
        typer.secho(f"  document unique de démonstration : échec ({exc})", fg="yellow")
        return
    state = "publié" if written else "déjà présent"
    typer.echo(f"  document unique de démonstration (Boulangerie du Vieux-Port) : {state}")


def _demo_release(ep: Endpoints) -> None:
    """This year's indicator release, so the dashboards open on something; not fatal."""
    result = subprocess.run(
        [_bin("indicators"), "release"],
        env=_service_env("indicators", ep),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        typer.secho(
            f"  diffusion des indicateurs de l'année : échec\n{result.stderr[-2000:]}", fg="yellow"
        )
        return
    typer.echo("  diffusion des indicateurs de l'année : publiée")


WEB_ASSETS = "web-assets"


def web_assets_dir(paths: Paths) -> Path:
    """Where the browser files are: $COSAR_WEB_ASSETS_DIR, else `web-assets` in the cache."""
    from cosar_common.web_assets import ENVIRONMENT_VARIABLE

    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    return (
        Path(configured).expanduser().resolve() if configured else paths.component_cache(WEB_ASSETS)
    )


def install_web_assets(paths: Paths, *, dest: Path | None = None, check_only: bool = False) -> Path:
    """Download (first time) and verify the pinned browser files: Swagger UI for every
    service's /docs, htmx for the portal. The services started from here (and the test
    suite) inherit COSAR_WEB_ASSETS_DIR, so they read the very folder checked here."""
    # The services' library, installed beside the launcher by `uv sync --all-packages`.
    from cosar_common import web_assets

    directory = dest.expanduser().resolve() if dest is not None else web_assets_dir(paths)
    typer.echo("Fichiers web (Swagger UI, htmx) :")
    try:
        if check_only:
            for package, folder in web_assets.check_assets(directory):
                typer.echo(f"  {package.name} {package.version} : vérifié ({folder})")
        else:
            for done in web_assets.ensure_assets(directory):
                state = "téléchargé et vérifié" if done.downloaded else "déjà présent, vérifié"
                typer.echo(
                    f"  {done.package.name} {done.package.version} : {state} ({done.directory})"
                )
    except web_assets.WebAssetsError as exc:
        raise InfraError(WEB_ASSETS, str(exc)) from exc
    os.environ[web_assets.ENVIRONMENT_VARIABLE] = str(directory)
    return directory


def run() -> None:
    """Start the whole platform with demo data; Ctrl-C stops it."""
    paths = Paths.from_env()
    ep = Endpoints.local()
    install_web_assets(paths)
    started = infra.ensure_up(paths=paths, ep=ep)
    running: list[ServiceProcess] = []
    try:
        typer.echo("Migrations et données de démonstration :")
        for name in SERVICES:
            _run_step([_bin(name), "migrate"], env=_service_env(name, ep), what=f"{name} migrate")
        _run_step(
            [_bin("thesaurus"), "load-reference"],
            env=_service_env("thesaurus", ep),
            what="référentiels régionaux (NAF, PCS, CIM-10, dangers, pénibilité…)",
        )
        _run_step(
            [_bin("assessment"), "load-demo", "--file", str(DEMO_FILE)],
            env=_service_env("assessment", ep),
            what="entreprises de démonstration",
        )
        running = _start_services(ep, paths)
        _demo_duerp(ep)
        _demo_release(ep)
        _print_summary(ep, running)
        stop = False

        def _on_signal(signum: int, _frame: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, _on_signal)
        signal.signal(signal.SIGTERM, _on_signal)
        while not stop:
            for service in running:
                if service.process.poll() is not None:
                    typer.secho(
                        f"{service.name} s'est arrêté ; journal : {service.log}", fg="red", err=True
                    )
                    stop = True
            time.sleep(0.5)
    finally:
        typer.echo("Arrêt…")
        _stop_services(running)
        infra.stop([name for name, ours in started.items() if ours], paths=paths)


# The import contracts ([tool.importlinter] in pyproject.toml): import-linter has no
# `python -m` entry, so its `lint-imports` command is called from `-c`.
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"
LINT_STEPS = (
    ("ruff check", ["-m", "ruff", "check", "."]),
    ("ruff format --check", ["-m", "ruff", "format", "--check", "."]),
    ("mypy", ["-m", "mypy"]),
    ("lint-imports", ["-c", LINT_IMPORTS]),
)


# The test suite gets infrastructure of its own (state folder and ports), so that its data
# never shows up in the demo platform and both can run side by side. Any variable already set
# wins (CI or a developer may point the tests elsewhere).
TEST_ENVIRONMENT = {
    "COSAR_STATE_DIR": str(Path.home() / ".local" / "state" / "cosar-platform-test"),
    "COSAR_POSTGRES_PORT": "25432",
    "COSAR_KAFKA_PORT": "29092",
    "COSAR_KAFKA_CONTROLLER_PORT": "29093",
    "COSAR_KEYCLOAK_PORT": "28080",
    "COSAR_KEYCLOAK_MANAGEMENT_PORT": "29000",
}


# The platform says what day it is in Paris (cosar_common.clock); a machine in UTC is still on
# the previous day from 00:00 to 01:00 in Paris (02:00 in summer). So the suite runs with
# TZ=UTC, then again with the platform clock shifted (COSAR_CLOCK_AT, an offset from the real
# time: the clock keeps running from there) to each side of those boundaries.
CLOCK_SETTINGS = (  # in order: what a run leaves behind is dated, and time runs forwards
    "2027-01-01T00:30:00+01:00",  # a new year in Paris, still 31 December in UTC
    "2027-07-14T01:30:00+02:00",  # summer time: 14 July in Paris, 13 July 23:30 in UTC
    "2028-02-29T00:30:00+01:00",  # the leap day in Paris, still 28 February in UTC
)
# Only instants where Paris and UTC disagree on the date: where they agree (any other hour),
# the main run already checks the suite. Each run costs about 2.5 minutes of CI.
CLOCK_VARIABLE = "COSAR_CLOCK_AT"  # cosar_common.clock.ENVIRONMENT_VARIABLE
# Left out of the clock runs: they build whole regional populations for explicit years
# (minutes each); the Paris dates of releases are pure functions with their own unit tests
# (services/indicators/tests/test_release_schedule.py), which the clock runs do include.
# The portal's browser tests too (a minute and a half per run, CI must stay near 30 minutes):
# the portal computes no date of its own but session ages; the dates its pages show are the
# services' answers through cosar_common.clock.fr_date, and the portal's and the kernel's unit
# tests (sessions, DUERP state, fr_date, the action plan's and the CSE form's dates) do run at
# every clock. The benchmarks' smoke runs too: they show each benchmark still runs, not dates.
CLOCK_RUN_LEFT_OUT = (
    "tests/test_indicators.py",
    "services/indicators/tests/test_release_protection.py",
    "tests/test_portal_browser.py",
    "tests/test_portal_risks.py",
    "tests/test_portal_versions.py",
    "tests/test_portal_library.py",
    "tests/test_portal_actions.py",
    "tests/test_portal_sessions.py",
    "tests/test_bench_smoke.py",
)


def pytest_environment(*, clock_at: str | None = None) -> dict[str, str]:
    """The pytest processes' environment: the machine in UTC, the platform clock on the real
    time or shifted to ``clock_at``."""
    env = {**os.environ, "COSAR_INFRA_MANAGED": "1", "TZ": "UTC"}
    env.pop(CLOCK_VARIABLE, None)
    if clock_at is not None:
        env[CLOCK_VARIABLE] = clock_at
    return env


def clock_run_command() -> list[str]:
    """One clock run: the suite but :data:`CLOCK_RUN_LEFT_OUT`, without touching pytest's
    cache of the main run (``--lf`` still means the main run's failures)."""
    left_out = [f"--ignore={path}" for path in CLOCK_RUN_LEFT_OUT]
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *left_out]


def _clock_runs() -> int:
    """The suite once per clock setting; the first failing code, or 0."""
    results: list[tuple[str, int, float]] = []
    for clock_at in CLOCK_SETTINGS:
        typer.echo(f"== horloge de la plateforme à {clock_at}, machine en UTC")
        started = time.monotonic()
        code = subprocess.call(
            clock_run_command(), cwd=REPO_DIR, env=pytest_environment(clock_at=clock_at)
        )
        results.append((clock_at, code, time.monotonic() - started))
    typer.echo("== horloge de la plateforme : résumé")
    for clock_at, code, seconds in results:
        verdict = "réussi" if code == 0 else f"ÉCHEC (code {code})"
        typer.echo(f"  {clock_at} : {verdict} ({seconds:.0f} s)")
    return next((code for _, code, _ in results if code != 0), 0)


def fresh_test_state(paths: Paths) -> None:
    """Start the suite on empty databases, topics and realm: what an earlier run left (DUERP
    versions of the demo companies, sessions, releases) must never decide a result. Only when
    none of the infrastructure runs: a suite already running on it keeps its data."""
    if any(infra.is_up(name, paths=paths) for name in infra.COMPONENTS):
        typer.echo("== infrastructure de test déjà démarrée : ses données sont gardées")
        return
    if paths.state.exists():
        infra.reset(paths=paths, echo=typer.echo)


def run_tests(pytest_args: list[str], *, lint: bool = True, clock_runs: bool | None = None) -> None:
    """Run the whole suite on the real infrastructure; stop only what was started here.

    ``clock_runs`` (default: only for the whole suite, i.e. without pytest arguments) runs the
    suite again under each of :data:`CLOCK_SETTINGS` once the main run passed.
    """
    for name, value in TEST_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    if lint:
        for what, args in LINT_STEPS:
            typer.echo(f"== {what}")
            if subprocess.call([sys.executable, *args], cwd=REPO_DIR) != 0:
                typer.secho(f"{what} failed", fg="red", err=True)
                raise typer.Exit(1)
    # The portal's browser tests drive Debian's Chromium (Playwright's own download is not
    # reachable from the machines).
    os.environ.setdefault("COSAR_CHROMIUM", require_command("chromium", "chromium"))
    paths = Paths.from_env()
    install_web_assets(paths)
    fresh_test_state(paths)
    started = infra.ensure_up(paths=paths)
    try:
        code = subprocess.call(
            [sys.executable, "-m", "pytest", *pytest_args], cwd=REPO_DIR, env=pytest_environment()
        )
        if code == 0 and (clock_runs if clock_runs is not None else not pytest_args):
            code = _clock_runs()
    finally:
        infra.stop([name for name, ours in started.items() if ours], paths=paths)
    raise typer.Exit(code)
