"""Every table of the thesaurus database, for Alembic."""

from cosar_common.db.base import Base
from cosar_common.events import inbox, outbox  # noqa: F401  (registers the event tables)
from thesaurus.codesystems import models  # noqa: F401

metadata = Base.metadata
