"""Statistical disclosure control of the regional indicators ("secret statistique").

The rules and their figures: docs/domain.md § Statistical secrecy.

Pure Python over HiGHS: linked tables as additive equations (:mod:`.tables`), primary suppression
FREQ(3)|NK(1,85) and persons < 11 (:mod:`.primary`), secondary suppression by Fischetti–Salazar's
model with Benders cuts (:mod:`.secondary`), the LP attack check (:mod:`.attack`), protection and
incremental re-protection (:mod:`.protection`), and rates inheriting secrecy (:mod:`.rates`).

Typical use::

    tables = build_tables(records, [TableSpec("naf_year", "exposed", (naf, year), {"naf": 1}),
                                    TableSpec("naf_hazard", "exposed", (naf, hazard))])
    protection = protect(tables)           # primary + secondary + attack check
    protection.published()                 # cell -> value, None for "secret statistique"
    protection = reprotect(protection, updated_tables)   # after a new contribution

The attacker knows every published cell of every linked table, the additivity equations and that
cells are non-negative; a secret cell must stay uncertain by ``ProtectionLevel`` (±10 %, at least
one unit) on both sides. Not modelled: a contributor subtracting its own share (tau-ARGUS's
protection levels derived from the sensitivity rule); raise ``ProtectionLevel.relative`` if the
published tables call for it.
"""

from indicators.domain.secrecy.attack import (
    AttackResult,
    ProtectionLevel,
    attack,
    exposed,
    unprotected,
)
from indicators.domain.secrecy.primary import (
    PrimaryRules,
    SecretReason,
    primary_reason,
    primary_suppression,
)
from indicators.domain.secrecy.protection import (
    SECRET_LABEL,
    Protection,
    ProtectionFailed,
    protect,
    reprotect,
)
from indicators.domain.secrecy.rates import Rate, RateStatus, publishable_rates
from indicators.domain.secrecy.secondary import (
    SolverOptions,
    Suppression,
    cell_cost,
    secondary_suppression,
)
from indicators.domain.secrecy.tables import (
    TOTAL,
    Cell,
    CellKey,
    Dimension,
    Equation,
    Record,
    TableSet,
    TableSpec,
    build_tables,
    cell_key,
)

__all__ = [
    "SECRET_LABEL",
    "TOTAL",
    "AttackResult",
    "Cell",
    "CellKey",
    "Dimension",
    "Equation",
    "PrimaryRules",
    "Protection",
    "ProtectionFailed",
    "ProtectionLevel",
    "Rate",
    "RateStatus",
    "Record",
    "SecretReason",
    "SolverOptions",
    "Suppression",
    "TableSet",
    "TableSpec",
    "attack",
    "build_tables",
    "cell_cost",
    "cell_key",
    "exposed",
    "primary_reason",
    "primary_suppression",
    "protect",
    "publishable_rates",
    "reprotect",
    "secondary_suppression",
    "unprotected",
]
