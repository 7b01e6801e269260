""" "X skriver …": who is writing right now, told to the others in the room and never stored.

The indicator is cosmetic: a missed or an extra frame changes nothing but a few seconds of "…".
So its limit costs no DynamoDB write. Each Lambda container remembers, per connection, when it
last forwarded a typing frame (a monotonic clock, in a bounded dict) and drops another within
``TYPING_GAP_S``. With several warm containers a client that sprays frames can get one through
per container per gap; that only repeats a harmless frame to the room, the web client sends at
most one per 3 s anyway, and every frame still passes API Gateway's throttle and costs the
sender their own reads. A frame that may not be shown (too soon, muted, waiting, not in a room,
a room without a mentor) gets no answer at all: an ``error`` would make the client treat it as
the refusal of a message it is sending.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib import frames, storage
from chalicelib.chat import presence
from chalicelib.chat.inbound import Caller
from chalicelib.chat.room import STAFF_ROLES
from chalicelib.delivery import Delivery

TYPING_GAP_S = 2.0
# One entry is about 150 bytes: 10,000 connections on one container is ~1.5 MB, far above
# what one container serves; the oldest entries go first, and an entry older than the gap is
# worth nothing anyway.
MAX_TRACKED = 10_000

_last_forwarded: OrderedDict[str, float] = OrderedDict()
_clock: Callable[[], float] = time.monotonic


def typing(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """Forward "I am typing" to everyone else in the caller's session, at most once per gap."""
    if not _first_in_gap(caller.connection_id):
        return  # before any read: a flood of typing frames costs no DynamoDB call
    me = storage.get_connection(caller.connection_id)
    if me is None or not me.session_id or me.waiting_for:
        return
    if me.session_ends_at is not None and now >= me.session_ends_at:
        return
    if me.muted_until is not None and now < me.muted_until:
        return
    members = storage.session_connections(me.session_id)
    if me.role not in STAFF_ROLES and not presence.mentors_in(members):
        return  # no adult in the room: what the teen writes waits, so nobody sees it coming
    # The sender's other tabs are the sender too: nobody is told they are typing themselves.
    others = [member for member in members if member.user_id != me.user_id]
    if others:
        delivery.send_all(others, frames.typing(me.session_id, me))


def _first_in_gap(connection_id: str) -> bool:
    """True (and remembered) when this connection forwarded nothing within the gap."""
    at = _clock()
    last = _last_forwarded.get(connection_id)
    if last is not None and at - last < TYPING_GAP_S:
        return False
    _last_forwarded[connection_id] = at
    _last_forwarded.move_to_end(connection_id)
    while len(_last_forwarded) > MAX_TRACKED:
        _last_forwarded.popitem(last=False)
    return True
