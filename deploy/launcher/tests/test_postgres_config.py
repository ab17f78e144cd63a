import os
import stat
from pathlib import Path

import pytest

from cosar_deploy.postgres import EXTERNAL_ROOT, data_dir_for, hba_conf, server_conf, traversable
from cosar_deploy.process import User

pytestmark = pytest.mark.unit

PG = User("postgres", uid=101, gid=104)


def _fake_stat(modes: dict[str, tuple[int, int, int]]):
    def stat_fn(path: Path) -> os.stat_result:
        if str(path) not in modes:
            raise FileNotFoundError(path)
        mode, uid, gid = modes[str(path)]
        return os.stat_result((stat.S_IFDIR | mode, 0, 0, 0, uid, gid, 0, 0, 0, 0))

    return stat_fn


def test_root_home_is_not_traversable_by_postgres():
    fake = _fake_stat({"/": (0o755, 0, 0), "/root": (0o700, 0, 0), "/root/.local": (0o755, 0, 0)})
    assert not traversable(Path("/root/.local/state/x"), PG.uid, [PG.gid], fake)


def test_tmp_state_is_traversable():
    fake = _fake_stat({"/": (0o755, 0, 0), "/tmp": (0o1777, 0, 0), "/tmp/s": (0o755, 0, 0)})
    assert traversable(Path("/tmp/s/postgres/data"), PG.uid, [PG.gid], fake)


def test_owner_and_group_bits_are_honoured():
    fake = _fake_stat({"/": (0o755, 0, 0), "/a": (0o700, 101, 0), "/a/b": (0o710, 0, 104)})
    assert traversable(Path("/a/b/c"), PG.uid, [PG.gid], fake)
    assert not traversable(Path("/a/b/c"), 999, [999], fake)


def test_data_dir_moves_out_of_an_unreachable_state_folder(tmp_path):
    unreachable = Path("/root/.local/state/cosar-platform")
    if traversable(unreachable, PG.uid, [PG.gid]):
        pytest.skip("/root is world-searchable on this machine")
    moved = data_dir_for(unreachable, PG, [PG.gid])
    assert moved.is_relative_to(EXTERNAL_ROOT)
    assert moved == data_dir_for(unreachable, PG, [PG.gid])  # stable per state folder
    assert moved != data_dir_for(Path("/root/other"), PG, [PG.gid])


def test_data_dir_stays_in_state_when_not_root(tmp_path):
    assert data_dir_for(tmp_path, None, []) == tmp_path / "postgres" / "data"


def test_server_conf_listens_on_loopback_only():
    conf = server_conf(5433)
    assert "listen_addresses = '127.0.0.1'" in conf
    assert "port = 5433" in conf
    assert "unix_socket_directories = ''" in conf


def test_hba_requires_scram_everywhere():
    rules = [line.split() for line in hba_conf().splitlines() if line and line[0] != "#"]
    assert rules
    assert all(rule[-1] == "scram-sha-256" for rule in rules)
    assert all(rule[3] == "127.0.0.1/32" for rule in rules if rule[0] == "host")
