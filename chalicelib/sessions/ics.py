"""A group's meetings as an iCalendar file (RFC 5545), for "add to calendar" and the group's feed.

One module for both: the closed-session screen links the teen to the same feed a calendar app
subscribes to. Each meeting's UID is its session id, so a calendar that imports the file twice,
or refreshes the feed, updates the event instead of adding a copy; a meeting an admin cancels
stays in the feed as ``STATUS:CANCELLED`` until its date has passed, so a calendar that had it
takes it away. Times are written in UTC: every calendar shows them in its own zone.

Only what the public group list already shows goes in: the group's name and description. No
participant, no mentor, nothing about who follows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from chalicelib.sessions.calendar import Occurrence, WeeklySchedule, upcoming

if TYPE_CHECKING:
    from icalendar import Event

__all__ = ["FEED_MEETINGS", "PRODUCT_ID", "meetings_calendar"]

# Ten weeks ahead: a course's length, and what a calendar app refreshes within.
FEED_MEETINGS: Final = 10
PRODUCT_ID: Final = "-//Gruppechat//Group meetings//DA"
# Calendar apps that honour it refresh a subscribed feed twice a day.
REFRESH: Final = timedelta(hours=12)


def _event(uid: str, name: str, description: str, occurrence: Occurrence, now: datetime, cancelled: bool) -> Event:
    from icalendar import Event  # only the feed route needs icalendar

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", occurrence.starts_at.astimezone(UTC))
    event.add("dtend", occurrence.ends_at.astimezone(UTC))
    event.add("summary", name)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def meetings_calendar(
    group_id: str,
    name: str,
    description: str,
    schedule: WeeklySchedule,
    now: datetime,
    count: int = FEED_MEETINGS,
) -> bytes:
    """The group's next ``count`` held meetings, plus the cancelled ones among them, as ``.ics`` bytes."""
    from icalendar import Calendar, vDuration  # only the feed route needs icalendar

    held = upcoming(schedule, now, count)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))  # an unknown property: say it is a duration
    for occurrence in held:
        calendar.add_component(_event(_uid(group_id, occurrence), name, description, occurrence, now, False))
    if held and schedule.cancelled:
        # The same weekly rule without its cancellations gives the cancelled meetings' times.
        last = held[-1].starts_at
        plain = replace(schedule, cancelled=frozenset(), meetings=None)
        zone = ZoneInfo(schedule.tz)
        for occurrence in upcoming(plain, now, count + len(schedule.cancelled)):
            if occurrence.starts_at > last:
                break
            if occurrence.starts_at.astimezone(zone).date() in schedule.cancelled:
                calendar.add_component(_event(_uid(group_id, occurrence), name, description, occurrence, now, True))
    return bytes(calendar.to_ical())


def _uid(group_id: str, occurrence: Occurrence) -> str:
    """The session id of the meeting (``sessions.keeper.session_id_for``), so the UID never changes."""
    return f"{group_id}:{occurrence.key()}@gruppechat"
