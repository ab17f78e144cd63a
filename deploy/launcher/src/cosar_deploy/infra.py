"""Start, stop and inspect the local infrastructure; the Python API used by fixtures and the CLI.

Typical use from a test fixture (stop only what this session started)::

    started = infra.ensure_up()  # {"postgres": True, "kafka": False, ...}
    ep = infra.endpoints()  # DSNs, bootstrap servers, Keycloak URL
    ...
    infra.stop([name for name, mine in started.items() if mine])
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cosar_deploy.component import Component
from cosar_deploy.endpoints import Endpoints
from cosar_deploy.errors import InfraError
from cosar_deploy.kafka import Kafka
from cosar_deploy.keycloak import Keycloak
from cosar_deploy.paths import Paths
from cosar_deploy.postgres import Postgres
from cosar_deploy.process import PidRecord, owns, port_open, running_record, spawn
from cosar_deploy.process import stop as stop_process

#: Start order (fastest first); stop order is the reverse.
COMPONENTS: tuple[str, ...] = ("postgres", "kafka", "keycloak")
_CLASSES: dict[str, type[Postgres] | type[Kafka] | type[Keycloak]] = {
    "postgres": Postgres,
    "kafka": Kafka,
    "keycloak": Keycloak,
}
STOP_TIMEOUT = 30.0

Echo = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def endpoints() -> Endpoints:
    """Where the local infrastructure answers (honours the COSAR_*_PORT overrides)."""
    return Endpoints.local()


def _select(components: Iterable[str] | None) -> list[str]:
    wanted = set(components) if components is not None else set(COMPONENTS)
    unknown = wanted - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown component(s): {', '.join(sorted(unknown))}")
    return [name for name in COMPONENTS if name in wanted]


def _build(name: str, paths: Paths, ep: Endpoints) -> Component:
    return _CLASSES[name](paths, ep)


@contextlib.contextmanager
def _locked(paths: Paths) -> Iterator[None]:
    # Two concurrent `up` (two terminals, pytest-xdist workers) must not both start Kafka.
    paths.ensure()
    with (paths.state / "launcher.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _wait_ready(comp: Component, record: PidRecord | None, timeout: float) -> str | None:
    """None when ready; else why not (process died, timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        if comp.probe():
            return None
        if record is not None and not owns(record):
            return f"process {record.pid} exited before being ready"
        if time.monotonic() > deadline:
            return f"not ready after {timeout:.0f} s"
        time.sleep(1.0)


def _timeout(comp: Component) -> float:
    # A loaded CI runner may need more than the defaults (Kafka 90 s, Keycloak 180 s, PG 60 s).
    override = os.environ.get(f"COSAR_{comp.name.upper()}_TIMEOUT")
    return float(override) if override else comp.timeout


def _fail(name: str, reason: str, paths: Paths, started: list[str]) -> InfraError:
    return InfraError(name, reason, paths.log_file(name), started=tuple(started))


def _abandon(name: str, record: PidRecord, paths: Paths) -> None:
    # A half-started component is stopped so the next `up` starts it afresh.
    stop_process(record, first_signal=_CLASSES[name].stop_signal, timeout=10.0)
    paths.pid_file(name).unlink(missing_ok=True)


def _reuse(name: str, comp: Component, paths: Paths, echo: Echo, started: list[str]) -> bool:
    """True if a server we did not start answers; raise if a foreign process holds the port."""
    if not any(port_open("127.0.0.1", port) for port in comp.ports()):
        return False
    if not comp.healthy():
        if not comp.probe():
            raise _fail(
                name,
                f"port(s) {comp.ports()} held by a process that is not a usable "
                f"{name} (stop it or change the port)",
                paths,
                started,
            )
        comp.finish()  # e.g. our PostgreSQL started earlier without provisioning
        if not comp.healthy():
            raise _fail(name, "reachable but not usable after provisioning", paths, started)
    echo(f"{name}: already running (not started by this launcher, reused)")
    return True


def ensure_up(
    components: Iterable[str] | None = None,
    *,
    paths: Paths | None = None,
    ep: Endpoints | None = None,
    echo: Echo = _stderr,
) -> dict[str, bool]:
    """Start whatever is not running yet and wait until everything is ready.

    Returns `{component: True if THIS call started it}`, so a caller stops only what it started.
    Raises `InfraError` naming the failed component and its log.
    """
    paths = paths or Paths.from_env()
    ep = ep or Endpoints.local()
    names = _select(components)
    result = dict.fromkeys(names, False)
    started: list[str] = []
    with _locked(paths):
        to_start: list[tuple[str, Component]] = []
        for name in names:
            comp = _build(name, paths, ep)
            record = running_record(paths.pid_file(name))
            if record is not None:
                reason = _wait_ready(comp, record, _timeout(comp))
                if reason is not None:
                    raise _fail(name, f"running as pid {record.pid} but {reason}", paths, started)
                if not comp.healthy():
                    comp.finish()
                echo(f"{name}: already running (pid {record.pid})")
                if isinstance(comp, Keycloak) and comp.stale_realm():
                    echo(
                        f"keycloak: WARNING {comp.realm} changed since it was imported; run "
                        "`platform infra down --only keycloak` then `up` to re-import it"
                    )
                continue
            paths.pid_file(name).unlink(missing_ok=True)  # stale: not our process any more
            if _reuse(name, comp, paths, echo, started):
                continue
            to_start.append((name, comp))

        for name, comp in to_start:
            echo(f"{name}: preparing (downloads, if any, go to {paths.cache})")
            try:
                comp.prepare()
            except Exception as exc:
                raise _fail(name, f"preparation failed: {exc}", paths, started) from exc

        launched: list[tuple[str, Component, PidRecord, float]] = []
        for name, comp in to_start:
            spec = comp.launch_spec()
            record = spawn(
                spec.command,
                log_path=paths.log_file(name),
                marker=spec.marker,
                env=spec.env,
                cwd=spec.cwd,
                user=spec.user,
            )
            record.dump(paths.pid_file(name))
            launched.append((name, comp, record, time.monotonic()))
            echo(f"{name}: starting (pid {record.pid}, log {paths.log_file(name)})")

        for name, comp, record, t0 in launched:
            reason = _wait_ready(comp, record, _timeout(comp) - (time.monotonic() - t0))
            try:
                if reason is None:
                    comp.finish()
                    if not comp.healthy():
                        reason = "answers but is not usable (readiness check failed)"
            except Exception as exc:
                reason = f"post-start step failed: {exc}"
            if reason is not None:
                _abandon(name, record, paths)
                raise _fail(name, reason, paths, started)
            started.append(name)
            result[name] = True
            echo(f"{name}: ready in {time.monotonic() - t0:.1f} s (pid {record.pid})")
    return result


def stop(
    components: Iterable[str] | None = None,
    *,
    paths: Paths | None = None,
    echo: Echo = _stderr,
) -> dict[str, bool]:
    """Stop the components WE started (pid files); data is kept.

    Returns `{component: True if a process was stopped}`. A server we did not start is left alone.
    """
    paths = paths or Paths.from_env()
    result: dict[str, bool] = {}
    for name in reversed(_select(components)):
        pid_file = paths.pid_file(name)
        record = PidRecord.load(pid_file)
        if record is not None and owns(record):
            echo(f"{name}: stopping pid {record.pid}")
            t0 = time.monotonic()
            stop_process(record, first_signal=_CLASSES[name].stop_signal, timeout=STOP_TIMEOUT)
            echo(f"{name}: stopped in {time.monotonic() - t0:.1f} s")
            result[name] = True
        else:
            echo(f"{name}: not running (from this launcher)")
            result[name] = False
        pid_file.unlink(missing_ok=True)
    return result


@dataclass(frozen=True)
class ComponentStatus:
    """What `status` knows about one component."""

    name: str
    pid: int | None
    reachable: bool

    @property
    def text(self) -> str:
        """`running (pid N)` / `reachable (not started by us)` / `down`, for humans."""
        if self.pid is not None:
            return f"running (pid {self.pid}), " + (
                "reachable" if self.reachable else "NOT reachable"
            )
        return "reachable (not started by this launcher)" if self.reachable else "down"


def status(
    components: Iterable[str] | None = None,
    *,
    paths: Paths | None = None,
    ep: Endpoints | None = None,
) -> list[ComponentStatus]:
    """Status of each component: our process alive? protocol-level readiness?"""
    paths = paths or Paths.from_env()
    ep = ep or Endpoints.local()
    result = []
    for name in _select(components):
        record = running_record(paths.pid_file(name))
        result.append(
            ComponentStatus(name, record.pid if record else None, _build(name, paths, ep).healthy())
        )
    return result


def is_up(component: str, *, paths: Paths | None = None, ep: Endpoints | None = None) -> bool:
    """True when the component answers as the services need it (whoever started it)."""
    return status([component], paths=paths, ep=ep)[0].reachable


def describe(components: Iterable[str] | None = None, *, ep: Endpoints | None = None) -> list[str]:
    """One line per component: its address and demo credentials."""
    ep = ep or Endpoints.local()
    paths = Paths.from_env()
    return [_build(name, paths, ep).describe() for name in _select(components)]


def reset(*, paths: Paths | None = None, echo: Echo = _stderr) -> None:
    """Stop everything we started and delete the state folder (all data). The cache is kept."""
    paths = paths or Paths.from_env()
    stop(paths=paths, echo=echo)
    pg_data = Postgres(paths, Endpoints.local()).data
    if not pg_data.is_relative_to(paths.state):
        shutil.rmtree(pg_data.parent, ignore_errors=True)
        echo(f"postgres: deleted {pg_data.parent}")
    shutil.rmtree(paths.state, ignore_errors=True)
    echo(f"deleted {paths.state}")


@contextlib.contextmanager
def scratch_postgres(state: Path, port: int, *, echo: Echo = _stderr) -> Iterator[Endpoints]:
    """A PostgreSQL cluster of its own, for a test: initdb in a new state folder ``state``
    (or, as root, the external folder of :func:`cosar_deploy.postgres.data_dir_for`), started on
    ``port`` and provisioned like the platform's; stopped and deleted on exit.

    Refuses a port that something already answers on (``ensure_up`` would reuse a server
    there). Yields its endpoints: only ``postgres_port`` differs from the local ones.
    """
    if port_open("127.0.0.1", port):
        raise InfraError("postgres", f"port {port} is already in use: choose another one")
    paths = Paths(cache=Paths.from_env().cache, state=state.resolve())
    ep = Endpoints(postgres_port=port)
    data = Postgres(paths, ep).data
    try:
        ensure_up(["postgres"], paths=paths, ep=ep, echo=echo)
        yield ep
    finally:
        stop(["postgres"], paths=paths, echo=echo)
        if not data.is_relative_to(paths.state):
            shutil.rmtree(data.parent, ignore_errors=True)
        shutil.rmtree(paths.state, ignore_errors=True)


def log_path(component: str, paths: Paths | None = None) -> Path:
    """Log file of a component."""
    return (paths or Paths.from_env()).log_file(component)


# --- `platform infra ...` -------------------------------------------------------------------

app = typer.Typer(
    name="infra",
    help="Real Kafka (KRaft), Keycloak and PostgreSQL as local processes on 127.0.0.1.",
    no_args_is_help=True,
)


class Name(StrEnum):
    """Component names accepted by --only."""

    postgres = "postgres"
    kafka = "kafka"
    keycloak = "keycloak"


OnlyOption = Annotated[
    list[Name] | None,
    typer.Option("--only", help="Limit to these components (repeatable)."),
]


def _names(only: list[Name] | None) -> list[str] | None:
    return [n.value for n in only] if only else None


@app.command()
def up(only: OnlyOption = None) -> None:
    """Start what is not running yet (downloads on first use) and wait until it is ready."""
    try:
        ensure_up(_names(only), echo=typer.echo)
    except InfraError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo("")
    for line in describe(_names(only)):
        typer.echo(line)


@app.command()
def down(only: OnlyOption = None) -> None:
    """Stop the processes this launcher started (data is kept)."""
    stop(_names(only), echo=typer.echo)


@app.command("status")
def status_command(only: OnlyOption = None) -> None:
    """Show each component; exit code 0 when all are reachable, 3 otherwise."""
    states = status(_names(only))
    for state in states:
        typer.echo(f"{state.name:<9} {state.text}")
    if not all(state.reachable for state in states):
        raise typer.Exit(3)


@app.command("reset")
def reset_command(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Stop everything and DELETE the state folder (databases, topics, Keycloak data)."""
    paths = Paths.from_env()
    if not yes:
        typer.confirm(f"Delete {paths.state} and all its data?", abort=True)
    reset(paths=paths, echo=typer.echo)
