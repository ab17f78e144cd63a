"""When a CSE consultation on a published version may be dated."""

from __future__ import annotations

from datetime import date

from assessment.domain.rating import add_months

DRAFT_MONTHS = 12
"""How long before its publication a first version's draft may have gone to the CSE: the
DUERP is updated every year, so its draft is not older than that."""


def earliest_consultation(published_on: date, previous_published_on: date | None) -> date:
    """The CSE is consulted on the DUERP and its updates (L2312-27), often on the draft before
    the employer publishes it: the earliest day is the day the previous version was published
    (this version's draft did not exist before), and never more than a year before this one's
    publication."""
    earliest = add_months(published_on, -DRAFT_MONTHS)
    if previous_published_on is not None:
        earliest = max(earliest, previous_published_on)
    return earliest


def consultation_date_error(consulted_on: date, *, earliest: date, today: date) -> str | None:
    """The French reason ``consulted_on`` is refused, or None when it is acceptable: not before
    ``earliest`` (:func:`earliest_consultation`), not after today (the portal refuses the future
    already; the API does too, for every client)."""
    if consulted_on > today:
        return "La consultation ne peut pas être datée dans le futur."
    if consulted_on < earliest:
        return (
            "La consultation ne peut pas être antérieure au "
            f"{earliest.strftime('%d/%m/%Y')} : le projet de cette version n'existait pas "
            "encore (publication de la version précédente, ou un an avant celle-ci)."
        )
    return None
