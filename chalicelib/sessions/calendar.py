"""Weekly schedule: when a group meets, as exact UTC instants, DST-correct.

Pure domain: no AWS, no I/O, no clock. Every datetime going in or out is timezone-aware and
"now" is always passed in, so the rules can be tested at any instant (DST changes included).
The minute tick (opening, closing warning, closing) and the "next session" shown to teens are
both built on this module, so the rules below are decided here, once:

- **Local wall-clock.** A group meets at ``start`` local time in ``tz`` on ``weekday`` whatever
  the UTC offset is that day: Sunday 19:00 Copenhagen is 18:00Z in winter and 17:00Z in summer.
- **Non-existent local time** (spring gap, e.g. 02:30 on 29 March 2026 in Copenhagen) is read
  with ``fold=0``, i.e. with the offset in force *before* the change: 02:30 CET = 01:30Z, which
  the clocks then show as 03:30 CEST. The meeting is shifted forward by the gap, never skipped.
- **Ambiguous local time** (autumn, 02:30 on 25 October 2026 happens twice) is read with
  ``fold=0``: the first of the two, 02:30 CEST = 00:30Z.
- **Duration is elapsed time.** ``ends_at = starts_at + duration``, so a DST change in the middle
  of a meeting neither stretches nor shortens it.
- **Courses.** ``meetings`` counts meetings actually held. A cancelled date (holiday) is not a
  meeting: the course is extended by one week for each cancelled meeting day inside it, so the
  teens get every meeting they were promised, and numbering (1..meetings) skips cancelled dates.
  A course needs ``first_date`` so that meeting 1 has an anchor.
- **first_date** is the first *possible* date: the first meeting is the first ``weekday`` on or
  after it, so an admin may say "from the week of 3 August" without counting days.
- **Cancelled dates that are not meeting days** (another weekday, before the first meeting) are
  ignored rather than rejected, so changing a group's weekday never invalidates its stored holidays.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "CLOSING_WARNING",
    "DEFAULT_COURSE_MEETINGS",
    "DEFAULT_TZ",
    "MAX_DURATION",
    "Occurrence",
    "WeeklySchedule",
    "local_view",
    "next_occurrence",
    "occurrences_between",
    "phase_at",
    "upcoming",
]

DEFAULT_TZ = "Europe/Copenhagen"
# The original platform ran courses of 10 weekly meetings; admins may extend them.
DEFAULT_COURSE_MEETINGS = 10
# A weekly chat longer than this is surely a typo (minutes entered as hours).
MAX_DURATION = timedelta(hours=12)
# The tick warns everyone this long before a session closes.
CLOSING_WARNING = timedelta(minutes=5)

_WEEK = timedelta(days=7)
_DAY = timedelta(days=1)


def _zone(name: object) -> ZoneInfo:
    """The IANA zone ``name``, or ValueError: callers must not need to know zoneinfo's error zoo."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"time zone must be an IANA name such as 'Europe/Copenhagen', got {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'Europe/Copenhagen'") from exc


def _require_aware(value: object, name: str) -> datetime:
    """Refuse naive datetimes: a naive 'now' silently means the server's zone, which is a bug."""
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value


def _is_plain_date(value: object) -> bool:
    # datetime is a subclass of date; a datetime here would compare unequal to every meeting day.
    return isinstance(value, date) and not isinstance(value, datetime)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class WeeklySchedule:
    """When a group meets. Validated on construction, so an existing schedule is always usable.

    ``cancelled`` may be given as any iterable of dates (or None for none); it is stored as a
    frozenset so the schedule stays hashable and comparable.
    """

    weekday: int  # 0 = Monday .. 6 = Sunday, like date.weekday()
    start: time  # local wall-clock time in ``tz``, whole minutes, no tzinfo
    duration: timedelta
    tz: str = DEFAULT_TZ
    first_date: date | None = None  # first possible meeting date (local); None = no lower bound
    meetings: int | None = None  # course length (held meetings); None = ongoing
    cancelled: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        cancelled: object = self.cancelled  # stored groups and admins may hand in other shapes
        if cancelled is None:  # a stored group without holidays (null set attribute)
            object.__setattr__(self, "cancelled", frozenset())
        elif not isinstance(cancelled, frozenset):
            if isinstance(cancelled, (str, bytes)) or not isinstance(cancelled, Iterable):
                raise ValueError("cancelled must be a collection of dates")
            object.__setattr__(self, "cancelled", frozenset(cancelled))
        self.validate()

    def validate(self) -> None:  # noqa: PLR0912 - one check per field, each with its own message
        """Raise ValueError with a message an admin can act on; return None when the schedule is sound."""
        if not _is_int(self.weekday) or not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday!r}")
        if not isinstance(self.start, time):
            raise ValueError(f"start must be a local time of day, got {self.start!r}")
        if self.start.tzinfo is not None:
            raise ValueError("start is the local wall-clock time in tz; give it without tzinfo")
        if self.start.second or self.start.microsecond:
            raise ValueError("start must be whole minutes: sessions open on the minute tick")
        if not isinstance(self.duration, timedelta):
            raise ValueError(f"duration must be a timedelta, got {self.duration!r}")
        if self.duration <= timedelta(0):
            raise ValueError("duration must be positive")
        if self.duration > MAX_DURATION:
            raise ValueError(f"duration must be at most {MAX_DURATION.total_seconds() / 3600:g} hours")
        _zone(self.tz)
        if self.first_date is not None and not _is_plain_date(self.first_date):
            raise ValueError(f"first_date must be a date (local), got {self.first_date!r}")
        if self.meetings is not None:
            if not _is_int(self.meetings) or self.meetings < 1:
                raise ValueError(f"meetings must be at least 1 (or None for an ongoing group), got {self.meetings!r}")
            if self.first_date is None:
                raise ValueError("a course (meetings set) needs first_date: meeting 1 must have a date")
        for day in self.cancelled:
            if not _is_plain_date(day):
                raise ValueError(f"cancelled must hold local dates, got {day!r}")

    # --- conveniences in the product's words -------------------------------------------------

    def extended(self, extra_meetings: int) -> WeeklySchedule:
        """The same course with ``extra_meetings`` more meetings (admins extend running courses)."""
        if self.meetings is None:
            raise ValueError("an ongoing group has no course length to extend")
        if not _is_int(extra_meetings) or extra_meetings < 1:
            raise ValueError(f"extend a course by at least 1 meeting, got {extra_meetings!r}")
        return replace(self, meetings=self.meetings + extra_meetings)

    def last_meeting_date(self) -> date | None:
        """Local date of the course's final meeting (cancellations included); None when ongoing."""
        return self._last_meeting

    # --- derived once per schedule (frozen dataclass: cached in the instance __dict__) -------

    @cached_property
    def _zoneinfo(self) -> ZoneInfo:
        return _zone(self.tz)

    @cached_property
    def _first_meeting(self) -> date | None:
        if self.first_date is None:
            return None
        return self.first_date + timedelta(days=(self.weekday - self.first_date.weekday()) % 7)

    @cached_property
    def _cancelled_meeting_days(self) -> tuple[date, ...]:
        """Sorted cancelled dates that fall on a meeting day at or after the first meeting."""
        first = self._first_meeting
        return tuple(sorted(d for d in self.cancelled if d.weekday() == self.weekday and (first is None or d >= first)))

    @cached_property
    def _last_meeting(self) -> date | None:
        if self.meetings is None:
            return None
        assert self._first_meeting is not None  # validate() guarantees it for courses
        last = self._first_meeting + (self.meetings - 1) * _WEEK
        # Each cancellation inside the course pushes the end a week; sorted, so one pass suffices.
        for day in self._cancelled_meeting_days:
            if day > last:
                break
            last += _WEEK
        return last

    # --- the rules ------------------------------------------------------------------------------

    def _occurrence_on(self, day: date, number: int | None) -> Occurrence:
        # fold=0 always: deterministic in the spring gap and the autumn repeat (see module doc).
        local = datetime.combine(day, self.start.replace(fold=0), tzinfo=self._zoneinfo)
        starts_at = local.astimezone(UTC)
        ends_at = starts_at + self.duration
        return Occurrence(local_date=day, starts_at=starts_at, ends_at=ends_at, number=number)

    def _held_from(self, day: date) -> Iterator[Occurrence]:
        """Held meetings on or after local ``day``, in order; jumps straight to the right week."""
        current = day + timedelta(days=(self.weekday - day.weekday()) % 7)
        first = self._first_meeting
        if first is not None and current < first:
            current = first
        number: int | None = None
        if self.meetings is not None:
            assert first is not None
            weeks_before = (current - first).days // 7
            cancelled_before = bisect.bisect_left(self._cancelled_meeting_days, current)
            number = weeks_before - cancelled_before + 1
        last = self._last_meeting
        # Ongoing groups loop until the caller stops; at most len(cancelled) weeks are skipped in a row.
        while last is None or current <= last:
            if current not in self.cancelled:
                yield self._occurrence_on(current, number)
                if number is not None:
                    number += 1
            current += _WEEK

    def _held_around(self, instant: datetime) -> Iterator[Occurrence]:
        """Held meetings starting no earlier than about a day before ``instant``.

        The local date of ``instant`` minus a day is a safe lower bound: a meeting's start lies on
        its local date, or the next one when a gap pushes it past midnight.
        """
        local_day = instant.astimezone(self._zoneinfo).date()
        return self._held_from(local_day - _DAY)


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a group: its local date and exact UTC start and end.

    Times are normalised to UTC on construction, so an Occurrence rebuilt from stored session
    times gives the same ``key()`` as the one the schedule produced.
    """

    local_date: date
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    number: int | None  # 1-based meeting number within a course; None when ongoing

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts_at", _require_aware(self.starts_at, "starts_at").astimezone(UTC))
        object.__setattr__(self, "ends_at", _require_aware(self.ends_at, "ends_at").astimezone(UTC))
        if self.ends_at <= self.starts_at:
            raise ValueError("an occurrence must end after it starts")

    def key(self) -> str:
        """Stable id fragment from the UTC start, e.g. '20261129T1800Z', for deterministic session ids.

        UTC, not local time: the autumn repeat hour makes local wall-clock keys ambiguous.
        """
        return self.starts_at.strftime("%Y%m%dT%H%MZ")


def occurrences_between(schedule: WeeklySchedule, start: datetime, end: datetime) -> list[Occurrence]:
    """Held meetings whose start lies in [start, end), skipping cancelled dates and past the course end."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end <= start:
        return []
    found: list[Occurrence] = []
    for occ in schedule._held_around(start):
        if occ.starts_at >= end:
            break
        if occ.starts_at >= start:
            found.append(occ)
    return found


def next_occurrence(schedule: WeeklySchedule, now: datetime) -> Occurrence | None:
    """The meeting in progress at ``now`` (start <= now < end), else the next one.

    None when the course is over.

    In-progress first, because a teen opening the app mid-session should be sent to the live chat,
    not told to come back next week.
    """
    found = upcoming(schedule, now, 1)
    return found[0] if found else None


def upcoming(schedule: WeeklySchedule, now: datetime, count: int) -> list[Occurrence]:
    """Up to ``count`` meetings that have not ended at ``now`` (the one in progress first), in order."""
    _require_aware(now, "now")
    if not _is_int(count) or count < 0:
        raise ValueError(f"count must be a non-negative integer, got {count!r}")
    found: list[Occurrence] = []
    if count == 0:
        return found
    # A meeting still running at `now` started at most `duration` ago.
    for occ in schedule._held_around(now - schedule.duration):
        if occ.ends_at > now:
            found.append(occ)
            if len(found) == count:
                break
    return found


def _iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def local_view(occ: Occurrence, tz: str) -> dict[str, str]:
    """The meeting as shown to a viewer in ``tz`` (not necessarily the group's zone), plus exact UTC."""
    zone = _zone(tz)
    return {
        "starts_at_utc": _iso_utc(occ.starts_at),
        "ends_at_utc": _iso_utc(occ.ends_at),
        "starts_at_local": occ.starts_at.astimezone(zone).isoformat(timespec="seconds"),
        "ends_at_local": occ.ends_at.astimezone(zone).isoformat(timespec="seconds"),
        "tz": tz,
    }


def phase_at(occ: Occurrence, now: datetime) -> str:
    """Where the minute tick stands for this meeting: 'before' | 'open' | 'closing' | 'ended'.

    'closing' is the last CLOSING_WARNING (5 minutes) before the end, when everyone is warned;
    a meeting shorter than that is 'closing' from its start.
    """
    _require_aware(now, "now")
    if now < occ.starts_at:
        return "before"
    if now >= occ.ends_at:
        return "ended"
    if now >= occ.ends_at - CLOSING_WARNING:
        return "closing"
    return "open"
