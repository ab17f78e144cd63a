import uuid

import pytest
from pydantic import ValidationError

from cosar_common.events import RawEnvelope, UnknownEvent, VersionPublished, decode_payload
from cosar_common.events.envelope import envelope_for
from cosar_common.events.topics import NO_TENANT_KEY, key_for

pytestmark = pytest.mark.unit


def _published() -> VersionPublished:
    return VersionPublished(
        code_system="naf-rev2", code_system_url="https://x/naf", version="1", concept_count=3
    )


def test_envelope_round_trips_through_json():
    envelope = envelope_for(_published(), producer="thesaurus", tenant_id=None)
    raw = RawEnvelope.model_validate_json(envelope.model_dump_json())
    assert raw.type == "thesaurus.version-published"
    assert raw.schema_version == 1
    assert isinstance(raw.event_id, uuid.UUID)
    assert decode_payload(raw) == _published()


def test_payload_with_a_field_outside_the_contract_is_refused():
    envelope = envelope_for(_published(), producer="thesaurus", tenant_id=None)
    data = envelope.model_dump(mode="json")
    data["payload"]["company_name"] = "Boulangerie du Vieux-Port"
    with pytest.raises(ValidationError):
        decode_payload(RawEnvelope.model_validate(data))


def test_unknown_schema_version_is_reported():
    envelope = envelope_for(_published(), producer="thesaurus", tenant_id=None)
    data = envelope.model_dump(mode="json") | {"schema_version": 99}
    with pytest.raises(UnknownEvent):
        decode_payload(RawEnvelope.model_validate(data))


def test_kafka_key_is_the_tenant():
    assert key_for("sst-06-nice") == b"sst-06-nice"
    assert key_for(None) == NO_TENANT_KEY.encode()
