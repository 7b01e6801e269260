"""The room: who is connected, who joins and leaves, and who is told about it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import frames, storage
from chalicelib.accounts.tags import attendance_tag, sender_tag
from chalicelib.accounts.tokens import Identity
from chalicelib.chat.inbound import Caller, required_str
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.limits import HISTORY_SIZE
from chalicelib.organisation.settings import org_settings

STAFF_ROLES = frames.STAFF_ROLES


def connect(caller: Caller, identity: Identity, now: datetime, lang: str = "da", group_id: str | None = None) -> None:
    """Register a socket. Naming the group lets a banned teen be refused at the door."""
    if group_id and identity.role == "participant":
        refuse_if_banned(group_id, identity.user_id, now)
    staff = identity.role in STAFF_ROLES
    storage.save_connection(
        storage.Connection(
            caller.connection_id,
            user_id=identity.user_id,
            pseudonym=identity.name,
            role=identity.role,
            org_id=identity.org_id,
            staff_org=identity.org_id if staff else None,
            lang="en" if lang == "en" else "da",
            api_id=caller.api_id,
            stage=caller.stage,
            connected_at=now,
            expires_at=now + storage.CONNECTION_LIFETIME,
        )
    )


def disconnect(delivery: Delivery, connection_id: str) -> None:
    """``$disconnect`` comes once and is never retried: the room is told first, then the row goes.
    If the row stays, the next post to it answers 410 and the delivery removes it."""
    connection = storage.get_connection(connection_id)
    if connection is None:
        return
    if connection.session_id:
        announce_left(delivery, connection.session_id, [connection])
    storage.delete_connection(connection_id)


def connection_of(caller: Caller) -> storage.Connection:
    connection = storage.get_connection(caller.connection_id)
    if connection is None:
        raise ChatError("not_connected")
    return connection


def membership(caller: Caller) -> tuple[storage.Connection, list[storage.Connection]]:
    """The caller's own item (with its flood-control state, which the room index leaves out)
    and everyone in its session; the caller counts as a member even before the index catches up."""
    me = connection_of(caller)
    if not me.session_id:
        raise ChatError("not_joined")
    members = [m for m in storage.session_connections(me.session_id) if m.connection_id != me.connection_id]
    return me, [*members, me]


def join(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    group_id = required_str(frame, "group_id")
    me = connection_of(caller)
    group = storage.get_group(group_id)
    if group is None:
        raise ChatError("group_not_found")
    if me.role != "participant" and me.org_id != group.org_id:
        raise ChatError("forbidden")
    if me.role == "participant":
        refuse_if_banned(group_id, me.user_id, now)
    session = open_session(group_id, now)
    if session is None:
        raise ChatError("session_closed")
    muted_until = _muted_until(me, session, now)
    others = [m for m in storage.session_connections(session.session_id) if m.connection_id != caller.connection_id]
    _check_capacity(me, others, group)
    if me.session_id and me.session_id != session.session_id:
        announce_left(delivery, me.session_id, [me])
    storage.enter_session(me, session, group.org_id, org_settings(group.org_id).retention_days, muted_until)
    if me.role == "participant":
        tag = attendance_tag(session.group_id, me.user_id)  # the figures count tags, never ids
        if tag not in (session.attendees or set()):
            storage.note_attendance(session, tag)
    history = storage.recent_messages(session.session_id, HISTORY_SIZE)
    delivery.send(caller, frames.joined(session, group, history, [*others, me], me, muted_until))
    if all(member.user_id != me.user_id for member in others):
        delivery.send_all(others, frames.presence("joined", me))


def leave(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    me = connection_of(caller)
    if not me.session_id:
        raise ChatError("not_joined")
    session_id = me.session_id
    # The room first: if leaving then fails, the retry tells them again (harmless); the other
    # way round a failure after leaving would leave them never told.
    announce_left(delivery, session_id, [me])
    storage.leave_session(me)
    delivery.send(caller, frames.left(session_id))


def announce_left(delivery: Delivery, session_id: str, leaving: list[storage.Connection]) -> None:
    """Tell the room that someone left, unless they are still here in another tab."""
    leaving_ids = {connection.connection_id for connection in leaving}
    remaining = [m for m in storage.session_connections(session_id) if m.connection_id not in leaving_ids]
    still_here = {member.user_id for member in remaining}
    for connection in leaving:
        if connection.user_id not in still_here:
            still_here.add(connection.user_id)
            delivery.send_all(remaining, frames.presence("left", connection))


def open_session(group_id: str, now: datetime) -> storage.Session | None:
    for session in storage.latest_sessions(group_id, now):
        if session.status == storage.OPEN:
            return session
    return None


def staff(members: list[storage.Connection]) -> list[storage.Connection]:
    return [member for member in members if member.role in STAFF_ROLES]


def refuse_if_banned(group_id: str, user_id: str, now: datetime) -> None:
    ban = storage.get_restriction(f"group#{group_id}", user_id)
    if ban is not None and (ban.until is None or ban.until > now):
        raise ChatError("banned", until=ban.until.isoformat() if ban.until else None)


def _muted_until(me: storage.Connection, session: storage.Session, now: datetime) -> datetime | None:
    if me.role != "participant":
        return None
    mute = storage.get_restriction(f"session#{session.session_id}", me.user_id)
    return mute.until if mute and mute.until and mute.until > now else None


def _check_capacity(me: storage.Connection, others: list[storage.Connection], group: storage.Group) -> None:
    participants = {m.user_id for m in others if m.role == "participant"}
    if me.role == "participant" and me.user_id not in participants and len(participants) >= group.capacity:
        raise ChatError("session_full")


def receipt_key(me: storage.Connection, client_id: str) -> str:
    """A send's receipt, per session, sender and client id; the sender as a one-way tag, not the id,
    so a deleted account leaves nothing in the receipts that leads back to it."""
    return f"{me.session_id}#{sender_tag(me.user_id)}#{client_id}"
