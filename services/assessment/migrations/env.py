"""Alembic environment of the assessment service (run through 'assessment migrate')."""

from assessment.models import metadata
from cosar_common.db.migrations import run_env

run_env(target_metadata=metadata)
