"""When a CSE consultation on a published DUERP version may be dated (L2312-27, L4121-3)."""

from __future__ import annotations

from datetime import date


def consultation_date_error(consulted_on: date, *, published_on: date, today: date) -> str | None:
    """The French reason ``consulted_on`` is refused, or None when it is acceptable.

    A consultation is recorded on one published version: it cannot be dated before the day
    that version was published (Paris date), nor after today (the portal refuses the future
    already; the API now does too, for every client). The day of publication itself is
    accepted: the CSE may be consulted the day the employer publishes.
    """
    if consulted_on > today:
        return "La consultation ne peut pas être datée dans le futur."
    if consulted_on < published_on:
        return (
            "La consultation ne peut pas être antérieure à la publication de la version "
            f"({published_on.strftime('%d/%m/%Y')})."
        )
    return None
