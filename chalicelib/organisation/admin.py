"""What an organisation admin manages: groups and their schedules, and mentors. Own organisation only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from ulid import ULID

from chalicelib import storage
from chalicelib.abuse import revocation
from chalicelib.accounts import mentors
from chalicelib.accounts.tokens import Identity
from chalicelib.chat.admission import ENTRY_MODES
from chalicelib.config import settings
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.limits import MAX_CAPACITY, MAX_DESCRIPTION, MAX_GROUP_NAME, MAX_RULE_CHARS, MAX_RULES, MIN_CAPACITY
from chalicelib.moderation.actions import require_admin
from chalicelib.organisation.catalogue import group_view
from chalicelib.organisation.roster import check_mentors
from chalicelib.sessions.calendar import WeeklySchedule
from chalicelib.sessions.keeper import plan_next

GROUP_FIELDS = (
    "name",
    "description",
    "rules",
    "capacity",
    "weekday",
    "start_time",
    "duration_minutes",
    "tz",
    "first_date",
    "meetings",
    "cancelled",
    "entry_mode",
    "duty_mentors",
)


def admin_group_view(group: storage.Group, now: datetime) -> dict[str, Any]:
    view = group_view(group, now)
    view["schedule"].update(
        capacity=int(group.capacity),
        meetings=int(group.meetings) if group.meetings is not None else None,
        first_date=group.first_date,
        cancelled=sorted(group.cancelled or ()),
    )
    view["duty_mentors"] = list(group.duty_mentors or [])
    return view


def list_groups(admin: Identity, now: datetime) -> dict[str, Any]:
    """Mentors see their organisation's groups too (to open early or cancel); only admins edit."""
    return {"groups": [admin_group_view(g, now) for g in storage.org_groups(admin.org_id or "")]}


def _apply(group: storage.Group, body: dict[str, Any]) -> None:
    unknown = set(body) - set(GROUP_FIELDS)
    if unknown:
        raise ChatError("bad_request", field=sorted(unknown)[0])
    if "name" in body:
        if not isinstance(body["name"], str) or not 2 <= len(body["name"].strip()) <= MAX_GROUP_NAME:
            raise ChatError("bad_name", min_length=2, max_length=MAX_GROUP_NAME)
        group.name = body["name"].strip()
    if "description" in body:
        if not isinstance(body["description"], str) or len(body["description"]) > MAX_DESCRIPTION:
            raise ChatError("bad_description", max_length=MAX_DESCRIPTION)
        group.description = body["description"]
    if "rules" in body:
        rules = body["rules"]
        if (
            not isinstance(rules, list)
            or len(rules) > MAX_RULES
            or not all(isinstance(r, str) and len(r) <= MAX_RULE_CHARS for r in rules)
        ):
            raise ChatError("bad_rules", max_items=MAX_RULES)
        group.rules = [r.strip() for r in rules if r.strip()]
    if "capacity" in body:
        if not isinstance(body["capacity"], int) or not MIN_CAPACITY <= body["capacity"] <= MAX_CAPACITY:
            raise ChatError("bad_capacity", min=MIN_CAPACITY, max=MAX_CAPACITY)
        group.capacity = body["capacity"]
    _apply_admission(group, body)
    for key in ("weekday", "start_time", "duration_minutes", "tz", "first_date", "meetings", "cancelled"):
        if key in body:
            setattr(group, key, body[key] if key != "cancelled" else (set(body[key]) or None))
    try:
        WeeklySchedule(
            weekday=cast(int, group.weekday),  # WeeklySchedule refuses what is not a whole day
            start=time.fromisoformat(str(group.start_time)),
            duration=timedelta(minutes=int(group.duration_minutes)),
            tz=group.tz,
            first_date=date.fromisoformat(group.first_date) if group.first_date else None,
            meetings=cast(int | None, group.meetings),
            cancelled=frozenset(date.fromisoformat(d) for d in (group.cancelled or ())),
        )
    except (ValueError, TypeError) as error:
        raise ChatError("invalid_schedule", field=str(error)[:80]) from None


def _apply_admission(group: storage.Group, body: dict[str, Any]) -> None:
    """Who may come in (the entry mode) and who is on duty every week."""
    if "entry_mode" in body:
        if body["entry_mode"] not in ENTRY_MODES:
            raise ChatError("bad_entry_mode")
        group.entry_mode = body["entry_mode"]
    if "duty_mentors" in body:
        group.duty_mentors = check_mentors(group.org_id, body["duty_mentors"])


def create_group(admin: Identity, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    require_admin(admin)
    if "name" not in body:
        raise ChatError("bad_name", min_length=2, max_length=MAX_GROUP_NAME)
    group = storage.Group(str(ULID.from_datetime(now)).lower(), org_id=admin.org_id or "", name="")
    _apply(group, body)
    storage.save_group(group)
    plan_next(group, now)
    return admin_group_view(group, now)


def update_group(admin: Identity, group_id: str, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    require_admin(admin)
    group = storage.get_group(group_id)
    if group is None:
        raise ChatError("group_not_found")
    if group.org_id != admin.org_id:
        raise ChatError("forbidden")
    _apply(group, body)
    storage.save_group(group)
    # A new schedule plans its next meeting; a meeting planned under the old one opens as
    # planned unless cancelled, so nobody who expected it is surprised.
    plan_next(group, now)
    return admin_group_view(group, now)


def list_mentors(admin: Identity) -> dict[str, Any]:
    require_admin(admin)
    return {"mentors": [mentors.mentor_view(m) for m in storage.org_mentors(admin.org_id or "")]}


def add_mentor(admin: Identity, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    require_admin(admin)
    mentor = mentors.create(
        admin.org_id or "",
        body.get("username"),
        body.get("display_name"),
        body.get("password"),
        body.get("role", "mentor"),
        now,
    )
    return {"mentor": mentors.mentor_view(mentor)}


def deactivate_mentor(admin: Identity, mentor_id: str, delivery: Delivery, now: datetime) -> dict[str, Any]:
    """Withdraw a mentor's access: their open sockets are closed before this returns."""
    require_admin(admin)
    found = [m for m in storage.org_mentors(admin.org_id or "") if m.mentor_id == mentor_id]
    if not found:
        raise ChatError("mentor_not_found")
    mentor = found[0]
    if mentor.mentor_id == admin.user_id:
        raise ChatError("cannot_deactivate_self")
    # The record (username, display name) stays as long as the audit entries that name the mentor.
    storage.deactivate_mentor(mentor, now + timedelta(days=settings().audit_retention_days))
    closed = revocation.close_connections(delivery, mentor.mentor_id, "deactivated")
    return {"mentor": mentors.mentor_view(mentor), "connections_closed": closed}
