"""Storage: every PynamoDB model and every query of the product, in one place.

Each hot path is a key lookup or an index query, never a full-table scan:

* deliver a message: one ``TransactWriteItems`` (message + send receipt) and one query of the
  session's connections (``Connection.by_session``);
* join: one query for the group's latest session (``Session.by_group``), one update of the
  connection, one query for the history;
* catch up: one query of the session's messages after an id.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable, Iterator

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    TTLAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection as DynamoConnection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.config import settings

_SETTINGS = settings()

CONNECTION_LIFETIME = timedelta(hours=2)  # API Gateway's longest WebSocket connection
RECEIPT_LIFETIME = timedelta(days=1)


class _Meta:
    region = _SETTINGS.region
    host = _SETTINGS.dynamodb_endpoint
    billing_mode = "PAY_PER_REQUEST"


def _meta(name: str) -> type:
    return type("Meta", (_Meta,), {"table_name": f"{_SETTINGS.table_prefix}{name}"})


# --- organisations and groups -------------------------------------------------------------


class Organisation(Model):
    Meta = _meta("organisations")
    org_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    retention_days = NumberAttribute(default=30)
    extra_crisis_terms = ListAttribute(of=UnicodeAttribute, default=list)
    flood_burst = NumberAttribute(null=True)
    flood_per_minute = NumberAttribute(null=True)


class GroupsByOrg(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)


class GroupCatalogue(GlobalSecondaryIndex):
    """Every listed group under one constant key, so the public list is a query, not a table scan."""

    class Meta:
        index_name = "catalogue"
        projection = AllProjection()

    listed = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)


LISTED = "listed"


class Group(Model):
    Meta = _meta("groups")
    group_id = UnicodeAttribute(hash_key=True)
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    rules = ListAttribute(of=UnicodeAttribute, default=list)
    listed = UnicodeAttribute(null=True, default=LISTED)
    capacity = NumberAttribute(default=15)
    # The weekly schedule (see chalicelib.sessions.calendar).
    weekday = NumberAttribute(default=6)
    start_time = UnicodeAttribute(default="19:00")
    duration_minutes = NumberAttribute(default=90)
    tz = UnicodeAttribute(default="Europe/Copenhagen")
    first_date = UnicodeAttribute(null=True)
    meetings = NumberAttribute(null=True)
    cancelled = UnicodeSetAttribute(null=True)

    by_org = GroupsByOrg()
    catalogue = GroupCatalogue()


# --- sessions -------------------------------------------------------------------------------


class SessionsByGroup(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_group"
        projection = AllProjection()

    group_id = UnicodeAttribute(hash_key=True)
    starts_at = UTCDateTimeAttribute(range_key=True)


class SessionsDue(GlobalSecondaryIndex):
    """Sessions that still have a transition ahead, by when it is due (sparse: closed ones leave)."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)
    due_at = UTCDateTimeAttribute(range_key=True)


SCHEDULED, OPEN, CLOSED, CANCELLED = "scheduled", "open", "closed", "cancelled"
PENDING = "pending"


class Session(Model):
    Meta = _meta("sessions")
    session_id = UnicodeAttribute(hash_key=True)
    group_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    starts_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default=SCHEDULED)
    topic = UnicodeAttribute(default="")
    pinned_message_id = UnicodeAttribute(null=True)
    pinned_text = UnicodeAttribute(null=True)
    slow_mode_s = NumberAttribute(default=0)
    # For the organisation's figures: who came (participant ids, never shown) and how much was said.
    attendees = UnicodeSetAttribute(null=True)
    message_count = NumberAttribute(null=True)
    warned = BooleanAttribute(default=False)
    due_bucket = UnicodeAttribute(null=True)
    due_at = UTCDateTimeAttribute(null=True)

    by_group = SessionsByGroup()
    due = SessionsDue()


# --- people and connections -----------------------------------------------------------------


class Participant(Model):
    """An anonymous account: nothing but the pseudonym and two slow hashes."""

    Meta = _meta("participants")
    pseudonym_key = UnicodeAttribute(hash_key=True)
    participant_id = UnicodeAttribute()
    pseudonym = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    recovery_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    followed = ListAttribute(of=UnicodeAttribute, default=list)


class ConnectionsBySession(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_session"
        projection = AllProjection()

    session_id = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True)


class Connection(Model):
    """One live WebSocket. Expires by TTL because ``$disconnect`` is best effort."""

    Meta = _meta("connections")
    connection_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    pseudonym = UnicodeAttribute()
    role = UnicodeAttribute()
    org_id = UnicodeAttribute(null=True)
    session_id = UnicodeAttribute(null=True)
    group_id = UnicodeAttribute(null=True)
    session_ends_at = UTCDateTimeAttribute(null=True)
    retention_days = NumberAttribute(null=True)
    muted_until = UTCDateTimeAttribute(null=True)
    slow_mode_s = NumberAttribute(null=True)
    lang = UnicodeAttribute(default="da")
    flood = UnicodeAttribute(null=True)  # the flood-control state, JSON
    api_id = UnicodeAttribute()
    stage = UnicodeAttribute()
    connected_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()

    by_session = ConnectionsBySession()


# --- messages ---------------------------------------------------------------------------------

VISIBLE, REMOVED = "visible", "removed"


class MessagesByAuthor(GlobalSecondaryIndex):
    """So a participant who deletes their account takes everything they wrote with them."""

    class Meta:
        index_name = "by_author"
        projection = KeysOnlyProjection()

    author_id = UnicodeAttribute(hash_key=True)
    message_id = UnicodeAttribute(range_key=True)


class Message(Model):
    Meta = _meta("messages")
    session_id = UnicodeAttribute(hash_key=True)
    message_id = UnicodeAttribute(range_key=True)  # a ULID: sorts by time
    author_id = UnicodeAttribute()
    pseudonym = UnicodeAttribute()
    role = UnicodeAttribute()
    text = UnicodeAttribute()
    client_id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(default="chat")  # chat | announcement
    state = UnicodeAttribute(default=VISIBLE)
    expires_at = TTLAttribute(null=True)

    by_author = MessagesByAuthor()


class SendReceipt(Model):
    """Makes a retried send idempotent: one receipt per (session, author, client id)."""

    Meta = _meta("receipts")
    receipt_key = UnicodeAttribute(hash_key=True)
    message_id = UnicodeAttribute()
    expires_at = TTLAttribute()


# --- mentors and moderation -------------------------------------------------------------------


class MentorsByOrg(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_id = UnicodeAttribute(hash_key=True)
    username_key = UnicodeAttribute(range_key=True)


class Mentor(Model):
    """A trained volunteer (role ``mentor``) or an organisation admin (role ``admin``)."""

    Meta = _meta("mentors")
    username_key = UnicodeAttribute(hash_key=True)
    mentor_id = UnicodeAttribute()
    username = UnicodeAttribute()
    display_name = UnicodeAttribute()
    org_id = UnicodeAttribute()
    role = UnicodeAttribute(default="mentor")
    password_hash = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()

    by_org = MentorsByOrg()


class LoginThrottle(Model):
    """Failed log-ins per name (known or not), so guessing is slow and reveals nothing."""

    Meta = _meta("throttles")
    throttle_key = UnicodeAttribute(hash_key=True)
    failures = NumberAttribute(default=0)
    window_start = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class Restriction(Model):
    """A mute (scope: a session) or a ban (scope: a group) of one participant."""

    Meta = _meta("restrictions")
    scope_id = UnicodeAttribute(hash_key=True)  # "session#<id>" or "group#<id>"
    subject_id = UnicodeAttribute(range_key=True)  # the participant's id
    kind = UnicodeAttribute()
    until = UTCDateTimeAttribute(null=True)  # None: for good
    reason = UnicodeAttribute(default="")
    mentor_id = UnicodeAttribute()
    expires_at = TTLAttribute(null=True)


class AuditEntry(Model):
    """Every mentor action, per organisation, newest last (ids are ULIDs)."""

    Meta = _meta("audit")
    org_id = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)
    at = UTCDateTimeAttribute()
    mentor_id = UnicodeAttribute()
    mentor_name = UnicodeAttribute()
    action = UnicodeAttribute()
    target = UnicodeAttribute(default="")
    reason = UnicodeAttribute(default="")
    session_id = UnicodeAttribute(null=True)
    group_id = UnicodeAttribute(null=True)


class OpenReports(GlobalSecondaryIndex):
    """Sparse: only open reports, high priority first (``queue_key`` starts with 0 or 1)."""

    class Meta:
        index_name = "open_queue"
        projection = AllProjection()

    open_org = UnicodeAttribute(hash_key=True)
    queue_key = UnicodeAttribute(range_key=True)


class Report(Model):
    """A teen's report of a message, or an automatic flag (crisis wording, a held-back message)."""

    Meta = _meta("reports")
    org_id = UnicodeAttribute(hash_key=True)
    report_id = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()  # report | crisis | held_back
    priority = UnicodeAttribute()  # high | normal
    session_id = UnicodeAttribute()
    group_id = UnicodeAttribute()
    message_id = UnicodeAttribute(null=True)
    pseudonym = UnicodeAttribute(default="")
    excerpt = UnicodeAttribute(default="")
    reason = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="open")
    created_at = UTCDateTimeAttribute()
    resolved_by = UnicodeAttribute(null=True)
    resolved_at = UTCDateTimeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    open_org = UnicodeAttribute(null=True)
    queue_key = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)

    open_queue = OpenReports()


ALL_MODELS: tuple[type[Model], ...] = (
    Organisation,
    Group,
    Session,
    Participant,
    Connection,
    Message,
    SendReceipt,
    Mentor,
    LoginThrottle,
    Restriction,
    AuditEntry,
    Report,
)


def create_tables() -> None:
    """Create any missing table (tests and the local stack; AWS tables come from infra/)."""
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True)


def _dynamo() -> DynamoConnection:
    return DynamoConnection(region=_SETTINGS.region, host=_SETTINGS.dynamodb_endpoint)


# --- queries ------------------------------------------------------------------------------------


def _get(model: type[Model], hash_key: str, range_key: str | None = None, consistent: bool = False) -> Any:
    """One item by its key, or None."""
    try:
        return model.get(hash_key, range_key, consistent_read=consistent)
    except DoesNotExist:
        return None


class Conflict(Exception):
    """A conditional write lost: the thing already exists or already changed."""


def create_participant(participant: Participant) -> None:
    try:
        participant.save(condition=Participant.pseudonym_key.does_not_exist())
    except PutError as error:
        if _is_conditional(error):
            raise Conflict(participant.pseudonym_key) from error
        raise


def find_participant(pseudonym_key: str) -> Participant | None:
    return _get(Participant, pseudonym_key, consistent=True)


def get_group(group_id: str) -> Group | None:
    return _get(Group, group_id)


def listed_groups() -> list[Group]:
    return list(Group.catalogue.query(LISTED))


def get_organisation(org_id: str) -> Organisation | None:
    return _get(Organisation, org_id)


def get_session(session_id: str) -> Session | None:
    return _get(Session, session_id, consistent=True)


def latest_sessions(group_id: str, now: datetime, limit: int = 2) -> list[Session]:
    """The group's sessions that started at or before ``now``, newest first."""
    return list(
        Session.by_group.query(
            group_id,
            Session.starts_at <= now,
            scan_index_forward=False,
            limit=limit,
        )
    )


def create_session(session: Session) -> bool:
    """Store a session unless one with the same id exists (ids are deterministic per meeting)."""
    try:
        session.save(condition=Session.session_id.does_not_exist())
    except PutError as error:
        if _is_conditional(error):
            return False
        raise
    return True


def transition(session: Session, condition: Any, actions: list[Any]) -> bool:
    """A conditional update: True if this caller made the change, False if someone else did."""
    try:
        session.update(actions=actions, condition=condition)
    except UpdateError as error:
        if _is_conditional(error):
            return False
        raise
    return True


def due_sessions(now: datetime, limit: int = 200) -> list[Session]:
    """Sessions whose next transition is due at ``now``: reads only what is due."""
    return list(
        Session.due.query(PENDING, Session.due_at <= now, limit=limit)
    )


def sessions_from(group_id: str, since: datetime, limit: int = 4) -> list[Session]:
    return list(
        Session.by_group.query(group_id, Session.starts_at >= since, limit=limit)
    )


def save_connection(connection: Connection) -> None:
    connection.save()


def get_connection(connection_id: str) -> Connection | None:
    return _get(Connection, connection_id, consistent=True)


def delete_connection(connection_id: str) -> None:
    Connection(connection_id).delete()


def session_connections(session_id: str) -> list[Connection]:
    return list(Connection.by_session.query(session_id))


def post_message(message: Message, receipt: SendReceipt, sender: Connection | None = None,
                 flood_state: str | None = None) -> bool:
    """Store the message once, with the sender's new flood-control state, in one request.

    False when the receipt already existed (a retried send): then nothing is written.
    """
    try:
        with TransactWrite(connection=_dynamo()) as transaction:
            transaction.save(receipt, condition=SendReceipt.receipt_key.does_not_exist())
            transaction.save(message)
            if sender is not None and flood_state is not None:
                transaction.update(sender, actions=[Connection.flood.set(flood_state)])
    except TransactWriteError as error:
        reasons = getattr(error, "cancellation_reasons", None) or []
        if any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons):
            return False
        raise
    return True


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
    return list(
        _take(
            Message.query(
                session_id,
                Message.message_id > after_id,
                filter_condition=Message.state == VISIBLE,
                limit=limit,
                consistent_read=True,
            ),
            limit,
        )
    )


def _take(items: Iterable[Message], limit: int) -> Iterator[Message]:
    for index, item in enumerate(items):
        if index >= limit:
            return
        yield item


def _is_conditional(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def org_groups(org_id: str) -> list[Group]:
    return list(Group.by_org.query(org_id))


# --- mentors ----------------------------------------------------------------------------------


def find_mentor(username_key: str) -> Mentor | None:
    return _get(Mentor, username_key, consistent=True)


def create_mentor(mentor: Mentor) -> None:
    try:
        mentor.save(condition=Mentor.username_key.does_not_exist())
    except PutError as error:
        if _is_conditional(error):
            raise Conflict(mentor.username_key) from error
        raise


def org_mentors(org_id: str) -> list[Mentor]:
    return list(Mentor.by_org.query(org_id))


def get_throttle(key: str) -> LoginThrottle | None:
    return _get(LoginThrottle, key, consistent=True)


def save_throttle(throttle: LoginThrottle) -> None:
    throttle.save()


def clear_throttle(key: str) -> None:
    LoginThrottle(key).delete()


# --- restrictions, audit, reports ------------------------------------------------------------------


def get_restriction(scope_id: str, subject_id: str) -> Restriction | None:
    return _get(Restriction, scope_id, subject_id, consistent=True)


def save_restriction(restriction: Restriction) -> None:
    restriction.save()


def add_audit(entry: AuditEntry) -> None:
    entry.save()


def audit_entries(org_id: str, limit: int = 200) -> list[AuditEntry]:
    return list(AuditEntry.query(org_id, scan_index_forward=False, limit=limit))


def add_report(report: Report) -> None:
    report.save()


def get_report(org_id: str, report_id: str) -> Report | None:
    return _get(Report, org_id, report_id, consistent=True)


def open_reports(org_id: str, limit: int = 200) -> list[Report]:
    """High priority first, then oldest first: the order a mentor should work through them."""
    return list(Report.open_queue.query(org_id, limit=limit))


def recent_reports(org_id: str, limit: int = 100) -> list[Report]:
    return list(Report.query(org_id, scan_index_forward=False, limit=limit))


def resolve_report(report: Report, mentor_id: str, note: str, now: datetime) -> bool:
    try:
        report.update(
            actions=[
                Report.status.set("resolved"),
                Report.resolved_by.set(mentor_id),
                Report.resolved_at.set(now),
                Report.note.set(note),
                Report.open_org.remove(),
                Report.queue_key.remove(),
            ],
            condition=Report.status == "open",
        )
    except UpdateError as error:
        if _is_conditional(error):
            return False
        raise
    return True


# --- figures, following, deleting an account ------------------------------------------------------------


def note_attendance(session: Session, participant_id: str) -> None:
    session.update(actions=[Session.attendees.add({participant_id})])


def count_messages(session_id: str) -> int:
    return Message.count(session_id, filter_condition=Message.state == VISIBLE)


def group_history(group_id: str, until: datetime, limit: int) -> list[Session]:
    """The group's sessions that started before ``until``, newest first."""
    return list(Session.by_group.query(group_id, Session.starts_at < until, scan_index_forward=False, limit=limit))


def messages_by(author_id: str) -> list[Message]:
    return list(Message.by_author.query(author_id))


def delete_messages(session_id: str, message_ids: list[str]) -> None:
    with Message.batch_write() as batch:
        for message_id in message_ids:
            batch.delete(Message(session_id, message_id))


def delete_participant(participant: Participant) -> None:
    participant.delete()
