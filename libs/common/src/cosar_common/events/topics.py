"""Kafka topics: one per event family; the key is the tenant id (order per tenant)."""

from __future__ import annotations

THESAURUS_EVENTS = "thesaurus.events"
ASSESSMENT_EVENTS = "assessment.events"
REPORTING_EVENTS = "reporting.events"
INDICATORS_DEAD_LETTER = "indicators.dead-letter"

ALL_TOPICS = (THESAURUS_EVENTS, ASSESSMENT_EVENTS, REPORTING_EVENTS, INDICATORS_DEAD_LETTER)

# Key for events that belong to no tenant (e.g. a shared thesaurus version): one partition,
# hence one order, for all of them.
NO_TENANT_KEY = "_platform"


def key_for(tenant_id: str | None) -> bytes:
    return (tenant_id or NO_TENANT_KEY).encode()
