"""The group list teens see: each group with its open session or the next one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import storage
from chalicelib.errors import ChatError
from chalicelib.frames import session_view
from chalicelib.sessions import ics
from chalicelib.sessions.keeper import next_meetings, schedule_of


def group_view(group: storage.Group, now: datetime) -> dict[str, Any]:
    current = next(
        (s for s in storage.latest_sessions(group.group_id, now) if s.status == storage.OPEN),
        None,
    )
    upcoming = [s for s in storage.sessions_from(group.group_id, now) if s.status == storage.SCHEDULED]
    return {
        "id": group.group_id,
        "org_id": group.org_id,
        "name": group.name,
        "description": group.description,
        "rules": list(group.rules or []),
        "entry_mode": group.entry_mode or "open",
        "open": current is not None,
        "session": session_view(current) if current else None,
        "next_session": session_view(upcoming[0]) if upcoming else None,
        # From the weekly schedule, in UTC and in the group's own time zone; the page shows
        # them in the viewer's zone. A closed group thus always says when it opens next.
        "next_meetings": next_meetings(group, now),
        "schedule": {
            "weekday": int(group.weekday),
            "start_time": group.start_time,
            "duration_minutes": int(group.duration_minutes),
            "tz": group.tz,
        },
    }


def list_groups(now: datetime) -> list[dict[str, Any]]:
    return [group_view(group, now) for group in storage.listed_groups()]


def group_calendar(group_id: str, now: datetime) -> bytes:
    """The ``.ics`` feed of a group's coming meetings: public, like the group list it comes from."""
    group = storage.get_group(group_id)
    if group is None:
        raise ChatError("group_not_found")
    try:
        schedule = schedule_of(group)
    except ValueError:
        raise ChatError("group_not_found") from None
    return ics.meetings_calendar(group.group_id, group.name, group.description or "", schedule, now)
