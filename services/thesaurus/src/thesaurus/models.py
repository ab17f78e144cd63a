"""Every table of the thesaurus database, for Alembic."""

from cosar_common.db.base import Base
from cosar_common.events import inbox, outbox  # noqa: F401  (registers the event tables)
from thesaurus.codesystems import models as _codesystems  # noqa: F401
from thesaurus.conceptmaps import models as _conceptmaps  # noqa: F401
from thesaurus.valuesets import models as _valuesets  # noqa: F401

metadata = Base.metadata
