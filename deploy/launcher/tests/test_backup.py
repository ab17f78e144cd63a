"""`platform backup` / `restore`: the manifest, its checks and the pg_dump/pg_restore commands."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cosar_deploy import backup as b
from cosar_deploy.cli import app
from cosar_deploy.endpoints import SERVICES, Endpoints
from cosar_deploy.provisioning import Server, create_database_sql

pytestmark = pytest.mark.unit

SERVER = Server("127.0.0.1", 5432, "postgres", "secret-pw")
BIN = Path("/usr/lib/postgresql/17/bin")
TAKEN = datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))


def _dumped(name: str, content: bytes = b"dump", revision: str | None = "0001") -> b.DumpedDatabase:
    return b.DumpedDatabase(
        name, f"{name}.dump", len(content), hashlib.sha256(content).hexdigest(), revision
    )


def _manifest_data(**changes: object) -> dict[str, object]:
    data = b.build_manifest(
        created_at=TAKEN,
        server_version="17.2",
        pg_dump_version="pg_dump (PostgreSQL) 17.2",
        databases=[_dumped(name) for name in SERVICES],
    )
    return {**data, **changes}


def _write_backup(folder: Path, contents: dict[str, bytes]) -> None:
    folder.mkdir()
    for name, content in contents.items():
        (folder / f"{name}.dump").write_bytes(content)
    manifest = b.build_manifest(
        created_at=TAKEN,
        server_version="17.2",
        pg_dump_version="pg_dump (PostgreSQL) 17.2",
        databases=[_dumped(name, content) for name, content in contents.items()],
    )
    (folder / b.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_backup_is_named_after_its_utc_instant():
    assert b.backup_name(TAKEN) == "20261231T233000Z"  # 00:30 in Paris is still 2026 in UTC
    with pytest.raises(ValueError, match="aware instant"):
        b.backup_name(datetime(2027, 1, 1))


def test_pg_dump_takes_the_custom_format_and_never_the_password_on_its_command_line():
    command = b.dump_command(BIN, SERVER, "assessment", Path("/b/assessment.dump"))
    assert command == [
        "/usr/lib/postgresql/17/bin/pg_dump",
        "--format=custom",
        "--file=/b/assessment.dump",
        "--host=127.0.0.1",
        "--port=5432",
        "--username=postgres",
        "--no-password",
        "--dbname=assessment",
    ]
    assert not any("secret-pw" in part for part in command)
    env = b.client_env(SERVER, {"PATH": "/usr/bin", "PGPASSWORD": "other"})
    assert env["PGPASSWORD"] == "secret-pw"
    assert env["PATH"] == "/usr/bin"
    assert env["PGCONNECT_TIMEOUT"] == "10"


def test_pg_restore_is_all_or_nothing_into_the_staging_database():
    command = b.restore_command(BIN, SERVER, b.staging_name("reporting"), Path("/b/r.dump"))
    assert command[0] == "/usr/lib/postgresql/17/bin/pg_restore"
    assert "--exit-on-error" in command
    assert "--single-transaction" in command
    assert "--dbname=reporting_restoring" in command
    assert "--clean" not in command  # an empty database, never the live one
    assert command[-1] == "/b/r.dump"
    assert not any("secret-pw" in part for part in command)


def test_the_staging_database_is_created_for_the_service_owner():
    sql = create_database_sql("portal", b.staging_name("portal"))
    assert sql.startswith('CREATE DATABASE "portal_restoring" OWNER "portal_owner"')
    assert b.replaced_name("portal") == "portal_replaced"


def test_the_manifest_says_when_which_server_and_each_database():
    data = _manifest_data()
    assert data["format"] == b.FORMAT_VERSION
    assert data["created_at"] == "2026-12-31T23:30:00+00:00"
    assert data["server_version"] == "17.2"
    first = data["databases"][0]  # type: ignore[index]
    assert first == {
        "name": "thesaurus",
        "file": "thesaurus.dump",
        "size": 4,
        "sha256": hashlib.sha256(b"dump").hexdigest(),
        "alembic_revision": "0001",
    }
    manifest = b.parse_manifest(json.loads(json.dumps(data)))
    assert manifest.names == list(SERVICES)
    assert manifest.databases[0] == _dumped("thesaurus")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"format": 2}, "format 2"),
        ({"databases": []}, "aucune base"),
        ({"created_at": None}, "created_at"),
        ({"databases": [{**_dumped("thesaurus").__dict__, "name": "postgres"}]}, "n'est pas une"),
        ({"databases": [{**_dumped("thesaurus").__dict__, "file": "../x.dump"}]}, "hors du"),
        ({"databases": [{**_dumped("thesaurus").__dict__, "file": "/etc/passwd"}]}, "hors du"),
        ({"databases": [{**_dumped("thesaurus").__dict__, "size": "4"}]}, "taille"),
        ({"databases": [{**_dumped("thesaurus").__dict__, "sha256": "ab"}]}, "SHA-256"),
        ({"databases": [_dumped("portal").__dict__, _dumped("portal").__dict__]}, "deux fois"),
    ],
)
def test_a_manifest_that_is_not_right_is_refused_in_french(change, says):
    with pytest.raises(b.BackupError, match=r"Manifeste|format") as refused:
        b.parse_manifest(_manifest_data(**change))
    assert says in str(refused.value)


def test_file_problems_name_each_missing_short_or_changed_dump():
    manifest = b.parse_manifest(_manifest_data())
    good = b.FileFacts(4, hashlib.sha256(b"dump").hexdigest())
    found: dict[str, b.FileFacts | None] = {f"{name}.dump": good for name in SERVICES}
    assert b.file_problems(manifest, found) == []
    found["assessment.dump"] = None
    found["reporting.dump"] = b.FileFacts(3, good.sha256)
    found["portal.dump"] = b.FileFacts(4, hashlib.sha256(b"dumq").hexdigest())
    assert b.file_problems(manifest, found) == [
        "assessment.dump (base assessment) : fichier absent",
        "reporting.dump (base reporting) : 3 octets au lieu de 4",
        "portal.dump (base portal) : empreinte SHA-256 différente (fichier modifié ou abîmé)",
    ]


def test_verify_backup_accepts_a_whole_backup_and_refuses_a_damaged_one(tmp_path):
    folder = tmp_path / "20270101T000000Z"
    _write_backup(folder, {"assessment": b"one", "reporting": b"two"})
    assert b.verify_backup(folder).names == ["assessment", "reporting"]
    (folder / "reporting.dump").write_bytes(b"twO")
    with pytest.raises(b.BackupError, match="Sauvegarde abîmée") as refused:
        b.verify_backup(folder)
    assert "reporting.dump" in str(refused.value)
    with pytest.raises(b.BackupError, match=r"manifest\.json est absent"):
        b.verify_backup(tmp_path)


def test_restore_refuses_a_damaged_backup_before_touching_any_server(tmp_path, monkeypatch):
    folder = tmp_path / "backup"
    _write_backup(folder, {"portal": b"portal data"})
    (folder / "portal.dump").write_bytes(b"portal dat")

    def no_server(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server must not be reached")

    monkeypatch.setattr(b.psycopg, "connect", no_server)
    result = CliRunner().invoke(app, ["restore", str(folder), "--yes"])
    assert result.exit_code == 1
    assert "Sauvegarde abîmée, restauration refusée" in result.output
    assert "portal.dump (base portal) : 10 octets au lieu de 11" in result.output


def test_restore_asks_before_replacing_anything(tmp_path, monkeypatch):
    folder = tmp_path / "backup"
    _write_backup(folder, {"portal": b"portal data"})
    called: list[Path] = []
    monkeypatch.setattr(b, "restore", lambda folder, *a, **k: called.append(folder))
    for answer in ("n\n", "\n", "peut-être\n"):
        refused = CliRunner().invoke(app, ["restore", str(folder)], input=answer)
        assert refused.exit_code == 1
        assert "Leurs données actuelles seront perdues" in refused.output
        assert "Restauration annulée : rien n'a été modifié." in refused.output
    assert called == []
    accepted = CliRunner().invoke(app, ["restore", str(folder)], input="oui\n")
    assert accepted.exit_code == 0, accepted.output
    assert called == [folder.resolve()]


def test_backup_without_postgres_says_how_to_start_it(tmp_path, monkeypatch):
    monkeypatch.setenv("COSAR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("COSAR_POSTGRES_PORT", "1")  # nothing listens there
    result = CliRunner().invoke(app, ["backup"])
    assert result.exit_code == 1
    assert "PostgreSQL ne répond pas sur 127.0.0.1:1" in result.output
    assert "bin/platform infra up --only postgres" in result.output
    assert not (tmp_path / "state" / "backups").exists()


def test_backups_go_to_the_state_folder_by_default(tmp_path):
    paths = b.Paths(cache=tmp_path / "c", state=tmp_path / "s")
    assert b.default_backup_root(paths) == tmp_path / "s" / "backups"
    assert b.superuser_server(Endpoints(postgres_port=25432)) == Server(
        "127.0.0.1", 25432, "postgres", "postgres"
    )


def test_the_backup_instant_is_the_platform_clock_real_time():
    from cosar_common import clock

    with clock.shifted_to(datetime(2030, 6, 1, tzinfo=UTC)):
        assert clock.system_now().year < 2030  # a shifted test run never dates a backup 2030


class _FakeCluster:
    """Enough of a psycopg connection for ``_swap_in``: databases by name, renames that may
    fail on one name."""

    def __init__(self, databases: set[str], fail_on: str | None = None) -> None:
        self.databases = databases
        self.fail_on = fail_on

    def execute(self, sql: str, params: tuple[list[str]] | None = None) -> _FakeCluster:
        if params is not None:  # _existing
            self.rows = [(name,) for name in params[0] if name in self.databases]
            return self
        old, new = (part.strip('"') for part in sql.split(" ")[2::3])
        if new == self.fail_on:
            raise b.psycopg.errors.ObjectInUse("database is being accessed by other users")
        self.databases.remove(old)
        self.databases.add(new)
        return self

    def fetchall(self) -> list[tuple[str]]:
        return self.rows


def test_the_swap_renames_the_old_aside_and_the_restored_in():
    cluster = _FakeCluster({"assessment", "assessment_restoring", "portal_restoring"})
    b._swap_in(cluster, ["assessment", "portal"])  # type: ignore[arg-type]
    assert cluster.databases == {"assessment", "assessment_replaced", "portal"}


def test_a_failed_swap_puts_every_live_database_back():
    names = {"assessment", "assessment_restoring", "reporting", "reporting_restoring"}
    cluster = _FakeCluster(set(names), fail_on="reporting_replaced")
    with pytest.raises(b.psycopg.Error):
        b._swap_in(cluster, ["assessment", "reporting"])  # type: ignore[arg-type]
    assert cluster.databases == names


def test_a_scratch_cluster_never_reuses_a_busy_port(tmp_path):
    import socket

    from cosar_deploy import infra
    from cosar_deploy.errors import InfraError

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with (
            pytest.raises(InfraError, match="already in use"),
            infra.scratch_postgres(tmp_path / "state", port),
        ):
            pass
    assert not (tmp_path / "state").exists()
