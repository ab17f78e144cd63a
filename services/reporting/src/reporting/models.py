"""Every table of the reporting database, for Alembic."""

from cosar_common.db.base import Base
from cosar_common.events import inbox, outbox  # noqa: F401  (registers the event tables)

metadata = Base.metadata
