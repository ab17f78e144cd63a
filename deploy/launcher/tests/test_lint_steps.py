"""`platform test` lints before it tests: ruff, mypy and the import contracts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cosar_deploy import platform_commands

pytestmark = pytest.mark.unit


def test_the_import_contracts_are_a_lint_step():
    steps = dict(platform_commands.LINT_STEPS)
    assert list(steps) == ["ruff check", "ruff format --check", "mypy", "lint-imports"]


def test_the_lint_imports_step_reaches_import_linter():
    # --help: the command is found and parses its options, without linting the whole tree.
    args = dict(platform_commands.LINT_STEPS)["lint-imports"]
    done = subprocess.run(
        [sys.executable, *args, "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "contracts" in done.stdout
