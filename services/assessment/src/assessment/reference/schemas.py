from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class KnownVersion(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code_system: str
    code_system_url: str
    version: str
    concept_count: int
    published_at: datetime
    recorded_at: datetime
