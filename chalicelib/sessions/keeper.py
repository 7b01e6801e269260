"""Weekly sessions: planned from the group's schedule, opened, warned and closed by the minute tick.

Every transition is a conditional write on the session item, so it happens once however
often the tick runs (EventBridge delivers at least once: late, twice, or twice at once). A
transition with side effects records them as *steps* on the session (warn: tell; close: tell
and disconnect, count, plan the next meeting) together with a short lease. The winner does the
steps and crosses each off; a step that fails stays on the session, which stays due, and the
next tick takes over once the lease has run out. Only when every step is done does the session
wait for its next transition or leave the ``due`` index, so no group stops meeting because of
one failed call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from chalicelib import frames, storage
from chalicelib.chat import presence, private, room, rounds
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.sessions import summary
from chalicelib.sessions.calendar import (
    CLOSING_WARNING,
    Occurrence,
    WeeklySchedule,
    local_view,
    next_occurrence,
    upcoming,
)

log = logging.getLogger("gruppechat.sessions")

# A tick has 55 s; a step's work takes seconds. After this, another tick may take over.
STEP_LEASE = timedelta(seconds=50)
TELL_CLOSING, TELL_CLOSED, COUNT, UNPIN, PLAN_NEXT = "tell_closing", "tell_closed", "count", "unpin", "plan_next"
SUMMARISE = "summarise"  # the handover summary for next week's mentors (chalicelib.sessions.summary)
END_TALKS = "end_talks"  # private talks with a mentor end with their session
END_ROUND = "end_round"  # a round going on ends with its session
AFTER_CLOSE = {END_TALKS, TELL_CLOSED, COUNT, UNPIN, END_ROUND, PLAN_NEXT, SUMMARISE}
# Accounts deleted for disuse per tick: each takes a few requests per message it wrote, and the
# tick has other work; a backlog clears over a few minutes.
UNUSED_ACCOUNTS_PER_TICK = 10


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
    session = storage.Session(
        session_id,
        group_id=group.group_id,
        org_id=group.org_id,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        status=storage.SCHEDULED,
        due_bucket=storage.PENDING,
        due_at=occurrence.starts_at,
        expires_at=occurrence.ends_at + storage.SESSION_LIFETIME,
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
    resumed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    # A mentor's presence (chalicelib.chat.watch): rooms paused, mentor sockets that vanished,
    # sessions whose duty mentors and admins were alerted that no mentor came.
    paused: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    alerted: list[str] = field(default_factory=list)
    accounts_deleted: list[str] = field(default_factory=list)  # participant ids; only the count is logged
    rounds_moved: list[str] = field(default_factory=list)  # sessions where a turn in a round ran out
    reminded: list[str] = field(default_factory=list)  # one entry per reminder pushed (chalicelib.reminders)

    def counts(self) -> dict[str, int]:
        return {key: len(value) for key, value in vars(self).items()}


class Watch(Protocol):
    """Looks after the open sessions each minute (a mentor in every room): chalicelib.chat.watch."""

    def review(self, now: datetime) -> object: ...


class SessionKeeper:
    """Opens, warns and closes sessions; mentors' overrides go through the same transitions."""

    def __init__(self, delivery: Delivery, watch: Watch | None = None) -> None:
        self.delivery = delivery
        self.watch = watch

    # --- the minute tick -----------------------------------------------------------------------

    def tick(self, now: datetime) -> TickReport:
        report = TickReport()
        try:
            due = storage.due_sessions(now)
        except Exception:  # the handler must not fail: the next tick reads them again
            log.exception("tick could not read the due sessions")
            report.failed.append("due")
            return report
        for session in due:
            try:
                self._advance(session, now, report)
            except Exception:  # one broken session must not stop the others; the next tick retries
                log.exception("tick failed for a session")
                report.failed.append(session.session_id)
        if self.watch is not None:
            try:
                looked = self.watch.review(now)
            except Exception:
                log.exception("the look at open sessions failed; the next tick looks again")
            else:
                for name in ("paused", "vanished", "alerted", "failed"):
                    getattr(report, name).extend(getattr(looked, name, []))
        try:
            report.rounds_moved += rounds.review(self.delivery, now)
        except Exception:  # a round's turn waits a minute longer; the sessions matter more
            log.exception("moving rounds on failed")
        self._send_reminders(now, report)
        self._delete_unused_accounts(now, report)
        return report

    def _send_reminders(self, now: datetime, report: TickReport) -> None:
        """Push the reminders of sessions opening in 30 minutes, each once (chalicelib.reminders)."""
        from chalicelib import reminders

        try:
            done = reminders.remind(now)
        except Exception:  # the sessions matter more; the next tick is still inside the window
            log.exception("sending reminders failed")
            report.failed.append("reminders")
            return
        report.reminded += ["pushed"] * done.sent
        report.failed += done.failed

    def _delete_unused_accounts(self, now: datetime, report: TickReport) -> None:
        """Accounts nobody logged in to for their organisation's period go, a few per tick."""
        from chalicelib.accounts import participants

        try:
            report.accounts_deleted += participants.delete_unused(self.delivery, now, UNUSED_ACCOUNTS_PER_TICK)
        except Exception:  # the sessions matter more; the next tick tries again
            log.exception("deleting unused accounts failed")

    def _advance(self, session: storage.Session, now: datetime, report: TickReport) -> None:
        if session.pending_steps:
            if storage.claim_steps(session, now, STEP_LEASE):
                done = self._run_steps(session, now)
                (report.resumed if done else report.failed).append(session.session_id)
            return
        if session.lease_until is not None:
            # Every step was done, but the tick that did them could not settle the session: do it
            # now, or a closed session would stay due (and an open one due too early) for good.
            storage.settle(session, self._next_due(session))
            report.resumed.append(session.session_id)
        if session.status == storage.SCHEDULED:
            if now >= session.ends_at:
                # The tick was away for the whole meeting: never open a session that has ended.
                if self._finish(session, now, storage.CLOSED, expected=storage.SCHEDULED):
                    report.skipped.append(session.session_id)
                return
            if not storage.open_session(session, now, max(session.ends_at - CLOSING_WARNING, now)):
                return
            report.opened.append(session.session_id)
            # A late tick may find it already in its last minutes: fall through to warn.
            storage.reload_session(session)
        if session.status != storage.OPEN:
            return
        if now >= session.ends_at:
            if self.close(session, now):
                report.closed.append(session.session_id)
        elif (
            now >= session.ends_at - CLOSING_WARNING
            and not session.warned
            and storage.begin_warning(session, {TELL_CLOSING}, now, STEP_LEASE)
        ):
            report.warned.append(session.session_id)
            if not self._run_steps(session, now):
                report.failed.append(session.session_id)

    def close(self, session: storage.Session, now: datetime) -> bool:
        """Close an open session: tell everyone, then disconnect them. Exactly once."""
        return self._finish(session, now, storage.CLOSED, expected=storage.OPEN)

    def _finish(self, session: storage.Session, now: datetime, status: str, expected: str) -> bool:
        steps = AFTER_CLOSE if expected == storage.OPEN else {PLAN_NEXT}
        if not storage.begin_finish(session, expected, status, steps, now, STEP_LEASE):
            return False
        self._run_steps(session, now)
        return True

    # --- steps --------------------------------------------------------------------------------------

    def _run_steps(self, session: storage.Session, now: datetime) -> bool:
        """Do what the last transition left, crossing off each step. False when one failed:
        it stays on the session, which stays due, and a later tick does it."""
        work: dict[str, Callable[[storage.Session, datetime], None]] = {
            TELL_CLOSING: self._tell_closing,
            END_TALKS: self._end_talks,
            TELL_CLOSED: self._tell_closed,
            COUNT: self._count,
            UNPIN: self._unpin,
            END_ROUND: self._end_round,
            PLAN_NEXT: self._plan_next,
            # Last: a summary that cannot be written now must never keep the next meeting from being planned.
            SUMMARISE: self._summarise,
        }
        try:
            for step in sorted(session.pending_steps or (), key=list(work).index):
                work[step](session, now)
                storage.step_done(session, step)  # the update brings the item back as stored
            storage.settle(session, self._next_due(session))
        except Exception:
            log.exception("a session step failed; the next tick does it")
            return False
        return True

    def _next_due(self, session: storage.Session) -> datetime | None:
        if session.status == storage.OPEN:
            return session.ends_at if session.warned else session.ends_at - CLOSING_WARNING
        return None  # closed or cancelled: leave the due index

    def _tell_closing(self, session: storage.Session, now: datetime) -> None:
        members = storage.session_connections(session.session_id)
        self.delivery.send_all(members, frames.session_closing(session.session_id, session.ends_at))

    def _end_talks(self, session: storage.Session, now: datetime) -> None:
        """Before everyone is disconnected, so both sides of a talk see it end."""
        private.end_at_close(self.delivery, session, now)

    def _tell_closed(self, session: storage.Session, now: datetime) -> None:
        members = storage.session_connections(session.session_id)
        # Those still in the waiting room are told too: nobody waits at the door of a closed room.
        for waiting in storage.waiting_list(session.session_id):
            members.extend(room.waiting_sockets(waiting.participant_id, session.session_id))
        outcome = self.delivery.send_all(members, frames.session_closed(session.session_id))
        gone = set(outcome.gone)
        for member in members:
            if member.connection_id not in gone:
                self.delivery.close(member)
                storage.delete_connection(member.connection_id)

    def _count(self, session: storage.Session, now: datetime) -> None:
        storage.set_message_count(session, storage.count_messages(session.session_id))
        presence.freeze(session, now)  # the minutes with and without a mentor stop counting

    def _summarise(self, session: storage.Session, now: datetime) -> None:
        """After the count (the summary carries the message count); written once however often it runs."""
        summary.write(session, now)

    def _unpin(self, session: storage.Session, now: datetime) -> None:
        """The pinned text is a copy of a message: it goes when the session ends, not in a year."""
        if session.pinned_message_id:
            storage.clear_pin(session)

    def _end_round(self, session: storage.Session, now: datetime) -> None:
        rounds.forget(session.session_id)

    def _plan_next(self, session: storage.Session, now: datetime) -> None:
        group = storage.get_group(session.group_id)
        if group is not None:
            plan_next(group, max(now, session.ends_at))

    # --- mentor overrides ------------------------------------------------------------------------

    def open_early(self, group: storage.Group, now: datetime) -> storage.Session:
        """Open the group's next meeting now; a second click finds it open and changes nothing."""
        for session in storage.latest_sessions(group.group_id, now, limit=3):
            if session.status == storage.OPEN:
                return session
        scheduled = [s for s in storage.sessions_from(group.group_id, now) if s.status == storage.SCHEDULED]
        if scheduled and scheduled[0].starts_at - now <= timedelta(hours=24):
            session = scheduled[0]
            if storage.open_session(session, now, session.ends_at - CLOSING_WARNING, starts_at=now):
                return storage.reload_session(session)
            refreshed = storage.get_session(session.session_id)
            if refreshed is not None and refreshed.status == storage.OPEN:
                return refreshed
            raise ChatError("conflict")
        duration = timedelta(minutes=int(group.duration_minutes or 90))
        minute = now.replace(second=0, microsecond=0)
        extra_id = f"{group.group_id}:extra:{minute:%Y%m%dT%H%MZ}"
        earlier = storage.get_session(extra_id)
        if earlier is not None and earlier.status != storage.OPEN:
            # Closed within the same minute and opened again: a new session, not the closed one.
            extra_id = f"{group.group_id}:extra:{now:%Y%m%dT%H%M%SZ}"
        session = storage.Session(
            extra_id,
            group_id=group.group_id,
            org_id=group.org_id,
            starts_at=now,
            ends_at=now + duration,
            status=storage.OPEN,
            due_bucket=storage.PENDING,
            due_at=now + duration - CLOSING_WARNING,
            live_bucket=storage.LIVE,
            presence_since=now,
            expires_at=now + duration + storage.SESSION_LIFETIME,
        )
        if not storage.create_session(session):
            session = storage.get_session(session.session_id) or session
        return session

    def close_now(self, session: storage.Session, now: datetime) -> storage.Session:
        if session.status != storage.OPEN:
            raise ChatError("session_not_open")
        self.close(session, now)
        return storage.reload_session(session)

    def extend(self, session: storage.Session, minutes: int, now: datetime) -> storage.Session:
        """Close late: push the end back; the closing warning comes again before the new end."""
        if session.status != storage.OPEN:
            raise ChatError("session_not_open")
        new_end = session.ends_at + timedelta(minutes=minutes)
        if not storage.extend_session(session, new_end, max(new_end - CLOSING_WARNING, now)):
            raise ChatError("conflict")
        members = storage.session_connections(session.session_id)
        storage.set_connection_ends_at(members, new_end)
        self.delivery.send_all(members, frames.session_extended(session.session_id, new_end))
        return storage.reload_session(session)

    def cancel_date(self, group: storage.Group, day: date, now: datetime) -> list[str]:
        """Cancel the meeting on a local date (a holiday); returns the sessions cancelled."""
        group = storage.cancel_date(group, day.isoformat())
        zone = ZoneInfo(group.tz)
        hit = []
        for session in storage.sessions_from(group.group_id, now - timedelta(hours=12), limit=8):
            on_that_day = session.starts_at.astimezone(zone).date() == day and session.status == storage.SCHEDULED
            if on_that_day and self._finish(session, now, storage.CANCELLED, expected=storage.SCHEDULED):
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
