"""What a mentor can do, live in the chat, always inside their own organisation, always audited.

Each action checks that its target belongs to the mentor's organisation (403 otherwise),
takes effect over the socket at once, and writes who, what, target, reason and when to the
organisation's audit log.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from ulid import ULID

from chalicelib import storage
from chalicelib.accounts.participants import pseudonym_key
from chalicelib.chat.service import message_view, session_view
from chalicelib.errors import ChatError
from chalicelib.delivery import Sender, broadcast
from chalicelib.moderation.reports import report_view
from chalicelib.sessions.keeper import SessionKeeper
from chalicelib.accounts.tokens import ADMIN, Identity
from chalicelib.limits import MAX_ANNOUNCEMENT, MAX_BAN_DAYS, MAX_EXTEND_MINUTES, MAX_MUTE_MINUTES, MAX_REASON, MAX_SLOW_MODE_S, MAX_TOPIC

STAFF_ROLES = ("mentor", "admin")


def staff_in(members: list[storage.Connection]) -> list[storage.Connection]:
    return [member for member in members if member.role in STAFF_ROLES]


class Moderation:
    def __init__(self, sender: Sender, keeper: SessionKeeper) -> None:
        self.sender = sender
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

    def _participant(self, pseudonym: object) -> storage.Participant:
        if not isinstance(pseudonym, str) or not pseudonym:
            raise ChatError("bad_request", field="pseudonym")
        participant = storage.find_participant(pseudonym_key(pseudonym))
        if participant is None:
            raise ChatError("participant_not_found")
        return participant

    def _audit(self, mentor: Identity, action: str, now: datetime, *, target: str = "", reason: str = "",
               session_id: str | None = None, group_id: str | None = None) -> None:
        storage.add_audit(
            storage.AuditEntry(
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
            )
        )

    def _tell(self, members: list[storage.Connection], frame: dict[str, Any]) -> None:
        for gone in broadcast(self.sender, members, frame):
            storage.delete_connection(gone.connection_id)

    def _remove_from_session(self, connections: list[storage.Connection], frame: dict[str, Any],
                             everyone: list[storage.Connection]) -> None:
        """Tell the person why, close their sockets, and tell the others they left."""
        leaving = {c.connection_id for c in connections}
        for connection in connections:
            self.sender.send(connection, frame)
            self.sender.close(connection)
            storage.delete_connection(connection.connection_id)
        if connections:
            remaining = [m for m in everyone if m.connection_id not in leaving]
            member = {"pseudonym": connections[0].pseudonym, "role": connections[0].role}
            self._tell(remaining, {"type": "presence", "event": "left", "member": member})

    # --- actions in a session ------------------------------------------------------------------

    def remove_message(self, mentor: Identity, session_id: str, message_id: str, reason: object,
                       now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        message = storage.get_message(session_id, message_id)
        if message is None:
            raise ChatError("message_not_found")
        if message.state != storage.REMOVED:
            message.update(actions=[storage.Message.state.set(storage.REMOVED)])
            if session.pinned_message_id == message_id:
                session.update(actions=[storage.Session.pinned_message_id.remove(),
                                        storage.Session.pinned_text.remove()])
            self._audit(mentor, "remove", now, target=f"{message.pseudonym}: {message_id}", reason=_reason(reason),
                        session_id=session_id, group_id=session.group_id)
        self._tell(storage.session_connections(session_id),
                   {"type": "message_removed", "session_id": session_id, "message_id": message_id})
        return {"removed": message_id}

    def mute(self, mentor: Identity, session_id: str, pseudonym: object, minutes: object, reason: object,
             now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MUTE_MINUTES:
            raise ChatError("bad_minutes", max=MAX_MUTE_MINUTES)
        participant = self._participant(pseudonym)
        until = now + timedelta(minutes=minutes)
        storage.save_restriction(storage.Restriction(
            f"session#{session_id}", participant.participant_id, kind="mute", until=until,
            reason=_reason(reason), mentor_id=mentor.user_id, expires_at=until + timedelta(days=1),
        ))
        members = storage.session_connections(session_id)
        theirs = [m for m in members if m.user_id == participant.participant_id]
        for connection in theirs:
            connection.update(actions=[storage.Connection.muted_until.set(until)])
        self._tell(theirs, {"type": "muted", "session_id": session_id, "until": until.isoformat()})
        self._audit(mentor, "mute", now, target=participant.pseudonym, reason=_reason(reason),
                    session_id=session_id, group_id=session.group_id)
        return {"muted": participant.pseudonym, "until": until.isoformat()}

    def kick(self, mentor: Identity, session_id: str, pseudonym: object, reason: object,
             now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        participant = self._participant(pseudonym)
        members = storage.session_connections(session_id)
        theirs = [m for m in members if m.user_id == participant.participant_id]
        self._remove_from_session(theirs, {"type": "kicked", "session_id": session_id}, members)
        self._audit(mentor, "kick", now, target=participant.pseudonym, reason=_reason(reason),
                    session_id=session_id, group_id=session.group_id)
        return {"kicked": participant.pseudonym, "connections": len(theirs)}

    def ban(self, mentor: Identity, group_id: str, pseudonym: object, days: object, reason: object,
            now: datetime) -> dict[str, Any]:
        group = self.group(mentor, group_id)
        if days is not None and (not isinstance(days, int) or isinstance(days, bool)
                                 or not 1 <= days <= MAX_BAN_DAYS):
            raise ChatError("bad_days", max=MAX_BAN_DAYS)
        participant = self._participant(pseudonym)
        until = now + timedelta(days=days) if days else None
        storage.save_restriction(storage.Restriction(
            f"group#{group_id}", participant.participant_id, kind="ban", until=until, reason=_reason(reason),
            mentor_id=mentor.user_id, expires_at=until + timedelta(days=1) if until else None,
        ))
        frame = {"type": "banned", "group_id": group_id, "until": until.isoformat() if until else None}
        for session in storage.latest_sessions(group_id, now, limit=2):
            if session.status != storage.OPEN:
                continue
            members = storage.session_connections(session.session_id)
            theirs = [m for m in members if m.user_id == participant.participant_id]
            self._remove_from_session(theirs, frame, members)
        self._audit(mentor, "ban", now, target=participant.pseudonym, reason=_reason(reason), group_id=group.group_id)
        return {"banned": participant.pseudonym, "until": frame["until"]}

    def set_topic(self, mentor: Identity, session_id: str, topic: object, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if not isinstance(topic, str) or len(topic) > MAX_TOPIC:
            raise ChatError("bad_topic", max_length=MAX_TOPIC)
        session.update(actions=[storage.Session.topic.set(topic.strip())])
        self._tell(storage.session_connections(session_id),
                   {"type": "topic", "session_id": session_id, "topic": topic.strip()})
        self._audit(mentor, "topic", now, target=topic.strip(), session_id=session_id, group_id=session.group_id)
        return {"topic": topic.strip()}

    def pin(self, mentor: Identity, session_id: str, message_id: object, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        pinned = None
        if message_id is None:
            session.update(actions=[storage.Session.pinned_message_id.remove(), storage.Session.pinned_text.remove()])
        else:
            message = storage.get_message(session_id, str(message_id))
            if message is None or message.state != storage.VISIBLE:
                raise ChatError("message_not_found")
            session.update(actions=[storage.Session.pinned_message_id.set(message.message_id),
                                    storage.Session.pinned_text.set(message.text)])
            pinned = {"message_id": message.message_id, "text": message.text}
        self._tell(storage.session_connections(session_id), {"type": "pinned", "session_id": session_id,
                                                             "pinned": pinned})
        self._audit(mentor, "pin", now, target=str(message_id or ""), session_id=session_id,
                    group_id=session.group_id)
        return {"pinned": pinned}

    def announce(self, mentor: Identity, session_id: str, text: object, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if session.status != storage.OPEN:
            raise ChatError("session_closed")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_ANNOUNCEMENT:
            raise ChatError("bad_text", max_length=MAX_ANNOUNCEMENT)
        organisation = storage.get_organisation(session.org_id)
        retention = int(organisation.retention_days) if organisation else 30
        message = storage.Message(
            session_id, str(ULID.from_datetime(now)), author_id=mentor.user_id, pseudonym=mentor.name,
            role=mentor.role, text=text.strip(), kind="announcement",
            expires_at=max(session.ends_at, now) + timedelta(days=retention),
        )
        message.save()
        self._tell(storage.session_connections(session_id), {"type": "message", "message": message_view(message)})
        self._audit(mentor, "announce", now, target=message.message_id, session_id=session_id,
                    group_id=session.group_id)
        return {"message": message_view(message)}

    def slow_mode(self, mentor: Identity, session_id: str, seconds: object, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if not isinstance(seconds, int) or isinstance(seconds, bool) or not 0 <= seconds <= MAX_SLOW_MODE_S:
            raise ChatError("bad_seconds", max=MAX_SLOW_MODE_S)
        session.update(actions=[storage.Session.slow_mode_s.set(seconds)])
        members = storage.session_connections(session_id)
        for member in members:
            member.update(actions=[storage.Connection.slow_mode_s.set(seconds)])
        self._tell(members, {"type": "slow_mode", "session_id": session_id, "seconds": seconds})
        self._audit(mentor, "slow_mode", now, target=str(seconds), session_id=session_id, group_id=session.group_id)
        return {"slow_mode_s": seconds}

    # --- opening and closing ----------------------------------------------------------------------

    def open_early(self, mentor: Identity, group_id: str, now: datetime) -> dict[str, Any]:
        group = self.group(mentor, group_id)
        session = self.keeper.open_early(group, now)
        self._audit(mentor, "open", now, target=group.name, session_id=session.session_id, group_id=group_id)
        return {"session": session_view(session)}

    def close(self, mentor: Identity, session_id: str, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        closed = self.keeper.close_now(session, now)
        self._audit(mentor, "close", now, session_id=session_id, group_id=session.group_id)
        return {"session": session_view(closed)}

    def extend(self, mentor: Identity, session_id: str, minutes: object, now: datetime) -> dict[str, Any]:
        session = self.session(mentor, session_id)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_EXTEND_MINUTES:
            raise ChatError("bad_minutes", max=MAX_EXTEND_MINUTES)
        extended = self.keeper.extend(session, minutes, now)
        self._audit(mentor, "extend", now, target=f"{minutes} min", session_id=session_id, group_id=session.group_id)
        return {"session": session_view(extended)}

    def cancel(self, mentor: Identity, group_id: str, day: object, now: datetime) -> dict[str, Any]:
        group = self.group(mentor, group_id)
        try:
            when = date.fromisoformat(str(day))
        except ValueError:
            raise ChatError("bad_date") from None
        cancelled = self.keeper.cancel_date(group, when, now)
        self._audit(mentor, "cancel", now, target=when.isoformat(), group_id=group_id)
        return {"cancelled_date": when.isoformat(), "sessions": cancelled}

    # --- reports and audit ---------------------------------------------------------------------------

    def reports(self, mentor: Identity, status: str | None) -> dict[str, Any]:
        if status in (None, "", "open"):
            found = storage.open_reports(mentor.org_id or "")
        elif status == "all":
            found = storage.recent_reports(mentor.org_id or "")
        else:
            raise ChatError("bad_status")
        return {"reports": [report_view(report) for report in found]}

    def resolve(self, mentor: Identity, report_id: str, note: object, now: datetime) -> dict[str, Any]:
        report = storage.get_report(mentor.org_id or "", report_id)
        if report is None:
            raise ChatError("report_not_found")
        if storage.resolve_report(report, mentor.user_id, _reason(note), now):
            self._audit(mentor, "resolve_report", now, target=report_id, reason=_reason(note),
                        session_id=report.session_id, group_id=report.group_id)
        report.refresh(consistent_read=True)
        return {"report": report_view(report)}

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
                    sessions.append({"session": session_view(session),
                                     "group": {"id": group.group_id, "name": group.name}})
        return {"sessions": sessions}


def require_admin(mentor: Identity) -> None:
    if mentor.role != ADMIN:
        raise ChatError("forbidden")


def _same_org(mentor: Identity, org_id: str) -> None:
    if not mentor.org_id or mentor.org_id != org_id:
        raise ChatError("forbidden")


def _reason(reason: object) -> str:
    return reason.strip()[:MAX_REASON] if isinstance(reason, str) else ""
