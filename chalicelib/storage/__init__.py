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

from chalicelib.storage.models import (
    ACCOUNT_TTL_MARGIN,
    ALL_MODELS,
    CANCELLED,
    CLOSED,
    CONNECTION_LIFETIME,
    IDLE,
    LISTED,
    OPEN,
    PENDING,
    RECEIPT_LIFETIME,
    REMOVED,
    SCHEDULED,
    SESSION_LIFETIME,
    VISIBLE,
    AuditEntry,
    Connection,
    Group,
    Mentor,
    Message,
    Organisation,
    Participant,
    Report,
    Restriction,
    SendReceipt,
    Session,
    Throttle,
    _dynamo,
    create_tables,
)

__all__ = [
    "ACCOUNT_TTL_MARGIN",
    "ALL_MODELS",
    "CANCELLED",
    "CLOSED",
    "CONNECTION_LIFETIME",
    "IDLE",
    "LISTED",
    "OPEN",
    "PENDING",
    "RECEIPT_LIFETIME",
    "REMOVED",
    "SCHEDULED",
    "SESSION_LIFETIME",
    "VISIBLE",
    "AuditEntry",
    "Conflict",
    "Connection",
    "Group",
    "Mentor",
    "Message",
    "Organisation",
    "Participant",
    "Report",
    "Restriction",
    "SendReceipt",
    "Session",
    "Throttle",
    "add_audit",
    "add_report",
    "add_report_once",
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
    "claim_steps",
    "clear_pin",
    "count_hit",
    "count_messages",
    "create_mentor",
    "create_participant",
    "create_session",
    "create_tables",
    "deactivate_mentor",
    "delete_connection",
    "delete_messages",
    "delete_participant",
    "delete_restriction",
    "due_sessions",
    "enter_session",
    "extend_session",
    "find_mentor",
    "find_participant",
    "get_connection",
    "get_group",
    "get_message",
    "get_organisation",
    "get_receipt",
    "get_report",
    "get_restriction",
    "get_session",
    "get_throttle",
    "group_history",
    "latest_sessions",
    "leave_session",
    "listed_groups",
    "mark_report",
    "messages_after",
    "messages_by",
    "note_attendance",
    "open_reports",
    "open_session",
    "org_groups",
    "org_mentors",
    "post_announcement",
    "post_message",
    "recent_messages",
    "recent_reports",
    "reload_session",
    "remove_message",
    "replace_credentials",
    "reports_about",
    "resolve_report",
    "restrict",
    "restrictions_of",
    "save_connection",
    "save_group",
    "save_message",
    "save_settings",
    "save_state",
    "save_throttle",
    "session_connections",
    "sessions_from",
    "set_connection_ends_at",
    "set_connection_slow_mode",
    "set_followed",
    "set_mentor_password",
    "set_message_count",
    "set_muted",
    "set_password",
    "set_pin",
    "set_slow_mode",
    "set_topic",
    "settle",
    "staff_connections",
    "step_done",
    "take_turn",
    "touch_participant",
    "uncount",
    "unused_accounts",
    "user_connections",
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
    ``flood_per_minute``) to their new values; an empty list of terms removes the attribute.
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


def due_sessions(now: datetime, limit: int = 200) -> list[Session]:
    """Sessions whose next transition (or a step left over) is due at ``now``: reads only what is due."""
    return list(Session.due.query(PENDING, Session.due_at <= now, limit=limit))


def create_session(session: Session) -> bool:
    """Store a session unless one with the same id exists (ids are deterministic per meeting)."""
    return _put_new(session, Session.session_id.does_not_exist())


def open_session(session: Session, now: datetime, next_due: datetime, starts_at: datetime | None = None) -> bool:
    """scheduled -> open, exactly once; the session stays due for its closing warning."""
    actions = [Session.status.set(OPEN), Session.due_at.set(next_due)]
    if starts_at is not None:
        actions.append(Session.starts_at.set(starts_at))
    return _update_if(session, actions, Session.status == SCHEDULED)


def begin_steps(session: Session, condition: Any, sets: list[Any], steps: set[str], now: datetime,
                lease: timedelta) -> bool:
    """A transition that has side effects: change the state and record the steps still to do.

    The session stays due (``due_at`` = now) until every step is done, and the caller holds a
    lease on the steps, so a concurrent tick leaves them alone while this one works.
    """
    actions = [*sets, Session.pending_steps.set(steps), Session.lease_until.set(now + lease), Session.due_at.set(now)]
    return _update_if(session, actions, condition)


def begin_warning(session: Session, steps: set[str], now: datetime, lease: timedelta) -> bool:
    condition = (Session.status == OPEN) & (Session.warned == False) & (Session.ends_at == session.ends_at)  # noqa: E712
    return begin_steps(session, condition, [Session.warned.set(True)], steps, now, lease)


def begin_finish(session: Session, expected: str, status: str, steps: set[str], now: datetime,
                 lease: timedelta) -> bool:
    return begin_steps(session, Session.status == expected, [Session.status.set(status)], steps, now, lease)


def claim_steps(session: Session, now: datetime, lease: timedelta) -> bool:
    """Take over steps a failed or vanished tick left, once its lease has run out."""
    condition = Session.pending_steps.exists() & (
        Session.lease_until.does_not_exist() | (Session.lease_until < now)
    )
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
    condition = Session.pinned_message_id.exists() if message_id is None else (
        Session.pinned_message_id == message_id)
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


def enter_session(connection: Connection, session: Session, org_id: str, retention_days: int,
                  muted_until: datetime | None) -> None:
    connection.update(
        actions=[
            Connection.session_id.set(session.session_id),
            Connection.group_id.set(session.group_id),
            Connection.org_id.set(org_id),
            Connection.session_ends_at.set(session.ends_at),
            Connection.retention_days.set(retention_days),
            Connection.slow_mode_s.set(int(session.slow_mode_s or 0)),
            Connection.muted_until.set(muted_until) if muted_until else Connection.muted_until.remove(),
        ]
    )


def leave_session(connection: Connection) -> None:
    connection.update(
        actions=[Connection.session_id.remove(), Connection.group_id.remove(), Connection.session_ends_at.remove()]
    )


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
    participant.update(actions=[
        Participant.last_seen_at.set(seen),
        Participant.idle_bucket.set(IDLE),
        Participant.delete_after.set(delete_after),
        Participant.expires_at.set(delete_after + ACCOUNT_TTL_MARGIN),
    ])


def unused_accounts(now: datetime, limit: int) -> list[str]:
    """The pseudonym keys of accounts whose time is up, oldest first: reads only those."""
    return [p.pseudonym_key for p in Participant.unused.query(IDLE, Participant.delete_after <= now, limit=limit)]


def set_password(participant: Participant, password_hash: str, expected: str) -> bool:
    """Replace the password hash unless it changed meanwhile (a rehash racing a change of password)."""
    return _update_if(participant, [Participant.password_hash.set(password_hash)],
                      Participant.password_hash == expected)


def replace_credentials(participant: Participant, expected_recovery: str, *, password_hash: str | None = None,
                        recovery_hash: str) -> bool:
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
    entry.update(actions=[AuditEntry.target.set(target), AuditEntry.reason.set(reason),
                          AuditEntry.subject_id.remove()])


def add_audit(entry: AuditEntry) -> None:
    entry.save()


def audit_entries(org_id: str, limit: int = 200) -> list[AuditEntry]:
    return list(AuditEntry.query(org_id, scan_index_forward=False, limit=limit))


def remove_message(message: Message, session: Session, entry: AuditEntry) -> None:
    """Hide a message (and its pin) for everyone, with the audit entry."""

    def write(transaction: TransactWrite) -> None:
        transaction.update(message, actions=[Message.state.set(REMOVED)])
        if session.pinned_message_id == message.message_id:
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
        Report.excerpt.set(""), Report.pseudonym.set(tag), Report.reason.set(reason), Report.author_id.remove(),
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
    try:
        _with_audit(lambda transaction: transaction.update(report, actions=actions,
                                                           condition=Report.status == "open"), entry)
    except TransactWriteError as error:
        if _cancelled_by_condition(error):
            return False
        raise
    return True

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
