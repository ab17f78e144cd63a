"""Every table of the assessment database, for Alembic."""

from assessment.companies import models as _companies  # noqa: F401
from assessment.reference import models as _reference  # noqa: F401
from cosar_common.db.base import Base
from cosar_common.events import inbox, outbox  # noqa: F401  (registers the event tables)

metadata = Base.metadata
