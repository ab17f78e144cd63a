"""SIRET rules (INSEE): 14 digits, Luhn check digit; the SIREN is its first 9 digits."""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret


class InvalidSiret(ValueError):
    pass


def normalise_siret(value: str) -> str:
    """The compact SIRET if valid; ``InvalidSiret`` with a French message otherwise."""
    try:
        return str(stdnum_siret.validate(value))
    except ValidationError as exc:
        compact = stdnum_siret.compact(value)
        if not compact.isdigit() or len(compact) != 14:
            raise InvalidSiret("Le SIRET doit compter 14 chiffres.") from exc
        raise InvalidSiret("SIRET invalide : la clé de contrôle ne correspond pas.") from exc


def siren_of(siret: str) -> str:
    return str(stdnum_siret.to_siren(siret))
