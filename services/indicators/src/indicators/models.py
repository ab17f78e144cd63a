"""Every table of the indicators database, for Alembic."""

from cosar_common.db.base import Base
from cosar_common.events import inbox, outbox  # noqa: F401  (registers the event tables)
from indicators.facts import models as _facts  # noqa: F401
from indicators.releases import models as _releases  # noqa: F401

metadata = Base.metadata
