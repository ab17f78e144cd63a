"""Integer inputs are bounded before they reach an int4 column (issue 13)."""

import pytest

from cosar_common.api.params import unbounded_integers
from thesaurus.app import create_app

pytestmark = pytest.mark.unit


def test_every_integer_parameter_and_body_field_is_bounded():
    # A concept's property values are free JSON (a JSONB column, no int4 anywhere).
    assert unbounded_integers(create_app().openapi()) == [
        "POST /code-systems/{name}/versions: body.concepts[].properties[].value",
        "PUT /code-systems/{name}/versions/{version}/concepts/{code}: body.properties[].value",
    ]
