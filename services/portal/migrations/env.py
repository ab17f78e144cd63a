"""Alembic environment of the portal (run through 'portal migrate')."""

from portal.models import metadata

from cosar_common.db.migrations import run_env

run_env(target_metadata=metadata)
