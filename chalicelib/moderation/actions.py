"""What a mentor can do, live in the chat, always inside their own organisation, always audited.

Each action checks that its target belongs to the mentor's organisation (403 otherwise),
writes its effect together with the audit entry (who, what, target, reason, when) in one
transaction — or, where the effect is the tick's or the sockets' (kick, open, close, extend,
cancel), writes the entry first — and then tells the room. Telling is best effort per recipient: the answer says
what took effect and how many could not be reached, and never turns into an error because a
bystander's socket failed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from ulid import ULID

from chalicelib import frames, storage
from chalicelib.accounts.participants import pseudonym_key
from chalicelib.accounts.tokens import ADMIN, Identity
from chalicelib.chat import presence
from chalicelib.config import settings
from chalicelib.delivery import Delivery, Outcome
from chalicelib.errors import ChatError
from chalicelib.frames import message_view, session_view
from chalicelib.limits import (
    MAX_ANNOUNCEMENT,
    MAX_BAN_DAYS,
    MAX_EXTEND_MINUTES,
    MAX_MUTE_MINUTES,
    MAX_REASON,
    MAX_SLOW_MODE_S,
    MAX_TOPIC,
)
from chalicelib.moderation.reports import place_of, placed_view, placed_views
from chalicelib.organisation.settings import org_settings
from chalicelib.sessions.keeper import SessionKeeper

FOR_GOOD = timedelta(days=MAX_BAN_DAYS + 1)


def _told(*outcomes: Outcome) -> dict[str, int]:
    """How many sockets heard about an action, and how many could not be reached."""
    return {
        "told": sum(len(outcome.delivered) for outcome in outcomes),
        "not_reached": sum(len(outcome.failed) for outcome in outcomes),
    }


class Moderation:
    def __init__(self, delivery: Delivery, keeper: SessionKeeper) -> None:
        self.delivery = delivery
        self.keeper = keeper

    # --- lookups that enforce the organisation boundary ------------------------------------------

    def session(self, mentor: Identity, session_id: str) -> storage.Session:
        session = storage.get_session(session_id)
        if session is None:
            raise ChatError("session_not_found")
        _same_org(mentor, session.org_id)
        return session

    def group(self, mentor: Identity, group_id: str) -> storage.Group:
        group = storage.get_group(group_id)
        if group is None:
            raise ChatError("group_not_found")
        _same_org(mentor, group.org_id)
        return group

    def participant(self, pseudonym: object) -> storage.Participant:
        key = pseudonym_key(pseudonym) if isinstance(pseudonym, str) else ""
        if not key:
            raise ChatError("bad_request", field="pseudonym")
        participant = storage.find_participant(key)
        if participant is None:
            raise ChatError("participant_not_found")
        return participant

    def entry(
        self,
        mentor: Identity,
        action: str,
        now: datetime,
        *,
        target: str = "",
        reason: object = "",
        session_id: str | None = None,
        group_id: str | None = None,
        subject_id: str | None = None,
    ) -> storage.AuditEntry:
        return audit_entry(
            mentor,
            action,
            now,
            target=target,
            reason=reason,
            session_id=session_id,
            group_id=group_id,
            subject_id=subject_id,
        )

    def _tell_session(self, session_id: str, frame: frames.Frame) -> Outcome:
        return self.delivery.send_all(storage.session_connections(session_id), frame)

    def _remove_from_session(
        self, theirs: list[storage.Connection], frame: frames.Frame, everyone: list[storage.Connection]
    ) -> Outcome:
        """Tell the person why, close their sockets, and tell the others they left."""
        told = self.delivery.send_all(theirs, frame)
        for connection in theirs:
            self.delivery.close(connection)
        if not theirs:
            return told
        leaving = {connection.connection_id for connection in theirs}
        remaining = [member for member in everyone if member.connection_id not in leaving]
        left = self.delivery.send_all(remaining, frames.presence("left", theirs[0]))
        # Last: if a delete fails, the mentor's retry finds the rows and tells everyone again.
        for connection in theirs:
            storage.delete_connection(connection.connection_id)
        return left

    # --- actions in a session ------------------------------------------------------------------

    def remove_message(
        self, mentor: Identity, session_id: str, message_id: str, reason: object, now: datetime
    ) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        message = storage.get_message(session_id, message_id)
        if message is None:
            raise ChatError("message_not_found")
        if message.state != storage.REMOVED:
            entry = self.entry(
                mentor,
                "remove",
                now,
                target=f"{message.pseudonym}: {message_id}",
                reason=reason,
                session_id=session_id,
                group_id=session.group_id,
                subject_id=message.author_id if message.role == "participant" else None,
            )
            storage.remove_message(message, session, entry)
        told = self._tell_session(session_id, frames.message_removed(session_id, message_id))
        return {"removed": message_id, **_told(told)}

    def mute(
        self, mentor: Identity, session_id: str, pseudonym: object, minutes: object, reason: object, now: datetime
    ) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MUTE_MINUTES:
            raise ChatError("bad_minutes", max=MAX_MUTE_MINUTES)
        participant = self.participant(pseudonym)
        until = now + timedelta(minutes=minutes)
        restriction = storage.Restriction(
            f"session#{session_id}",
            participant.participant_id,
            kind="mute",
            until=until,
            reason=_reason(reason),
            mentor_id=mentor.user_id,
            expires_at=until + timedelta(days=1),
        )
        storage.restrict(
            restriction,
            self.entry(
                mentor,
                "mute",
                now,
                target=participant.pseudonym,
                reason=reason,
                session_id=session_id,
                group_id=session.group_id,
                subject_id=participant.participant_id,
            ),
        )
        theirs = [m for m in storage.session_connections(session_id) if m.user_id == participant.participant_id]
        storage.set_muted(theirs, until)
        told = self.delivery.send_all(theirs, frames.muted(session_id, until))
        return {"muted": participant.pseudonym, "until": until.isoformat(), **_told(told)}

    def kick(
        self, mentor: Identity, session_id: str, pseudonym: object, reason: object, now: datetime
    ) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        participant = self.participant(pseudonym)
        storage.add_audit(
            self.entry(
                mentor,
                "kick",
                now,
                target=participant.pseudonym,
                reason=reason,
                session_id=session_id,
                group_id=session.group_id,
                subject_id=participant.participant_id,
            )
        )
        members = storage.session_connections(session_id)
        theirs = [m for m in members if m.user_id == participant.participant_id]
        told = self._remove_from_session(theirs, frames.kicked(session_id), members)
        return {"kicked": participant.pseudonym, "connections": len(theirs), **_told(told)}

    def ban(
        self, mentor: Identity, group_id: str, pseudonym: object, days: object, reason: object, now: datetime
    ) -> dict[str, Any]:
        group = self.group(mentor, group_id)
        if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_BAN_DAYS):
            raise ChatError("bad_days", max=MAX_BAN_DAYS)
        participant = self.participant(pseudonym)
        until = now + timedelta(days=days) if days else None
        restriction = storage.Restriction(
            f"group#{group_id}",
            participant.participant_id,
            kind="ban",
            until=until,
            reason=_reason(reason),
            # A ban for good lasts as long as the account (deleting it deletes the ban); the TTL is a backstop.
            mentor_id=mentor.user_id,
            expires_at=until + timedelta(days=1) if until else now + FOR_GOOD,
        )
        storage.restrict(
            restriction,
            self.entry(
                mentor,
                "ban",
                now,
                target=participant.pseudonym,
                reason=reason,
                group_id=group.group_id,
                subject_id=participant.participant_id,
            ),
        )
        outcomes = []
        for session in storage.latest_sessions(group_id, now, limit=2):
            if session.status == storage.OPEN:
                members = storage.session_connections(session.session_id)
                theirs = [m for m in members if m.user_id == participant.participant_id]
                outcomes.append(self._remove_from_session(theirs, frames.banned(group_id, until), members))
        return {"banned": participant.pseudonym, "until": until.isoformat() if until else None, **_told(*outcomes)}

    def set_topic(self, mentor: Identity, session_id: str, topic: object, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if not isinstance(topic, str) or len(topic) > MAX_TOPIC:
            raise ChatError("bad_topic", max_length=MAX_TOPIC)
        text = topic.strip()
        storage.set_topic(
            session,
            text,
            self.entry(mentor, "topic", now, target=text, session_id=session_id, group_id=session.group_id),
        )
        told = self._tell_session(session_id, frames.topic(session_id, text))
        return {"topic": text, **_told(told)}

    def pin(self, mentor: Identity, session_id: str, message_id: object, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        message = None
        if message_id is not None:
            message = storage.get_message(session_id, str(message_id))
            if message is None or message.state != storage.VISIBLE:
                raise ChatError("message_not_found")
        entry = self.entry(
            mentor, "pin", now, target=str(message_id or ""), session_id=session_id, group_id=session.group_id
        )
        storage.set_pin(session, message, entry)
        pinned = {"message_id": message.message_id, "text": message.text} if message else None
        told = self._tell_session(session_id, frames.pinned(session_id, pinned))
        return {"pinned": pinned, **_told(told)}

    def announce(self, mentor: Identity, session_id: str, text: object, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if session.status != storage.OPEN:
            raise ChatError("session_closed")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_ANNOUNCEMENT:
            raise ChatError("bad_text", max_length=MAX_ANNOUNCEMENT)
        retention = org_settings(session.org_id).retention_days
        message = storage.Message(
            session_id,
            str(ULID.from_datetime(now)),
            author_id=mentor.user_id,
            pseudonym=mentor.name,
            role=mentor.role,
            text=text.strip(),
            kind="announcement",
            expires_at=max(session.ends_at, now) + timedelta(days=retention),
        )
        storage.post_announcement(
            message,
            self.entry(
                mentor, "announce", now, target=message.message_id, session_id=session_id, group_id=session.group_id
            ),
        )
        told = self._tell_session(session_id, frames.message(message))
        return {"message": message_view(message), **_told(told)}

    def slow_mode(self, mentor: Identity, session_id: str, seconds: object, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if not isinstance(seconds, int) or isinstance(seconds, bool) or not 0 <= seconds <= MAX_SLOW_MODE_S:
            raise ChatError("bad_seconds", max=MAX_SLOW_MODE_S)
        storage.set_slow_mode(
            session,
            seconds,
            self.entry(mentor, "slow_mode", now, target=str(seconds), session_id=session_id, group_id=session.group_id),
        )
        members = storage.session_connections(session_id)
        storage.set_connection_slow_mode(members, seconds)
        told = self.delivery.send_all(members, frames.slow_mode(session_id, seconds))
        return {"slow_mode_s": seconds, **_told(told)}

    # --- opening and closing: audited before the effect, which the tick completes if it must ------------

    def open_early(self, mentor: Identity, group_id: str, now: datetime) -> dict[str, Any]:
        group = self.group(mentor, group_id)
        storage.add_audit(self.entry(mentor, "open", now, target=group.name, group_id=group_id))
        session = self.keeper.open_early(group, now)
        return {"session": session_view(session)}

    def close(self, mentor: Identity, session_id: str, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if session.status != storage.OPEN:
            raise ChatError("session_not_open")
        storage.add_audit(self.entry(mentor, "close", now, session_id=session_id, group_id=session.group_id))
        closed = self.keeper.close_now(session, now)
        return {"session": session_view(closed)}

    def extend(self, mentor: Identity, session_id: str, minutes: object, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_EXTEND_MINUTES:
            raise ChatError("bad_minutes", max=MAX_EXTEND_MINUTES)
        if session.status != storage.OPEN:
            raise ChatError("session_not_open")
        storage.add_audit(
            self.entry(mentor, "extend", now, target=str(minutes), session_id=session_id, group_id=session.group_id)
        )
        extended = self.keeper.extend(session, minutes, now)
        return {"session": session_view(extended)}

    def cancel(self, mentor: Identity, group_id: str, day: object, now: datetime) -> dict[str, Any]:
        group = self.group(mentor, group_id)
        try:
            when = date.fromisoformat(str(day))
        except ValueError:
            raise ChatError("bad_date") from None
        storage.add_audit(self.entry(mentor, "cancel", now, target=when.isoformat(), group_id=group_id))
        cancelled = self.keeper.cancel_date(group, when, now)
        return {"cancelled_date": when.isoformat(), "sessions": cancelled}

    # --- reports and audit ---------------------------------------------------------------------------

    def reports(self, mentor: Identity, status: str | None) -> dict[str, Any]:
        if status in (None, "", "open"):
            found = storage.open_reports(mentor.org_id or "")
        elif status == "all":
            found = storage.recent_reports(mentor.org_id or "")
        else:
            raise ChatError("bad_status")
        return {"reports": placed_views(found)}

    def resolve(self, mentor: Identity, report_id: str, note: object, now: datetime) -> dict[str, Any]:
        report = storage.get_report(mentor.org_id or "", report_id)
        if report is None:
            raise ChatError("report_not_found")
        entry = self.entry(
            mentor,
            "resolve_report",
            now,
            target=report_id,
            reason=note,
            session_id=report.session_id,
            group_id=report.group_id,
        )
        storage.resolve_report(report, mentor.user_id, _reason(note), now, entry)  # False: resolved meanwhile
        return {"report": placed_view(storage.get_report(report.org_id, report.report_id) or report)}

    def claim(self, mentor: Identity, report_id: str, now: datetime) -> dict[str, Any]:
        """ "I'm on it": the alert leaves every other mentor's screen, naming who took it."""
        report = storage.get_report(mentor.org_id or "", report_id)
        if report is None:
            raise ChatError("report_not_found")
        if storage.claim_report(report, mentor.name, now):
            storage.add_audit(
                self.entry(
                    mentor,
                    "claim_report",
                    now,
                    target=report_id,
                    session_id=report.session_id,
                    group_id=report.group_id,
                )
            )
            told = self.delivery.send_all(
                storage.staff_connections(report.org_id), frames.report_claimed(report, place_of(report))
            )
            return {"report": placed_view(report), **_told(told)}
        report = storage.get_report(report.org_id, report.report_id) or report
        return {"report": placed_view(report)}

    def audit(self, mentor: Identity) -> dict[str, Any]:
        return {
            "entries": [
                {
                    "id": entry.entry_id,
                    "at": entry.at.isoformat(),
                    "mentor": entry.mentor_name,
                    "action": entry.action,
                    "target": entry.target,
                    "reason": entry.reason,
                    "session_id": entry.session_id,
                    "group_id": entry.group_id,
                }
                for entry in storage.audit_entries(mentor.org_id or "")
            ]
        }

    def live_sessions(self, mentor: Identity, now: datetime) -> dict[str, Any]:
        sessions = []
        for group in storage.org_groups(mentor.org_id or ""):
            for session in storage.latest_sessions(group.group_id, now, limit=2):
                if session.status == storage.OPEN:
                    sessions.append(
                        {
                            "session": {**session_view(session), "room": presence.room_view(session)},
                            "group": {
                                "id": group.group_id,
                                "name": group.name,
                                "entry_mode": group.entry_mode or "open",
                            },
                        }
                    )
        return {"sessions": sessions}


def audit_entry(
    mentor: Identity,
    action: str,
    now: datetime,
    *,
    target: str = "",
    reason: object = "",
    session_id: str | None = None,
    group_id: str | None = None,
    subject_id: str | None = None,
) -> storage.AuditEntry:
    """An audit entry, kept for the audit retention; ``subject_id``: the participant it is about,
    so deleting the account reaches it."""
    return storage.AuditEntry(
        mentor.org_id,
        str(ULID.from_datetime(now)),
        at=now,
        mentor_id=mentor.user_id,
        mentor_name=mentor.name,
        action=action,
        target=target[:200],
        reason=_reason(reason),
        session_id=session_id,
        group_id=group_id,
        subject_id=subject_id,
        expires_at=now + timedelta(days=settings().audit_retention_days),
    )


def require_admin(mentor: Identity) -> None:
    if mentor.role != ADMIN:
        raise ChatError("forbidden")


def _same_org(mentor: Identity, org_id: str) -> None:
    if not mentor.org_id or mentor.org_id != org_id:
        raise ChatError("forbidden")


def _reason(reason: object) -> str:
    return reason.strip()[:MAX_REASON] if isinstance(reason, str) else ""
