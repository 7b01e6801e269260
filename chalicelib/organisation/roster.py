"""The duty roster: one or two mentors on duty for every meeting of a group.

An admin sets each group's usual mentors (the weekly default) and can swap them for a single
meeting; a mentor sees "my duties" (the next meetings, local time) and can say they cannot come.
A meeting is named by its occurrence key (its UTC start, ``20261203T1800Z``), the same key the
meeting's session id ends with. A meeting nobody is on duty for is a *gap*: the admin sees the gaps
weeks ahead, and the minute tick alerts the duty mentors and admins when no mentor came.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib import storage
from chalicelib.accounts.tokens import Identity
from chalicelib.errors import ChatError
from chalicelib.limits import MAX_DUTY_MENTORS, ROSTER_WEEKS
from chalicelib.moderation.actions import audit_entry, require_admin
from chalicelib.sessions.calendar import Occurrence, local_view, upcoming
from chalicelib.sessions.keeper import schedule_of

MEETING_KEY = re.compile(r"^\d{8}T\d{4}Z$")
# A roster change is kept a while after its meeting, for the figures' questions ("who was on duty?").
DUTY_KEPT = timedelta(days=60)


@dataclass(frozen=True)
class Meeting:
    """One coming meeting and who is on duty for it."""

    group: storage.Group
    occurrence: Occurrence
    mentors: list[str]  # mentor ids on duty
    absent: list[str]  # mentor ids who said they cannot come
    changed: bool  # differs from the group's usual mentors

    @property
    def key(self) -> str:
        return self.occurrence.key()

    @property
    def gap(self) -> bool:
        return not self.mentors


def meeting_of(session: storage.Session) -> str | None:
    """The meeting key a planned session's id ends with (extra and demo sessions have none)."""
    tail = session.session_id.rsplit(":", 1)[-1]
    return tail if MEETING_KEY.match(tail) else None


def on_duty(group: storage.Group, meeting: str | None) -> list[str]:
    """Who is on duty for one meeting: its own change if there is one, else the usual mentors."""
    if meeting is not None:
        duty = storage.get_duty(group.group_id, meeting)
        if duty is not None:
            return list(duty.mentors or [])
    return list(group.duty_mentors or [])


def meetings(group: storage.Group, now: datetime, weeks: int = ROSTER_WEEKS) -> list[Meeting]:
    """The group's meetings in the next ``weeks`` weeks, each with who is on duty."""
    try:
        schedule = schedule_of(group)
    except ValueError:
        return []
    coming = [o for o in upcoming(schedule, now, weeks + 1) if o.starts_at <= now + timedelta(weeks=weeks)]
    if not coming:
        return []
    changes = {d.meeting: d for d in storage.duties(group.group_id, coming[0].key(), coming[-1].key())}
    usual = list(group.duty_mentors or [])
    found = []
    for occurrence in coming:
        change = changes.get(occurrence.key())
        mentors = list(change.mentors or []) if change else usual
        found.append(
            Meeting(
                group,
                occurrence,
                mentors,
                list(change.absent or []) if change else [],
                change is not None and mentors != usual,
            )
        )
    return found


# --- what the pages see ----------------------------------------------------------------------------


def _names(org_id: str) -> dict[str, str]:
    return {mentor.mentor_id: mentor.display_name for mentor in storage.org_mentors(org_id)}


def meeting_view(meeting: Meeting, names: dict[str, str]) -> dict[str, Any]:
    return {
        "group_id": meeting.group.group_id,
        "group": meeting.group.name,
        "meeting": meeting.key,
        **local_view(meeting.occurrence, meeting.group.tz),
        "mentors": [{"id": m, "name": names.get(m, "")} for m in meeting.mentors],
        "absent": [{"id": m, "name": names.get(m, "")} for m in meeting.absent],
        "changed": meeting.changed,
        "gap": meeting.gap,
    }


def roster(admin: Identity, now: datetime, weeks: int = ROSTER_WEEKS) -> dict[str, Any]:
    """The admin's roster: every group's usual mentors and its coming meetings, gaps marked."""
    require_admin(admin)
    org_id = admin.org_id or ""
    names = _names(org_id)
    groups = []
    gaps = 0
    for group in storage.org_groups(org_id):
        coming = meetings(group, now, weeks)
        gaps += sum(meeting.gap for meeting in coming)
        groups.append(
            {
                "id": group.group_id,
                "name": group.name,
                "duty": [{"id": m, "name": names.get(m, "")} for m in group.duty_mentors or []],
                "meetings": [meeting_view(meeting, names) for meeting in coming],
            }
        )
    mentors = [{"id": m.mentor_id, "name": m.display_name} for m in storage.org_mentors(org_id) if m.active]
    return {"weeks": weeks, "gaps": gaps, "groups": groups, "mentors": mentors}


def my_duties(mentor: Identity, now: datetime, weeks: int = ROSTER_WEEKS) -> dict[str, Any]:
    """The meetings a mentor is on duty for, soonest first, and those they said they cannot come to."""
    names = _names(mentor.org_id or "")
    found = []
    for group in storage.org_groups(mentor.org_id or ""):
        for meeting in meetings(group, now, weeks):
            if mentor.user_id in meeting.mentors or mentor.user_id in meeting.absent:
                view = meeting_view(meeting, names)
                view["cannot_come"] = mentor.user_id in meeting.absent
                found.append(view)
    found.sort(key=lambda view: view["starts_at_utc"])
    return {"weeks": weeks, "duties": found}


# --- changing it -------------------------------------------------------------------------------------


def _group(who: Identity, group_id: str) -> storage.Group:
    group = storage.get_group(group_id)
    if group is None:
        raise ChatError("group_not_found")
    if group.org_id != who.org_id:
        raise ChatError("forbidden")
    return group


def check_mentors(org_id: str, value: object) -> list[str]:
    """One or two distinct active mentors of the organisation (none leaves the slot empty)."""
    if not isinstance(value, list) or len(value) > MAX_DUTY_MENTORS or len(set(map(str, value))) != len(value):
        raise ChatError("bad_duty", max=MAX_DUTY_MENTORS)
    active = {m.mentor_id for m in storage.org_mentors(org_id) if m.active}
    if not all(isinstance(m, str) and m in active for m in value):
        raise ChatError("bad_duty", max=MAX_DUTY_MENTORS)
    return list(value)


def _coming(group: storage.Group, meeting: object, now: datetime) -> Meeting:
    for found in meetings(group, now):
        if found.key == meeting:
            return found
    raise ChatError("meeting_not_found")


def _entry(
    who: Identity, action: str, group: storage.Group, meeting: str, now: datetime, target: str = ""
) -> storage.AuditEntry:
    return audit_entry(who, action, now, target=target or meeting, group_id=group.group_id)


def set_usual(admin: Identity, group_id: str, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The weekly default: who is on duty at every meeting unless one meeting is changed."""
    require_admin(admin)
    group = _group(admin, group_id)
    mentor_ids = check_mentors(group.org_id, body.get("mentors"))
    storage.set_duty_mentors(group, mentor_ids)
    storage.add_audit(_entry(admin, "duty", group, "", now, target=group.name))
    return roster(admin, now)


def swap(admin: Identity, group_id: str, meeting: str, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Change who is on duty for one meeting; ``"mentors": null`` goes back to the usual ones."""
    require_admin(admin)
    group = _group(admin, group_id)
    found = _coming(group, meeting, now)
    if body.get("mentors") is None:
        existing = storage.get_duty(group.group_id, found.key)
        if existing is not None:
            storage.delete_duty(existing)
        return roster(admin, now)
    mentor_ids = check_mentors(group.org_id, body.get("mentors"))
    duty = storage.Duty(
        group.group_id,
        found.key,
        mentors=mentor_ids,
        absent=[m for m in found.absent if m not in mentor_ids],
        changed_by=admin.user_id,
        changed_at=now,
        expires_at=found.occurrence.ends_at + DUTY_KEPT,
    )
    storage.save_duty(duty, _entry(admin, "swap", group, found.key, now))
    return roster(admin, now)


def cannot_come(mentor: Identity, group_id: str, meeting: str, now: datetime) -> dict[str, Any]:
    """A mentor cannot come to one meeting: off duty for it, and the admin sees whether a gap opened."""
    group = _group(mentor, group_id)
    found = _coming(group, meeting, now)
    if mentor.user_id not in found.mentors:
        raise ChatError("not_on_duty")
    duty = storage.Duty(
        group.group_id,
        found.key,
        mentors=[m for m in found.mentors if m != mentor.user_id],
        absent=sorted({*found.absent, mentor.user_id}),
        changed_by=mentor.user_id,
        changed_at=now,
        expires_at=found.occurrence.ends_at + DUTY_KEPT,
    )
    storage.save_duty(duty, _entry(mentor, "cannot_come", group, found.key, now))
    return my_duties(mentor, now)
