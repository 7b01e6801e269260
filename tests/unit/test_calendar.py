"""The weekly schedule rules: when a group meets, DST-correct, with courses and holidays.

Pure domain tests: every instant is fixed, "now" is passed in, no AWS.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chalicelib.sessions import calendar as schedule_module
from chalicelib.sessions.calendar import (
    CLOSING_WARNING,
    DEFAULT_COURSE_MEETINGS,
    Occurrence,
    WeeklySchedule,
    local_view,
    next_occurrence,
    occurrences_between,
    phase_at,
    upcoming,
)

CPH = ZoneInfo("Europe/Copenhagen")
NYC = ZoneInfo("America/New_York")
MONDAY, WEDNESDAY, SUNDAY = 0, 2, 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def cph(*args: int) -> datetime:
    return datetime(*args, tzinfo=CPH)


def sunday_evenings(**overrides: object) -> WeeklySchedule:
    """The typical group: Sundays 19:00–20:30 Copenhagen time."""
    fields: dict[str, object] = {"weekday": SUNDAY, "start": time(19, 0), "duration": timedelta(minutes=90)}
    fields.update(overrides)
    return WeeklySchedule(**fields)  # type: ignore[arg-type]


def ten_week_course(**overrides: object) -> WeeklySchedule:
    """A course of 10 Sunday meetings from 6 September 2026 (last one 8 November)."""
    return sunday_evenings(first_date=date(2026, 9, 6), meetings=DEFAULT_COURSE_MEETINGS, **overrides)


# --- a whole week, walked at fixed instants --------------------------------------------------

WEDNESDAY_GROUP = WeeklySchedule(weekday=WEDNESDAY, start=time(18, 0), duration=timedelta(minutes=90))
THIS_WEEK, NEXT_WEEK = date(2026, 11, 25), date(2026, 12, 2)


@pytest.mark.parametrize(
    ("now", "expected_date", "expected_phase"),
    [
        (cph(2026, 11, 23, 12, 0), THIS_WEEK, "before"),  # Monday noon
        (cph(2026, 11, 24, 23, 59), THIS_WEEK, "before"),  # Tuesday night
        (cph(2026, 11, 25, 17, 59), THIS_WEEK, "before"),  # a minute before opening
        (cph(2026, 11, 25, 18, 0), THIS_WEEK, "open"),  # opening minute
        (cph(2026, 11, 25, 19, 0), THIS_WEEK, "open"),
        (cph(2026, 11, 25, 19, 25), THIS_WEEK, "closing"),  # five minutes left: warn everyone
        (cph(2026, 11, 25, 19, 29, 59), THIS_WEEK, "closing"),
        (cph(2026, 11, 25, 19, 30), NEXT_WEEK, "before"),  # ended: the next one is a week away
        (cph(2026, 11, 27, 16, 0), NEXT_WEEK, "before"),  # Friday
        (cph(2026, 11, 29, 23, 59), NEXT_WEEK, "before"),  # Sunday night
    ],
)
def test_a_wednesday_group_walked_through_the_week(now: datetime, expected_date: date, expected_phase: str) -> None:
    occ = next_occurrence(WEDNESDAY_GROUP, now)
    assert occ is not None
    assert occ.local_date == expected_date
    assert phase_at(occ, now) == expected_phase


def test_this_weeks_meeting_is_ended_once_its_time_is_up() -> None:
    (this_week,) = occurrences_between(WEDNESDAY_GROUP, cph(2026, 11, 23), cph(2026, 11, 30))
    assert (this_week.starts_at, this_week.ends_at) == (utc(2026, 11, 25, 17, 0), utc(2026, 11, 25, 18, 30))
    assert phase_at(this_week, cph(2026, 11, 25, 19, 30)) == "ended"
    assert phase_at(this_week, cph(2026, 12, 1)) == "ended"


def test_closing_warning_is_five_minutes() -> None:
    assert timedelta(minutes=5) == CLOSING_WARNING


def test_a_meeting_shorter_than_the_warning_is_closing_from_its_start() -> None:
    short = sunday_evenings(duration=timedelta(minutes=3))
    occ = next_occurrence(short, cph(2026, 11, 29, 12, 0))
    assert occ is not None
    assert phase_at(occ, occ.starts_at) == "closing"


# --- in progress -----------------------------------------------------------------------------


def test_next_occurrence_returns_the_meeting_in_progress() -> None:
    occ = next_occurrence(sunday_evenings(), cph(2026, 11, 29, 20, 0))
    assert occ is not None
    assert occ.local_date == date(2026, 11, 29)
    assert occ.starts_at <= cph(2026, 11, 29, 20, 0) < occ.ends_at


def test_upcoming_lists_the_meeting_in_progress_first() -> None:
    occs = upcoming(sunday_evenings(), cph(2026, 11, 29, 19, 1), 3)
    assert [o.local_date for o in occs] == [date(2026, 11, 29), date(2026, 12, 6), date(2026, 12, 13)]


def test_upcoming_with_count_zero_is_empty() -> None:
    assert upcoming(sunday_evenings(), cph(2026, 11, 29), 0) == []


def test_occurrences_between_counts_a_meeting_only_by_its_start() -> None:
    group = sunday_evenings()
    # Starting mid-meeting excludes it (it started before); the end bound is exclusive.
    occs = occurrences_between(group, cph(2026, 11, 29, 19, 30), cph(2026, 12, 13, 19, 0))
    assert [o.local_date for o in occs] == [date(2026, 12, 6)]
    assert occurrences_between(group, cph(2026, 12, 1), cph(2026, 11, 1)) == []


# --- DST: Europe/Copenhagen, 29 March and 25 October 2026 --------------------------------------


def test_sunday_19_stays_19_local_across_the_spring_change() -> None:
    occs = occurrences_between(sunday_evenings(), cph(2026, 3, 15), cph(2026, 4, 6))
    assert [o.starts_at for o in occs] == [
        utc(2026, 3, 15, 18, 0),
        utc(2026, 3, 22, 18, 0),  # CET, +01:00
        utc(2026, 3, 29, 17, 0),  # CEST, +02:00 from this very morning
        utc(2026, 4, 5, 17, 0),
    ]
    assert {o.starts_at.astimezone(CPH).time() for o in occs} == {time(19, 0)}
    assert local_view(occs[2], "Europe/Copenhagen")["starts_at_local"] == "2026-03-29T19:00:00+02:00"


def test_sunday_19_stays_19_local_across_the_autumn_change() -> None:
    occs = occurrences_between(sunday_evenings(), cph(2026, 10, 18), cph(2026, 11, 2))
    assert [o.starts_at for o in occs] == [
        utc(2026, 10, 18, 17, 0),  # CEST
        utc(2026, 10, 25, 18, 0),  # CET again from this morning
        utc(2026, 11, 1, 18, 0),
    ]
    assert local_view(occs[1], "Europe/Copenhagen")["starts_at_local"] == "2026-10-25T19:00:00+01:00"


def test_a_meeting_at_0230_in_the_spring_gap_opens_an_hour_later_by_the_clock() -> None:
    # 02:30 does not exist on 29 March: fold=0 reads it as 02:30 CET = 01:30Z, shown as 03:30 CEST.
    night = sunday_evenings(start=time(2, 30), duration=timedelta(hours=1))
    occs = occurrences_between(night, cph(2026, 3, 22), cph(2026, 4, 6))
    assert [o.starts_at for o in occs] == [
        utc(2026, 3, 22, 1, 30),  # 02:30 CET
        utc(2026, 3, 29, 1, 30),  # the gap: read as 02:30 CET
        utc(2026, 4, 5, 0, 30),  # 02:30 CEST
    ]
    gap = occs[1]
    assert gap.local_date == date(2026, 3, 29)
    assert local_view(gap, "Europe/Copenhagen")["starts_at_local"] == "2026-03-29T03:30:00+02:00"
    assert gap.ends_at - gap.starts_at == timedelta(hours=1)


def test_a_meeting_at_0230_in_the_autumn_repeat_takes_the_first_0230() -> None:
    # 02:30 happens twice on 25 October: fold=0 takes the first, 02:30 CEST = 00:30Z.
    night = sunday_evenings(start=time(2, 30), duration=timedelta(hours=1))
    occ = next_occurrence(night, cph(2026, 10, 24, 12, 0))
    assert occ is not None
    assert occ.starts_at == utc(2026, 10, 25, 0, 30)
    view = local_view(occ, "Europe/Copenhagen")
    # Duration is elapsed time: one real hour, though the wall clock reads 02:30 at both ends.
    assert view["starts_at_local"] == "2026-10-25T02:30:00+02:00"
    assert view["ends_at_local"] == "2026-10-25T02:30:00+01:00"


def test_the_spring_gap_meeting_is_found_while_in_progress() -> None:
    night = sunday_evenings(start=time(2, 30), duration=timedelta(hours=1))
    occ = next_occurrence(night, utc(2026, 3, 29, 2, 0))
    assert occ is not None
    assert occ.local_date == date(2026, 3, 29)
    assert phase_at(occ, utc(2026, 3, 29, 2, 0)) == "open"


# --- DST: another zone, America/New_York (8 March and 1 November 2026) -------------------------


def test_new_york_sunday_19_across_both_changes_even_when_the_utc_date_differs() -> None:
    group = sunday_evenings(tz="America/New_York")
    spring = occurrences_between(group, datetime(2026, 3, 1, tzinfo=NYC), datetime(2026, 3, 9, tzinfo=NYC))
    autumn = occurrences_between(group, datetime(2026, 10, 25, tzinfo=NYC), datetime(2026, 11, 2, tzinfo=NYC))
    assert [(o.local_date, o.starts_at) for o in spring] == [
        (date(2026, 3, 1), utc(2026, 3, 2, 0, 0)),  # EST, -05:00: Monday in UTC
        (date(2026, 3, 8), utc(2026, 3, 8, 23, 0)),  # EDT, -04:00
    ]
    assert [(o.local_date, o.starts_at) for o in autumn] == [
        (date(2026, 10, 25), utc(2026, 10, 25, 23, 0)),
        (date(2026, 11, 1), utc(2026, 11, 2, 0, 0)),
    ]
    assert autumn[1].key() == "20261102T0000Z"


def test_new_york_gap_and_repeat_resolve_with_fold_zero() -> None:
    gap = next_occurrence(sunday_evenings(tz="America/New_York", start=time(2, 30)), utc(2026, 3, 7))
    repeat = next_occurrence(sunday_evenings(tz="America/New_York", start=time(1, 30)), utc(2026, 10, 31))
    assert gap is not None and repeat is not None
    assert gap.starts_at == utc(2026, 3, 8, 7, 30)  # 02:30 EST, shown as 03:30 EDT
    assert local_view(gap, "America/New_York")["starts_at_local"] == "2026-03-08T03:30:00-04:00"
    assert repeat.starts_at == utc(2026, 11, 1, 5, 30)  # the first 01:30, EDT


# --- what the viewer sees ---------------------------------------------------------------------


def test_local_view_shows_a_copenhagen_group_in_the_viewers_zone() -> None:
    occ = next_occurrence(sunday_evenings(), cph(2026, 11, 28))
    assert occ is not None
    assert local_view(occ, "America/New_York") == {
        "starts_at_utc": "2026-11-29T18:00:00Z",
        "ends_at_utc": "2026-11-29T19:30:00Z",
        "starts_at_local": "2026-11-29T13:00:00-05:00",
        "ends_at_local": "2026-11-29T14:30:00-05:00",
        "tz": "America/New_York",
    }


def test_local_view_refuses_an_unknown_zone() -> None:
    occ = next_occurrence(sunday_evenings(), cph(2026, 11, 28))
    assert occ is not None
    with pytest.raises(ValueError, match="unknown time zone"):
        local_view(occ, "Mars/Olympus_Mons")


def test_key_is_the_utc_start_to_the_minute() -> None:
    occ = next_occurrence(sunday_evenings(), cph(2026, 11, 28))
    assert occ is not None
    assert occ.key() == "20261129T1800Z"


def test_an_occurrence_rebuilt_from_stored_local_times_has_the_same_key() -> None:
    occ = next_occurrence(sunday_evenings(), cph(2026, 11, 28))
    assert occ is not None
    starts, ends = occ.starts_at.astimezone(CPH), occ.ends_at.astimezone(CPH)
    rebuilt = Occurrence(occ.local_date, starts, ends, occ.number)
    assert rebuilt == occ
    assert rebuilt.key() == occ.key()


# --- holidays ---------------------------------------------------------------------------------


def test_a_cancelled_date_is_skipped_and_the_next_week_is_shown() -> None:
    group = sunday_evenings(cancelled=frozenset({date(2026, 12, 27)}))
    occ = next_occurrence(group, cph(2026, 12, 21))
    assert occ is not None
    assert occ.local_date == date(2027, 1, 3)
    assert [o.local_date for o in upcoming(group, cph(2026, 12, 14), 3)] == [
        date(2026, 12, 20),
        date(2027, 1, 3),
        date(2027, 1, 10),
    ]


def test_several_cancelled_weeks_in_a_row_are_all_skipped() -> None:
    summer = frozenset(date(2026, 7, 5) + timedelta(weeks=i) for i in range(6))
    occ = next_occurrence(sunday_evenings(cancelled=summer), cph(2026, 7, 1))
    assert occ is not None
    assert occ.local_date == date(2026, 8, 16)


def test_a_cancelled_date_on_another_weekday_is_ignored() -> None:
    group = sunday_evenings(cancelled={date(2026, 12, 24)})  # a Thursday; any collection is accepted
    assert group.cancelled == frozenset({date(2026, 12, 24)})
    dates = [o.local_date for o in upcoming(group, cph(2026, 12, 21), 2)]
    assert dates == [date(2026, 12, 27), date(2027, 1, 3)]


def test_a_cancelled_date_in_a_course_is_not_counted_and_extends_the_course() -> None:
    course = ten_week_course(cancelled=frozenset({date(2026, 10, 18)}))
    occs = upcoming(course, cph(2026, 9, 1), 20)
    assert len(occs) == 10
    assert [o.number for o in occs] == list(range(1, 11))
    assert date(2026, 10, 18) not in [o.local_date for o in occs]
    assert occs[6].local_date == date(2026, 10, 25)  # meeting 7 comes the week after the holiday
    assert occs[-1].local_date == date(2026, 11, 15)  # one week later than without the holiday
    assert course.last_meeting_date() == date(2026, 11, 15)


def test_numbering_resumes_correctly_when_starting_after_a_holiday() -> None:
    course = ten_week_course(cancelled=frozenset({date(2026, 9, 13), date(2026, 9, 20)}))
    occ = next_occurrence(course, cph(2026, 10, 1))
    assert occ is not None
    assert (occ.local_date, occ.number) == (date(2026, 10, 4), 3)


# --- courses ----------------------------------------------------------------------------------


def test_a_course_numbers_its_ten_meetings() -> None:
    occs = occurrences_between(ten_week_course(), cph(2026, 1, 1), cph(2027, 1, 1))
    assert [o.number for o in occs] == list(range(1, 11))
    assert (occs[0].local_date, occs[-1].local_date) == (date(2026, 9, 6), date(2026, 11, 8))


def test_a_course_shows_nothing_before_its_first_date() -> None:
    occ = next_occurrence(ten_week_course(), cph(2026, 6, 1))
    assert occ is not None
    assert (occ.local_date, occ.number) == (date(2026, 9, 6), 1)


def test_first_date_off_the_weekday_starts_on_the_following_meeting_day() -> None:
    course = sunday_evenings(first_date=date(2026, 9, 2), meetings=3)  # a Wednesday
    assert [o.local_date for o in upcoming(course, cph(2026, 8, 1), 5)] == [
        date(2026, 9, 6),
        date(2026, 9, 13),
        date(2026, 9, 20),
    ]


def test_the_last_meeting_of_a_course_is_still_found_while_in_progress() -> None:
    occ = next_occurrence(ten_week_course(), cph(2026, 11, 8, 20, 0))
    assert occ is not None
    assert occ.number == 10


def test_a_finished_course_has_no_next_occurrence() -> None:
    course = ten_week_course()
    assert next_occurrence(course, cph(2026, 11, 8, 20, 30)) is None
    assert next_occurrence(course, cph(2030, 1, 1)) is None
    assert upcoming(course, cph(2026, 11, 9), 5) == []


def test_extending_a_finished_course_brings_it_back() -> None:
    course = ten_week_course()
    longer = course.extended(2)
    assert longer.meetings == 12
    occ = next_occurrence(longer, cph(2026, 11, 8, 21, 0))
    assert occ is not None
    assert (occ.local_date, occ.number) == (date(2026, 11, 15), 11)
    assert [o.number for o in upcoming(longer, cph(2026, 11, 9), 5)] == [11, 12]
    assert replace(course, meetings=12) == longer


def test_an_ongoing_group_cannot_be_extended() -> None:
    with pytest.raises(ValueError, match="ongoing"):
        sunday_evenings().extended(1)


def test_an_ongoing_group_has_no_meeting_numbers() -> None:
    occ = next_occurrence(sunday_evenings(first_date=date(2026, 1, 4)), cph(2026, 11, 28))
    assert occ is not None
    assert occ.number is None


# --- speed --------------------------------------------------------------------------------------


def test_next_occurrence_jumps_to_the_right_week_instead_of_walking_from_the_first_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[date] = []
    original = WeeklySchedule._occurrence_on

    def counting(self: WeeklySchedule, day: date, number: int | None) -> Occurrence:
        built.append(day)
        return original(self, day, number)

    monkeypatch.setattr(WeeklySchedule, "_occurrence_on", counting)
    since_1970 = sunday_evenings(first_date=date(1970, 1, 4), meetings=10_000)
    occ = next_occurrence(since_1970, cph(2026, 11, 28))
    assert occ is not None
    assert occ.local_date == date(2026, 11, 29)
    assert occ.number == (date(2026, 11, 29) - date(1970, 1, 4)).days // 7 + 1
    assert len(built) <= 2


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weekday": 7}, "weekday must be 0"),
        ({"weekday": -1}, "weekday must be 0"),
        ({"weekday": True}, "weekday must be 0"),
        ({"tz": "Europe/Atlantis"}, "unknown time zone"),
        ({"tz": "Europe"}, "unknown time zone"),
        ({"tz": ""}, "time zone must be an IANA name"),
        ({"duration": timedelta(0)}, "duration must be positive"),
        ({"duration": timedelta(minutes=-30)}, "duration must be positive"),
        ({"duration": timedelta(hours=12, minutes=1)}, "at most 12 hours"),
        ({"meetings": 0, "first_date": date(2026, 9, 6)}, "meetings must be at least 1"),
        ({"meetings": 10}, "needs first_date"),
        ({"start": time(19, 0, 30)}, "whole minutes"),
        ({"start": time(19, 0, tzinfo=UTC)}, "without tzinfo"),
        ({"first_date": datetime(2026, 9, 6, 19, 0)}, "first_date must be a date"),
        ({"cancelled": frozenset({datetime(2026, 12, 27, tzinfo=UTC)})}, "cancelled must hold local dates"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_clear_message(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sunday_evenings(**overrides)


def test_validate_passes_a_sound_schedule_and_twelve_hours_is_allowed() -> None:
    assert sunday_evenings(duration=timedelta(hours=12)).validate() is None
    assert ten_week_course().validate() is None


# --- naive datetimes ------------------------------------------------------------------------------

NAIVE = datetime(2026, 11, 29, 19, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: next_occurrence(sunday_evenings(), NAIVE),
        lambda: upcoming(sunday_evenings(), NAIVE, 3),
        lambda: occurrences_between(sunday_evenings(), NAIVE, cph(2026, 12, 31)),
        lambda: occurrences_between(sunday_evenings(), cph(2026, 1, 1), NAIVE),
        lambda: phase_at(upcoming(sunday_evenings(), cph(2026, 11, 28), 1)[0], NAIVE),
        lambda: Occurrence(date(2026, 11, 29), NAIVE, NAIVE + timedelta(hours=1), None),
    ],
    ids=["next_occurrence", "upcoming", "between-start", "between-end", "phase_at", "Occurrence"],
)
def test_a_naive_datetime_is_refused(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_the_module_reads_no_clock() -> None:
    # "now" is always passed in; the module must not import a way to read it itself.
    source = Path(schedule_module.__file__).read_text(encoding="utf-8")
    assert ".now(" not in source and "utcnow" not in source and "time.time" not in source


def test_no_holidays_may_be_given_as_none() -> None:
    # A stored group without holidays comes back from DynamoDB as a null set.
    assert sunday_evenings(cancelled=None).cancelled == frozenset()
