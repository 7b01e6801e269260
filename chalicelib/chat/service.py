"""The live group chat: connect, join, send, catch up, leave, ping, disconnect.

Plain Python over :mod:`storage` and a :class:`~chalicelib.delivery.Sender`; the Lambda edge
(``app.py``) only translates events into these calls. ``now`` always comes in as an argument.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Callable

from ulid import ULID

from chalicelib import storage
from chalicelib.errors import ChatError
from chalicelib.delivery import Sender, broadcast
from chalicelib.organisation.settings import MAX_MESSAGE_CHARS, org_settings
from chalicelib.moderation.reports import new_report, report_view
from chalicelib.safety import FloodState, admit, help_lines, help_text, notice, screen_message
from chalicelib.accounts.tokens import Identity
from chalicelib.limits import CATCH_UP_PAGE, HISTORY_SIZE, MAX_CLIENT_ID, MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, MAX_REASON

log = logging.getLogger("gruppechat.chat")

STAFF_ROLES = ("mentor", "admin")


@dataclass(frozen=True)
class Caller:
    """The connection a frame came from, as the gateway event names it."""

    connection_id: str
    api_id: str
    stage: str


def message_view(message: storage.Message) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "session_id": message.session_id,
        "pseudonym": message.pseudonym,
        "role": message.role,
        "text": message.text,
        "client_id": message.client_id,
        "kind": message.kind or "chat",
        "created_at": ULID.from_str(message.message_id).datetime.isoformat(),
    }


def session_view(session: storage.Session) -> dict[str, Any]:
    return {
        "id": session.session_id,
        "group_id": session.group_id,
        "status": session.status,
        "topic": session.topic,
        "pinned": (
            {"message_id": session.pinned_message_id, "text": session.pinned_text}
            if session.pinned_text
            else None
        ),
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
    }


def member_view(connection: storage.Connection) -> dict[str, str]:
    return {"pseudonym": connection.pseudonym, "role": connection.role}


def present(connections: list[storage.Connection]) -> list[dict[str, str]]:
    """Who is here, each person once even with two tabs open."""
    seen: dict[str, dict[str, str]] = {}
    for connection in connections:
        seen.setdefault(connection.user_id, member_view(connection))
    return sorted(seen.values(), key=lambda member: (member["role"] == "participant", member["pseudonym"].casefold()))


class ChatService:
    """Handles what a connection says. Every refusal becomes an ``error`` frame to the caller."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self._actions: dict[str, Callable[[Caller, dict[str, Any], datetime], None]] = {
            "join": self.join,
            "send": self.send,
            "catch_up": self.catch_up,
            "leave": self.leave,
            "ping": self.ping,
            "report": self.report,
        }

    # --- $connect / $disconnect ---------------------------------------------------------------

    def connect(self, caller: Caller, identity: Identity, now: datetime, lang: str = "da",
                group_id: str | None = None) -> None:
        """Register a socket. Naming the group lets a banned teen be refused at the door."""
        if group_id and identity.role == "participant":
            _refuse_if_banned(group_id, identity.user_id, now)
        storage.save_connection(
            storage.Connection(
                caller.connection_id,
                user_id=identity.user_id,
                pseudonym=identity.name,
                role=identity.role,
                org_id=identity.org_id,
                lang="en" if lang == "en" else "da",
                api_id=caller.api_id,
                stage=caller.stage,
                connected_at=now,
                expires_at=now + storage.CONNECTION_LIFETIME,
            )
        )

    def disconnect(self, connection_id: str) -> None:
        connection = storage.get_connection(connection_id)
        if connection is None:
            return
        storage.delete_connection(connection_id)
        if connection.session_id:
            self._announce_left(connection.session_id, [connection])

    # --- $default -------------------------------------------------------------------------------

    def handle(self, caller: Caller, body: str | None, now: datetime) -> None:
        """Dispatch one frame; never raises, the caller always hears back on a refusal."""
        frame: dict[str, Any] = {}
        try:
            frame = parse_frame(body)
            action = self._actions.get(frame["action"])
            if action is None:
                raise ChatError("unknown_action")
            action(caller, frame, now)
        except ChatError as error:
            answer = error.as_frame()
            if isinstance(frame.get("client_id"), str):
                answer["client_id"] = frame["client_id"]  # which of the sender's messages it concerns
            self.sender.send(caller, answer)
        except Exception:  # a bug must not cost the user their connection
            log.exception("frame failed", extra={"connection_id": caller.connection_id})
            self.sender.send(
                caller,
                ChatError("internal").as_frame(),
            )

    def ping(self, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
        self.sender.send(caller, {"type": "pong", "at": now.isoformat()})

    def join(self, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
        group_id = _required_str(frame, "group_id")
        connection = self._connection(caller)
        group = storage.get_group(group_id)
        if group is None:
            raise ChatError("group_not_found")
        if connection.role != "participant" and connection.org_id != group.org_id:
            raise ChatError("forbidden")
        if connection.role == "participant":
            _refuse_if_banned(group_id, connection.user_id, now)
        session = open_session(group_id, now)
        if session is None:
            raise ChatError("session_closed")
        muted_until = None
        if connection.role == "participant":
            mute = storage.get_restriction(f"session#{session.session_id}", connection.user_id)
            if mute and mute.until and mute.until > now:
                muted_until = mute.until
        members = storage.session_connections(session.session_id)
        others = [member for member in members if member.connection_id != caller.connection_id]
        participants = {m.user_id for m in others if m.role == "participant"}
        if (
            connection.role == "participant"
            and connection.user_id not in participants
            and len(participants) >= group.capacity
        ):
            raise ChatError("session_full")
        if connection.session_id and connection.session_id != session.session_id:
            self._announce_left(connection.session_id, [connection])
        connection.update(
            actions=[
                storage.Connection.session_id.set(session.session_id),
                storage.Connection.group_id.set(group_id),
                storage.Connection.org_id.set(group.org_id),
                storage.Connection.session_ends_at.set(session.ends_at),
                storage.Connection.retention_days.set(org_settings(group.org_id).retention_days),
                storage.Connection.slow_mode_s.set(int(session.slow_mode_s or 0)),
                storage.Connection.muted_until.set(muted_until)
                if muted_until
                else storage.Connection.muted_until.remove(),
            ]
        )
        if connection.role == "participant" and connection.user_id not in (session.attendees or set()):
            storage.note_attendance(session, connection.user_id)
        history = storage.recent_messages(session.session_id, HISTORY_SIZE)
        self.sender.send(
            caller,
            {
                "type": "joined",
                "session": session_view(session),
                "group": {"id": group.group_id, "name": group.name, "rules": list(group.rules or [])},
                "messages": [message_view(message) for message in history],
                "present": present(others + [connection]),
                "you": member_view(connection),
                "muted_until": muted_until.isoformat() if muted_until else None,
                "slow_mode_s": int(session.slow_mode_s or 0),
            },
        )
        already_here = any(member.user_id == connection.user_id for member in others)
        if not already_here:
            self._deliver(
                others,
                {"type": "presence", "event": "joined", "member": member_view(connection)},
            )

    def send(self, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
        text = frame.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ChatError("empty_message")
        if len(text) > MAX_MESSAGE_CHARS:
            raise ChatError("message_too_long", max_length=MAX_MESSAGE_CHARS)
        client_id = frame.get("client_id")
        if client_id is not None and (
            not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID
        ):
            raise ChatError("bad_client_id")
        me, members = self._membership(caller, frame.get("session_id"))
        if me.session_ends_at is not None and now >= me.session_ends_at:
            raise ChatError("session_closed")
        if me.muted_until is not None and now < me.muted_until:
            raise ChatError("muted", until=me.muted_until.isoformat())
        session_id = me.session_id
        assert session_id is not None
        settings = org_settings(me.org_id)
        staff = me.role in STAFF_ROLES
        new_flood: FloodState | None = None
        if not staff:
            limits = replace(settings.limits, slow_mode_s=int(me.slow_mode_s or 0))
            decision, new_flood = admit(_flood_state(me.flood), text, now.timestamp(), limits)
            if not decision.allowed:
                if decision.code == "repeated" and client_id and self._confirm_retry(caller, session_id, me, client_id):
                    return
                retry = math.ceil(decision.retry_after_s) if decision.retry_after_s else None
                raise ChatError(str(decision.code), retry_after=retry)
        # Trained staff may share what teens may not (a youth centre's address), so the
        # anonymity guard and the crisis signals screen participants' messages only.
        verdict = None if staff else screen_message(text, settings.detector)
        if verdict is not None and verdict.held_back:
            self._hold_back(caller, me, members, verdict, new_flood, settings.retention_days, now, client_id)
            return
        message = storage.Message(
            session_id,
            str(ULID.from_datetime(now)),
            author_id=me.user_id,
            pseudonym=me.pseudonym,
            role=me.role,
            text=text.strip(),
            client_id=client_id,
            expires_at=_expiry(me, now),
        )
        receipt_key = f"{session_id}#{me.user_id}#{client_id or message.message_id}"
        receipt = storage.SendReceipt(
            receipt_key, message_id=message.message_id, expires_at=now + storage.RECEIPT_LIFETIME
        )
        flood_json = json.dumps(asdict(new_flood)) if new_flood else None
        if not storage.post_message(message, receipt, me if flood_json else None, flood_json):
            self._confirm_retry(caller, session_id, me, client_id or message.message_id)
            return
        self._deliver(members, {"type": "message", "message": message_view(message)})
        if verdict is not None and verdict.crisis:
            self._crisis(caller, me, members, message, settings.retention_days, now)

    def _confirm_retry(self, caller: Caller, session_id: str, me: storage.Connection, client_id: str) -> bool:
        """A retry of a send we already stored: confirm it to the sender only."""
        original = storage.get_receipt(f"{session_id}#{me.user_id}#{client_id}")
        stored = original and storage.get_message(session_id, original.message_id)
        if not stored:
            return False
        self.sender.send(caller, {"type": "message", "message": message_view(stored)})
        return True

    def _hold_back(self, caller: Caller, me: storage.Connection, members: list[storage.Connection],
                   verdict: Any, new_flood: FloodState | None, retention_days: int, now: datetime,
                   client_id: str | None) -> None:
        """Not stored, not delivered: a kind word to the sender, a note to the mentors."""
        if new_flood is not None:
            me.update(actions=[storage.Connection.flood.set(json.dumps(asdict(new_flood)))])
        reason = verdict.held_back
        self.sender.send(caller, {"type": "notice", "kind": "held_back", "reason": reason,
                                  "text": notice(reason, me.lang or "da"), "client_id": client_id})
        # The held-back text may hold exactly what must not spread: the report keeps only why.
        report = new_report(me, me.org_id or "", "held_back", "high" if verdict.crisis else "normal", now,
                            pseudonym=me.pseudonym, reason=reason, retention_days=retention_days)
        storage.add_report(report)
        self._deliver(_staff(members), {"type": "report", "report": report_view(report)})
        if verdict.crisis:
            self._send_help_lines(caller, me)

    def _crisis(self, caller: Caller, me: storage.Connection, members: list[storage.Connection],
                message: storage.Message, retention_days: int, now: datetime) -> None:
        report = new_report(me, me.org_id or "", "crisis", "high", now, message=message,
                            reason="crisis", retention_days=retention_days)
        storage.add_report(report)
        self._deliver(_staff(members), {"type": "report", "report": report_view(report)})
        self._send_help_lines(caller, me)

    def _send_help_lines(self, caller: Caller, me: storage.Connection) -> None:
        lang = me.lang or "da"
        lines = [
            {"name": line["name"], "phone": line["phone"], "text": line["text"].get(lang, line["text"]["da"])}
            for line in help_lines()["lines"]
        ]
        self.sender.send(caller, {"type": "help_lines", "lines": lines, "text": help_text(lang)})

    def report(self, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
        message_id = frame.get("message_id")
        if not _is_ulid(message_id):
            raise ChatError("bad_message_id")
        reason = frame.get("reason") or ""
        if not isinstance(reason, str) or len(reason) > MAX_REASON:
            raise ChatError("bad_reason", max_length=MAX_REASON)
        me = self._connection(caller)
        if not me.session_id:
            raise ChatError("not_joined")
        message = storage.get_message(me.session_id, str(message_id))
        if message is None or message.state != storage.VISIBLE:
            raise ChatError("message_not_found")
        report = new_report(me, me.org_id or "", "report", "normal", now, message=message, reason=reason.strip(),
                            retention_days=org_settings(me.org_id).retention_days)
        storage.add_report(report)
        self.sender.send(caller, {"type": "reported", "message_id": message.message_id})
        self._deliver(_staff(storage.session_connections(me.session_id)),
                      {"type": "report", "report": report_view(report)})

    def catch_up(self, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
        after = frame.get("after")
        if after is not None and not _is_ulid(after):
            raise ChatError("bad_message_id")
        limit = frame.get("limit", CATCH_UP_PAGE)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= CATCH_UP_PAGE:
            raise ChatError("bad_limit", max=CATCH_UP_PAGE)
        me = self._connection(caller)
        if not me.session_id:
            raise ChatError("not_joined")
        page = storage.messages_after(me.session_id, after or "0", limit + 1)
        self.sender.send(
            caller,
            {
                "type": "history",
                "session_id": me.session_id,
                "messages": [message_view(message) for message in page[:limit]],
                "more": len(page) > limit,
            },
        )

    def leave(self, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
        me = self._connection(caller)
        if not me.session_id:
            raise ChatError("not_joined")
        session_id = me.session_id
        me.update(
            actions=[
                storage.Connection.session_id.remove(),
                storage.Connection.group_id.remove(),
                storage.Connection.session_ends_at.remove(),
            ]
        )
        self.sender.send(caller, {"type": "left", "session_id": session_id})
        self._announce_left(session_id, [me])

    # --- helpers ----------------------------------------------------------------------------------

    def _connection(self, caller: Caller) -> storage.Connection:
        connection = storage.get_connection(caller.connection_id)
        if connection is None:
            raise ChatError("not_connected")
        return connection

    def _membership(
        self, caller: Caller, session_id: object
    ) -> tuple[storage.Connection, list[storage.Connection]]:
        """The caller's connection and everyone in its session, in one index query when the
        frame names the session; a fresh read covers an index that has not caught up yet."""
        members: list[storage.Connection] = []
        if isinstance(session_id, str) and session_id:
            members = storage.session_connections(session_id)
            for member in members:
                if member.connection_id == caller.connection_id:
                    return member, members
        me = self._connection(caller)
        if not me.session_id:
            raise ChatError("not_joined")
        if me.session_id != session_id:
            members = storage.session_connections(me.session_id)
        if all(member.connection_id != me.connection_id for member in members):
            members.append(me)
        return me, members

    def _deliver(self, members: list[storage.Connection], frame: dict[str, Any]) -> None:
        """Send to everyone; a gone connection is removed and the others still get it."""
        gone = broadcast(self.sender, members, frame)
        if not gone:
            return
        for connection in gone:
            storage.delete_connection(connection.connection_id)
        gone_ids = {connection.connection_id for connection in gone}
        live = [member for member in members if member.connection_id not in gone_ids]
        still_here = {member.user_id for member in live}
        for connection in gone:
            if connection.user_id not in still_here:
                for member in broadcast(
                    self.sender,
                    live,
                    {"type": "presence", "event": "left", "member": member_view(connection)},
                ):
                    storage.delete_connection(member.connection_id)

    def _announce_left(self, session_id: str, leaving: list[storage.Connection]) -> None:
        leaving_ids = {connection.connection_id for connection in leaving}
        remaining = [
            member
            for member in storage.session_connections(session_id)
            if member.connection_id not in leaving_ids
        ]
        still_here = {member.user_id for member in remaining}
        for connection in leaving:
            if connection.user_id not in still_here:
                self._deliver(
                    remaining,
                    {"type": "presence", "event": "left", "member": member_view(connection)},
                )


def open_session(group_id: str, now: datetime) -> storage.Session | None:
    for session in storage.latest_sessions(group_id, now):
        if session.status == storage.OPEN:
            return session
    return None


def _staff(members: list[storage.Connection]) -> list[storage.Connection]:
    return [member for member in members if member.role in STAFF_ROLES]


def _flood_state(raw: str | None) -> FloodState | None:
    if not raw:
        return None
    try:
        return FloodState(**json.loads(raw))
    except (ValueError, TypeError):
        return None


def _refuse_if_banned(group_id: str, user_id: str, now: datetime) -> None:
    ban = storage.get_restriction(f"group#{group_id}", user_id)
    if ban is not None and (ban.until is None or ban.until > now):
        raise ChatError("banned", until=ban.until.isoformat() if ban.until else None)


def parse_frame(body: str | None) -> dict[str, Any]:
    if body is None or body == "None":
        raise ChatError("bad_frame")
    if len(body.encode("utf-8", errors="replace")) > MAX_FRAME_BYTES:
        raise ChatError("frame_too_large", max_bytes=MAX_FRAME_BYTES)
    try:
        frame = json.loads(body)
    except (ValueError, RecursionError):
        raise ChatError("bad_json") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("action"), str):
        raise ChatError("bad_frame")
    return frame


def _required_str(frame: dict[str, Any], key: str) -> str:
    value = frame.get(key)
    if not isinstance(value, str) or not value or len(value) > 200:
        raise ChatError("bad_frame", field=key)
    return value


def _is_ulid(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 26:
        return False
    try:
        ULID.from_str(value)
    except ValueError:
        return False
    return True


def _expiry(connection: storage.Connection, now: datetime) -> datetime:
    """Messages live for the organisation's retention period after their session ends."""
    ends = connection.session_ends_at or now
    return max(ends, now) + timedelta(days=int(connection.retention_days or 30))
