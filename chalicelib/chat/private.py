"""Talk to a mentor alone: one teen and one mentor, privately, beside the group chat.

A teen in an open session asks ("Jeg vil gerne tale med en voksen"): the session's mentors get the
request, and the first to accept opens the talk; a second accept hears who took it
(``talk_taken``). A mentor can also invite a teen who is in the session (after a crisis alert, or
from a message's menu); the teen accepts or declines. The talk ends when either side ends it, when
the teen leaves the group, or when the session closes (a step of the minute tick's close).

The same rules as the group apply: a teen's message goes through the same flood control, anonymity
guard and crisis signals (the same reports, alerts and help lines); messages are stored like the
group's, with the same expiry, under the talk's own partition (``talk#<id>``), so no history or
catch-up of the session ever returns them; a teen can report a message; opening and ending are
audited. Frames reach only the teen's sockets in the session and the organisation's mentors
(who can follow every talk, read-only) — never anyone else in the room.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PynamoDBException
from ulid import ULID

from chalicelib import frames, storage
from chalicelib.abuse import limiter
from chalicelib.accounts.tokens import MENTOR, PARTICIPANT, Identity
from chalicelib.chat import alerts, messages
from chalicelib.chat.inbound import Caller, is_ulid, message_text, required_str
from chalicelib.chat.room import STAFF_ROLES, connection_of, receipt_key
from chalicelib.delivery import Delivery, Outcome
from chalicelib.errors import ChatError
from chalicelib.limits import CATCH_UP_PAGE
from chalicelib.moderation.reports import TALK_PARTITION, new_report
from chalicelib.organisation.settings import org_settings
from chalicelib.safety import screen_message

log = logging.getLogger("gruppechat.private")

PRIVATE = "private"  # the kind of a message in a talk
# Who ended a talk.
BY_PARTICIPANT, BY_MENTOR, DECLINED, AT_CLOSE, LEFT = "participant", "mentor", "declined", "close", "left"


def partition(talk_id: str) -> str:
    """Where a talk's messages are stored: never under the session's id, so the room cannot read them."""
    return f"{TALK_PARTITION}{talk_id}"


# --- asking, inviting, answering -----------------------------------------------------------------


def request(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """A teen asks to talk with a mentor alone; the session's mentors see the request."""
    me = connection_of(caller)
    if me.role in STAFF_ROLES:
        raise ChatError("forbidden")
    if not me.session_id:
        raise ChatError("not_joined")
    session = _open_session(me.session_id, now)
    if not _session_mentor_ids(session.session_id):
        raise ChatError("talk_no_mentor")
    _refuse_if_talking(delivery, me.user_id, now)
    limiter.hit("talk_request_per_person", limiter.person(me.user_id, now), now, code="too_many_talk_requests")
    talk = _new_talk(me, session, storage.REQUESTED, PARTICIPANT, now)
    if not storage.start_talk(talk):
        _refuse_if_talking(delivery, me.user_id, now)  # another tab asked at the same instant
        raise ChatError("talk_exists", state=storage.REQUESTED)
    _tell(delivery, talk, frames.talk(talk), [me], followers=False)


def invite(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """A mentor invites a teen who is in the session (after a crisis alert, from a message's menu)."""
    me = _mentor(caller)
    session = _org_session(me, required_str(frame, "session_id"), now)
    name = required_str(frame, "pseudonym").casefold()
    teen = next(
        (
            c
            for c in storage.session_connections(session.session_id)
            if c.role == PARTICIPANT and c.pseudonym.casefold() == name
        ),
        None,
    )
    if teen is None:
        raise ChatError("participant_not_found")
    _refuse_if_talking(delivery, teen.user_id, now)
    talk = _new_talk(teen, session, storage.INVITED, MENTOR, now, mentor=me)
    if not storage.start_talk(talk):
        raise ChatError("talk_exists", state=storage.INVITED)
    _tell(delivery, talk, frames.talk(talk), [me])


def accept(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """A mentor accepts a teen's request, or the teen accepts a mentor's invitation: the talk opens.

    Opening and its audit entry are one conditional transaction, so two accepts (two mentors, or a
    double-click) open one talk, and the second hears who took it; a failed write opens nothing.
    """
    me = connection_of(caller)
    talk = _talk_of(frame, me)
    if me.role in STAFF_ROLES:
        if talk.state == storage.TALKING and talk.mentor_id == me.user_id:
            # A double-click, or a retry after an answer was lost: still one talk; tell everyone again.
            _tell(delivery, talk, frames.talk(talk), [me])
            return
        if talk.state == storage.TALKING:
            raise ChatError("talk_taken", mentor=talk.mentor_name)
        if talk.state != storage.REQUESTED:
            raise ChatError("talk_over" if talk.state == storage.ENDED else "not_in_talk")
        if me.user_id not in _session_mentor_ids(str(talk.session_id)):
            raise ChatError("not_joined")  # the session's mentors answer its requests
        _open_session(str(talk.session_id), now)
        mentor = _identity(me)
        expected = storage.REQUESTED
    else:
        _teen_of(me, talk)
        if talk.state == storage.TALKING:
            delivery.send(caller, frames.talk(talk))  # a double-click: it is open already
            return
        if talk.state != storage.INVITED:
            raise ChatError("talk_over")
        _open_session(str(talk.session_id), now)
        mentor = _mentor_of(talk)
        expected = storage.INVITED
    entry = _entry(mentor, "talk_opened", talk, now, reason=str(talk.opened_by))
    if not storage.open_talk(talk, expected, mentor.user_id, mentor.name, now, entry):
        fresh = storage.get_talk(talk.talk_id)
        if fresh is not None and fresh.state == storage.TALKING:
            if fresh.mentor_id != mentor.user_id:
                raise ChatError("talk_taken", mentor=fresh.mentor_name)
            _tell(delivery, fresh, frames.talk(fresh), [me])
            return
        raise ChatError("talk_over")
    talk.state, talk.mentor_id, talk.mentor_name, talk.opened_at = storage.TALKING, mentor.user_id, mentor.name, now
    _tell(delivery, talk, frames.talk(talk), [me])


def decline(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """A teen says no thanks to an invitation: it ends, and the mentors see that it was declined."""
    me = connection_of(caller)
    talk = _talk_of(frame, me)
    if me.role in STAFF_ROLES:
        raise ChatError("forbidden")
    _teen_of(me, talk)
    if talk.state != storage.INVITED:
        raise ChatError("talk_over")
    if not finish(delivery, talk, DECLINED, now, [me]):
        raise ChatError("talk_over")


def end(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """Either side ends the talk (a teen may also take back a request); a second end changes nothing."""
    me = connection_of(caller)
    talk = _talk_of(frame, me)
    if me.role in STAFF_ROLES:
        if talk.mentor_id != me.user_id:
            raise ChatError("not_in_talk")  # the organisation's other mentors follow, they do not end
        ended_by = BY_MENTOR
    else:
        _teen_of(me, talk)
        ended_by = BY_PARTICIPANT
    if talk.state == storage.ENDED or not finish(delivery, talk, ended_by, now, [me]):
        delivery.send(caller, frames.talk(storage.get_talk(talk.talk_id) or talk))


def finish(
    delivery: Delivery, talk: storage.Talk, ended_by: str, now: datetime, also: list[storage.Connection] | None = None
) -> bool:
    """End a talk once (with its audit entry when a mentor was in it) and tell both sides and the
    mentors; False when it had ended already."""
    entry = _entry(_mentor_of(talk), "talk_ended", talk, now, reason=ended_by) if talk.mentor_id else None
    if not storage.end_talk(talk, ended_by, now, entry):
        return False
    _tell(delivery, talk, frames.talk(talk), also or [])
    return True


def end_at_close(delivery: Delivery, session: storage.Session, now: datetime) -> int:
    """The session closes: every talk still going ends (a step of the close, so a failure is
    retried by the next tick, and a talk ended twice is ended once). Returns how many ended."""
    ended = 0
    for talk in storage.session_talks(session.session_id):
        if talk.state != storage.ENDED and finish(delivery, talk, AT_CLOSE, now):
            ended += 1
    return ended


def end_on_leave(delivery: Delivery, caller: Caller, now: datetime) -> None:
    """A teen who leaves the group leaves their talk too (a mentor leaving the room keeps theirs:
    they can go on from the console)."""
    me = storage.get_connection(caller.connection_id)
    if me is None or me.role in STAFF_ROLES or not me.session_id:
        return
    guard = storage.talk_guard(me.user_id)
    talk = storage.get_talk(guard.current) if guard and guard.current else None
    if talk is not None and talk.session_id == me.session_id and talk.state != storage.ENDED:
        finish(delivery, talk, LEFT, now, [me])


# --- writing in a talk ---------------------------------------------------------------------------


def send(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """A message in a talk, screened as in the group (a teen's), stored once per ``client_id`` with
    the group's expiry, and sent to the two and the organisation's mentors."""
    text, client_id = message_text(frame)
    me = connection_of(caller)
    talk = _talk_of(frame, me)
    staff = me.role in STAFF_ROLES
    if staff and talk.mentor_id != me.user_id:
        raise ChatError("not_in_talk")
    if not staff:
        _teen_of(me, talk)
        if me.session_id != talk.session_id:
            raise ChatError("not_joined")
    if talk.state != storage.TALKING:
        raise ChatError("talk_over")
    session = _open_session(str(talk.session_id), now)
    settings = org_settings(talk.org_id)
    verdict = None
    if not staff:
        # One allowance for the teen in the session, the group and the talk together.
        messages.flood_check(me, text, client_id, settings, now)
        verdict = screen_message(text, settings.detector)
        if verdict.held_back:
            alerts.hold_back(delivery, caller, me, [], verdict, settings.retention_days, now, client_id)
            return
    # As in the group: the organisation's retention period after the session's end.
    message = messages.new_message(
        me, text, client_id, settings.retention_days, now, session.ends_at, partition(talk.talk_id), PRIVATE
    )
    message = _store(me, message, client_id, now)
    if verdict is not None and verdict.crisis:
        alerts.crisis(delivery, caller, me, [], message, verdict, settings.retention_days, now)
    _tell(delivery, talk, frames.private_message(talk.talk_id, message), [me])


def _store(me: storage.Connection, message: storage.Message, client_id: str | None, now: datetime) -> storage.Message:
    """Stored once: a retry with the same client id gets the message stored the first time."""
    receipt = storage.SendReceipt(
        receipt_key(me, client_id or message.message_id, message.session_id),
        message_id=message.message_id,
        expires_at=now + storage.RECEIPT_LIFETIME,
    )
    try:
        if storage.post_message(message, receipt):
            return message
        earlier = storage.get_receipt(receipt.receipt_key)
        stored = storage.get_message(message.session_id, earlier.message_id) if earlier else None
        if stored is not None:
            return stored
        if earlier is not None:
            message.message_id = earlier.message_id  # the receipt was claimed, the message lost: finish it
        storage.save_message(message)
    except PynamoDBException:
        log.exception("private message not stored")
        raise ChatError("not_stored", client_id=client_id) from None
    return message


def catch_up(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """A talk and its messages (after ``after``). Without ``talk_id``: a teen's own talk that is not
    over; for a mentor every talk going on in the organisation's open sessions (after a reload)."""
    after = frame.get("after")
    if after is not None and not is_ulid(after):
        raise ChatError("bad_message_id")
    me = connection_of(caller)
    if frame.get("talk_id") is not None:
        talks = [_talk_of(frame, me)]
        if me.role not in STAFF_ROLES:
            _teen_of(me, talks[0])
    elif me.role in STAFF_ROLES:
        talks = _org_talks(me)
    else:
        current = _current_talk(delivery, me.user_id, now)
        talks = [current] if current else []
    for talk in talks:
        delivery.send(caller, frames.talk(talk))
        if talk.state in (storage.TALKING, storage.ENDED):
            page = storage.messages_after(partition(talk.talk_id), str(after or "0"), CATCH_UP_PAGE + 1)
            delivery.send(caller, frames.talk_history(talk.talk_id, page[:CATCH_UP_PAGE], len(page) > CATCH_UP_PAGE))


def report(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """A teen reports a message in their talk: to the organisation's mentors, who may be the ones to
    hear about a mentor (the session's mentors alone would not do)."""
    me = connection_of(caller)
    if me.role in STAFF_ROLES:
        raise ChatError("forbidden")
    talk = _talk_of(frame, me)
    _teen_of(me, talk)
    message_id, reason = alerts.report_fields(frame)
    message = storage.get_message(partition(talk.talk_id), message_id)
    if message is None:
        raise ChatError("message_not_found")
    person = limiter.person(me.user_id, now)
    counted = limiter.hit("report_per_person", person, now, code="too_many_reports")
    stored = new_report(
        me,
        str(talk.org_id),
        "report",
        "normal",
        now,
        message=message,
        reason=reason.strip(),
        retention_days=org_settings(talk.org_id).retention_days,
        report_id=alerts.report_id_of(message.message_id, person),
    )
    if not storage.add_report_once(stored):
        limiter.give_back(counted)
        stored = storage.get_report(stored.org_id, stored.report_id) or stored
    if not stored.alerted:
        delivery.send_all(storage.staff_connections(str(talk.org_id)), frames.report(stored))
        storage.mark_report(stored, alerted=True)
    delivery.send(caller, frames.reported(message.message_id))


ACTIONS = {
    "talk_request": request,
    "talk_invite": invite,
    "talk_accept": accept,
    "talk_decline": decline,
    "talk_end": end,
    "talk_send": send,
    "talk_catch_up": catch_up,
    "talk_report": report,
}


# --- who, where, and who hears ----------------------------------------------------------------------


def _new_talk(
    teen: storage.Connection,
    session: storage.Session,
    state: str,
    opened_by: str,
    now: datetime,
    mentor: storage.Connection | None = None,
) -> storage.Talk:
    retention = org_settings(session.org_id).retention_days
    return storage.Talk(
        str(ULID.from_datetime(now)),
        session_id=session.session_id,
        group_id=session.group_id,
        org_id=session.org_id,
        participant_id=teen.user_id,
        pseudonym=teen.pseudonym,
        state=state,
        opened_by=opened_by,
        mentor_id=mentor.user_id if mentor else None,
        mentor_name=mentor.pseudonym if mentor else None,
        created_at=now,
        # Kept as long as its messages: the session's end plus the retention period.
        expires_at=max(session.ends_at, now) + timedelta(days=retention),
    )


def _refuse_if_talking(delivery: Delivery, participant_id: str, now: datetime) -> None:
    current = _current_talk(delivery, participant_id, now)
    if current is not None:
        raise ChatError("talk_exists", state=current.state)


def _current_talk(delivery: Delivery, participant_id: str, now: datetime) -> storage.Talk | None:
    """The teen's talk that is not over. A guard left by a talk that is over, or whose session has
    closed without the close ending it yet, is freed (the talk ended) rather than blocking for good."""
    guard = storage.talk_guard(participant_id)
    if guard is None or not guard.current:
        return None
    talk = storage.get_talk(guard.current)
    if talk is None or talk.state == storage.ENDED:
        storage.free_guard(participant_id, guard.current)
        return None
    session = storage.get_session(str(talk.session_id))
    if session is None or session.status != storage.OPEN or now >= session.ends_at:
        finish(delivery, talk, AT_CLOSE, now)
        return None
    return talk


def _talk_of(frame: dict[str, Any], me: storage.Connection) -> storage.Talk:
    """The talk a frame names, if the caller may know of it: a teen only their own (anyone else's is
    ``talk_not_found``, as if it did not exist), a mentor any of their organisation's."""
    talk = storage.get_talk(required_str(frame, "talk_id"))
    if talk is None:
        raise ChatError("talk_not_found")
    if me.role in STAFF_ROLES:
        if not me.org_id or me.org_id != talk.org_id:
            raise ChatError("talk_not_found")
    elif talk.participant_id != me.user_id:
        raise ChatError("talk_not_found")
    return talk


def _teen_of(me: storage.Connection, talk: storage.Talk) -> None:
    if talk.participant_id != me.user_id:
        raise ChatError("talk_not_found")


def _mentor(caller: Caller) -> storage.Connection:
    me = connection_of(caller)
    if me.role not in STAFF_ROLES:
        raise ChatError("forbidden")
    return me


def _org_session(me: storage.Connection, session_id: str, now: datetime) -> storage.Session:
    session = storage.get_session(session_id)
    if session is None:
        raise ChatError("session_not_found")
    if session.org_id != me.org_id:
        raise ChatError("forbidden")
    return _open_session(session_id, now, session)


def _open_session(session_id: str, now: datetime, session: storage.Session | None = None) -> storage.Session:
    session = session or storage.get_session(session_id)
    if session is None or session.status != storage.OPEN or now >= session.ends_at:
        raise ChatError("session_closed")
    return session


def _session_mentor_ids(session_id: str) -> set[str]:
    """The mentors in the session now (any of their sockets)."""
    return {c.user_id for c in storage.session_connections(session_id) if c.role in STAFF_ROLES}


def _org_talks(me: storage.Connection) -> list[storage.Talk]:
    """Every talk going on in the organisation's open sessions; a request only where this mentor is."""
    found = []
    for session in storage.live_sessions():
        if session.org_id != me.org_id:
            continue
        talks = [t for t in storage.session_talks(session.session_id) if t.state != storage.ENDED]
        mentors = _session_mentor_ids(session.session_id) if any(t.state == storage.REQUESTED for t in talks) else set()
        found += [t for t in talks if t.state != storage.REQUESTED or me.user_id in mentors]
    return found


def _identity(connection: storage.Connection) -> Identity:
    return Identity(connection.user_id, connection.pseudonym, connection.role, connection.org_id)


def _mentor_of(talk: storage.Talk) -> Identity:
    return Identity(str(talk.mentor_id), str(talk.mentor_name), MENTOR, talk.org_id)


def _entry(mentor: Identity, action: str, talk: storage.Talk, now: datetime, reason: str) -> storage.AuditEntry:
    from chalicelib.moderation.actions import audit_entry  # moderation imports the keeper, which imports this

    return audit_entry(
        mentor,
        action,
        now,
        target=str(talk.pseudonym),
        reason=reason,
        session_id=talk.session_id,
        group_id=talk.group_id,
        subject_id=talk.participant_id,
    )


def _tell(
    delivery: Delivery,
    talk: storage.Talk,
    frame: frames.Frame,
    also: list[storage.Connection],
    followers: bool = True,
) -> Outcome:
    """The teen's sockets in the session, and the mentors: every one of the organisation's (they
    follow talks read-only) or, for a request, the session's mentors (each of their sockets)."""
    audience: dict[str, storage.Connection] = {c.connection_id: c for c in also}
    for connection in storage.user_connections(str(talk.participant_id)):
        if connection.session_id == talk.session_id:
            audience.setdefault(connection.connection_id, connection)
    staff = storage.staff_connections(str(talk.org_id))
    if not followers:
        in_session = _session_mentor_ids(str(talk.session_id))
        staff = [c for c in staff if c.user_id in in_session]
    for connection in staff:
        audience.setdefault(connection.connection_id, connection)
    return delivery.send_all(list(audience.values()), frame)


def tell(delivery: Delivery, talk: storage.Talk, frame: frames.Frame) -> Outcome:
    """Tell the talk's two and the organisation's mentors following it (a message removed from the
    reports queue, say)."""
    return _tell(delivery, talk, frame, [])
