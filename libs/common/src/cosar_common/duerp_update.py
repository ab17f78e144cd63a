"""The yearly update of the DUERP (R4121-2): one rule, read by the assessment (a company's
DUERP *à mettre à jour*) and by the indicators (a company counted as covered).

A version published on day P keeps the document up to date until the same day one year later
(`update_due`); a version of 29 February is due on 28 February, so a year is never exceeded.
Worked example (docs/domain.md): published on 10 March 2025, still up to date on 10 March 2026,
to update from 11 March 2026.
"""

from __future__ import annotations

from datetime import date, timedelta


def update_due(published_on: date) -> date:
    """The last day on which a version published on ``published_on`` is still up to date."""
    try:
        return published_on.replace(year=published_on.year + 1)
    except ValueError:  # 29 February
        return date(published_on.year + 1, 2, 28)


def is_up_to_date(published_on: date | None, on: date) -> bool:
    """Whether the last version, published on ``published_on`` (None: never), is up to date."""
    return published_on is not None and published_on <= on <= update_due(published_on)


def oldest_up_to_date(on: date) -> date:
    """The earliest publication day still up to date on ``on``: for a query, a version keeps
    the document up to date on ``on`` exactly when ``oldest_up_to_date(on) <= published_on <=
    on``."""
    try:
        year_before = on.replace(year=on.year - 1)
    except ValueError:  # 29 February: 28 February of the year before is due on 28 February
        return date(on.year - 1, 3, 1)
    return year_before if update_due(year_before) >= on else year_before + timedelta(days=1)
