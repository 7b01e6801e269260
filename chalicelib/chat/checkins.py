"""Check-in and check-out: "Hvordan har du det i dag?" on a five-step scale, privately.

A teen is asked when they come into an open session (``joined`` carries ``checkin``: what to ask,
and their answers so far) and again before it closes (the client asks at ``session_closing``; a
teen who comes in after the closing warning is asked ``out``). Answering is optional and can be changed until the session closes: the answer is
one item per session and person (keyed by a one-way tag, never the id), and a second answer
replaces the first in the same transaction that moves the session's count per step, so nobody
counts twice. The mentors in the room see the spread live (``checkin_spread``: counts per step,
never who); the organisation's figures show averages, and nothing below five answers
(:mod:`chalicelib.organisation.figures`). The items per person expire a day after the session.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from chalicelib import frames, storage
from chalicelib.accounts.tags import checkin_tag
from chalicelib.chat.inbound import Caller
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.limits import MOOD_STEPS

log = logging.getLogger("gruppechat.checkins")

IN, OUT = "in", "out"


def answer(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """``{"action": "checkin", "phase": "in"|"out", "mood": 1..5}`` from a teen in an open session."""
    phase = frame.get("phase")
    if phase not in frames.MOOD_PHASES:
        raise ChatError("bad_frame", field="phase")
    mood = frame.get("mood")
    if not isinstance(mood, int) or isinstance(mood, bool) or not 1 <= mood <= MOOD_STEPS:
        raise ChatError("bad_mood", min=1, max=MOOD_STEPS)
    me = storage.get_connection(caller.connection_id)
    if me is None:
        raise ChatError("not_connected")
    if me.role in frames.STAFF_ROLES:
        raise ChatError("forbidden")  # the mentors see the spread; they do not check in
    if not me.session_id:
        raise ChatError("not_joined")
    if me.session_ends_at is not None and now >= me.session_ends_at:
        raise ChatError("session_closed")
    session = storage.get_session(me.session_id)
    if session is None or session.status != storage.OPEN:
        raise ChatError("session_closed")
    key = checkin_tag(session.session_id, me.user_id)
    try:
        saved = storage.record_checkin(
            session, key, frames.MOOD_PHASES[phase], mood, session.ends_at + storage.CHECKIN_LIFETIME
        )
    except storage.Conflict:
        raise ChatError("conflict") from None
    if not saved:
        raise ChatError("session_closed")
    members = storage.session_connections(session.session_id)
    # Every tab of the teen shows the answer; nobody else hears of it.
    own = [member for member in members if member.user_id == me.user_id] or [me]
    delivery.send_all(own, frames.checkin_saved(session.session_id, phase, mood))
    tell_mentors(delivery, session, members)


def tell_mentors(delivery: Delivery, session: storage.Session, members: list[storage.Connection]) -> None:
    """The room's spread to the mentors in the session, and to nobody else."""
    staff = [member for member in members if member.role in frames.STAFF_ROLES]
    if staff:
        delivery.send_all(staff, frames.checkin_spread(session))


def greeting(me: storage.Connection, session: storage.Session) -> dict[str, Any]:
    """For ``joined``: a mentor sees the spread so far; a teen is asked how they are (``out`` once
    the closing warning has gone out), with their answer so far."""
    if me.role in frames.STAFF_ROLES:
        spread = frames.checkin_spread(session)
        return {"checkin_spread": {phase: spread[phase] for phase in frames.MOOD_PHASES}}
    phase = OUT if session.warned else IN
    found = storage.get_checkin(session.session_id, checkin_tag(session.session_id, me.user_id))
    answers = {
        name: int(getattr(found, field)) if found is not None and getattr(found, field) is not None else None
        for name, field in frames.MOOD_PHASES.items()
    }
    return {"checkin": {"ask": phase, **answers}}
