"""Sending a message to the room, and catching up on what was missed.

A send is stored once (a conditional put keyed to the sender's ``client_id``), then crisis
alerts are raised, then the room gets it. A retry of a stored send is confirmed to the sender
alone, after raising any crisis step still missing.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PynamoDBException
from ulid import ULID

from chalicelib import frames, storage
from chalicelib.accounts.tags import sender_tag
from chalicelib.chat import alerts
from chalicelib.chat.inbound import Caller, is_ulid, message_text
from chalicelib.chat.room import STAFF_ROLES, connection_of, membership, receipt_key
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.limits import CATCH_UP_PAGE
from chalicelib.organisation.settings import OrgSettings, org_settings
from chalicelib.safety import FloodState, Verdict, admit, screen_message

log = logging.getLogger("gruppechat.messages")

FLOOD_STATE_GRACE = timedelta(hours=1)
FLOOD_WRITE_TRIES = 4


def send(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    text, client_id = message_text(frame)
    me, members = membership(caller)
    if me.session_ends_at is not None and now >= me.session_ends_at:
        raise ChatError("session_closed")
    if me.muted_until is not None and now < me.muted_until:
        raise ChatError("muted", until=me.muted_until.isoformat())
    settings = org_settings(me.org_id)
    # Trained staff may share what teens may not (a youth centre's address), so flood control,
    # the anonymity guard and the crisis signals apply to participants' messages only.
    staff = me.role in STAFF_ROLES
    try:
        if not staff:
            _flood_check(me, text, settings, now)
    except ChatError as refusal:
        if refusal.code == "repeated" and client_id and _confirm_retry(delivery, caller, me, client_id, now):
            return
        raise
    verdict = None if staff else screen_message(text, settings.detector)
    if verdict is not None and verdict.held_back:
        alerts.hold_back(delivery, caller, me, members, verdict, settings.retention_days, now, client_id)
        return
    message = _new_message(me, text, client_id, settings.retention_days, now)
    if not _store(delivery, caller, me, message, client_id, verdict, now):
        return
    if verdict is not None and verdict.crisis:
        alerts.crisis(delivery, caller, me, members, message, verdict, settings.retention_days, now)
    delivery.send_all(members, frames.message(message))


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


# --- inside a send ------------------------------------------------------------------------------


def _flood_check(me: storage.Connection, text: str, settings: OrgSettings, now: datetime) -> None:
    """Admit the message against the participant's allowance in this session, and spend it.

    The allowance belongs to the participant in the session, not to the socket: four tabs share
    one. The state is replaced only if no other tab changed it since it was read (a conditional
    write), so two tabs sending at the same instant cannot both spend the same token.
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
        decision, state = admit(_flood_state(raw), text, now.timestamp(), limits)
        if not decision.allowed:
            retry = math.ceil(decision.retry_after_s) if decision.retry_after_s else None
            raise ChatError(str(decision.code), retry_after=retry)
        if storage.save_state(key, _flood_json(state), raw, expires_at):
            return
    raise ChatError("rate_limited", retry_after=1)  # other tabs keep winning: this one waits


def _new_message(me: storage.Connection, text: str, client_id: str | None, retention_days: int,
                 now: datetime) -> storage.Message:
    assert me.session_id is not None
    ends = me.session_ends_at or now
    return storage.Message(
        me.session_id,
        str(ULID.from_datetime(now)),
        author_id=me.user_id,
        pseudonym=me.pseudonym,
        role=me.role,
        text=text.strip(),
        client_id=client_id,
        # Messages live for the organisation's retention period after their session ends; the
        # period in force now, so an admin's change applies to the next message, not the next join.
        expires_at=max(ends, now) + timedelta(days=retention_days),
    )


def _store(delivery: Delivery, caller: Caller, me: storage.Connection, message: storage.Message,
           client_id: str | None, verdict: Verdict | None, now: datetime) -> bool:
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


def _confirm_retry(delivery: Delivery, caller: Caller, me: storage.Connection, client_id: str, now: datetime,
                   verdict: Verdict | None = None) -> bool:
    """A retry of a send we already stored: raise any crisis step still missing, confirm to the sender."""
    assert me.session_id is not None
    original = storage.get_receipt(receipt_key(me, client_id))
    stored = storage.get_message(me.session_id, original.message_id) if original else None
    if stored is None:
        return False
    if verdict is not None and verdict.crisis:
        members = storage.session_connections(me.session_id)
        alerts.crisis(delivery, caller, me, members, stored, verdict, org_settings(me.org_id).retention_days, now)
    delivery.send(caller, frames.message(stored))
    return True


def _flood_state(raw: str | None) -> FloodState | None:
    if not raw:
        return None
    try:
        return FloodState(**json.loads(raw))
    except (ValueError, TypeError):
        return None


def _flood_json(state: FloodState) -> str:
    return json.dumps(asdict(state))
