"""The room: who is connected, who may come in (admission), who joins and leaves, and who is told.

Who may enter is decided by :mod:`chalicelib.chat.admission` (one table, also in docs/rules.md);
whether the room is open for writing by :mod:`chalicelib.chat.presence` (a mentor is here).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from chalicelib import frames, storage
from chalicelib.accounts.tags import attendance_tag, sender_tag
from chalicelib.accounts.tokens import Identity
from chalicelib.chat import admission, checkins, presence, rounds
from chalicelib.chat.inbound import Caller, required_str
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.limits import HISTORY_SIZE
from chalicelib.organisation.settings import org_settings

log = logging.getLogger("gruppechat.room")

STAFF_ROLES = frames.STAFF_ROLES
# A membership lasts a year after the last time they came; it is renewed when less than this is left.
MEMBERSHIP = timedelta(days=365)
RENEW_BELOW = timedelta(days=300)


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
            seen_at=now if staff else None,
            expires_at=now + storage.CONNECTION_LIFETIME,
        )
    )


def disconnect(delivery: Delivery, connection_id: str, now: datetime) -> None:
    """``$disconnect`` comes once and is never retried: the room is told first, then the row goes.
    If the row stays, the next post to it answers 410 and the delivery removes it."""
    connection = storage.get_connection(connection_id)
    if connection is None:
        return
    forget(delivery, [connection], now)
    storage.delete_connection(connection_id)


def forget(delivery: Delivery, gone: list[storage.Connection], now: datetime) -> None:
    """Sockets that are gone (closed, vanished): the room hears who left, a waiting room loses its
    knock, and a room whose last mentor left starts its grace period."""
    for connection in gone:
        if connection.waiting_for:
            _stop_waiting(delivery, connection, connection.waiting_for)
    by_session: dict[str, list[storage.Connection]] = {}
    for connection in gone:
        if connection.session_id:
            by_session.setdefault(connection.session_id, []).append(connection)
    for session_id, leaving in by_session.items():
        remaining = announce_left(delivery, session_id, leaving)
        if any(c.role in STAFF_ROLES for c in leaving):
            _mentor_may_be_gone(delivery, session_id, remaining, now)


def connection_of(caller: Caller) -> storage.Connection:
    connection = storage.get_connection(caller.connection_id)
    if connection is None:
        raise ChatError("not_connected")
    return connection


def membership(
    caller: Caller, me: storage.Connection | None = None
) -> tuple[storage.Connection, list[storage.Connection]]:
    """The caller's own item (with its flood-control state, which the room index leaves out)
    and everyone in its session; the caller counts as a member even before the index catches up."""
    me = me or connection_of(caller)
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
    staff = me.role in STAFF_ROLES
    if staff and me.org_id != group.org_id:
        raise ChatError("forbidden")
    if not staff:
        refuse_if_banned(group_id, me.user_id, now)
    session = open_session(group_id, now)
    if session is None:
        raise ChatError("session_closed")
    others = [m for m in storage.session_connections(session.session_id) if m.connection_id != caller.connection_id]
    if staff:
        enter(delivery, me, session, group, others, now)
        return
    member = storage.get_member(group_id, me.user_id)
    back_today = attendance_tag(group_id, me.user_id) in (session.attendees or set())
    who = admission.IN_SESSION if back_today else admission.MEMBER if member else admission.NEWCOMER
    mentor_here = presence.settle(delivery, session, bool(presence.mentors_in(others)), now)
    door = admission.decide(admission.Knock(group.entry_mode or admission.OPEN, mentor_here, bool(session.locked), who))
    if door.door == admission.REFUSED:
        raise ChatError(str(door.refusal))
    if door.door == admission.WAITS:
        _knock(delivery, caller, me, session, group, frame, mentor_here, now)
        return
    check_capacity(me, others, group, door.seat)
    # Remembered before the room is told: should that fail, the retried join tells the room once.
    _remember_member(group, me.user_id, member, now)
    enter(delivery, me, session, group, others, now)


def enter(
    delivery: Delivery,
    me: storage.Connection,
    session: storage.Session,
    group: storage.Group,
    others: list[storage.Connection],
    now: datetime,
) -> None:
    """Into the room: history, who is here, the room's state; the others hear who came.
    Used by a join and by a mentor's admission (then ``me`` is not the caller but the newcomer)."""
    staff = me.role in STAFF_ROLES
    muted_until = None if staff else _muted_until(me, session, now)
    if me.session_id and me.session_id != session.session_id:
        announce_left(delivery, me.session_id, [me])
    if me.waiting_for and me.waiting_for != session.session_id:
        _stop_waiting(delivery, me, me.waiting_for)
    storage.enter_session(me, session, group.org_id, org_settings(group.org_id).retention_days, muted_until)
    if not staff:
        tag = attendance_tag(session.group_id, me.user_id)  # the figures count tags, never ids
        if tag not in (session.attendees or set()):
            storage.note_attendance(session, tag)
    if staff:
        presence.settle(delivery, session, True, now)
    history = storage.recent_messages(session.session_id, HISTORY_SIZE)
    queue = storage.waiting_list(session.session_id) if staff else None
    welcome = frames.joined(session, group, history, [*others, me], me, muted_until, presence.room_view(session), queue)
    extra, round_news = _greeting(me, session)
    delivery.send(me, {**welcome, **extra})
    if all(member.user_id != me.user_id for member in others):
        delivery.send_all(others, frames.presence("joined", me))
    if round_news is not None:  # a late teen's turn, told after the room heard who came
        delivery.send_all(others, round_news)


def _greeting(me: storage.Connection, session: storage.Session) -> tuple[dict[str, Any], frames.Frame | None]:
    """What ``joined`` adds for check-in (a teen's answer so far, a mentor's spread) and a round
    going on (with a turn for a teen who comes in late, and the frame the room then hears).
    Neither may cost the join: should a read fail, the join goes on without it."""
    extra: dict[str, Any] = {}
    round_news = None
    try:
        extra.update(checkins.greeting(me, session))
    except Exception:
        log.exception("a part of the welcome could not be read")
    try:
        view, round_news = rounds.greeting(me, session)
        extra.update(view)
    except Exception:
        log.exception("a part of the welcome could not be read")
    return extra, round_news


def leave(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    me = connection_of(caller)
    if me.waiting_for:
        waited_for = me.waiting_for
        storage.leave_session(me)
        _stop_waiting(delivery, me, waited_for)
        delivery.send(caller, frames.left(waited_for))
        return
    if not me.session_id:
        raise ChatError("not_joined")
    session_id = me.session_id
    # The room first: if leaving then fails, the retry tells them again (harmless); the other
    # way round a failure after leaving would leave them never told.
    remaining = announce_left(delivery, session_id, [me])
    storage.leave_session(me)
    delivery.send(caller, frames.left(session_id))
    if me.role in STAFF_ROLES:
        _mentor_may_be_gone(delivery, session_id, remaining, now)


def announce_left(delivery: Delivery, session_id: str, leaving: list[storage.Connection]) -> list[storage.Connection]:
    """Tell the room that someone left, unless they are still here in another tab; returns who is left."""
    leaving_ids = {connection.connection_id for connection in leaving}
    remaining = [m for m in storage.session_connections(session_id) if m.connection_id not in leaving_ids]
    still_here = {member.user_id for member in remaining}
    for connection in leaving:
        if connection.user_id not in still_here:
            still_here.add(connection.user_id)
            delivery.send_all(remaining, frames.presence("left", connection))
    return remaining


def _mentor_may_be_gone(
    delivery: Delivery, session_id: str, remaining: list[storage.Connection], now: datetime
) -> None:
    """A mentor's socket left the room: with none left, the grace period starts."""
    if presence.mentors_in(remaining):
        return
    session = storage.get_session(session_id)
    if session is not None and session.status == storage.OPEN:
        presence.settle(delivery, session, False, now)


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


# --- the waiting room ------------------------------------------------------------------------------


def _knock(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    session: storage.Session,
    group: storage.Group,
    frame: dict[str, Any],
    mentor_here: bool,
    now: datetime,
) -> None:
    """A newcomer at a waiting room: first the rules, then (having agreed) the queue."""
    waiting = storage.get_waiting(session.session_id, me.user_id)
    if waiting is not None and waiting.state == storage.DECLINED:
        raise ChatError("admission_declined")
    if waiting is None:
        if frame.get("agree_rules") is not True:
            delivery.send(caller, frames.admission("rules", session, group, mentor_here))
            return
        storage.add_waiting(
            storage.Waiting(
                session.session_id,
                me.user_id,
                pseudonym=me.pseudonym,
                since=now,
                expires_at=session.ends_at + timedelta(days=1),
            )
        )
    if me.session_id:
        announce_left(delivery, me.session_id, [me])
    storage.wait_in_queue(me, session)
    delivery.send(caller, frames.admission("waiting", session, group, mentor_here))
    tell_queue(delivery, session.session_id)


def _stop_waiting(delivery: Delivery, connection: storage.Connection, session_id: str) -> None:
    """A newcomer left the waiting room (left, or the last socket closed): the mentors see it."""
    still = [c for c in storage.user_connections(connection.user_id) if c.connection_id != connection.connection_id]
    if any((storage.get_connection(c.connection_id) or c).waiting_for == session_id for c in still):
        return  # another tab still waits
    waiting = storage.get_waiting(session_id, connection.user_id)
    if waiting is not None and waiting.state == storage.WAITING:
        storage.remove_waiting(waiting)
        tell_queue(delivery, session_id)


def tell_queue(delivery: Delivery, session_id: str) -> None:
    """The session's mentors see the waiting room as it is now."""
    mentors = staff(storage.session_connections(session_id))
    if mentors:
        delivery.send_all(mentors, frames.queue(session_id, storage.waiting_list(session_id)))


def waiting_sockets(user_id: str, session_id: str) -> list[storage.Connection]:
    """A newcomer's sockets that wait at this session's door (read whole: the index has no ``waiting_for``)."""
    found = []
    for partial in storage.user_connections(user_id):
        connection = storage.get_connection(partial.connection_id)
        if connection is not None and connection.waiting_for == session_id:
            found.append(connection)
    return found


# --- seats and members -----------------------------------------------------------------------------


def check_capacity(me: storage.Connection, others: list[storage.Connection], group: storage.Group, seat: str) -> None:
    """Capacity counts live participants only (mentors and the waiting room do not take seats)."""
    participants = {m.user_id for m in others if m.role == "participant"}
    if me.user_id in participants:
        return  # another tab of someone already here
    if len(participants) >= admission.seats(seat, int(group.capacity)):
        raise ChatError("session_full")


def _remember_member(group: storage.Group, participant_id: str, member: storage.Member | None, now: datetime) -> None:
    """Who came to a group is a member of it (and walks straight in if it gets a waiting room)."""
    if member is None:
        storage.add_member(
            storage.Member(group.group_id, participant_id, via=storage.CAME, since=now, expires_at=now + MEMBERSHIP)
        )
    elif member.expires_at is not None and member.expires_at - now < RENEW_BELOW:
        member.expires_at = now + MEMBERSHIP
        storage.save_member(member)


def _muted_until(me: storage.Connection, session: storage.Session, now: datetime) -> datetime | None:
    if me.role != "participant":
        return None
    mute = storage.get_restriction(f"session#{session.session_id}", me.user_id)
    return mute.until if mute and mute.until and mute.until > now else None


def receipt_key(me: storage.Connection, client_id: str, session_id: str | None = None) -> str:
    """A send's receipt, per session, sender and client id; the sender as a one-way tag, not the id,
    so a deleted account leaves nothing in the receipts that leads back to it. ``session_id``: the
    session a sender in its waiting room knocks at (it is in no room yet)."""
    return f"{session_id or me.session_id}#{sender_tag(me.user_id)}#{client_id}"
