"""Weekly sessions: planned from the group's schedule, opened, warned and closed by the minute tick.

Every transition is a conditional write on the session item, and its side effects (frames,
disconnects, planning the next meeting) run only for the caller whose write won. EventBridge
delivers at least once, so the tick may run late, twice, or twice at once: each open, warning
and close still happens exactly once.

The tick reads only what is due: sessions with a transition ahead sit in the sparse ``due``
index under one key, ordered by when their next transition is due; a closed or cancelled
session leaves the index. Groups that are not due cost nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib import storage
from chalicelib.errors import ChatError
from chalicelib.delivery import Sender, broadcast
from chalicelib.sessions.calendar import CLOSING_WARNING, Occurrence, WeeklySchedule, local_view, next_occurrence, upcoming

log = logging.getLogger("gruppechat.sessions")

Session = storage.Session
ADHOC_DURATION = timedelta(minutes=90)


def schedule_of(group: storage.Group) -> WeeklySchedule:
    return WeeklySchedule(
        weekday=int(group.weekday),
        start=time.fromisoformat(group.start_time),
        duration=timedelta(minutes=int(group.duration_minutes)),
        tz=group.tz,
        first_date=date.fromisoformat(group.first_date) if group.first_date else None,
        meetings=int(group.meetings) if group.meetings is not None else None,
        cancelled=frozenset(date.fromisoformat(d) for d in (group.cancelled or ())),
    )


def session_id_for(group_id: str, occurrence: Occurrence) -> str:
    """Deterministic per meeting, so two planners racing create one session."""
    return f"{group_id}:{occurrence.key()}"


def plan_next(group: storage.Group, now: datetime) -> storage.Session | None:
    """Make sure the group's next meeting exists as a scheduled session (idempotent)."""
    occurrence = next_occurrence(schedule_of(group), now)
    if occurrence is None:
        return None
    session_id = session_id_for(group.group_id, occurrence)
    existing = storage.get_session(session_id)
    if existing is not None:
        return existing
    session = Session(
        session_id,
        group_id=group.group_id,
        org_id=group.org_id,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        status=storage.SCHEDULED,
        due_bucket=storage.PENDING,
        due_at=occurrence.starts_at,
    )
    if storage.create_session(session):
        return session
    return storage.get_session(session_id)


@dataclass
class TickReport:
    """What one tick did; the handler logs it (counts only, nothing personal)."""

    opened: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in vars(self).items()}


class SessionKeeper:
    """Opens, warns and closes sessions; mentors' overrides go through the same transitions."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    # --- the minute tick -----------------------------------------------------------------------

    def tick(self, now: datetime) -> TickReport:
        report = TickReport()
        for session in storage.due_sessions(now):
            try:
                self._advance(session, now, report)
            except Exception:  # one broken session must not stop the others
                log.exception("tick failed for a session", extra={"session_id": session.session_id})
        return report

    def _advance(self, session: storage.Session, now: datetime, report: TickReport) -> None:
        if session.status == storage.SCHEDULED:
            if now >= session.ends_at:
                # The tick was away for the whole meeting: never open a session that has ended.
                if self._finish(session, now, storage.CLOSED, expected=storage.SCHEDULED):
                    report.skipped.append(session.session_id)
                return
            if self._open(session, now):
                report.opened.append(session.session_id)
                # A late tick may find it already in its last minutes: fall through to warn.
                session.refresh(consistent_read=True)
            else:
                return
        if session.status != storage.OPEN:
            return
        if now >= session.ends_at:
            if self.close(session, now):
                report.closed.append(session.session_id)
        elif now >= session.ends_at - CLOSING_WARNING and not session.warned:
            if self._warn(session):
                report.warned.append(session.session_id)

    def _open(self, session: storage.Session, now: datetime) -> bool:
        return storage.transition(
            session,
            (Session.status == storage.SCHEDULED),
            [
                Session.status.set(storage.OPEN),
                Session.due_at.set(max(session.ends_at - CLOSING_WARNING, now)),
            ],
        )

    def _warn(self, session: storage.Session) -> bool:
        won = storage.transition(
            session,
            (Session.status == storage.OPEN) & (Session.warned == False) & (Session.ends_at == session.ends_at),  # noqa: E712
            [Session.warned.set(True), Session.due_at.set(session.ends_at)],
        )
        if won:
            members = storage.session_connections(session.session_id)
            self._drop_gone(broadcast(
                self.sender, members,
                {"type": "session_closing", "session_id": session.session_id, "ends_at": session.ends_at.isoformat()},
            ))
        return won

    def close(self, session: storage.Session, now: datetime) -> bool:
        """Close an open session: tell everyone, then disconnect them. Exactly once."""
        return self._finish(session, now, storage.CLOSED, expected=storage.OPEN)

    def _finish(self, session: storage.Session, now: datetime, status: str, expected: str) -> bool:
        won = storage.transition(
            session,
            (Session.status == expected),
            [Session.status.set(status), Session.due_bucket.remove(), Session.due_at.remove()],
        )
        if not won:
            return False
        if expected == storage.OPEN:
            session.update(actions=[Session.message_count.set(storage.count_messages(session.session_id))])
            members = storage.session_connections(session.session_id)
            frame = {"type": "session_closed", "session_id": session.session_id}
            gone = {c.connection_id for c in broadcast(self.sender, members, frame)}
            for member in members:
                if member.connection_id not in gone:
                    self.sender.close(member)
                storage.delete_connection(member.connection_id)
        group = storage.get_group(session.group_id)
        if group is not None:
            plan_next(group, max(now, session.ends_at))
        return True

    def _drop_gone(self, gone: list[Any]) -> None:
        for connection in gone:
            storage.delete_connection(connection.connection_id)

    # --- mentor overrides ------------------------------------------------------------------------

    def open_early(self, group: storage.Group, now: datetime) -> storage.Session:
        """Open the group's next meeting now; a second click finds it open and changes nothing."""
        for session in storage.latest_sessions(group.group_id, now, limit=3):
            if session.status == storage.OPEN:
                return session
        upcoming_sessions = [
            s for s in storage.sessions_from(group.group_id, now) if s.status == storage.SCHEDULED
        ]
        if upcoming_sessions and upcoming_sessions[0].starts_at - now <= timedelta(hours=24):
            session = upcoming_sessions[0]
            if storage.transition(
                session,
                Session.status == storage.SCHEDULED,
                [
                    Session.status.set(storage.OPEN),
                    Session.starts_at.set(now),
                    Session.due_at.set(session.ends_at - CLOSING_WARNING),
                ],
            ):
                session.refresh(consistent_read=True)
                return session
            refreshed = storage.get_session(session.session_id)
            if refreshed is not None and refreshed.status == storage.OPEN:
                return refreshed
            raise ChatError("conflict")
        minute = now.replace(second=0, microsecond=0)
        session = Session(
            f"{group.group_id}:extra:{minute:%Y%m%dT%H%MZ}",
            group_id=group.group_id,
            org_id=group.org_id,
            starts_at=now,
            ends_at=now + timedelta(minutes=int(group.duration_minutes or 90)),
            status=storage.OPEN,
            due_bucket=storage.PENDING,
            due_at=now + timedelta(minutes=int(group.duration_minutes or 90)) - CLOSING_WARNING,
        )
        if not storage.create_session(session):
            session = storage.get_session(session.session_id) or session
        return session

    def close_now(self, session: storage.Session, now: datetime) -> storage.Session:
        if session.status != storage.OPEN:
            raise ChatError("session_not_open")
        self.close(session, now)
        session.refresh(consistent_read=True)
        return session

    def extend(self, session: storage.Session, minutes: int, now: datetime) -> storage.Session:
        """Close late: push the end back; the closing warning comes again before the new end."""
        if session.status != storage.OPEN:
            raise ChatError("session_not_open")
        new_end = session.ends_at + timedelta(minutes=minutes)
        if not storage.transition(
            session,
            (Session.status == storage.OPEN) & (Session.ends_at == session.ends_at),
            [
                Session.ends_at.set(new_end),
                Session.warned.set(False),
                Session.due_at.set(max(new_end - CLOSING_WARNING, now)),
            ],
        ):
            raise ChatError("conflict")
        members = storage.session_connections(session.session_id)
        for member in members:
            member.update(actions=[storage.Connection.session_ends_at.set(new_end)])
        self._drop_gone(broadcast(
            self.sender, members,
            {"type": "session_extended", "session_id": session.session_id, "ends_at": new_end.isoformat()},
        ))
        session.refresh(consistent_read=True)
        return session

    def cancel_date(self, group: storage.Group, day: date, now: datetime) -> list[str]:
        """Cancel the meeting on a local date (a holiday); returns the sessions cancelled."""
        cancelled = set(group.cancelled or ())
        cancelled.add(day.isoformat())
        group.update(actions=[storage.Group.cancelled.set(cancelled)])
        group.refresh()
        zone = ZoneInfo(group.tz)
        hit = []
        for session in storage.sessions_from(group.group_id, now - timedelta(hours=12), limit=8):
            if session.starts_at.astimezone(zone).date() == day and session.status == storage.SCHEDULED:
                if self._finish(session, now, storage.CANCELLED, expected=storage.SCHEDULED):
                    hit.append(session.session_id)
        plan_next(group, now)
        return hit


def next_meetings(group: storage.Group, now: datetime, count: int = 3) -> list[dict[str, str]]:
    """The group's coming meetings with UTC and the group's local times (the client shows its own)."""
    try:
        schedule = schedule_of(group)
    except ValueError:
        return []
    return [local_view(occurrence, schedule.tz) for occurrence in upcoming(schedule, now, count)]
