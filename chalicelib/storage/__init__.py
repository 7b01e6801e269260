"""Storage: the only code that reads or writes DynamoDB.

Every hot path is a key lookup or an index query, never a full-table scan:

* deliver a message: a read of the sender's connection, one query of the session's connections
  (``Connection.by_session``), a conditional put of the send receipt, a put of the message, an
  update of the sender's flood-control state (no index projects it);
* join: one query for the group's latest session (``Session.by_group``), one update of the
  connection, one query for the history;
* catch up: one query of the session's messages after an id.

The rest of the product calls these functions with items and values; the models and their
update expressions stay here (``models.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite
from ulid import ULID

from chalicelib.storage.models import (
    ACCOUNT_TTL_MARGIN,
    ADMITTED,
    ALL_MODELS,
    CAME,
    CANCELLED,
    CHECKIN_LIFETIME,
    CLOSED,
    CONNECTION_LIFETIME,
    DECLINED,
    ENDED,
    ENROLLED,
    IDLE,
    INVITED,
    LISTED,
    LIVE,
    OPEN,
    PENDING,
    RECEIPT_LIFETIME,
    REMOVED,
    REQUESTED,
    ROUND_ENDED,
    ROUND_RUNNING,
    SCHEDULED,
    SESSION_LIFETIME,
    TALKING,
    TEEN_GUARD,
    VISIBLE,
    WAITING,
    AuditEntry,
    Checkin,
    Connection,
    Duty,
    Group,
    Member,
    Mentor,
    Message,
    Note,
    Organisation,
    Participant,
    Reminder,
    Report,
    Restriction,
    Round,
    SendReceipt,
    Session,
    Talk,
    Throttle,
    Waiting,
    _dynamo,
    create_tables,
)

__all__ = [
    "ACCOUNT_TTL_MARGIN",
    "ADMITTED",
    "ALL_MODELS",
    "CAME",
    "CANCELLED",
    "CHECKIN_LIFETIME",
    "CLOSED",
    "CONNECTION_LIFETIME",
    "DECLINED",
    "ENDED",
    "ENROLLED",
    "IDLE",
    "INVITED",
    "LISTED",
    "LIVE",
    "OPEN",
    "PENDING",
    "RECEIPT_LIFETIME",
    "REMOVED",
    "REQUESTED",
    "ROUND_ENDED",
    "ROUND_RUNNING",
    "SCHEDULED",
    "SESSION_LIFETIME",
    "TALKING",
    "TEEN_GUARD",
    "VISIBLE",
    "WAITING",
    "AuditEntry",
    "Checkin",
    "Conflict",
    "Connection",
    "Duty",
    "Group",
    "Member",
    "Mentor",
    "Message",
    "Note",
    "Organisation",
    "Participant",
    "Reminder",
    "Report",
    "Restriction",
    "Round",
    "SendReceipt",
    "Session",
    "Talk",
    "Throttle",
    "Waiting",
    "add_audit",
    "add_member",
    "add_report",
    "add_report_once",
    "add_waiting",
    "admit",
    "anonymise_audit",
    "anonymise_report",
    "audit_about",
    "audit_entries",
    "begin_finish",
    "begin_steps",
    "begin_warning",
    "cancel_date",
    "claim_mark",
    "claim_receipt",
    "claim_report",
    "claim_report_alert",
    "claim_steps",
    "clear_pin",
    # check-in and check-out, rounds
    "connections_by_id",
    "count_hit",
    "count_messages",
    "create_mentor",
    "create_participant",
    "create_session",
    "create_tables",
    "deactivate_mentor",
    "decline",
    "delete_connection",
    "delete_duty",
    "delete_messages",
    "delete_note",
    "delete_participant",
    "delete_restriction",
    "delete_round",
    "due_sessions",
    "duties",
    "end_talk",
    "enrol",
    "enter_session",
    "extend_session",
    "find_mentor",
    "find_participant",
    "forget_member",
    "forget_notes",
    "forget_talks",
    "free_guard",
    "get_checkin",
    "get_connection",
    "get_duty",
    "get_group",
    "get_member",
    "get_message",
    "get_note",
    "get_organisation",
    "get_receipt",
    "get_report",
    "get_restriction",
    "get_round",
    "get_session",
    "get_talk",
    "get_throttle",
    "get_waiting",
    "group_history",
    "group_notes",
    "last_message_by",
    "latest_sessions",
    "leave_session",
    "listed_groups",
    "live_sessions",
    "mark_report",
    "memberships_of",
    "messages_after",
    "messages_by",
    "note_attendance",
    "notes_of",
    "open_reports",
    "open_session",
    "open_talk",
    "org_groups",
    "org_mentors",
    "post_announcement",
    "post_message",
    "presence_back",
    "presence_freeze",
    "presence_left",
    "presence_open",
    "presence_pause",
    "recent_messages",
    "recent_reports",
    "record_checkin",
    "reload_session",
    "remove_message",
    "remove_waiting",
    "replace_credentials",
    "replace_round",
    "reports_about",
    "resolve_report",
    "restrict",
    "restrictions_of",
    "rounds_due",
    "save_connection",
    "save_duty",
    "save_group",
    "save_member",
    "save_message",
    "save_settings",
    "save_state",
    "save_summary",
    "save_throttle",
    "session_connections",
    "session_reports",
    "session_talks",
    "sessions_between",
    "sessions_from",
    "set_connection_ends_at",
    "set_connection_slow_mode",
    "set_duty_mentors",
    "set_entry_mode",
    "set_followed",
    "set_locked",
    "set_mentor_password",
    "set_message_count",
    "set_muted",
    "set_password",
    "set_pin",
    "set_slow_mode",
    "set_topic",
    "settle",
    "staff_connections",
    "start_round",
    "start_talk",
    "step_done",
    "take_turn",
    "talk_guard",
    "talks_of",
    "touch_connection",
    "touch_participant",
    "uncount",
    "unused_accounts",
    "user_connections",
    "wait_in_queue",
    "waiting_list",
    "waiting_of",
    "write_note",
]

# --- reading and writing, by what they are about ------------------------------------------------


def _get[M: Model](model: type[M], hash_key: str, range_key: str | None = None, consistent: bool = False) -> M | None:
    """One item by its key, or None."""
    try:
        return model.get(hash_key, range_key, consistent_read=consistent)
    except DoesNotExist:
        return None


class Conflict(Exception):
    """A conditional write lost: the thing already exists or already changed."""


def _is_conditional(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def _cancelled_by_condition(error: TransactWriteError) -> bool:
    reasons = getattr(error, "cancellation_reasons", None) or []
    return any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons)


def _put_new(item: Model, condition: Any) -> bool:
    """Create an item unless its key exists: True when this call created it."""
    try:
        item.save(condition=condition)
    except PutError as error:
        if _is_conditional(error):
            return False
        raise
    return True


def _update_if(item: Model, actions: list[Any], condition: Any) -> bool:
    """A conditional update: True when this caller made the change, False when someone else did."""
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if _is_conditional(error):
            return False
        raise
    return True


def _with_audit_if(write: Any, entry: AuditEntry) -> bool:
    """As :func:`_with_audit` for an effect with a condition: False when the condition failed
    (someone else acted first), and then nothing was written, the audit entry neither."""
    try:
        _with_audit(write, entry)
    except TransactWriteError as error:
        if _cancelled_by_condition(error):
            return False
        raise
    return True


def _with_audit(write: Any, entry: AuditEntry) -> None:
    """An effect and its audit entry in one transaction: no moderation without its record."""
    with TransactWrite(connection=_dynamo()) as transaction:
        write(transaction)
        transaction.save(entry)


# --- organisations, groups --------------------------------------------------------------------


def get_organisation(org_id: str) -> Organisation | None:
    return _get(Organisation, org_id)


def save_settings(organisation: Organisation, changes: dict[str, Any], entries: list[AuditEntry]) -> None:
    """An organisation's settings and one audit entry per changed setting, in one transaction.

    ``changes`` maps attribute names (``retention_days``, ``extra_crisis_terms``, ``flood_burst``,
    ``flood_per_minute``, ``inactive_account_months``) to their new values; an empty list of terms,
    or None, removes the attribute (the stage's default applies again).
    """
    actions: list[Action] = []
    for name, value in changes.items():
        attribute = getattr(Organisation, name)
        actions.append(attribute.remove() if value in (None, []) else attribute.set(value))
    with TransactWrite(connection=_dynamo()) as transaction:
        if actions:
            transaction.update(organisation, actions=actions, condition=Organisation.org_id.exists())
        for entry in entries:
            transaction.save(entry)
    for name, value in changes.items():
        setattr(organisation, name, value)


def get_group(group_id: str) -> Group | None:
    return _get(Group, group_id)


def listed_groups() -> list[Group]:
    return list(Group.catalogue.query(LISTED))


def org_groups(org_id: str) -> list[Group]:
    return list(Group.by_org.query(org_id))


def save_group(group: Group) -> None:
    group.save()


def cancel_date(group: Group, day: str) -> Group:
    """Add a local date to the group's cancelled meetings; returns the group as stored."""
    group.update(actions=[Group.cancelled.add({day})])
    return group


# --- sessions ---------------------------------------------------------------------------------


def get_session(session_id: str) -> Session | None:
    return _get(Session, session_id, consistent=True)


def reload_session(session: Session) -> Session:
    session.refresh(consistent_read=True)
    return session


def latest_sessions(group_id: str, now: datetime, limit: int = 2) -> list[Session]:
    """The group's sessions that started at or before ``now``, newest first."""
    return list(Session.by_group.query(group_id, Session.starts_at <= now, scan_index_forward=False, limit=limit))


def sessions_from(group_id: str, since: datetime, limit: int = 4) -> list[Session]:
    return list(Session.by_group.query(group_id, Session.starts_at >= since, limit=limit))


def group_history(group_id: str, until: datetime, limit: int) -> list[Session]:
    """The group's sessions that started before ``until``, newest first."""
    return list(Session.by_group.query(group_id, Session.starts_at < until, scan_index_forward=False, limit=limit))


def sessions_between(group_id: str, since: datetime, until: datetime) -> list[Session]:
    """The group's sessions that started from ``since`` up to (not including) ``until``, oldest first."""
    return [s for s in Session.by_group.query(group_id, Session.starts_at.between(since, until)) if s.starts_at < until]


def due_sessions(now: datetime, limit: int = 200) -> list[Session]:
    """Sessions whose next transition (or a step left over) is due at ``now``: reads only what is due."""
    return list(Session.due.query(PENDING, Session.due_at <= now, limit=limit))


def create_session(session: Session) -> bool:
    """Store a session unless one with the same id exists (ids are deterministic per meeting)."""
    return _put_new(session, Session.session_id.does_not_exist())


def open_session(session: Session, now: datetime, next_due: datetime, starts_at: datetime | None = None) -> bool:
    """scheduled -> open, exactly once; the session stays due for its closing warning."""
    actions = [
        Session.status.set(OPEN),
        Session.due_at.set(next_due),
        Session.live_bucket.set(LIVE),
        Session.presence_since.set(now),
    ]
    if starts_at is not None:
        actions.append(Session.starts_at.set(starts_at))
    return _update_if(session, actions, Session.status == SCHEDULED)


def begin_steps(
    session: Session, condition: Any, sets: list[Any], steps: set[str], now: datetime, lease: timedelta
) -> bool:
    """A transition that has side effects: change the state and record the steps still to do.

    The session stays due (``due_at`` = now) until every step is done, and the caller holds a
    lease on the steps, so a concurrent tick leaves them alone while this one works.
    """
    actions = [*sets, Session.pending_steps.set(steps), Session.lease_until.set(now + lease), Session.due_at.set(now)]
    return _update_if(session, actions, condition)


def begin_warning(session: Session, steps: set[str], now: datetime, lease: timedelta) -> bool:
    condition = (Session.status == OPEN) & (Session.warned == False) & (Session.ends_at == session.ends_at)  # noqa: E712
    return begin_steps(session, condition, [Session.warned.set(True)], steps, now, lease)


def begin_finish(
    session: Session, expected: str, status: str, steps: set[str], now: datetime, lease: timedelta
) -> bool:
    sets = [Session.status.set(status), Session.live_bucket.remove()]
    return begin_steps(session, Session.status == expected, sets, steps, now, lease)


def live_sessions(limit: int = 500) -> list[Session]:
    """The sessions open now (a sparse index): the tick looks after each one's mentor."""
    return list(Session.live.query(LIVE, limit=limit))


# --- a mentor's presence: each change once, however many ticks and sends notice it -------------


def _same(attribute: Any, value: Any) -> Any:
    return attribute.does_not_exist() if value is None else attribute == value


def _absent() -> Any:
    return (Session.mentor_present == False) | Session.mentor_present.does_not_exist()  # noqa: E712


def presence_open(session: Session, now: datetime, without_s: int) -> bool:
    """A mentor arrived in a room without one: it opens. ``without_s``: the interval just ended."""
    condition = (Session.status == OPEN) & _absent() & _same(Session.presence_since, session.presence_since)
    actions = [
        Session.mentor_present.set(True),
        Session.presence_since.set(now),
        Session.mentor_left_at.remove(),
        Session.without_mentor_s.add(without_s),
        Session.mentor_first_at.set(Session.mentor_first_at | now),
    ]
    return _update_if(session, actions, condition)


def presence_left(session: Session, at: datetime) -> bool:
    """The last mentor left at ``at``: the grace period starts (the room is still open)."""
    condition = (Session.mentor_present == True) & Session.mentor_left_at.does_not_exist()  # noqa: E712
    return _update_if(session, [Session.mentor_left_at.set(at)], condition)


def presence_back(session: Session, now: datetime, with_s: int, without_s: int) -> bool:
    """A mentor came back within the grace period: the room never paused."""
    condition = (Session.mentor_present == True) & _same(Session.mentor_left_at, session.mentor_left_at)  # noqa: E712
    actions = [
        Session.mentor_left_at.remove(),
        Session.presence_since.set(now),
        Session.with_mentor_s.add(with_s),
        Session.without_mentor_s.add(without_s),
    ]
    return _update_if(session, actions, condition)


def presence_pause(session: Session, with_s: int) -> bool:
    """The grace period is over: the room pauses; it has been without a mentor since they left."""
    assert session.mentor_left_at is not None
    condition = (Session.mentor_present == True) & (Session.mentor_left_at == session.mentor_left_at)  # noqa: E712
    actions = [
        Session.mentor_present.set(False),
        Session.presence_since.set(session.mentor_left_at),
        Session.mentor_left_at.remove(),
        Session.with_mentor_s.add(with_s),
    ]
    return _update_if(session, actions, condition)


def presence_freeze(session: Session, with_s: int, without_s: int) -> bool:
    """At the close: the last interval is added and the figures stop counting."""
    condition = Session.presence_since.exists() & _same(Session.presence_since, session.presence_since)
    actions = [
        Session.presence_since.remove(),
        Session.mentor_left_at.remove(),
        Session.with_mentor_s.add(with_s),
        Session.without_mentor_s.add(without_s),
    ]
    return _update_if(session, actions, condition)


def claim_steps(session: Session, now: datetime, lease: timedelta) -> bool:
    """Take over steps a failed or vanished tick left, once its lease has run out."""
    condition = Session.pending_steps.exists() & (Session.lease_until.does_not_exist() | (Session.lease_until < now))
    return _update_if(session, [Session.lease_until.set(now + lease)], condition)


def step_done(session: Session, step: str) -> None:
    session.update(actions=[Session.pending_steps.delete({step})])


def settle(session: Session, next_due: datetime | None) -> bool:
    """Every step done: wait for the next transition, or leave the due index for good."""
    actions: list[Action]
    if next_due is None:
        actions = [Session.due_bucket.remove(), Session.due_at.remove(), Session.lease_until.remove()]
    else:
        actions = [Session.due_at.set(next_due), Session.lease_until.remove()]
    return _update_if(session, actions, Session.pending_steps.does_not_exist())


def extend_session(session: Session, new_end: datetime, next_due: datetime) -> bool:
    return _update_if(
        session,
        [Session.ends_at.set(new_end), Session.warned.set(False), Session.due_at.set(next_due)],
        (Session.status == OPEN) & (Session.ends_at == session.ends_at),
    )


def set_message_count(session: Session, count: int) -> None:
    session.update(actions=[Session.message_count.set(count)])


def note_attendance(session: Session, tag: str) -> None:
    """Add a participant's attendance tag (``accounts.tags.attendance_tag``), never their id."""
    session.update(actions=[Session.attendees.add({tag})])


def clear_pin(session: Session, message_id: str | None = None) -> bool:
    """Remove the pin and its text copy: any pin, or only when it is ``message_id``."""
    condition = Session.pinned_message_id.exists() if message_id is None else (Session.pinned_message_id == message_id)
    return _update_if(session, [Session.pinned_message_id.remove(), Session.pinned_text.remove()], condition)


# --- connections ------------------------------------------------------------------------------


def save_connection(connection: Connection) -> None:
    connection.save()


def get_connection(connection_id: str) -> Connection | None:
    return _get(Connection, connection_id, consistent=True)


def delete_connection(connection_id: str) -> None:
    Connection(connection_id).delete()


def session_connections(session_id: str) -> list[Connection]:
    return list(Connection.by_session.query(session_id))


def user_connections(user_id: str) -> list[Connection]:
    return list(Connection.by_user.query(user_id))


def staff_connections(org_id: str) -> list[Connection]:
    """The organisation's connected mentors and admins, wherever they are."""
    return list(Connection.by_staff.query(org_id))


def enter_session(
    connection: Connection, session: Session, org_id: str, retention_days: int, muted_until: datetime | None
) -> None:
    connection.update(
        actions=[
            Connection.session_id.set(session.session_id),
            Connection.group_id.set(session.group_id),
            Connection.org_id.set(org_id),
            Connection.session_ends_at.set(session.ends_at),
            Connection.retention_days.set(retention_days),
            Connection.slow_mode_s.set(int(session.slow_mode_s or 0)),
            Connection.muted_until.set(muted_until) if muted_until else Connection.muted_until.remove(),
            Connection.waiting_for.remove(),
        ]
    )


def leave_session(connection: Connection) -> None:
    connection.update(
        actions=[
            Connection.session_id.remove(),
            Connection.group_id.remove(),
            Connection.session_ends_at.remove(),
            Connection.waiting_for.remove(),
        ]
    )


def wait_in_queue(connection: Connection, session: Session) -> None:
    """A newcomer waits for admission: out of any room, into this session's waiting room."""
    connection.update(
        actions=[
            Connection.waiting_for.set(session.session_id),
            Connection.org_id.set(session.org_id),
            Connection.session_id.remove(),
            Connection.group_id.remove(),
            Connection.session_ends_at.remove(),
        ]
    )


def touch_connection(connection: Connection, now: datetime) -> bool:
    """A mentor's heartbeat; False when the socket was forgotten meanwhile (it must connect again)."""
    return _update_if(connection, [Connection.seen_at.set(now)], Connection.connection_id.exists())


def _update_connections(connections: Iterable[Connection], actions: list[Any]) -> None:
    """Denormalised copies on each socket; a socket that vanished meanwhile is skipped."""
    for connection in connections:
        try:
            connection.update(actions=actions, condition=Connection.connection_id.exists())
        except UpdateError as error:
            if not _is_conditional(error):
                raise


def set_muted(connections: Iterable[Connection], until: datetime) -> None:
    _update_connections(connections, [Connection.muted_until.set(until)])


def set_connection_slow_mode(connections: Iterable[Connection], seconds: int) -> None:
    _update_connections(connections, [Connection.slow_mode_s.set(seconds)])


def set_connection_ends_at(connections: Iterable[Connection], ends_at: datetime) -> None:
    _update_connections(connections, [Connection.session_ends_at.set(ends_at)])


# --- messages ---------------------------------------------------------------------------------


def post_message(message: Message, receipt: SendReceipt) -> bool:
    """Store a message once: claim its receipt, then put it. False on a retried send.

    Two plain writes cost half of one transaction of the same two items. If the put fails after
    the claim, the client's retry finds the receipt without its message and finishes the send
    (``chat.messages``), under the id the receipt holds.
    """
    if not _put_new(receipt, SendReceipt.receipt_key.does_not_exist()):
        return False
    message.save()
    return True


def save_message(message: Message) -> None:
    message.save()


def claim_receipt(receipt: SendReceipt) -> bool:
    """A receipt alone, for a send that stores no message (held back): False on a retry."""
    return _put_new(receipt, SendReceipt.receipt_key.does_not_exist())


def get_receipt(receipt_key: str) -> SendReceipt | None:
    return _get(SendReceipt, receipt_key, consistent=True)


def get_message(session_id: str, message_id: str) -> Message | None:
    return _get(Message, session_id, message_id, consistent=True)


def recent_messages(session_id: str, limit: int) -> list[Message]:
    """The last ``limit`` visible messages, oldest first."""
    newest_first = Message.query(
        session_id,
        scan_index_forward=False,
        filter_condition=Message.state == VISIBLE,
        limit=limit,
        consistent_read=True,
    )
    return list(reversed(list(_take(newest_first, limit))))


def last_message_by(session_id: str, author_id: str, after_id: str, look_back: int) -> Message | None:
    """The author's newest visible message after ``after_id`` among the room's last ``look_back``.

    One query on the session's own partition, newest first: no scan, nothing new stored.
    """
    newest_first = Message.query(
        session_id,
        Message.message_id > after_id,
        scan_index_forward=False,
        filter_condition=Message.state == VISIBLE,
        limit=look_back,
        consistent_read=True,
    )
    return next((m for m in _take(newest_first, look_back) if m.author_id == author_id), None)


def messages_after(session_id: str, after_id: str, limit: int) -> list[Message]:
    """Visible messages after ``after_id``, oldest first (one page)."""
    page = Message.query(
        session_id,
        Message.message_id > after_id,
        filter_condition=Message.state == VISIBLE,
        limit=limit,
        consistent_read=True,
    )
    return list(_take(page, limit))


def _take(items: Iterable[Message], limit: int) -> Iterator[Message]:
    for index, item in enumerate(items):
        if index >= limit:
            return
        yield item


def count_messages(session_id: str) -> int:
    return int(Message.count(session_id, filter_condition=Message.state == VISIBLE))


def messages_by(author_id: str) -> list[Message]:
    return list(Message.by_author.query(author_id))


def delete_messages(session_id: str, message_ids: list[str]) -> None:
    with Message.batch_write() as batch:
        for message_id in message_ids:
            batch.delete(Message(session_id, message_id))


# --- participants -----------------------------------------------------------------------------


def create_participant(participant: Participant) -> None:
    if not _put_new(participant, Participant.pseudonym_key.does_not_exist()):
        raise Conflict(participant.pseudonym_key)


def find_participant(pseudonym_key: str) -> Participant | None:
    return _get(Participant, pseudonym_key, consistent=True)


def set_followed(participant: Participant, group_ids: list[str]) -> None:
    participant.update(actions=[Participant.followed.set(group_ids)])


def delete_participant(participant: Participant) -> bool:
    """Delete this account; False when the pseudonym meanwhile belongs to another account (or none)."""
    try:
        participant.delete(condition=Participant.participant_id == participant.participant_id)
    except DeleteError as error:
        if _is_conditional(error):
            return False
        raise
    return True


def touch_participant(participant: Participant, seen: datetime, delete_after: datetime) -> None:
    """Note a log-in: the account's deletion for disuse moves to ``delete_after``."""
    participant.update(
        actions=[
            Participant.last_seen_at.set(seen),
            Participant.idle_bucket.set(IDLE),
            Participant.delete_after.set(delete_after),
            Participant.expires_at.set(delete_after + ACCOUNT_TTL_MARGIN),
        ]
    )


def unused_accounts(now: datetime, limit: int) -> list[str]:
    """The pseudonym keys of accounts whose time is up, oldest first: reads only those."""
    return [p.pseudonym_key for p in Participant.unused.query(IDLE, Participant.delete_after <= now, limit=limit)]


def set_password(participant: Participant, password_hash: str, expected: str) -> bool:
    """Replace the password hash unless it changed meanwhile (a rehash racing a change of password)."""
    return _update_if(
        participant, [Participant.password_hash.set(password_hash)], Participant.password_hash == expected
    )


def replace_credentials(
    participant: Participant, expected_recovery: str, *, password_hash: str | None = None, recovery_hash: str
) -> bool:
    """A new recovery code (and password): the old code is spent exactly once, even by two at a time."""
    actions: list[Action] = [Participant.recovery_hash.set(recovery_hash)]
    if password_hash is not None:
        actions.append(Participant.password_hash.set(password_hash))
    return _update_if(participant, actions, Participant.recovery_hash == expected_recovery)


# --- mentors ----------------------------------------------------------------------------------


def find_mentor(username_key: str) -> Mentor | None:
    return _get(Mentor, username_key, consistent=True)


def create_mentor(mentor: Mentor) -> None:
    if not _put_new(mentor, Mentor.username_key.does_not_exist()):
        raise Conflict(mentor.username_key)


def set_mentor_password(mentor: Mentor, password_hash: str, expected: str) -> bool:
    return _update_if(mentor, [Mentor.password_hash.set(password_hash)], Mentor.password_hash == expected)


def org_mentors(org_id: str) -> list[Mentor]:
    return list(Mentor.by_org.query(org_id))


def deactivate_mentor(mentor: Mentor, expires_at: datetime) -> None:
    """Deactivate; the record goes by TTL when the audit entries naming the mentor have gone."""
    mentor.update(actions=[Mentor.active.set(False), Mentor.expires_at.set(expires_at)])


# --- moderation: each effect written with its audit entry -----------------------------------------


def get_restriction(scope_id: str, subject_id: str) -> Restriction | None:
    return _get(Restriction, scope_id, subject_id, consistent=True)


def restrict(restriction: Restriction, entry: AuditEntry) -> None:
    """A mute or a ban, and its audit entry."""
    _with_audit(lambda transaction: transaction.save(restriction), entry)


def restrictions_of(subject_id: str) -> list[Restriction]:
    """A participant's mutes and bans (keys only)."""
    return list(Restriction.by_subject.query(subject_id))


def delete_restriction(restriction: Restriction) -> None:
    Restriction(restriction.scope_id, restriction.subject_id).delete()


def audit_about(subject_id: str) -> list[AuditEntry]:
    """The audit entries about a participant, whole (the index holds keys only)."""
    keys = list(AuditEntry.by_subject.query(subject_id))
    return [entry for key in keys if (entry := _get(AuditEntry, key.org_id, key.entry_id)) is not None]


def anonymise_audit(entry: AuditEntry, target: str, reason: str) -> None:
    """Keep the action and when; the participant becomes a one-way tag and leaves the index."""
    entry.update(actions=[AuditEntry.target.set(target), AuditEntry.reason.set(reason), AuditEntry.subject_id.remove()])


def add_audit(entry: AuditEntry) -> None:
    entry.save()


def audit_entries(org_id: str, limit: int = 200) -> list[AuditEntry]:
    return list(AuditEntry.query(org_id, scan_index_forward=False, limit=limit))


def remove_message(message: Message, session: Session | None, entry: AuditEntry) -> None:
    """Hide a message (and its pin) for everyone, with the audit entry; ``session`` None for a
    message of a private talk, which is never pinned."""

    def write(transaction: TransactWrite) -> None:
        transaction.update(message, actions=[Message.state.set(REMOVED)])
        if session is not None and session.pinned_message_id == message.message_id:
            transaction.update(session, actions=[Session.pinned_message_id.remove(), Session.pinned_text.remove()])

    _with_audit(write, entry)


def set_topic(session: Session, topic: str, entry: AuditEntry) -> None:
    _with_audit(lambda transaction: transaction.update(session, actions=[Session.topic.set(topic)]), entry)


def set_pin(session: Session, message: Message | None, entry: AuditEntry) -> None:
    actions: list[Action]
    if message is None:
        actions = [Session.pinned_message_id.remove(), Session.pinned_text.remove()]
    else:
        actions = [Session.pinned_message_id.set(message.message_id), Session.pinned_text.set(message.text)]
    _with_audit(lambda transaction: transaction.update(session, actions=actions), entry)


def set_slow_mode(session: Session, seconds: int, entry: AuditEntry) -> None:
    _with_audit(lambda transaction: transaction.update(session, actions=[Session.slow_mode_s.set(seconds)]), entry)


def post_announcement(message: Message, entry: AuditEntry) -> None:
    _with_audit(lambda transaction: transaction.save(message), entry)


# --- reports ----------------------------------------------------------------------------------


def add_report(report: Report) -> None:
    report.save()


def add_report_once(report: Report) -> bool:
    """A report keyed to what it is about (a message, a held-back send): False if it exists."""
    return _put_new(report, Report.report_id.does_not_exist())


def mark_report(report: Report, *, alerted: bool = False, helped: bool = False) -> None:
    actions: list[Action] = []
    if alerted:
        actions.append(Report.alerted.set(True))
    if helped:
        actions.append(Report.helped.set(True))
    if actions:
        report.update(actions=actions)


def claim_report_alert(report: Report) -> bool:
    """Only one caller pushes a report to the mentors' consoles, however many raced to raise it."""
    return _update_if(report, [Report.alerted.set(True)], (Report.alerted == False) | Report.alerted.does_not_exist())  # noqa: E712


def claim_report(report: Report, mentor_name: str, now: datetime) -> bool:
    """ "I'm on it": the first mentor to answer takes the alert; False when someone already did."""
    return _update_if(
        report,
        [Report.claimed_by.set(mentor_name), Report.claimed_at.set(now)],
        Report.claimed_by.does_not_exist(),
    )


def reports_about(author_id: str) -> list[Report]:
    """The reports quoting a participant, whole (the index holds keys only)."""
    keys = list(Report.by_author.query(author_id))
    return [report for key in keys if (report := _get(Report, key.org_id, key.report_id)) is not None]


def anonymise_report(report: Report, tag: str, reason: str, note: str | None) -> None:
    """Keep that something was reported, and what was done; drop the text and who wrote it."""
    actions: list[Action] = [
        Report.excerpt.set(""),
        Report.pseudonym.set(tag),
        Report.reason.set(reason),
        Report.author_id.remove(),
    ]
    if note is not None:
        actions.append(Report.note.set(note))
    report.update(actions=actions)


def get_report(org_id: str, report_id: str) -> Report | None:
    return _get(Report, org_id, report_id, consistent=True)


def open_reports(org_id: str, limit: int = 200) -> list[Report]:
    """High priority first, then oldest first: the order a mentor should work through them."""
    return list(Report.open_queue.query(org_id, limit=limit))


def recent_reports(org_id: str, limit: int = 100) -> list[Report]:
    return list(Report.query(org_id, scan_index_forward=False, limit=limit))


def resolve_report(report: Report, mentor_id: str, note: str, now: datetime, entry: AuditEntry) -> bool:
    """Resolve an open report with its audit entry; False when someone resolved it meanwhile."""
    actions = [
        Report.status.set("resolved"),
        Report.resolved_by.set(mentor_id),
        Report.resolved_at.set(now),
        Report.note.set(note),
        Report.open_org.remove(),
        Report.queue_key.remove(),
    ]
    return _with_audit_if(
        lambda transaction: transaction.update(report, actions=actions, condition=Report.status == "open"), entry
    )


# --- throttles: atomic counts, turns and marks (chalicelib.abuse) ----------------------------------


def get_throttle(key: str) -> Throttle | None:
    return _get(Throttle, key, consistent=True)


def count_hit(key: str, limit: int, expires_at: datetime) -> int | None:
    """Count one event unless ``limit`` are counted already: the new count, or None when full.

    One conditional ``ADD``: concurrent callers are each counted exactly once, and no more than
    ``limit`` of them are let through, however many arrive at the same instant.
    """
    item = Throttle(key)
    try:
        item.update(
            actions=[Throttle.hits.add(1), Throttle.expires_at.set(expires_at)],
            condition=Throttle.hits.does_not_exist() | (Throttle.hits < limit),
        )
    except UpdateError as error:
        if _is_conditional(error):
            return None
        raise
    return int(item.hits or 0)


def uncount(key: str) -> None:
    """Give back one counted event (an attempt that turned out not to count, e.g. the right password)."""
    _update_if(Throttle(key), [Throttle.hits.add(-1)], Throttle.hits > 0)


def take_turn(key: str, free: int, now: datetime, next_turn: datetime, expires_at: datetime) -> Throttle | None:
    """Count an attempt on a name; past ``free`` attempts, only one per turn: the item, or None to wait.

    Every counted attempt moves the next turn to ``next_turn``; once ``free`` attempts are counted,
    an attempt before that instant is refused without being counted.
    """
    item = Throttle(key)
    condition = Throttle.hits.does_not_exist() | (Throttle.hits < free) | (Throttle.not_before <= now)
    actions = [Throttle.hits.add(1), Throttle.not_before.set(next_turn), Throttle.expires_at.set(expires_at)]
    return item if _update_if(item, actions, condition) else None


def claim_mark(key: str, expires_at: datetime) -> bool:
    """A one-time mark (a proof of work spent, a message reported): True for the first caller only."""
    return _put_new(Throttle(key, expires_at=expires_at), Throttle.throttle_key.does_not_exist())


def save_state(key: str, state: str, expected: str | None, expires_at: datetime) -> bool:
    """Replace a small JSON state if nobody changed it since it was read as ``expected``.

    False when another writer came first (another tab of the same participant): read and decide again.
    """
    item = Throttle(key)
    condition = Throttle.state.does_not_exist() if expected is None else Throttle.state == expected
    return _update_if(item, [Throttle.state.set(state), Throttle.expires_at.set(expires_at)], condition)


# --- admission: members, the waiting room, the lock ------------------------------------------------


def get_member(group_id: str, participant_id: str) -> Member | None:
    return _get(Member, group_id, participant_id, consistent=True)


def add_member(member: Member) -> bool:
    """A first membership (came to an open group): False when they were a member already."""
    return _put_new(member, Member.participant_id.does_not_exist())


def save_member(member: Member) -> None:
    member.save()


def memberships_of(participant_id: str) -> list[Member]:
    """A participant's memberships, whole (the index holds keys only)."""
    keys = list(Member.by_participant.query(participant_id))
    return [member for key in keys if (member := _get(Member, key.group_id, key.participant_id)) is not None]


def waiting_of(participant_id: str) -> list[Waiting]:
    """The waiting rooms a participant knocked at (keys only)."""
    return list(Waiting.by_participant.query(participant_id))


def forget_member(participant_id: str) -> None:
    """A deleted account: out of every group it belonged to and every waiting room it knocked at."""
    for member in Member.by_participant.query(participant_id):
        Member(member.group_id, member.participant_id).delete()
    for knock in Waiting.by_participant.query(participant_id):
        Waiting(knock.session_id, knock.participant_id).delete()


def enrol(member: Member, entry: AuditEntry) -> None:
    """A mentor enrols a pseudonym by name (members only), with the audit entry."""
    _with_audit(lambda transaction: transaction.save(member), entry)


def get_waiting(session_id: str, participant_id: str) -> Waiting | None:
    return _get(Waiting, session_id, participant_id, consistent=True)


def add_waiting(waiting: Waiting) -> bool:
    """Into the waiting room; a second knock keeps the first one's place (False)."""
    return _put_new(waiting, Waiting.participant_id.does_not_exist())


def waiting_list(session_id: str) -> list[Waiting]:
    """Who waits to be let in, the longest waiting first."""
    found = Waiting.query(session_id, filter_condition=Waiting.state == WAITING, consistent_read=True)
    return sorted(found, key=lambda waiting: waiting.since)


def remove_waiting(waiting: Waiting) -> None:
    """They left the waiting room themselves (left, or their last socket closed)."""
    try:
        waiting.delete(condition=Waiting.state == WAITING)
    except DeleteError as error:
        if not _is_conditional(error):
            raise


def admit(waiting: Waiting, member: Member, entry: AuditEntry) -> bool:
    """Out of the waiting room and a member of the group, with the audit entry; False when another
    mentor already answered this knock."""

    def write(transaction: TransactWrite) -> None:
        transaction.delete(waiting, condition=Waiting.state == WAITING)
        transaction.save(member)

    return _with_audit_if(write, entry)


def decline(waiting: Waiting, entry: AuditEntry) -> bool:
    return _with_audit_if(
        lambda transaction: transaction.update(
            waiting, actions=[Waiting.state.set(DECLINED)], condition=Waiting.state == WAITING
        ),
        entry,
    )


def set_locked(session: Session, locked: bool, entry: AuditEntry) -> None:
    _with_audit(lambda transaction: transaction.update(session, actions=[Session.locked.set(locked)]), entry)


def set_entry_mode(group: Group, mode: str) -> None:
    group.update(actions=[Group.entry_mode.set(mode)])


# --- the duty roster ------------------------------------------------------------------------------


def set_duty_mentors(group: Group, mentor_ids: list[str]) -> None:
    group.update(actions=[Group.duty_mentors.set(mentor_ids)])


def get_duty(group_id: str, meeting: str) -> Duty | None:
    return _get(Duty, group_id, meeting, consistent=True)


def duties(group_id: str, first: str, last: str) -> list[Duty]:
    """The group's roster changes for meetings between two occurrence keys (they sort by time)."""
    return list(Duty.query(group_id, Duty.meeting.between(first, last)))


def save_duty(duty: Duty, entry: AuditEntry | None = None) -> None:
    """One meeting's roster change (a swap, someone who cannot come), audited when a mentor did it."""
    if entry is None:
        duty.save()
        return
    _with_audit(lambda transaction: transaction.save(duty), entry)


def delete_duty(duty: Duty) -> None:
    duty.delete()


# --- handover between mentors: notes per pseudonym and group, the session's summary ---------------


def get_note(group_id: str, participant_id: str) -> Note | None:
    return _get(Note, group_id, participant_id, consistent=True)


def group_notes(group_id: str) -> list[Note]:
    """Every note of a group (one per pseudonym a mentor wrote about): one query."""
    return list(Note.query(group_id, consistent_read=True))


def write_note(note: Note, expected_version: int, entry: AuditEntry) -> bool:
    """Store a note if it is still at ``expected_version`` (0: there is none yet), with its audit
    entry; False when another mentor wrote it meanwhile (then nothing was written)."""
    condition = Note.participant_id.does_not_exist() if expected_version == 0 else Note.version == expected_version
    return _with_audit_if(lambda transaction: transaction.save(note, condition=condition), entry)


def delete_note(note: Note, expected_version: int, entry: AuditEntry) -> bool:
    """Delete a note unless another mentor changed it since ``expected_version``, with the audit entry."""
    return _with_audit_if(
        lambda transaction: transaction.delete(note, condition=Note.version == expected_version), entry
    )


def notes_of(participant_id: str) -> list[Note]:
    """The notes about a participant, whole (the index holds keys only)."""
    keys = list(Note.by_participant.query(participant_id))
    return [note for key in keys if (note := _get(Note, key.group_id, key.participant_id)) is not None]


def forget_notes(participant_id: str) -> int:
    """A deleted account: every note about it goes. Safe to repeat; returns how many were found."""
    keys = list(Note.by_participant.query(participant_id))
    for key in keys:
        Note(key.group_id, key.participant_id).delete()
    return len(keys)


def session_reports(org_id: str, session_id: str, starts_at: datetime, ends_at: datetime) -> list[Report]:
    """The reports and flags of one session: report ids are ULIDs of when the message was written,
    so the organisation's reports between the session's start and end (one query, no scan)."""
    low = str(ULID.from_datetime(starts_at))[:10] + "0" * 16
    high = str(ULID.from_datetime(ends_at + timedelta(minutes=5)))[:10] + "Z" * 16
    found = Report.query(org_id, Report.report_id.between(low, high), filter_condition=Report.session_id == session_id)
    return list(found)


def save_summary(session: Session, summary: str) -> bool:
    """Write the session's handover summary once: False when an earlier try already wrote it."""
    return _update_if(session, [Session.summary.set(summary)], Session.summary.does_not_exist())


# --- private talks: a teen and a mentor, beside the group ---------------------------------------


def get_talk(talk_id: str) -> Talk | None:
    if talk_id.startswith(TEEN_GUARD):
        return None  # a guard is no talk, whatever a client sends
    return _get(Talk, talk_id, consistent=True)


def talk_guard(participant_id: str) -> Talk | None:
    """The teen's guard: ``current`` names their talk that is not over (if any)."""
    return _get(Talk, TEEN_GUARD + participant_id, consistent=True)


def start_talk(talk: Talk) -> bool:
    """A new talk (asked for, or an invitation) and the teen's guard, in one transaction: False when
    the guard is taken, i.e. the teen has a talk that is not over (two tabs asking at once make one)."""
    guard = Talk(
        TEEN_GUARD + (talk.participant_id or ""),
        participant_id=talk.participant_id,
        current=talk.talk_id,
        expires_at=talk.expires_at,
    )
    try:
        with TransactWrite(connection=_dynamo()) as transaction:
            transaction.save(talk, condition=Talk.talk_id.does_not_exist())
            transaction.save(guard, condition=Talk.talk_id.does_not_exist())
    except TransactWriteError as error:
        if _cancelled_by_condition(error):
            return False
        raise
    return True


def free_guard(participant_id: str, talk_id: str) -> bool:
    """Release a guard left by a talk that is over (its session closed before the tick ended it)."""
    try:
        Talk(TEEN_GUARD + participant_id).delete(condition=Talk.current == talk_id)
    except DeleteError as error:
        if _is_conditional(error):
            return False
        raise
    return True


def open_talk(talk: Talk, expected: str, mentor_id: str, mentor_name: str, now: datetime, entry: AuditEntry) -> bool:
    """requested/invited -> open, with its audit entry: exactly once (False: someone else answered,
    or it ended), and a failure leaves neither a half-open talk nor the entry."""
    actions = [
        Talk.state.set(TALKING),
        Talk.mentor_id.set(mentor_id),
        Talk.mentor_name.set(mentor_name),
        Talk.opened_at.set(now),
    ]
    return _with_audit_if(
        lambda transaction: transaction.update(talk, actions=actions, condition=Talk.state == expected), entry
    )


def end_talk(talk: Talk, ended_by: str, now: datetime, entry: AuditEntry | None) -> bool:
    """Any state but ended -> ended, the teen's guard freed, and the audit entry (when a mentor was
    in it), in one transaction; False when it had ended already (the other side, or the tick)."""
    actions: list[Action] = [Talk.state.set(ENDED), Talk.ended_by.set(ended_by), Talk.ended_at.set(now)]
    guard = Talk(TEEN_GUARD + (talk.participant_id or ""))
    try:
        with TransactWrite(connection=_dynamo()) as transaction:
            transaction.update(talk, actions=actions, condition=Talk.state.exists() & (Talk.state != ENDED))
            # Unconditional: while this talk is not over no other can hold the guard, and a second
            # end of it is cancelled by the condition above, leaving a newer talk's guard alone.
            transaction.delete(guard)
            if entry is not None:
                transaction.save(entry)
    except TransactWriteError as error:
        if _cancelled_by_condition(error):
            return False
        raise
    talk.state, talk.ended_by, talk.ended_at = ENDED, ended_by, now
    return True


def session_talks(session_id: str) -> list[Talk]:
    """A session's talks, by index (the close ends those still going)."""
    return list(Talk.by_session.query(session_id))


def talks_of(participant_id: str) -> list[Talk]:
    """A teen's talks, whole (the index holds keys only; the guard is left out)."""
    keys = Talk.by_participant.query(participant_id)
    return [talk for key in keys if (talk := get_talk(key.talk_id)) is not None]


def forget_talks(participant_id: str) -> None:
    """A deleted account: its talks and its guard go (their messages go with the teen's messages)."""
    for key in Talk.by_participant.query(participant_id):
        Talk(key.talk_id).delete()


# --- check-in and check-out ---------------------------------------------------------------------

CHECKIN_WRITE_TRIES = 4


def get_checkin(session_id: str, answer_key: str) -> Checkin | None:
    return _get(Checkin, session_id, answer_key, consistent=True)


def record_checkin(session: Session, answer_key: str, field: str, mood: int, expires_at: datetime) -> bool:
    """A teen's answer (``field``: ``checkin`` or ``checkout``), replacing their earlier one, and the
    session's count per step, in one transaction that holds only while the session is open.

    The answer item is updated only if it still holds what was read (another tab may have answered
    meanwhile: read again and retry), so one person counts once however often they click. False
    when the session is no longer open; nothing was written then.
    """
    answer = getattr(Checkin, field)
    for _ in range(CHECKIN_WRITE_TRIES):
        found = get_checkin(session.session_id, answer_key)
        before = getattr(found, field) if found is not None else None
        if before is not None and int(before) == mood:
            return reload_session(session).status == OPEN  # the same answer again changes nothing
        counts = [getattr(Session, f"{field}_{mood}").add(1)]
        if before is not None:
            counts.append(getattr(Session, f"{field}_{int(before)}").add(-1))
        item = found or Checkin(session.session_id, answer_key, expires_at=expires_at)
        try:
            with TransactWrite(connection=_dynamo()) as transaction:
                transaction.update(
                    item,
                    actions=[answer.set(mood), Checkin.expires_at.set(expires_at)],
                    condition=answer.does_not_exist() if before is None else answer == before,
                )
                transaction.update(session, actions=counts, condition=Session.status == OPEN)
        except TransactWriteError as error:
            reasons = getattr(error, "cancellation_reasons", None) or []
            if len(reasons) > 1 and reasons[1] is not None and reasons[1].code == "ConditionalCheckFailed":
                return False  # the session closed
            if not _cancelled_by_condition(error):
                raise
            continue  # another tab answered meanwhile: read again
        reload_session(session)
        return True
    raise Conflict("check-in kept changing")


# --- rounds -------------------------------------------------------------------------------------


def get_round(session_id: str) -> Round | None:
    return _get(Round, session_id, consistent=True)


def start_round(item: Round) -> bool:
    """A new round, unless one is running in the session: a mentor's double click starts one."""
    return _put_new(item, Round.session_id.does_not_exist() | (Round.state == ROUND_ENDED))


def replace_round(item: Round) -> bool:
    """Store a changed round if nobody changed it since it was read (its version): an answer, a
    pass, a time-out and a mentor's skip racing for one turn move it once. False: reread."""
    expected = int(item.version)
    item.version = expected + 1
    if _put_new(item, Round.version == expected):
        return True
    item.version = expected
    return False


def rounds_due(now: datetime, limit: int = 100) -> list[Round]:
    """Running rounds whose turn has run out (a sparse index): the minute tick moves them on."""
    return list(Round.due.query(PENDING, Round.turn_ends_at <= now, limit=limit))


def delete_round(session_id: str) -> None:
    Round(session_id).delete()


def connections_by_id(connection_ids: list[str]) -> list[Connection]:
    """Whole connection items (with when each connected), a hundred to a request."""
    return list(Connection.batch_get(connection_ids))
