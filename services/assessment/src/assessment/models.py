"""Every table of the assessment database, for Alembic."""

from assessment.companies import models as _companies  # noqa: F401
from assessment.duerp import models as _duerp  # noqa: F401
from assessment.fiche import models as _fiche  # noqa: F401
from assessment.library import models as _library  # noqa: F401
from assessment.reference import models as _reference  # noqa: F401
from assessment.tenancy import models as _tenancy  # noqa: F401
from assessment.versions import models as _versions  # noqa: F401
from cosar_common.db.base import Base
from cosar_common.events import inbox, outbox  # noqa: F401  (registers the event tables)

metadata = Base.metadata
