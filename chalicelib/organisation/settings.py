"""An organisation's safety settings: its own crisis terms, retention and flood limits, and how
long an unused teen account is kept.

The message handler needs them on every send; reading the organisation once per five minutes
per warm instance keeps the hot path at one write and one query. An admin changes them through
``GET``/``PUT /admin/settings`` (:func:`view`, :func:`change`); the instance that made the change
forgets its copy at once, other warm instances within ``CACHE_SECONDS``. How long an unused
account is kept (``inactive_account_months``) is not cached: it is read at a teen's log-in and
follow (:func:`chalicelib.accounts.participants.inactive_months`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ulid import ULID

from chalicelib import storage
from chalicelib.accounts.tokens import ADMIN, Identity
from chalicelib.config import settings
from chalicelib.errors import ChatError
from chalicelib.limits import (
    MAX_CRISIS_TERM_CHARS,
    MAX_CRISIS_TERMS,
    MAX_FLOOD_BURST,
    MAX_FLOOD_PER_MINUTE,
    MAX_INACTIVE_MONTHS,
    MAX_MESSAGE_CHARS,
    MAX_REASON,
    MAX_RETENTION_DAYS,
    MIN_CRISIS_TERM_CHARS,
    MIN_FLOOD_BURST,
    MIN_FLOOD_PER_MINUTE,
    MIN_INACTIVE_MONTHS,
    MIN_RETENTION_DAYS,
)
from chalicelib.safety import SEVERITIES, CrisisDetector, FloodLimits

CACHE_SECONDS = 300
FIELDS = ("extra_crisis_terms", "retention_days", "flood_burst", "flood_per_minute", "inactive_account_months")
# Whole numbers an admin may set, with their bounds and the error a value outside them gets.
BOUNDS: dict[str, tuple[int, int, str]] = {
    "retention_days": (MIN_RETENTION_DAYS, MAX_RETENTION_DAYS, "bad_retention"),
    "flood_burst": (MIN_FLOOD_BURST, MAX_FLOOD_BURST, "bad_flood_limit"),
    "flood_per_minute": (MIN_FLOOD_PER_MINUTE, MAX_FLOOD_PER_MINUTE, "bad_flood_limit"),
}
_LEVEL = re.compile(r"^\s*(\w+)\s*:\s*(.*)$", re.S)


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


def forget(org_id: str | None = None) -> None:
    """Drop the cached settings of one organisation (after its admin changed them), or of all."""
    if org_id is None:
        _cache.clear()
    else:
        _cache.pop(org_id, None)


# --- the admin's view and changes -------------------------------------------------------------------


def view(admin: Identity) -> dict[str, Any]:
    """The settings in force for the admin's own organisation, the defaults and the bounds."""
    _require_admin(admin)
    return _answer(storage.get_organisation(admin.org_id or ""))


def change(admin: Identity, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Change any of ``FIELDS``; a field left out keeps its value. Each change is audited.

    A new retention period applies to what is written from now on: messages already stored keep
    the expiry they were given.
    """
    _require_admin(admin)
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise ChatError("bad_request", field=unknown[0])
    organisation = storage.get_organisation(admin.org_id or "")
    if organisation is None:
        raise ChatError("organisation_not_found")
    wanted: dict[str, Any] = {}
    if "extra_crisis_terms" in body:
        wanted["extra_crisis_terms"] = crisis_terms(body["extra_crisis_terms"])
    for name, (low, high, code) in BOUNDS.items():
        if name in body:
            wanted[name] = _whole(body[name], name, low, high, code)
    if "inactive_account_months" in body:
        wanted["inactive_account_months"] = inactive_months(body["inactive_account_months"])
    current = _values(organisation)
    changes = {name: value for name, value in wanted.items() if value != current[name]}
    entries = [_entry(admin, name, current[name], value, now) for name, value in changes.items()]
    if changes:
        storage.save_settings(organisation, changes, entries)
        forget(organisation.org_id)
    return _answer(organisation)


def crisis_terms(terms: object) -> list[str]:
    """An organisation's own crisis terms, tidied, or a refusal naming the first the detector cannot use.

    Every term must find itself: built into the detector, its own words (without level, ``..``
    and ``*``) have to raise its concept. That refuses punctuation inside words, an unknown level
    ("akut: ..."), a level with no words, and anything else that would never flag a message.
    """
    if (
        not isinstance(terms, list)
        or len(terms) > MAX_CRISIS_TERMS
        or not all(
            isinstance(term, str) and MIN_CRISIS_TERM_CHARS <= len(term.strip()) <= MAX_CRISIS_TERM_CHARS
            for term in terms
        )
    ):
        raise ChatError(
            "bad_crisis_terms",
            max_items=MAX_CRISIS_TERMS,
            min_length=MIN_CRISIS_TERM_CHARS,
            max_length=MAX_CRISIS_TERM_CHARS,
        )
    tidy: dict[str, str] = {}
    for term in terms:
        written = _tidy(term)
        tidy.setdefault(written.casefold(), written)
    wanted = list(tidy.values())
    if not wanted:
        return []
    detector = CrisisDetector.default().with_extra(wanted)
    for term in wanted:
        signal = detector.assess(_own_words(term)) if term in detector.extra_terms else None
        if signal is None or term not in signal.concepts:
            raise ChatError("bad_crisis_term", term=term)
    return wanted


def inactive_months(value: object) -> int | None:
    """The organisation's own period before an unused teen account is deleted: whole months within
    the bounds, or None for the stage's default. A fraction of a month has no meaning to the tick."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_INACTIVE_MONTHS <= value <= MAX_INACTIVE_MONTHS:
        raise ChatError("bad_inactive_months", min=MIN_INACTIVE_MONTHS, max=MAX_INACTIVE_MONTHS)
    return value


def _tidy(term: str) -> str:
    """One space between words; a level in lower case right before its colon ("plan: har købt reb")."""
    words = " ".join(term.split())
    found = _LEVEL.match(words)
    if found and found.group(1).casefold() in SEVERITIES:
        return f"{found.group(1).casefold()}: {found.group(2)}".strip()
    return words


def _own_words(term: str) -> str:
    level, sep, phrase = term.partition(":")
    words = phrase if sep and level in SEVERITIES else term
    return " ".join(word.rstrip("*") for word in words.split() if word != "..")


def _whole(value: object, name: str, low: int, high: int, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ChatError(code, field=name, min=low, max=high)
    return value


def _values(organisation: storage.Organisation | None) -> dict[str, Any]:
    """What is in force: the organisation's own values, or the defaults where it has none — except
    ``inactive_account_months``, None while the organisation follows the stage's default (so the
    admin can tell "our own 12" from "the default, whatever it becomes")."""
    in_force = settings_of(organisation)
    own_months = organisation.inactive_account_months if organisation else None
    return {
        "extra_crisis_terms": list(organisation.extra_crisis_terms or []) if organisation else [],
        "retention_days": in_force.retention_days,
        "flood_burst": in_force.limits.burst,
        "flood_per_minute": in_force.limits.per_minute,
        "inactive_account_months": int(own_months) if own_months else None,
    }


def _answer(organisation: storage.Organisation | None) -> dict[str, Any]:
    defaults = _values(None)
    return {
        "settings": _values(organisation),
        "defaults": {
            **{name: defaults[name] for name in BOUNDS},
            "inactive_account_months": settings().account_inactive_months,  # ACCOUNT_INACTIVE_MONTHS
        },
        "bounds": {
            **{name: {"min": low, "max": high} for name, (low, high, _) in BOUNDS.items()},
            "inactive_account_months": {"min": MIN_INACTIVE_MONTHS, "max": MAX_INACTIVE_MONTHS},
            "extra_crisis_terms": {
                "max_items": MAX_CRISIS_TERMS,
                "min_length": MIN_CRISIS_TERM_CHARS,
                "max_length": MAX_CRISIS_TERM_CHARS,
            },
        },
        "levels": list(SEVERITIES),
    }


def _entry(admin: Identity, name: str, before: Any, after: Any, now: datetime) -> storage.AuditEntry:
    if name == "extra_crisis_terms":
        added = [term for term in after if term not in before]
        removed = [term for term in before if term not in after]
        summary = "; ".join([*(f"+ {term}" for term in added), *(f"- {term}" for term in removed)])
    elif name == "inactive_account_months":
        default = f"default ({settings().account_inactive_months})"
        summary = f"{before or default} → {after or default}"
    else:
        summary = f"{before} → {after}"
    return storage.AuditEntry(
        admin.org_id or "",
        str(ULID.from_datetime(now)),
        at=now,
        mentor_id=admin.user_id,
        mentor_name=admin.name,
        action="change_settings",
        target=name,
        reason=summary[:MAX_REASON],
    )


def _require_admin(admin: Identity) -> None:
    # moderation.actions.require_admin would do, but it imports this module: no cycle for three lines.
    if admin.role != ADMIN:
        raise ChatError("forbidden")
