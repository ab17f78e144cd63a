"""`platform backup` and `platform restore`: every service database, dumped and restored whole.

A backup is a folder holding one `pg_dump --format=custom` file per service database and a
`manifest.json` (when, which server, and for each database its file, size, SHA-256 and Alembic
revision). It is written as `<timestamp>.partial/` and renamed once complete, so a folder
without that suffix is always a whole backup. The files hold the platform's data (DUERP,
reports, medical fields): the folder is readable by its owner only.

The dumps are taken as the cluster's superuser, as provisioning connects: the owner role would
do for the tables it owns, but the superuser alone bypasses row-level security, so a policy can
never leave rows out of a dump (pg_dump refuses to dump a table under RLS otherwise).

Each database is dumped in its own snapshot: the databases are not one atomic picture of the
platform. Take a backup while the services are stopped, or accept that an event sent during the
backup may be in one database and not yet in the next (the services' inboxes take a replayed
event once).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from cosar_deploy.endpoints import SERVICES, SUPERUSER, SUPERUSER_PASSWORD, Endpoints
from cosar_deploy.paths import Paths
from cosar_deploy.process import port_open
from cosar_deploy.provisioning import (
    Server,
    create_database_sql,
    ident,
    provision,
    provision_contents,
)

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
DUMP_SUFFIX = ".dump"
PARTIAL_SUFFIX = ".partial"
#: Suffixes of the databases a restore works in before it swaps them in (see :func:`restore`).
STAGING_SUFFIX = "_restoring"
REPLACED_SUFFIX = "_replaced"
CHUNK = 1024 * 1024

Echo = Callable[[str], None]


class BackupError(RuntimeError):
    """A backup or a restore could not be done; the message is French, for the operator."""


# --- pure parts -----------------------------------------------------------------------------


def backup_name(instant: datetime) -> str:
    """The folder name of a backup taken at ``instant``: its UTC time, sortable, no colon."""
    if instant.tzinfo is None:
        raise ValueError("a backup is named after an aware instant")
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def dump_file_name(database: str) -> str:
    """The dump file of one database inside a backup folder."""
    return f"{database}{DUMP_SUFFIX}"


def client_env(server: Server, base: Mapping[str, str]) -> dict[str, str]:
    """The environment of pg_dump / pg_restore: the password through PGPASSWORD (never on the
    command line, which `ps` shows to every user), a connection timeout, no ~/.pgpass."""
    return {
        **base,
        "PGPASSWORD": server.password,
        "PGCONNECT_TIMEOUT": "10",
        "PGPASSFILE": os.devnull,
    }


def _connection_args(server: Server, database: str) -> list[str]:
    return [
        f"--host={server.host}",
        f"--port={server.port}",
        f"--username={server.user}",
        "--no-password",
        f"--dbname={database}",
    ]


def dump_command(bindir: Path, server: Server, database: str, target: Path) -> list[str]:
    """`pg_dump` of one database in the custom format (compressed; pg_restore reads it)."""
    return [
        str(bindir / "pg_dump"),
        "--format=custom",
        f"--file={target}",
        *_connection_args(server, database),
    ]


def restore_command(bindir: Path, server: Server, database: str, source: Path) -> list[str]:
    """`pg_restore` of one dump into an empty, provisioned database: all or nothing (one
    transaction, first error stops it). Owners and grants are the dump's: the roles exist,
    provisioning made them."""
    return [
        str(bindir / "pg_restore"),
        "--exit-on-error",
        "--single-transaction",
        *_connection_args(server, database),
        str(source),
    ]


def staging_name(service: str) -> str:
    """The database a restore fills before it becomes the service's."""
    return f"{service}{STAGING_SUFFIX}"


def replaced_name(service: str) -> str:
    """The name the service's database has between the swap and its removal."""
    return f"{service}{REPLACED_SUFFIX}"


@dataclass(frozen=True)
class DumpedDatabase:
    """One database of a backup, as the manifest records it."""

    name: str
    file: str
    size: int
    sha256: str
    alembic_revision: str | None


@dataclass(frozen=True)
class Manifest:
    """What `manifest.json` says."""

    created_at: str
    server_version: str
    pg_dump_version: str
    databases: tuple[DumpedDatabase, ...]

    @property
    def names(self) -> list[str]:
        """The databases, in the order they were dumped."""
        return [database.name for database in self.databases]


def build_manifest(
    *,
    created_at: datetime,
    server_version: str,
    pg_dump_version: str,
    databases: Sequence[DumpedDatabase],
) -> dict[str, Any]:
    """The JSON document written as `manifest.json`."""
    return {
        "format": FORMAT_VERSION,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="seconds"),
        "server_version": server_version,
        "pg_dump_version": pg_dump_version,
        "databases": [
            {
                "name": d.name,
                "file": d.file,
                "size": d.size,
                "sha256": d.sha256,
                "alembic_revision": d.alembic_revision,
            }
            for d in databases
        ],
    }


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise BackupError(f"Manifeste invalide : « {key} » manque ou n'est pas un texte ({where}).")
    return value


def parse_manifest(data: Any, services: Sequence[str] = SERVICES) -> Manifest:
    """Read a manifest document; a :class:`BackupError` (French) says what is wrong with it.

    Only the databases of ``services`` are accepted, each once, and a file is a plain name in
    the backup folder (never a path elsewhere).
    """
    if not isinstance(data, dict):
        raise BackupError("Manifeste invalide : ce n'est pas un objet JSON.")
    if data.get("format") != FORMAT_VERSION:
        raise BackupError(
            f"Manifeste au format {data.get('format')!r} : ce lanceur lit le format "
            f"{FORMAT_VERSION}."
        )
    entries = data.get("databases")
    if not isinstance(entries, list) or not entries:
        raise BackupError("Manifeste invalide : aucune base de données n'y figure.")
    databases: list[DumpedDatabase] = []
    for index, entry in enumerate(entries, start=1):
        where = f"base n° {index}"
        if not isinstance(entry, dict):
            raise BackupError(f"Manifeste invalide : {where} n'est pas un objet JSON.")
        name, file, sha = (_text(entry, key, where) for key in ("name", "file", "sha256"))
        size = entry.get("size")
        revision = entry.get("alembic_revision")
        if name not in services:
            raise BackupError(
                f"Manifeste invalide : « {name} » n'est pas une base de la plateforme."
            )
        if name in (d.name for d in databases):
            raise BackupError(f"Manifeste invalide : la base « {name} » y figure deux fois.")
        if Path(file).name != file or file in ("", ".", "..") or file == MANIFEST:
            raise BackupError(f"Manifeste invalide : fichier « {file} » hors du dossier.")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise BackupError(f"Manifeste invalide : taille de « {name} » illisible.")
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise BackupError(f"Manifeste invalide : empreinte SHA-256 de « {name} » illisible.")
        if revision is not None and not isinstance(revision, str):
            raise BackupError(f"Manifeste invalide : révision Alembic de « {name} » illisible.")
        databases.append(DumpedDatabase(name, file, size, sha, revision))
    return Manifest(
        created_at=_text(data, "created_at", "en-tête"),
        server_version=_text(data, "server_version", "en-tête"),
        pg_dump_version=_text(data, "pg_dump_version", "en-tête"),
        databases=tuple(databases),
    )


@dataclass(frozen=True)
class FileFacts:
    """Size and SHA-256 of a file as found on disk."""

    size: int
    sha256: str


def file_problems(manifest: Manifest, found: Mapping[str, FileFacts | None]) -> list[str]:
    """What does not match the manifest, in French (empty: the backup is whole).

    ``found`` maps each file of the manifest to what is on disk (None: missing).
    """
    problems = []
    for database in manifest.databases:
        facts = found.get(database.file)
        if facts is None:
            problems.append(f"{database.file} (base {database.name}) : fichier absent")
        elif facts.size != database.size:
            problems.append(
                f"{database.file} (base {database.name}) : {facts.size} octets au lieu de "
                f"{database.size}"
            )
        elif facts.sha256 != database.sha256:
            problems.append(
                f"{database.file} (base {database.name}) : empreinte SHA-256 différente "
                "(fichier modifié ou abîmé)"
            )
    return problems


# --- files ----------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, read in chunks (dumps can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def facts_of(path: Path) -> FileFacts | None:
    """Size and hash of a regular file; None when there is none."""
    if not path.is_file():
        return None
    return FileFacts(path.stat().st_size, sha256_of(path))


def verify_backup(folder: Path, services: Sequence[str] = SERVICES) -> Manifest:
    """The manifest of a whole, undamaged backup; a :class:`BackupError` otherwise (nothing is
    changed anywhere)."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{folder} n'est pas une sauvegarde : {MANIFEST} est absent.")
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{manifest_path} est illisible : {exc}") from exc
    manifest = parse_manifest(data, services)
    problems = file_problems(
        manifest, {d.file: facts_of(folder / d.file) for d in manifest.databases}
    )
    if problems:
        raise BackupError(
            "Sauvegarde abîmée, restauration refusée (rien n'a été modifié) :\n  "
            + "\n  ".join(problems)
        )
    return manifest


# --- the cluster ----------------------------------------------------------------------------


def superuser_server(ep: Endpoints) -> Server:
    """The cluster of ``ep``, as its superuser (how provisioning connects)."""
    return Server(ep.postgres_host, ep.postgres_port, SUPERUSER, SUPERUSER_PASSWORD)


def client_bindir() -> Path:
    """The folder of pg_dump and pg_restore: the launcher's PostgreSQL (installed if missing)."""
    from cosar_deploy.postgres import find_bindir, install_postgres

    return find_bindir() or install_postgres()


def not_running_message(server: Server, error: Exception) -> str:
    """What to say when the cluster does not answer."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return (
        f"PostgreSQL ne répond pas sur {server.host}:{server.port} ({detail}).\n"
        "Démarrez-le avec « bin/platform infra up --only postgres » (ou « bin/platform run »), "
        "puis relancez la commande."
    )


@contextlib.contextmanager
def _cluster(server: Server) -> Iterator[psycopg.Connection[Any]]:
    try:
        conn = psycopg.connect(server.conninfo("postgres"), autocommit=True)
    except psycopg.OperationalError as exc:
        raise BackupError(not_running_message(server, exc)) from exc
    with conn:
        yield conn


def _existing(conn: psycopg.Connection[Any], names: Sequence[str]) -> set[str]:
    rows = conn.execute(
        "SELECT datname FROM pg_catalog.pg_database WHERE datname = ANY(%s)", (list(names),)
    ).fetchall()
    return {str(row[0]) for row in rows}


def alembic_revision(server: Server, database: str) -> str | None:
    """The Alembic revision of a database (None before any migration)."""
    with psycopg.connect(server.conninfo(database)) as conn:
        table = conn.execute("SELECT to_regclass('public.alembic_version')").fetchone()
        if table is None or table[0] is None:
            return None
        row = conn.execute("SELECT version_num FROM public.alembic_version").fetchone()
        return str(row[0]) if row else None


def _tool_version(bindir: Path, tool: str) -> str:
    result = subprocess.run(
        [str(bindir / tool), "--version"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or f"{tool} (version inconnue)"


def _run_tool(command: list[str], server: Server, what: str, timeout_s: float | None) -> None:
    try:
        result = subprocess.run(
            command,
            env=client_env(server, os.environ),
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{what} : pas terminé après {timeout_s:.0f} s, abandonné.") from exc
    if result.returncode != 0:
        raise BackupError(f"Échec de {what} (code {result.returncode}) :\n{result.stderr[-4000:]}")


def default_backup_root(paths: Paths) -> Path:
    """Where backups go unless told otherwise: `backups/` in the state folder."""
    return paths.state / "backups"


def backup(
    server: Server,
    root: Path,
    *,
    bindir: Path | None = None,
    services: Sequence[str] = SERVICES,
    echo: Echo = print,
    timeout_s: float | None = None,
) -> Path:
    """Dump every service database into a new folder `<root>/<UTC timestamp>/`; its path.

    ``timeout_s`` bounds each pg_dump (none by default). The timestamp is the platform clock's
    real instant (:func:`cosar_common.clock.system_now`, never shifted: backups sort in the
    order they were taken, even in a test run with a shifted clock).
    """
    from cosar_common import clock

    with _cluster(server) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        server_version = str(row[0]) if row else "?"
        missing = [name for name in services if name not in _existing(conn, services)]
    if missing:
        raise BackupError(
            f"Base(s) absente(s) du serveur {server.host}:{server.port} : {', '.join(missing)}. "
            "« bin/platform infra up » les crée."
        )
    bindir = bindir or client_bindir()
    created_at = clock.system_now()
    final = root / backup_name(created_at)
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    if final.exists() or partial.exists():
        raise BackupError(f"{final} existe déjà : attendez une seconde et relancez.")
    root.mkdir(parents=True, exist_ok=True)
    partial.mkdir(mode=0o700)
    try:
        dumped = []
        for name in services:
            target = partial / dump_file_name(name)
            command = dump_command(bindir, server, name, target)
            _run_tool(command, server, f"pg_dump de {name}", timeout_s)
            target.chmod(0o600)
            facts = facts_of(target)
            assert facts is not None  # pg_dump succeeded
            revision = alembic_revision(server, name)
            dumped.append(DumpedDatabase(name, target.name, facts.size, facts.sha256, revision))
            echo(f"  {name} : {facts.size} octets (révision {revision or 'aucune'})")
        manifest = build_manifest(
            created_at=created_at,
            server_version=server_version,
            pg_dump_version=_tool_version(bindir, "pg_dump"),
            databases=dumped,
        )
        manifest_path = partial / MANIFEST
        manifest_path.write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        manifest_path.chmod(0o600)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def connected_sessions(server: Server, databases: Sequence[str]) -> list[str]:
    """Who is connected to ``databases`` (``user@database (application)``), us excepted."""
    with _cluster(server) as conn:
        rows = conn.execute(
            "SELECT usename, datname, application_name FROM pg_catalog.pg_stat_activity"
            " WHERE datname = ANY(%s) AND pid <> pg_backend_pid() ORDER BY datname, usename",
            (list(databases),),
        ).fetchall()
    return [f"{user}@{db}" + (f" ({app})" if app else "") for user, db, app in rows]


def _refuse_if_in_use(server: Server, names: Sequence[str], service_ports: Sequence[int]) -> None:
    answering = [port for port in service_ports if port_open("127.0.0.1", port)]
    if answering:
        raise BackupError(
            "Des services répondent encore (ports "
            f"{', '.join(map(str, answering))}) : arrêtez « bin/platform run » (Ctrl-C) avant "
            "de restaurer. Rien n'a été modifié."
        )
    sessions = connected_sessions(server, [*names, *map(staging_name, names)])
    if sessions:
        raise BackupError(
            "Des connexions sont ouvertes sur les bases à remplacer : "
            f"{', '.join(sorted(set(sessions)))}.\nArrêtez les services qui s'en servent avant de "
            "restaurer. Rien n'a été modifié."
        )


def _swap_in(conn: psycopg.Connection[Any], names: Sequence[str]) -> None:
    """Each staging database becomes the service's; on a failure, the renames done so far are
    undone, so the service's databases are the old ones again."""
    done: list[tuple[str, str]] = []  # (from, to), in order
    try:
        for name in names:
            if _existing(conn, [name]):
                conn.execute(f"ALTER DATABASE {ident(name)} RENAME TO {ident(replaced_name(name))}")
                done.append((name, replaced_name(name)))
            conn.execute(f"ALTER DATABASE {ident(staging_name(name))} RENAME TO {ident(name)}")
            done.append((staging_name(name), name))
    except psycopg.Error:
        for old, new in reversed(done):
            conn.execute(f"ALTER DATABASE {ident(new)} RENAME TO {ident(old)}")
        raise


def restore(
    folder: Path,
    server: Server,
    *,
    bindir: Path | None = None,
    services: Sequence[str] = SERVICES,
    service_ports: Sequence[int] = (),
    echo: Echo = print,
    timeout_s: float | None = None,
) -> Manifest:
    """Put the databases of a backup in place of the cluster's; its manifest.

    How, and why:

    1. The backup is checked first (manifest, sizes, SHA-256): a damaged backup is refused and
       nothing changes.
    2. Refused while a service answers on ``service_ports`` or anyone is connected to a
       database it replaces.
    3. The launcher's provisioning (:func:`provisioning.provision`) makes the roles, so the
       dumps' owners and grants exist. Each database is restored into a new, provisioned
       staging database `<svc>_restoring` (extensions, schema, default privileges), one
       transaction each, and its Alembic revision is checked against the manifest.
    4. Only once every database is restored are they swapped in by renaming (the old one
       aside, the new one in; a failing rename is undone), the old ones dropped, and
       provisioning run again for the database-level ownership and CONNECT rights, which a
       dump without `--create` does not carry.

    ``timeout_s`` bounds each pg_restore (none by default).

    Dropping and creating rather than `pg_restore --clean --if-exists` into the live
    databases: `--clean` only drops what the dump knows, so a table added by a later migration
    would survive beside restored data and a failure half-way would leave a mix of both. Here
    a failure at any step before the swap leaves the live databases untouched.
    """
    manifest = verify_backup(folder, services)
    names = manifest.names
    with _cluster(server) as conn:
        leftovers = sorted(_existing(conn, [replaced_name(name) for name in names]))
    if leftovers:
        raise BackupError(
            f"Base(s) {', '.join(leftovers)} présente(s) : une restauration précédente a été "
            "interrompue pendant l'échange des bases ; les anciennes données y sont. Renommez-les "
            "ou supprimez-les (psql) avant de restaurer. Rien n'a été modifié."
        )
    _refuse_if_in_use(server, names, service_ports)
    bindir = bindir or client_bindir()
    echo(f"Restauration de la sauvegarde du {manifest.created_at} ({folder}) :")
    provision(server, names)  # the roles (and the live databases, if any were missing)
    try:
        with _cluster(server) as conn:
            for name in names:
                conn.execute(f"DROP DATABASE IF EXISTS {ident(staging_name(name))}")
                conn.execute(create_database_sql(name, staging_name(name)))
        for database in manifest.databases:
            staging = staging_name(database.name)
            provision_contents(server, database.name, staging)
            source = folder / database.file
            command = restore_command(bindir, server, staging, source)
            _run_tool(command, server, f"pg_restore de {database.name}", timeout_s)
            revision = alembic_revision(server, staging)
            if revision != database.alembic_revision:
                raise BackupError(
                    f"{database.name} : révision Alembic {revision!r} après restauration, "
                    f"{database.alembic_revision!r} dans le manifeste."
                )
            echo(f"  {database.name} : restaurée (révision {revision or 'aucune'})")
    except BaseException:
        with contextlib.suppress(BackupError, psycopg.Error), _cluster(server) as conn:
            for name in names:
                conn.execute(f"DROP DATABASE IF EXISTS {ident(staging_name(name))}")
        raise
    _refuse_if_in_use(server, names, service_ports)  # nobody came in meanwhile
    with _cluster(server) as conn:
        _swap_in(conn, names)
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {ident(replaced_name(name))}")
    provision(server, names)
    echo("  bases remplacées ; droits et rôles reprovisionnés")
    return manifest
