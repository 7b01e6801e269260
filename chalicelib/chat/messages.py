"""Sending a message to the room, and catching up on what was missed.

A send is stored once (a conditional put keyed to the sender's ``client_id``), then crisis
alerts are raised, then the room gets it. A retry of a stored send raises any crisis step still
missing and goes to the room again (clients show each message id once), so a first attempt that
failed after storing loses nothing.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PynamoDBException
from ulid import ULID

from chalicelib import frames, storage
from chalicelib.accounts.tags import sender_tag
from chalicelib.chat import alerts, presence, rounds
from chalicelib.chat.inbound import Caller, is_ulid, message_text
from chalicelib.chat.room import STAFF_ROLES, connection_of, membership, receipt_key
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.limits import CATCH_UP_PAGE
from chalicelib.organisation.settings import OrgSettings, org_settings
from chalicelib.safety import FloodState, Verdict, admit, may_finish_previous, screen_message

log = logging.getLogger("gruppechat.messages")

FLOOD_STATE_GRACE = timedelta(hours=1)
FLOOD_WRITE_TRIES = 4
# "min snap er" then "sofiehh": the guard reads the sender's previous message in this session,
# from the room's own history, if it is this recent and among the room's last messages.
PREVIOUS_WITHIN = timedelta(minutes=10)
PREVIOUS_LOOK_BACK = 20


def send(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    text, client_id = message_text(frame)
    with _nothing_stored_yet(client_id):
        me = connection_of(caller)
    if me.waiting_for:
        _not_in_the_room_yet(delivery, caller, me, text, client_id, me.waiting_for, now)
        return
    with _nothing_stored_yet(client_id):
        me, members = membership(caller, me)
    if me.session_ends_at is not None and now >= me.session_ends_at:
        raise ChatError("session_closed")
    if me.muted_until is not None and now < me.muted_until:
        raise ChatError("muted", until=me.muted_until.isoformat())
    with _nothing_stored_yet(client_id):
        settings = org_settings(me.org_id)
    # Trained staff may share what teens may not (a youth centre's address), so flood control,
    # the anonymity guard and the crisis signals apply to participants' messages only.
    staff = me.role in STAFF_ROLES
    # No room without an adult: with no mentor here (past the grace period) the send waits, but
    # a crisis line is still answered (``_mentor_or_grace``). Nothing is spent or stored for it.
    if not staff and not presence.mentors_in(members):
        with _nothing_stored_yet(client_id):
            if not _mentor_or_grace(delivery, caller, me, members, text, client_id, now):
                return
    verdict = None if staff else _screen(me, text, client_id, settings, now)
    resend = False
    if not staff:
        with _nothing_stored_yet(client_id):
            resend = flood_check(me, text, client_id, settings, now)
    # A resend (the client did not hear back) raises whatever is still missing, and is stored
    # now if the first attempt never was.
    if resend and client_id and _retry(delivery, caller, me, members, client_id, verdict, settings, now):
        return
    if verdict is not None and verdict.held_back:
        alerts.hold_back(delivery, caller, me, members, verdict, settings.retention_days, now, client_id)
        return
    message = new_message(me, text, client_id, settings.retention_days, now)
    if not _store(delivery, caller, me, message, client_id, verdict, now):
        return
    if verdict is not None and verdict.crisis:
        try:
            alerts.crisis(delivery, caller, me, members, message, verdict, settings.retention_days, now)
        except Exception:
            # The room still gets the message. The sender gets an error instead of its echo, so
            # it sends again with the same client_id, and the retry raises what is missing.
            others = [member for member in members if member.connection_id != caller.connection_id]
            delivery.send_all(others, frames.message(message))
            raise
    delivery.send_all(members, frames.message(message))
    rounds.after_message(delivery, me, frame, message, now)  # the answer of the sender's turn, if it is one


def _screen(me: storage.Connection, text: str, client_id: str | None, settings: OrgSettings, now: datetime) -> Verdict:
    """Guard and crisis signals for a participant's message, with their previous one for context."""
    with _nothing_stored_yet(client_id):
        previous = _previous_text(me, text, client_id, now)
    return screen_message(text, settings.detector, previous_text=previous)


def _previous_text(me: storage.Connection, text: str, client_id: str | None, now: datetime) -> str | None:
    """The sender's last message in this session, when this one could finish it (else no read).

    Read from the messages the room keeps anyway; a resend of that very message is not its own
    previous one.
    """
    if me.session_id is None or not may_finish_previous(text):
        return None
    since = str(ULID.from_datetime(now - PREVIOUS_WITHIN))
    last = storage.last_message_by(me.session_id, me.user_id, since, PREVIOUS_LOOK_BACK)
    if last is None or (client_id is not None and last.client_id == client_id):
        return None
    return last.text


def _retry(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    members: list[storage.Connection],
    client_id: str,
    verdict: Verdict | None,
    settings: OrgSettings,
    now: datetime,
) -> bool:
    """A resend of a message already handled: held back again (its report keyed to the client id)
    or confirmed from storage. False when there is nothing to confirm: then it was a real repeat."""
    if verdict is not None and verdict.held_back:
        alerts.hold_back(delivery, caller, me, members, verdict, settings.retention_days, now, client_id)
        return True
    return _confirm_retry(delivery, caller, me, client_id, now, verdict)


def catch_up(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    after = frame.get("after")
    if after is not None and not is_ulid(after):
        raise ChatError("bad_message_id")
    limit = frame.get("limit", CATCH_UP_PAGE)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= CATCH_UP_PAGE:
        raise ChatError("bad_limit", max=CATCH_UP_PAGE)
    me = connection_of(caller)
    if not me.session_id:
        raise ChatError("not_joined")
    page = storage.messages_after(me.session_id, after or "0", limit + 1)
    delivery.send(caller, frames.history(me.session_id, page[:limit], more=len(page) > limit))


# --- a send that cannot be stored yet: safety answers all the same ---------------------------------


def _mentor_or_grace(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    members: list[storage.Connection],
    text: str,
    client_id: str | None,
    now: datetime,
) -> bool:
    """No mentor in the room: True within the grace period (the send goes on); False when safety
    already answered (held back); otherwise the send waits: ``waiting_for_mentor``."""
    assert me.session_id is not None
    session = storage.get_session(me.session_id)
    if session is not None and presence.settle(delivery, session, False, now):
        return True
    if _screen_unsent(delivery, caller, me, members, session, text, client_id, now):
        return False
    since = presence.without_mentor_since(session) if session else now
    waited = now - max(since, me.connected_at or since)
    raise ChatError("waiting_for_mentor", minutes=max(0, int(waited.total_seconds() // 60)))


def _not_in_the_room_yet(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    text: str,
    client_id: str | None,
    session_id: str,
    now: datetime,
) -> None:
    """A newcomer in the waiting room writes: nothing is stored or shown, but a crisis is heard."""
    session = storage.get_session(session_id)
    members = storage.session_connections(session_id)
    if not _screen_unsent(delivery, caller, me, members, session, text, client_id, now):
        raise ChatError("waiting_for_admission")


def _screen_unsent(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    members: list[storage.Connection],
    session: storage.Session | None,
    text: str,
    client_id: str | None,
    now: datetime,
) -> bool:
    """Crisis wording still brings the help lines and a report; a guarded text its kind notice,
    which is the whole answer (True): the text would be held back in any room."""
    if session is None or me.role in STAFF_ROLES:
        return False
    settings = org_settings(session.org_id)
    verdict = screen_message(text, settings.detector)
    if verdict.held_back is not None:
        alerts.hold_back(delivery, caller, me, members, verdict, settings.retention_days, now, client_id, session)
        return True
    if verdict.crisis:
        alerts.crisis_not_stored(
            delivery, caller, me, members, session, text, verdict, settings.retention_days, now, client_id
        )
    return False


# --- inside a send ------------------------------------------------------------------------------


@contextmanager
def _nothing_stored_yet(client_id: str | None) -> Iterator[None]:
    """Storage failed before the message was stored: the sender must hear so, to send again."""
    try:
        yield
    except PynamoDBException:
        log.exception("message not stored")
        raise ChatError("not_stored", client_id=client_id) from None


def flood_check(me: storage.Connection, text: str, client_id: str | None, settings: OrgSettings, now: datetime) -> bool:
    """Admit the message against the participant's allowance in this session, and spend it.

    The allowance belongs to the participant in the session, not to the socket: four tabs share
    one. The state is replaced only if no other tab changed it since it was read (a conditional
    write), so two tabs sending at the same instant cannot both spend the same token.

    True when this is a resend of the last message admitted (the same text under the same client
    id): not a repeat, but a client that did not hear back. Nothing is spent for it.
    """
    assert me.session_id is not None
    limits = replace(settings.limits, slow_mode_s=int(me.slow_mode_s or 0))
    # The sender as a one-way tag: a deleted account leaves nothing here that leads back to it.
    key = f"flood#{me.session_id}#{sender_tag(me.user_id)}"
    # Kept a little past the session's end, so a late message still finds its sender's state.
    expires_at = max(me.session_ends_at or now, now) + FLOOD_STATE_GRACE
    for _ in range(FLOOD_WRITE_TRIES):
        found = storage.get_throttle(key)
        raw = found.state if found is not None else None
        previous, last_client_id = _flood_state(raw)
        decision, state = admit(previous, text, now.timestamp(), limits)
        if not decision.allowed:
            if decision.code == "repeated" and client_id is not None and client_id == last_client_id:
                return True
            retry = math.ceil(decision.retry_after_s) if decision.retry_after_s else None
            raise ChatError(str(decision.code), retry_after=retry)
        if storage.save_state(key, _flood_json(state, client_id), raw, expires_at):
            return False
    raise ChatError("rate_limited", retry_after=1)  # other tabs keep winning: this one waits


def new_message(
    me: storage.Connection,
    text: str,
    client_id: str | None,
    retention_days: int,
    now: datetime,
    ends_at: datetime | None = None,
    where: str | None = None,
    kind: str = "chat",
) -> storage.Message:
    """A message as stored: in the room (``where`` = the session) or a private talk's partition
    (a mentor writes there from the duty line, a connection in no session)."""
    partition = where or me.session_id
    assert partition is not None
    ends = ends_at or me.session_ends_at or now
    return storage.Message(
        partition,
        str(ULID.from_datetime(now)),
        author_id=me.user_id,
        pseudonym=me.pseudonym,
        role=me.role,
        text=text.strip(),
        client_id=client_id,
        kind=kind,
        # Messages live for the organisation's retention period after their session ends; the
        # period in force now, so an admin's change applies to the next message, not the next join.
        expires_at=max(ends, now) + timedelta(days=retention_days),
    )


def _store(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    message: storage.Message,
    client_id: str | None,
    verdict: Verdict | None,
    now: datetime,
) -> bool:
    """Store the message once. False when it was a retry (confirmed to the sender here)."""
    receipt = storage.SendReceipt(
        receipt_key(me, client_id or message.message_id),
        message_id=message.message_id,
        expires_at=now + storage.RECEIPT_LIFETIME,
    )
    try:
        stored = storage.post_message(message, receipt)
        if not stored:
            # A retry. If the first attempt claimed the receipt but never stored the message,
            # finish it now, under the id the receipt promised.
            earlier = storage.get_receipt(receipt.receipt_key)
            if earlier is not None and storage.get_message(message.session_id, earlier.message_id) is None:
                message.message_id = earlier.message_id
                storage.save_message(message)
                stored = True
    except PynamoDBException:
        log.exception("message not stored")
        if verdict is not None and verdict.crisis:
            alerts.send_help_lines(delivery, caller, me, verdict)  # the teen is not left without them
        raise ChatError("not_stored", client_id=client_id) from None
    if not stored:
        _confirm_retry(delivery, caller, me, client_id or message.message_id, now, verdict)
    return stored


def _confirm_retry(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    client_id: str,
    now: datetime,
    verdict: Verdict | None = None,
) -> bool:
    """A retry of a send we already stored: raise any crisis step still missing, then send it again.

    The first attempt may have stored the message and failed before the room got it (its answer
    lost, a crisis step failed), so the room gets it again; clients show each message id once.
    """
    assert me.session_id is not None
    original = storage.get_receipt(receipt_key(me, client_id))
    stored = storage.get_message(me.session_id, original.message_id) if original else None
    if stored is None:
        return False
    members = storage.session_connections(me.session_id)
    if all(member.connection_id != me.connection_id for member in members):
        members.append(me)
    if verdict is not None and verdict.crisis:
        alerts.crisis(delivery, caller, me, members, stored, verdict, org_settings(me.org_id).retention_days, now)
    delivery.send_all(members, frames.message(stored))
    return True


def _flood_state(raw: str | None) -> tuple[FloodState | None, str | None]:
    """The stored allowance and the client id of the last message it admitted."""
    if not raw:
        return None, None
    try:
        fields = json.loads(raw)
        client_id = fields.pop("client_id", None)
        return FloodState(**fields), client_id
    except (ValueError, TypeError, AttributeError):
        return None, None


def _flood_json(state: FloodState, client_id: str | None) -> str:
    return json.dumps({**asdict(state), "client_id": client_id})
