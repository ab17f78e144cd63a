"""Alembic environment of the indicators service (run through 'indicators migrate')."""

from cosar_common.db.migrations import run_env
from indicators.models import metadata

run_env(target_metadata=metadata)
