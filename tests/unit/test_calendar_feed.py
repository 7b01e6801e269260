"""A group's calendar (.ics): what a teen's calendar app gets from "add to calendar" and the feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from chalicelib.errors import ChatError
from chalicelib.organisation import catalogue
from chalicelib.sessions.calendar import WeeklySchedule, upcoming
from chalicelib.sessions.ics import FEED_MEETINGS, meetings_calendar
from chalicelib.sessions.keeper import schedule_of, session_id_for
from tests.conftest import make_group, make_org

# Wednesday 25 November 2026, 12:00 UTC; the group meets Thursdays 19:00 Copenhagen time.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
THURSDAY = WeeklySchedule(weekday=3, start=time(19, 0), duration=timedelta(minutes=90), tz="Europe/Copenhagen")


def _events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_the_feed_lists_the_next_meetings_at_their_utc_times_with_the_group_name():
    events = _events(meetings_calendar("g1", "Torsdagsgruppen", "Til dig der vil snakke", THURSDAY, NOW))

    assert len(events) == FEED_MEETINGS
    first = events[0]
    # 19:00 in Copenhagen in winter is 18:00 UTC.
    assert first.decoded("dtstart") == datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    assert first.decoded("dtend") == datetime(2026, 11, 26, 19, 30, tzinfo=UTC)
    assert str(first["summary"]) == "Torsdagsgruppen"
    assert str(first["description"]) == "Til dig der vil snakke"
    assert str(first["status"]) == "CONFIRMED"
    assert [e.decoded("dtstart") for e in events] == [o.starts_at for o in upcoming(THURSDAY, NOW, FEED_MEETINGS)]


def test_calendar_apps_are_asked_to_refresh_twice_a_day():
    data = meetings_calendar("g1", "Torsdagsgruppen", "", THURSDAY, NOW)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H" in data
    assert b"X-PUBLISHED-TTL:PT12H" in data


def test_summer_meetings_keep_their_local_hour():
    june = datetime(2027, 6, 1, tzinfo=UTC)
    first = _events(meetings_calendar("g1", "Torsdagsgruppen", "", THURSDAY, june))[0]
    assert first.decoded("dtstart") == datetime(2027, 6, 3, 17, 0, tzinfo=UTC)  # 19:00 CEST


def test_each_meeting_keeps_its_session_id_as_uid_so_a_refresh_updates_instead_of_duplicating():
    earlier = _events(meetings_calendar("g1", "Torsdagsgruppen", "", THURSDAY, NOW))
    later = _events(meetings_calendar("g1", "Torsdagsgruppen", "", THURSDAY, NOW + timedelta(days=3)))

    first = upcoming(THURSDAY, NOW, 1)[0]
    assert str(earlier[0]["uid"]) == f"{session_id_for('g1', first)}@gruppechat"
    assert {str(e["uid"]) for e in later} - {str(e["uid"]) for e in earlier}  # a new week came into view
    assert str(later[0]["uid"]) == str(earlier[1]["uid"])  # the same meeting, the same UID


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled_so_calendars_remove_it():
    cancelled = WeeklySchedule(
        weekday=3, start=time(19, 0), duration=timedelta(minutes=90), cancelled=frozenset({date(2026, 12, 3)})
    )
    events = _events(meetings_calendar("g1", "Torsdagsgruppen", "", cancelled, NOW))

    by_day = {e.decoded("dtstart").date(): str(e["status"]) for e in events}
    assert by_day[date(2026, 12, 3)] == "CANCELLED"
    assert by_day[date(2026, 11, 26)] == "CONFIRMED"
    assert by_day[date(2026, 12, 10)] == "CONFIRMED"
    assert list(by_day.values()).count("CONFIRMED") == FEED_MEETINGS


def test_a_finished_course_has_an_empty_feed_not_an_error():
    course = WeeklySchedule(
        weekday=3, start=time(19, 0), duration=timedelta(minutes=90), first_date=date(2026, 9, 1), meetings=2
    )
    data = meetings_calendar("g1", "Kursus", "", course, NOW)
    assert _events(data) == []
    assert b"BEGIN:VCALENDAR" in data


def test_the_catalogue_serves_a_group_and_refuses_an_unknown_one(tables):
    make_org()
    group = make_group("g1")
    data = catalogue.group_calendar("g1", NOW)
    assert [e.decoded("dtstart") for e in _events(data)] == [
        o.starts_at for o in upcoming(schedule_of(group), NOW, FEED_MEETINGS)
    ]

    with pytest.raises(ChatError) as unknown:
        catalogue.group_calendar("nope", NOW)
    assert unknown.value.code == "group_not_found"
