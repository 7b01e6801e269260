"""The PynamoDB models: every table and index of the product.

Only :mod:`chalicelib.storage` uses them to read and write; the rest of the product gets
items back from its functions (which list the requests of each hot path).
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection as DynamoConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.config import settings

_SETTINGS = settings()

CONNECTION_LIFETIME = timedelta(hours=2)  # API Gateway's longest WebSocket connection
RECEIPT_LIFETIME = timedelta(days=1)
# A session (its attendance tags and counts) is kept for the figures' longest view, a year, and a bit.
SESSION_LIFETIME = timedelta(days=400)
# An unused account is deleted by the tick; should the tick fail, DynamoDB's TTL removes it this much later.
ACCOUNT_TTL_MARGIN = timedelta(days=30)


class _Meta:
    region = _SETTINGS.region
    host = _SETTINGS.dynamodb_endpoint
    billing_mode = "PAY_PER_REQUEST"


def _table(name: str) -> str:
    return f"{_SETTINGS.table_prefix}{name}"


# --- organisations and groups -------------------------------------------------------------


class Organisation(Model):
    class Meta(_Meta):
        table_name = _table("organisations")

    org_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    retention_days = NumberAttribute(null=True)  # None: the stage's RETENTION_DAYS
    # PynamoDB's stubs type a list of strings as a list of attributes.
    extra_crisis_terms: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    flood_burst = NumberAttribute(null=True)
    flood_per_minute = NumberAttribute(null=True)
    inactive_account_months = NumberAttribute(null=True)  # None: the stage's ACCOUNT_INACTIVE_MONTHS


class GroupsByOrg(GlobalSecondaryIndex["Group"]):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)


class GroupCatalogue(GlobalSecondaryIndex["Group"]):
    """Every listed group under one constant key, so the public list is a query, not a table scan."""

    class Meta:
        index_name = "catalogue"
        projection = AllProjection()

    listed = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)


LISTED = "listed"


class Group(Model):
    class Meta(_Meta):
        table_name = _table("groups")

    group_id = UnicodeAttribute(hash_key=True)
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    # PynamoDB's stubs type a list of strings as a list of attributes.
    rules: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
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
    # Who may come in (chalicelib.chat.admission): open | waiting_room | members_only.
    entry_mode = UnicodeAttribute(default="open")
    # The weekly duty roster: the one or two mentors (ids) on duty at every meeting unless a
    # ``Duty`` item changes one meeting.
    duty_mentors: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]

    by_org = GroupsByOrg()
    catalogue = GroupCatalogue()


# --- sessions -------------------------------------------------------------------------------


class SessionsByGroup(GlobalSecondaryIndex["Session"]):
    class Meta:
        index_name = "by_group"
        projection = AllProjection()

    group_id = UnicodeAttribute(hash_key=True)
    starts_at = UTCDateTimeAttribute(range_key=True)


class SessionsDue(GlobalSecondaryIndex["Session"]):
    """Sessions that still have a transition ahead, by when it is due (sparse: closed ones leave)."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)
    due_at = UTCDateTimeAttribute(range_key=True)


class LiveSessions(GlobalSecondaryIndex["Session"]):
    """Sparse: the sessions open now, so the minute tick can look after a mentor's presence."""

    class Meta:
        index_name = "live"
        projection = AllProjection()

    live_bucket = UnicodeAttribute(hash_key=True)
    starts_at = UTCDateTimeAttribute(range_key=True)


SCHEDULED, OPEN, CLOSED, CANCELLED = "scheduled", "open", "closed", "cancelled"
PENDING = "pending"
LIVE = "live"


class Session(Model):
    class Meta(_Meta):
        table_name = _table("sessions")

    session_id = UnicodeAttribute(hash_key=True)
    group_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    starts_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default=SCHEDULED)
    topic = UnicodeAttribute(default="")
    pinned_message_id = UnicodeAttribute(null=True)
    pinned_text = UnicodeAttribute(null=True)  # cleared when the session closes
    slow_mode_s = NumberAttribute(default=0)
    # For the organisation's figures: who came (one-way tags per group, never ids) and how much was said.
    attendees = UnicodeSetAttribute(null=True)
    message_count = NumberAttribute(null=True)
    warned = BooleanAttribute(default=False)
    # A transition's side effects still to do (tell, disconnect, count, plan the next meeting),
    # and who may do them until when: a step that fails is done by a later tick.
    pending_steps = UnicodeSetAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)
    due_bucket = UnicodeAttribute(null=True)
    due_at = UTCDateTimeAttribute(null=True)
    live_bucket = UnicodeAttribute(null=True)  # LIVE while open
    # Admission: a locked session lets nobody new in.
    locked = BooleanAttribute(default=False)
    # A mentor's presence (chalicelib.chat.presence). ``mentor_present``: the room is open (a
    # mentor is here, or the last one left less than the grace period ago: ``mentor_left_at``).
    # The seconds with and without a mentor add up, interval by interval from ``presence_since``,
    # for the organisation's figures.
    mentor_present = BooleanAttribute(default=False)
    mentor_left_at = UTCDateTimeAttribute(null=True)
    mentor_first_at = UTCDateTimeAttribute(null=True)
    presence_since = UTCDateTimeAttribute(null=True)
    with_mentor_s = NumberAttribute(default=0)
    without_mentor_s = NumberAttribute(default=0)
    # Check-in and check-out (chalicelib.chat.checkins): how many answered each step of the
    # five-step scale, never who. Kept with the session for the figures; the answers per person
    # are ``Checkin`` items that go a day after the session.
    checkin_1 = NumberAttribute(null=True)
    checkin_2 = NumberAttribute(null=True)
    checkin_3 = NumberAttribute(null=True)
    checkin_4 = NumberAttribute(null=True)
    checkin_5 = NumberAttribute(null=True)
    checkout_1 = NumberAttribute(null=True)
    checkout_2 = NumberAttribute(null=True)
    checkout_3 = NumberAttribute(null=True)
    checkout_4 = NumberAttribute(null=True)
    checkout_5 = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)  # SESSION_LIFETIME after the end
    # The handover to next week's mentors, written once at the close (chalicelib.sessions.summary):
    # JSON of counts only (attendance, reports, crisis levels, notes written) and the topic.
    summary = UnicodeAttribute(null=True)

    by_group = SessionsByGroup()
    due = SessionsDue()
    live = LiveSessions()


# --- people and connections -----------------------------------------------------------------


class UnusedAccounts(GlobalSecondaryIndex["Participant"]):
    """Every account by when it is to be deleted if nobody logs in, so the tick reads only those due."""

    class Meta:
        index_name = "unused"
        projection = KeysOnlyProjection()

    idle_bucket = UnicodeAttribute(hash_key=True)
    delete_after = UTCDateTimeAttribute(range_key=True)


IDLE = "idle"


class Participant(Model):
    """An anonymous account: the pseudonym, a slow hash of the password, an HMAC of the recovery code."""

    class Meta(_Meta):
        table_name = _table("participants")

    pseudonym_key = UnicodeAttribute(hash_key=True)
    participant_id = UnicodeAttribute()
    pseudonym = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    recovery_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    # PynamoDB's stubs type a list of strings as a list of attributes.
    followed: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    # The last log-in (to the day), and when the account goes if there is no other.
    last_seen_at = UTCDateTimeAttribute(null=True)
    idle_bucket = UnicodeAttribute(null=True)
    delete_after = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute(null=True)  # delete_after + ACCOUNT_TTL_MARGIN: a backstop for the tick

    unused = UnusedAccounts()


# What a room's fan-out and moderation read about each member. (Flood-control state lives with
# the participant in the session, in ``Throttle``, so four tabs share one allowance.)
ROOM_FIELDS = [
    "user_id", "pseudonym", "role", "org_id", "staff_org", "group_id", "session_ends_at", "retention_days",
    "muted_until", "slow_mode_s", "lang", "api_id", "stage",
]  # fmt: skip


class ConnectionsBySession(GlobalSecondaryIndex["Connection"]):
    """A room's members, with what the fan-out and moderation need to know about each."""

    class Meta:
        index_name = "by_session"
        projection = IncludeProjection(ROOM_FIELDS)

    session_id = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True)


class ConnectionsByUser(GlobalSecondaryIndex["Connection"]):
    """A person's sockets, so revoking an account or a ban reaches every open tab."""

    class Meta:
        index_name = "by_user"
        projection = IncludeProjection(["api_id", "stage", "session_id"])

    user_id = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True)


class StaffByOrg(GlobalSecondaryIndex["Connection"]):
    """Sparse: the organisation's connected mentors, in a session or not, for crisis alerts."""

    class Meta:
        index_name = "by_staff"
        projection = AllProjection()

    staff_org = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True)


class Connection(Model):
    """One live WebSocket. Expires by TTL because ``$disconnect`` is best effort."""

    class Meta(_Meta):
        table_name = _table("connections")

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
    api_id = UnicodeAttribute()
    stage = UnicodeAttribute()
    connected_at = UTCDateTimeAttribute()
    staff_org = UnicodeAttribute(null=True)  # set for mentors and admins only
    # A mentor's heartbeat (their pings): a mentor not seen for a while has vanished, even when
    # ``$disconnect`` never came. Set on staff sockets only, so teens' pings cost no write.
    seen_at = UTCDateTimeAttribute(null=True)
    # A newcomer in a session's waiting room: not in the room (no ``session_id``) until admitted.
    waiting_for = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()

    by_session = ConnectionsBySession()
    by_user = ConnectionsByUser()
    by_staff = StaffByOrg()


# --- messages ---------------------------------------------------------------------------------

VISIBLE, REMOVED = "visible", "removed"


class MessagesByAuthor(GlobalSecondaryIndex["Message"]):
    """So a participant who deletes their account takes everything they wrote with them."""

    class Meta:
        index_name = "by_author"
        projection = KeysOnlyProjection()

    author_id = UnicodeAttribute(hash_key=True)
    message_id = UnicodeAttribute(range_key=True)


class Message(Model):
    class Meta(_Meta):
        table_name = _table("messages")

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

    class Meta(_Meta):
        table_name = _table("receipts")

    receipt_key = UnicodeAttribute(hash_key=True)
    message_id = UnicodeAttribute()
    expires_at = TTLAttribute()


# --- check-in and check-out, rounds ------------------------------------------------------------

# The answers per person go a day after their session ends (the session keeps the counts).
CHECKIN_LIFETIME = timedelta(days=1)


class Checkin(Model):
    """One teen's check-in and check-out in one session: one item, so a second answer replaces the
    first. Keyed by a one-way tag of the session and the participant, never the id or the name."""

    class Meta(_Meta):
        table_name = _table("checkins")

    session_id = UnicodeAttribute(hash_key=True)
    answer_key = UnicodeAttribute(range_key=True)  # accounts.tags.checkin_tag
    checkin = NumberAttribute(null=True)  # 1-5
    checkout = NumberAttribute(null=True)  # 1-5
    expires_at = TTLAttribute()  # CHECKIN_LIFETIME after the session's end


class RoundsDue(GlobalSecondaryIndex["Round"]):
    """Sparse: running rounds by when their turn runs out, so the minute tick reads only those due."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)
    turn_ends_at = UTCDateTimeAttribute(range_key=True)


ROUND_RUNNING, ROUND_ENDED = "running", "ended"


class Round(Model):
    """A mentor's round in one session (chalicelib.chat.rounds): one item per session, replaced by
    the next round and deleted when the session closes. ``turns`` is JSON: in the order the teens
    joined, each one's one-way tag, pseudonym and how their turn went."""

    class Meta(_Meta):
        table_name = _table("rounds")

    session_id = UnicodeAttribute(hash_key=True)
    round_id = UnicodeAttribute()  # a ULID
    question = UnicodeAttribute()
    asked_by = UnicodeAttribute()  # the mentor's display name
    state = UnicodeAttribute(default=ROUND_RUNNING)  # running | ended
    ended_by = UnicodeAttribute(null=True)  # done | mentor | closed
    turns = UnicodeAttribute()
    turn = NumberAttribute(default=0)
    version = NumberAttribute(default=0)  # every change is conditional on the version it read
    due_bucket = UnicodeAttribute(null=True)  # PENDING while running
    turn_ends_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute()  # a day after the session's end, should the close not delete it

    due = RoundsDue()


# --- admission and the duty roster -------------------------------------------------------------

ADMITTED, ENROLLED, CAME = "admitted", "enrolled", "came"
WAITING, DECLINED = "waiting", "declined"


class MembersByParticipant(GlobalSecondaryIndex["Member"]):
    """A participant's memberships, so deleting the account deletes them (and the export lists them)."""

    class Meta:
        index_name = "by_participant"
        projection = KeysOnlyProjection()

    participant_id = UnicodeAttribute(hash_key=True)
    group_id = UnicodeAttribute(range_key=True)


class Member(Model):
    """A pseudonym that belongs to a group: admitted from its waiting room, enrolled by a mentor,
    or came to it while it was open. Members walk straight in; holds ids only, no name."""

    class Meta(_Meta):
        table_name = _table("members")

    group_id = UnicodeAttribute(hash_key=True)
    participant_id = UnicodeAttribute(range_key=True)
    via = UnicodeAttribute()  # admitted | enrolled | came
    since = UTCDateTimeAttribute()
    mentor_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)  # a year after the last time they came

    by_participant = MembersByParticipant()


class WaitingByParticipant(GlobalSecondaryIndex["Waiting"]):
    """Where a participant waits (or was declined), so deleting the account deletes it."""

    class Meta:
        index_name = "by_participant"
        projection = KeysOnlyProjection()

    participant_id = UnicodeAttribute(hash_key=True)
    session_id = UnicodeAttribute(range_key=True)


class Waiting(Model):
    """A newcomer in one session's waiting room, until a mentor admits or declines them."""

    class Meta(_Meta):
        table_name = _table("waiting")

    session_id = UnicodeAttribute(hash_key=True)
    participant_id = UnicodeAttribute(range_key=True)
    pseudonym = UnicodeAttribute()
    since = UTCDateTimeAttribute()
    state = UnicodeAttribute(default=WAITING)  # waiting | declined
    expires_at = TTLAttribute()  # a day after the session ends

    by_participant = WaitingByParticipant()


class Duty(Model):
    """One meeting's change to the roster: who is on duty instead of the group's usual mentors,
    and who said they cannot come. The meeting is the occurrence key (UTC start, e.g. 20261203T1800Z)."""

    class Meta(_Meta):
        table_name = _table("duties")

    group_id = UnicodeAttribute(hash_key=True)
    meeting = UnicodeAttribute(range_key=True)
    # PynamoDB's stubs type a list of strings as a list of attributes.
    mentors: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    absent: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    changed_by = UnicodeAttribute()
    changed_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


# --- mentors and moderation -------------------------------------------------------------------


class MentorsByOrg(GlobalSecondaryIndex["Mentor"]):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_id = UnicodeAttribute(hash_key=True)
    username_key = UnicodeAttribute(range_key=True)


class Mentor(Model):
    """A trained volunteer (role ``mentor``) or an organisation admin (role ``admin``)."""

    class Meta(_Meta):
        table_name = _table("mentors")

    username_key = UnicodeAttribute(hash_key=True)
    mentor_id = UnicodeAttribute()
    username = UnicodeAttribute()
    display_name = UnicodeAttribute()
    org_id = UnicodeAttribute()
    role = UnicodeAttribute(default="mentor")
    password_hash = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    # Set when deactivated: the record stays as long as the audit entries that name the mentor.
    expires_at = TTLAttribute(null=True)

    by_org = MentorsByOrg()


class Throttle(Model):
    """Short-lived counts and marks that make abuse cheap to refuse (see :mod:`chalicelib.abuse`).

    The key names what is counted and in which window: attempts in a fixed window
    (``hits``), a name's next free turn when it is being guessed (``not_before``), a one-time
    mark (a used proof of work, one report of a message), or a participant's flood-control
    state in one session (``state``). A device appears only as a salted hash whose salt changes
    daily, never as its address; every item expires (TTL) shortly after its window.
    """

    class Meta(_Meta):
        table_name = _table("throttles")

    throttle_key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(null=True)
    not_before = UTCDateTimeAttribute(null=True)
    state = UnicodeAttribute(null=True)  # JSON, e.g. the flood-control state
    expires_at = TTLAttribute()


class RestrictionsBySubject(GlobalSecondaryIndex["Restriction"]):
    """A participant's mutes and bans, so deleting the account deletes them."""

    class Meta:
        index_name = "by_subject"
        projection = KeysOnlyProjection()

    subject_id = UnicodeAttribute(hash_key=True)
    scope_id = UnicodeAttribute(range_key=True)


class Restriction(Model):
    """A mute (scope: a session) or a ban (scope: a group) of one participant."""

    class Meta(_Meta):
        table_name = _table("restrictions")

    scope_id = UnicodeAttribute(hash_key=True)  # "session#<id>" or "group#<id>"
    subject_id = UnicodeAttribute(range_key=True)  # the participant's id
    kind = UnicodeAttribute()
    until = UTCDateTimeAttribute(null=True)  # None: for good (as long as the account exists)
    reason = UnicodeAttribute(default="")
    mentor_id = UnicodeAttribute()
    expires_at = TTLAttribute(null=True)

    by_subject = RestrictionsBySubject()


class AuditBySubject(GlobalSecondaryIndex["AuditEntry"]):
    """Sparse: entries about a participant, so deleting the account replaces the pseudonym with a tag."""

    class Meta:
        index_name = "by_subject"
        projection = KeysOnlyProjection()

    subject_id = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)


class AuditEntry(Model):
    """Every mentor action, per organisation, newest last (ids are ULIDs)."""

    class Meta(_Meta):
        table_name = _table("audit")

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
    subject_id = UnicodeAttribute(null=True)  # the participant the action was about, while the account exists
    expires_at = TTLAttribute(null=True)  # AUDIT_RETENTION_DAYS after the action

    by_subject = AuditBySubject()


class ReportsByAuthor(GlobalSecondaryIndex["Report"]):
    """Sparse: reports quoting a participant, so deleting the account strips their text and name."""

    class Meta:
        index_name = "by_author"
        projection = KeysOnlyProjection()

    author_id = UnicodeAttribute(hash_key=True)
    report_id = UnicodeAttribute(range_key=True)


class OpenReports(GlobalSecondaryIndex["Report"]):
    """Sparse: only open reports, most urgent first (``queue_key`` starts with its rank)."""

    class Meta:
        index_name = "open_queue"
        projection = AllProjection()

    open_org = UnicodeAttribute(hash_key=True)
    queue_key = UnicodeAttribute(range_key=True)


class Report(Model):
    """A teen's report of a message, or an automatic flag (crisis wording, a held-back message)."""

    class Meta(_Meta):
        table_name = _table("reports")

    org_id = UnicodeAttribute(hash_key=True)
    report_id = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()  # report | crisis | danger | held_back
    priority = UnicodeAttribute()  # high | normal
    severity = UnicodeAttribute(null=True)  # concern | ideation | plan | acute, for crisis and danger
    claimed_by = UnicodeAttribute(null=True)  # the mentor who answered "I'm on it" (display name)
    claimed_at = UTCDateTimeAttribute(null=True)
    session_id = UnicodeAttribute()
    group_id = UnicodeAttribute()
    message_id = UnicodeAttribute(null=True)
    # The private talk the message was written in (stored under ``talk#<id>``, not the session), or None.
    talk_id = UnicodeAttribute(null=True)
    author_id = UnicodeAttribute(null=True)  # who wrote what is reported, while the account exists
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
    # A crisis report's own steps, so a retried send raises what is still missing, once.
    alerted = BooleanAttribute(default=False)
    helped = BooleanAttribute(default=False)
    expires_at = TTLAttribute(null=True)

    open_queue = OpenReports()
    by_author = ReportsByAuthor()


# --- handover between mentors ----------------------------------------------------------------


class NotesByParticipant(GlobalSecondaryIndex["Note"]):
    """A participant's notes, so deleting the account deletes them (and the export lists them)."""

    class Meta:
        index_name = "by_participant"
        projection = KeysOnlyProjection()

    participant_id = UnicodeAttribute(hash_key=True)
    group_id = UnicodeAttribute(range_key=True)


class Note(Model):
    """A mentor's short note about one pseudonym in one group, for the next week's mentors.

    Seen only by the organisation's mentors; ``version`` goes up with every edit, so two mentors
    editing at once get a conflict instead of one silently overwriting the other.
    """

    class Meta(_Meta):
        table_name = _table("notes")

    group_id = UnicodeAttribute(hash_key=True)
    participant_id = UnicodeAttribute(range_key=True)
    org_id = UnicodeAttribute()
    pseudonym = UnicodeAttribute()
    text = UnicodeAttribute()
    version = NumberAttribute(default=1)
    written_by = UnicodeAttribute()  # the mentor's id
    written_by_name = UnicodeAttribute()
    written_at = UTCDateTimeAttribute()
    # The sessions that were open when it was written, so a session's summary can name the notes of it.
    sessions = UnicodeSetAttribute(null=True)
    expires_at = TTLAttribute()  # the organisation's retention period after the last edit

    by_participant = NotesByParticipant()


# --- private talks: one teen and one mentor, beside the group ------------------------------------

REQUESTED, INVITED, TALKING, ENDED = "requested", "invited", "open", "ended"
# A teen's guard item in the talks table: at most one talk that is not over, per teen.
TEEN_GUARD = "teen#"


class TalksBySession(GlobalSecondaryIndex["Talk"]):
    """A session's talks, so the close ends every open one (guards have no session and stay out)."""

    class Meta:
        index_name = "by_session"
        projection = AllProjection()

    session_id = UnicodeAttribute(hash_key=True)
    talk_id = UnicodeAttribute(range_key=True)


class TalksByParticipant(GlobalSecondaryIndex["Talk"]):
    """A teen's talks (and guard), so deleting the account deletes them."""

    class Meta:
        index_name = "by_participant"
        projection = KeysOnlyProjection()

    participant_id = UnicodeAttribute(hash_key=True)
    talk_id = UnicodeAttribute(range_key=True)


class Talk(Model):
    """A private talk between a teen and a mentor in one session ("Jeg vil gerne tale med en voksen").

    ``talk_id`` is a ULID; its messages are ``Message`` items under ``talk#<talk_id>``, so no query
    of the session's messages ever returns them. The item ``teen#<participant id>`` is the teen's
    guard: ``current`` names their talk that is not over, and a new one needs the guard free.
    """

    class Meta(_Meta):
        table_name = _table("talks")

    talk_id = UnicodeAttribute(hash_key=True)
    session_id = UnicodeAttribute(null=True)
    group_id = UnicodeAttribute(null=True)
    org_id = UnicodeAttribute(null=True)
    participant_id = UnicodeAttribute(null=True)
    pseudonym = UnicodeAttribute(null=True)
    state = UnicodeAttribute(null=True)  # requested | invited | open | ended
    opened_by = UnicodeAttribute(null=True)  # participant | mentor: who asked
    mentor_id = UnicodeAttribute(null=True)  # the mentor who accepted (or invited)
    mentor_name = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)
    opened_at = UTCDateTimeAttribute(null=True)
    ended_at = UTCDateTimeAttribute(null=True)
    ended_by = UnicodeAttribute(null=True)  # participant | mentor | declined | close
    current = UnicodeAttribute(null=True)  # on a guard: the teen's talk that is not over
    expires_at = TTLAttribute(null=True)  # as its messages: the session's end plus the retention period

    by_session = TalksBySession()
    by_participant = TalksByParticipant()


# --- reminders ---------------------------------------------------------------------------------


class RemindersByGroup(GlobalSecondaryIndex["Reminder"]):
    """The reminders asked for a group, so the minute tick finds whom to remind without a Scan."""

    class Meta:
        index_name = "by_group"
        projection = AllProjection()

    group_id = UnicodeAttribute(hash_key=True)
    reminder_key = UnicodeAttribute(range_key=True)


class Reminder(Model):
    """A push subscription a teen asked for: "remind me 30 minutes before this group opens".

    One per browser and group. Only the push service's endpoint is kept (a data-less push needs
    nothing else); it is a bearer capability, so it is never logged and never leaves this table.
    """

    class Meta(_Meta):
        table_name = _table("reminders")

    participant_id = UnicodeAttribute(hash_key=True)
    reminder_key = UnicodeAttribute(range_key=True)  # "<group_id>#<one-way tag of the endpoint>"
    group_id = UnicodeAttribute()
    endpoint = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    refreshed_at = UTCDateTimeAttribute()  # the page renews it on each visit with the reminder on
    # Once per session: the session last reminded (or given up on), and a tick's short claim
    # while it sends, so a doubled or retried tick sends each reminder once.
    reminded_for = UnicodeAttribute(null=True)
    claim_until = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute()  # refreshed_at + REMINDER_IDLE_DAYS

    by_group = RemindersByGroup()


ALL_MODELS: tuple[type[Model], ...] = (
    Organisation,
    Group,
    Session,
    Participant,
    Connection,
    Message,
    SendReceipt,
    Mentor,
    Throttle,
    Restriction,
    AuditEntry,
    Report,
    Member,
    Waiting,
    Duty,
    Note,
    Talk,
    Checkin,
    Round,
    Reminder,
)


def create_tables() -> None:
    """Create any missing table (tests and the local stack; AWS tables come from infra/)."""
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True)


@lru_cache(maxsize=1)
def _dynamo() -> DynamoConnection:
    """One low-level connection per container for transactions: building a client costs ~77 ms."""
    return DynamoConnection(region=_SETTINGS.region, host=_SETTINGS.dynamodb_endpoint)
