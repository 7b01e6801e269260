"""An organisation's safety settings, with safe defaults, cached briefly per Lambda instance.

The message handler needs them on every send; reading the organisation once per five minutes
per warm instance keeps the hot path at one write and one query.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from chalicelib import storage
from chalicelib.config import settings
from chalicelib.limits import MAX_MESSAGE_CHARS
from chalicelib.safety import CrisisDetector, FloodLimits

CACHE_SECONDS = 300


@dataclass(frozen=True)
class OrgSettings:
    retention_days: int
    limits: FloodLimits
    detector: CrisisDetector


_cache: dict[str, tuple[float, OrgSettings]] = {}


def org_settings(org_id: str | None) -> OrgSettings:
    now = time.monotonic()
    cached = _cache.get(org_id or "")
    if cached and cached[0] > now:
        return cached[1]
    organisation = storage.get_organisation(org_id) if org_id else None
    settings = settings_of(organisation)
    _cache[org_id or ""] = (now + CACHE_SECONDS, settings)
    return settings


def settings_of(organisation: storage.Organisation | None) -> OrgSettings:
    defaults = FloodLimits(max_length=MAX_MESSAGE_CHARS)
    default_retention = settings().retention_days  # RETENTION_DAYS of the stage
    if organisation is None:
        return OrgSettings(default_retention, defaults, CrisisDetector.default())
    limits = FloodLimits(
        burst=int(organisation.flood_burst or defaults.burst),
        per_minute=int(organisation.flood_per_minute or defaults.per_minute),
        max_length=MAX_MESSAGE_CHARS,
    )
    detector = CrisisDetector.default()
    if organisation.extra_crisis_terms:
        detector = detector.with_extra(organisation.extra_crisis_terms)
    return OrgSettings(int(organisation.retention_days or default_retention), limits, detector)


def forget() -> None:
    """Tests change settings and want them seen at once."""
    _cache.clear()
