"""Every table of the reporting database, for Alembic."""

from cosar_common.db.base import Base
from cosar_common.events import inbox, outbox  # noqa: F401  (registers the event tables)
from reporting.actions import models as _actions  # noqa: F401
from reporting.establishments import models as _establishments  # noqa: F401
from reporting.reports import models as _reports  # noqa: F401
from reporting.tenancy import models as _tenancy  # noqa: F401

metadata = Base.metadata
