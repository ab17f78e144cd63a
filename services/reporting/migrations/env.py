"""Alembic environment of the reporting service (run through 'reporting migrate')."""

from cosar_common.db.migrations import run_env
from reporting.models import metadata

run_env(target_metadata=metadata)
