"""Bounded integers for path and query parameters, and body fields, that reach int4 columns.

A PostgreSQL ``integer`` holds at most 2³¹ − 1. An unbounded ``int`` parameter lets
``/versions/2147483648`` through to the database, whose overflow error is a 500; bounded here,
it is a French 422 (``Valeur trop grande.``) before any query, and the OpenAPI shows the bounds.
Every router takes its integer parameters from here, so the bounds live in one place::

    async def read_version(number: VersionNumber, ...) -> ...
    from_: Annotated[VersionNumber, Query(alias="from")]

The constraints are a pydantic ``Field``, not a FastAPI ``Path``/``Query``: the same type
serves a path, a query (wrapped in ``Query(alias=...)``) and a pydantic body field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

INT4_MAX = 2_147_483_647
"""The largest value of a PostgreSQL ``integer`` (int4) column."""

VersionNumber = Annotated[int, Field(ge=1, le=INT4_MAX)]
"""The number of a published version (DUERP, fiche, report revision, release): 1, 2…"""

Offset = Annotated[int, Field(ge=0, le=INT4_MAX)]
"""The rank of the first result of a page (0 = the first)."""

Count = Annotated[int, Field(ge=0, le=INT4_MAX)]
"""A count stored in an int4 column (a headcount, a number of days…); tighter bounds first."""


def unbounded_integers(openapi: Mapping[str, Any]) -> list[str]:
    """The integer inputs of an OpenAPI document that may exceed an int4 column.

    Every path, query and header parameter and every request body field of type integer
    must carry a ``maximum`` ≤ :data:`INT4_MAX`; each service's tests assert this list is
    empty, so a new unbounded parameter fails a unit test, not a fuzzer against a database.
    Answers ``"GET /path: name"`` for each offender.
    """
    components = openapi.get("components", {}).get("schemas", {})
    found: list[str] = []

    def integers(schema: Mapping[str, Any], name: str, seen: frozenset[str]) -> list[str]:
        if "$ref" in schema:
            ref = str(schema["$ref"]).rsplit("/", 1)[-1]
            return [] if ref in seen else integers(components.get(ref, {}), name, seen | {ref})
        out: list[str] = []
        if schema.get("type") == "integer" and schema.get("maximum", INT4_MAX + 1) > INT4_MAX:
            out.append(name)
        for key in ("anyOf", "oneOf", "allOf"):
            for option in schema.get(key, []):
                out += integers(option, name, seen)
        if "items" in schema:
            out += integers(schema["items"], f"{name}[]", seen)
        for field, sub in schema.get("properties", {}).items():
            out += integers(sub, f"{name}.{field}" if name else field, seen)
        additional = schema.get("additionalProperties")
        if isinstance(additional, Mapping):
            out += integers(additional, f"{name}.*", seen)
        return out

    for path, item in openapi.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, Mapping):
                continue
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                for name in integers(parameter.get("schema", {}), parameter["name"], frozenset()):
                    found.append(f"{where}: {name}")
            for content in operation.get("requestBody", {}).get("content", {}).values():
                for name in integers(content.get("schema", {}), "body", frozenset()):
                    found.append(f"{where}: {name}")
    return found
