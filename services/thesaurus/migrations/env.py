"""Alembic environment of the thesaurus service (run through 'thesaurus migrate')."""

from cosar_common.db.migrations import run_env
from thesaurus.models import metadata

run_env(target_metadata=metadata)
