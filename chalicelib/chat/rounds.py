"""Rounds: a mentor asks the room one question ("Sig én ting der gik godt i denne uge") and each
teen who is here gets a turn, in the order they came in; a teen who comes in during the round gets
one at the end.

The teen whose turn it is answers with an ordinary message (``send`` with the round's id: screened
like any other, and only a message that reaches the room counts) or passes (``round_pass``). A turn
runs out after ``ROUND_TURN_S`` seconds (the minute tick moves it on); a mentor can skip a turn
(``round_skip``) or end the round (``round_end``). A teen who has left when their turn comes is
passed over. The round ends by itself after the last turn, and goes when the session closes.
Everyone in the room sees the round, whose turn it is and how each turn went (``round``).

One round item per session: starting is a conditional put (a mentor's double click starts one
round), and every move is conditional on the version read, so an answer, a pass, a time-out and
a skip racing for one turn move it once.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from ulid import ULID

from chalicelib import frames, storage
from chalicelib.accounts.tags import round_tag
from chalicelib.chat.inbound import Caller
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.limits import MAX_ROUND_QUESTION, ROUND_TURN_S

log = logging.getLogger("gruppechat.rounds")

TURN = timedelta(seconds=ROUND_TURN_S)
ANSWERED, PASSED, TIMED_OUT, SKIPPED, LEFT = "answered", "passed", "timed_out", "skipped", "left"
DONE, BY_MENTOR = "done", "mentor"
MOVE_TRIES = 4
ROUND_AFTER_SESSION = timedelta(days=1)


# --- what the room says -------------------------------------------------------------------------


def start(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """``round_start`` from a mentor in the session: ``question``."""
    me = _in_session(caller, now, staff=True)
    question = frame.get("question")
    if not isinstance(question, str) or not question.strip() or len(question.strip()) > MAX_ROUND_QUESTION:
        raise ChatError("bad_question", max_length=MAX_ROUND_QUESTION)
    assert me.session_id is not None
    members = storage.session_connections(me.session_id)
    teens = _in_joining_order(members)
    if not teens:
        raise ChatError("round_nobody_here")
    turns = [{"tag": round_tag(me.session_id, user_id), "pseudonym": name, "outcome": None} for user_id, name in teens]
    item = storage.Round(
        me.session_id,
        round_id=str(ULID.from_datetime(now)),
        question=question.strip(),
        asked_by=me.pseudonym,
        turns=json.dumps(turns, ensure_ascii=False),
        turn=0,
        version=0,
        due_bucket=storage.PENDING,
        turn_ends_at=now + TURN,
        expires_at=max(me.session_ends_at or now, now) + ROUND_AFTER_SESSION,
    )
    if not storage.start_round(item):
        running = storage.get_round(me.session_id)
        if running is not None and running.state == storage.ROUND_RUNNING:
            # A second click, or a retry after an answer that got lost: the room sees the round
            # that runs (screens show a round once, by its id), the mentor hears why nothing new.
            delivery.send_all(_with(members, me), frames.round_frame(running))
        raise ChatError("round_running")
    delivery.send_all(_with(members, me), frames.round_frame(item))


def pass_turn(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """``round_pass`` from the teen whose turn it is."""
    me = _in_session(caller, now, staff=False)
    item = _current(me, frame)
    if _move_on(delivery, item, PASSED, now, whose=_tag(me)):
        return
    again = storage.get_round(item.session_id)
    if again is not None and again.round_id == item.round_id and _just_passed(again, _tag(me)):
        # The pass was stored but its answer got lost: the retry confirms it to the room.
        delivery.send_all(_with(storage.session_connections(item.session_id), me), frames.round_frame(again))
        return
    raise ChatError("not_your_turn")


def skip(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """``round_skip`` from a mentor: the turn moves on. ``turn`` (the one the mentor saw) keeps a
    double click from skipping two teens."""
    me = _in_session(caller, now, staff=True)
    item = _current(me, frame)
    seen = frame.get("turn")
    if not isinstance(seen, int) or isinstance(seen, bool):
        raise ChatError("bad_frame", field="turn")
    if not _move_on(delivery, item, SKIPPED, now, at_turn=seen):
        raise ChatError("conflict")


def end(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """``round_end`` from a mentor: the round stops here; turns not yet taken stay untaken."""
    me = _in_session(caller, now, staff=True)
    item: storage.Round | None = _current(me, frame)
    round_id = item.round_id if item else ""
    for _ in range(MOVE_TRIES):
        if item is None or item.round_id != round_id or item.state != storage.ROUND_RUNNING:
            return  # ended meanwhile: the room has been told
        _ended(item, BY_MENTOR)
        if storage.replace_round(item):
            delivery.send_all(_with(storage.session_connections(item.session_id), me), frames.round_frame(item))
            return
        item = storage.get_round(item.session_id)
    raise ChatError("conflict")


def after_message(
    delivery: Delivery,
    me: storage.Connection,
    frame: dict[str, Any],
    message: storage.Message,
    now: datetime,
) -> None:
    """A message that reached the room, sent as the answer of the sender's turn (``round_id``).
    Never raises: the message is out, and a round that moved on meanwhile just ignores it."""
    round_id = frame.get("round_id")
    if not isinstance(round_id, str) or me.role in frames.STAFF_ROLES or not me.session_id:
        return
    try:
        item = storage.get_round(me.session_id)
        if item is not None and item.round_id == round_id:
            _move_on(delivery, item, ANSWERED, now, whose=_tag(me), message_id=message.message_id)
    except Exception:
        log.exception("a round answer could not be counted; the turn runs out instead")


def greeting(me: storage.Connection, session: storage.Session) -> tuple[dict[str, Any], frames.Frame | None]:
    """For ``joined``: the round going on, if there is one, so a teen who comes in late sees it.

    A teen who comes in while it runs and has no turn in it yet (answered, passed, waiting or
    passed over: a rejoin never brings a second turn) gets one at the end, conditional on the
    round's version like every move; on a clash the round is read again and the turn added to
    what is there now (should that keep failing, or a fault stop it, the next move of the round
    takes the teen in). The second part is the ``round`` frame the room is to hear once it has
    heard who came (None: the round did not change)."""
    item = storage.get_round(session.session_id)
    tag = round_tag(session.session_id, me.user_id)
    for _ in range(MOVE_TRIES):
        if item is None or item.state != storage.ROUND_RUNNING:
            return {"round": None}, None
        turns = json.loads(item.turns)
        if me.role in frames.STAFF_ROLES or any(turn["tag"] == tag for turn in turns):
            return {"round": frames.round_view(item)}, None
        turns.append({"tag": tag, "pseudonym": me.pseudonym, "outcome": None})
        item.turns = json.dumps(turns, ensure_ascii=False)
        if storage.replace_round(item):
            return {"round": frames.round_view(item)}, frames.round_frame(item)
        item = storage.get_round(session.session_id)  # moved meanwhile: add the turn to what is there now
    log.warning("a late teen's turn could not be added; the round kept changing")
    running = item is not None and item.state == storage.ROUND_RUNNING
    return {"round": frames.round_view(item) if item is not None and running else None}, None


# --- the minute tick and the close ---------------------------------------------------------------


def review(delivery: Delivery, now: datetime) -> list[str]:
    """Turns that ran out move on (the minute tick); returns the sessions whose round moved."""
    moved = []
    for item in storage.rounds_due(now):
        try:
            if _move_on(delivery, item, TIMED_OUT, now, at_turn=int(item.turn), due_by=now):
                moved.append(item.session_id)
        except Exception:  # one broken round must not stop the others; the next tick tries again
            log.exception("a round's turn could not move on")
    return moved


def forget_teen(session_id: str, user_id: str, instead: str) -> None:
    """An account is deleted during a round: its pseudonym in the turns becomes ``instead`` (a
    one-way tag), as in reports and the audit."""
    tag = round_tag(session_id, user_id)
    for _ in range(MOVE_TRIES):
        item = storage.get_round(session_id)
        if item is None:
            return
        turns = json.loads(item.turns)
        mine = [turn for turn in turns if turn["tag"] == tag and turn["pseudonym"] != instead]
        if not mine:
            return
        for turn in mine:
            turn["pseudonym"] = instead
        item.turns = json.dumps(turns, ensure_ascii=False)
        if storage.replace_round(item):
            return
    raise storage.Conflict("the round kept changing")


def forget(session_id: str) -> None:
    """The session closed: its round goes with it (pseudonyms and all)."""
    storage.delete_round(session_id)


# --- inside ---------------------------------------------------------------------------------------


def _in_session(caller: Caller, now: datetime, staff: bool) -> storage.Connection:
    me = storage.get_connection(caller.connection_id)
    if me is None:
        raise ChatError("not_connected")
    if (me.role in frames.STAFF_ROLES) != staff:
        raise ChatError("forbidden")  # mentors lead rounds, teens take turns
    if not me.session_id:
        raise ChatError("not_joined")
    if me.session_ends_at is not None and now >= me.session_ends_at:
        raise ChatError("session_closed")
    return me


def _current(me: storage.Connection, frame: dict[str, Any]) -> storage.Round:
    """The running round the frame names (``round_id``)."""
    round_id = frame.get("round_id")
    if not isinstance(round_id, str):
        raise ChatError("bad_frame", field="round_id")
    assert me.session_id is not None
    item = storage.get_round(me.session_id)
    if item is None or item.round_id != round_id or item.state != storage.ROUND_RUNNING:
        raise ChatError("round_not_found")
    return item


def _tag(me: storage.Connection) -> str:
    assert me.session_id is not None
    return round_tag(me.session_id, me.user_id)


def _with(members: list[storage.Connection], me: storage.Connection) -> list[storage.Connection]:
    """The room, the caller included even before the index has caught up."""
    if any(member.connection_id == me.connection_id for member in members):
        return members
    return [*members, me]


def _in_joining_order(members: list[storage.Connection]) -> list[tuple[str, str]]:
    """The teens here (each once, however many tabs), in the order they came."""
    sockets = [member.connection_id for member in members if member.role not in frames.STAFF_ROLES]
    whole = storage.connections_by_id(sockets) if sockets else []
    whole.sort(key=lambda connection: (connection.connected_at, connection.connection_id))
    teens: dict[str, str] = {}
    for connection in whole:
        teens.setdefault(connection.user_id, connection.pseudonym)
    return list(teens.items())


def _without_a_turn(
    session_id: str, turns: list[dict[str, Any]], members: list[storage.Connection]
) -> list[dict[str, Any]]:
    """Teens here who have no turn yet, each once: their join could not add it (it lost every clash,
    or a fault), or they came in just as the round started. Every move takes them in at the end,
    from the room it reads anyway."""
    taken = {turn["tag"] for turn in turns}
    late = []
    for member in sorted(members, key=lambda connection: connection.connection_id):
        tag = round_tag(session_id, member.user_id)
        if member.role not in frames.STAFF_ROLES and tag not in taken:
            taken.add(tag)
            late.append({"tag": tag, "pseudonym": member.pseudonym, "outcome": None})
    return late


def _just_passed(item: storage.Round, tag: str) -> bool:
    """The turn that closed last is this teen's, and they passed."""
    turns = json.loads(item.turns)
    current = int(item.turn) if item.state == storage.ROUND_RUNNING else len(turns)
    before = [turn for turn in turns[:current] if turn.get("outcome") != LEFT]
    return bool(before) and before[-1]["tag"] == tag and before[-1].get("outcome") == PASSED


def _ended(item: storage.Round, why: str) -> None:
    item.state = storage.ROUND_ENDED
    item.ended_by = why
    item.due_bucket = None  # out of the tick's index
    item.turn_ends_at = None


def _move_on(
    delivery: Delivery,
    item: storage.Round | None,
    outcome: str,
    now: datetime,
    *,
    whose: str | None = None,
    at_turn: int | None = None,
    due_by: datetime | None = None,
    message_id: str | None = None,
) -> bool:
    """Close the current turn with ``outcome`` and invite the next teen still here (or end the
    round). Only if the turn is still the one meant (``whose``, ``at_turn``, run out by ``due_by``):
    False when it is not, and then nothing changed."""
    round_id = item.round_id if item else ""
    for _ in range(MOVE_TRIES):
        if item is None or item.round_id != round_id or item.state != storage.ROUND_RUNNING:
            return False
        turns = json.loads(item.turns)
        index = int(item.turn)
        if whose is not None and turns[index]["tag"] != whose:
            return False
        if at_turn is not None and index != at_turn:
            return False
        if due_by is not None and (item.turn_ends_at is None or item.turn_ends_at > due_by):
            return False
        turns[index]["outcome"] = outcome
        if message_id:
            turns[index]["message_id"] = message_id
        members = storage.session_connections(item.session_id)
        turns.extend(_without_a_turn(item.session_id, turns, members))
        here = {round_tag(item.session_id, m.user_id) for m in members if m.role not in frames.STAFF_ROLES}
        following = index + 1
        while following < len(turns) and turns[following]["tag"] not in here:
            turns[following]["outcome"] = LEFT
            following += 1
        item.turns = json.dumps(turns, ensure_ascii=False)
        if following >= len(turns):
            _ended(item, DONE)
        else:
            item.turn = following
            item.turn_ends_at = now + TURN
        if storage.replace_round(item):
            delivery.send_all(members, frames.round_frame(item))
            return True
        item = storage.get_round(item.session_id)  # moved meanwhile: look again
    return False
