"""The minute tick's look at every open session: is a mentor really there, and does anyone know if not?

For each open session (the sparse ``live`` index) the tick:

* forgets mentor sockets not seen for ``MENTOR_STALE_SECONDS`` (the heartbeat stopped: the tab or
  the phone vanished without ``$disconnect``), closing them and telling the room they left;
* brings the room's state up to date (:func:`chalicelib.chat.presence.settle`): a grace period
  that ran out pauses the room, and everyone is told;
* once per session, when no mentor is in the room by the start plus 5 minutes, alerts the
  session's duty mentors and the organisation's admins: a high-priority report in the reports
  queue, pushed live to those of them who are connected.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ulid import ULID

from chalicelib import frames, storage
from chalicelib.accounts.tokens import ADMIN
from chalicelib.chat import presence, room
from chalicelib.delivery import Delivery
from chalicelib.limits import MISSING_MENTOR_ALERT_MINUTES
from chalicelib.moderation.reports import new_report, place_of
from chalicelib.organisation import roster
from chalicelib.organisation.settings import org_settings

log = logging.getLogger("gruppechat.watch")

ALERT_AFTER = timedelta(minutes=MISSING_MENTOR_ALERT_MINUTES)
NO_MENTOR = "no_mentor"


@dataclass
class WatchReport:
    """What the look did, in counts (nothing personal)."""

    alerted: list[str] = field(default_factory=list)
    paused: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class MentorWatch:
    """Called by the minute tick (:class:`chalicelib.sessions.keeper.SessionKeeper`)."""

    def __init__(self, delivery: Delivery, rules: presence.PresenceRules | None = None) -> None:
        self.delivery = delivery
        self.rules = rules

    def review(self, now: datetime) -> WatchReport:
        report = WatchReport()
        rules = self.rules or presence.rules()
        staff_by_org: dict[str, list[storage.Connection]] = {}
        for session in storage.live_sessions():
            try:
                if session.org_id not in staff_by_org:
                    staff_by_org[session.org_id] = storage.staff_connections(session.org_id)
                self._review(session, staff_by_org[session.org_id], now, rules, report)
            except Exception:  # one broken session must not stop the others; the next tick looks again
                log.exception("presence review failed for a session")
                report.failed.append(session.session_id)
        return report

    def _review(
        self,
        session: storage.Session,
        org_staff: list[storage.Connection],
        now: datetime,
        rules: presence.PresenceRules,
        report: WatchReport,
    ) -> None:
        if session.status != storage.OPEN or now >= session.ends_at:
            return  # the keeper closes it
        vanished = [c for c in org_staff if c.session_id == session.session_id and _stale(c, now, rules)]
        if vanished:
            # The room is told first, then the rows go (as at $disconnect): should a step fail, the
            # next tick finds the same sockets and tells again, rather than never.
            room.forget(self.delivery, vanished, now)
            for connection in vanished:
                self.delivery.close(connection)  # a tab that is alive after all reconnects and rejoins
                storage.delete_connection(connection.connection_id)
            report.vanished.extend(c.connection_id for c in vanished)
            storage.reload_session(session)
        was_open = presence.room_state(session) == presence.OPEN
        mentor_here = bool(presence.mentors_in(storage.session_connections(session.session_id)))
        is_open = presence.settle(self.delivery, session, mentor_here, now, rules)
        if was_open and not is_open:
            report.paused.append(session.session_id)
        if not is_open and now >= session.starts_at + ALERT_AFTER and self.alert_missing(session, now):
            report.alerted.append(session.session_id)

    def alert_missing(self, session: storage.Session, now: datetime) -> bool:
        """No mentor by the start plus 5 minutes: one report, one live alert, however often asked."""
        report = new_report(
            session,
            session.org_id,
            NO_MENTOR,
            "high",
            now,
            reason=NO_MENTOR,
            retention_days=org_settings(session.org_id).retention_days,
            report_id=alert_id(session),
        )
        if not storage.add_report_once(report):
            report = storage.get_report(report.org_id, report.report_id) or report
        if not storage.claim_report_alert(report):
            return False  # raised before, by this tick or another
        group = storage.get_group(session.group_id)
        on_duty = set(roster.on_duty(group, roster.meeting_of(session))) if group else set()
        audience = [c for c in storage.staff_connections(session.org_id) if c.user_id in on_duty or c.role == ADMIN]
        self.delivery.send_all(audience, frames.report(report, place_of(report)))
        return True


def _stale(connection: storage.Connection, now: datetime, rules: presence.PresenceRules) -> bool:
    seen: datetime | None = connection.seen_at
    return (seen or connection.connected_at) < now - rules.stale


def alert_id(session: storage.Session) -> str:
    """The missing-mentor report's id: a ULID at the start plus 5 minutes, the rest from the session
    id, so every tick names the same report (and it sorts by time in the queue)."""
    at = session.starts_at + ALERT_AFTER
    millis = int(at.timestamp() * 1000).to_bytes(6, "big")
    return str(ULID.from_bytes(millis + hashlib.sha256(session.session_id.encode()).digest()[:10]))
