"""The wire protocol: every frame the server sends over the WebSocket is built here.

Frames speak in codes and parameters (``docs/protocol.md`` lists them, a test keeps the two
equal); the client holds the Danish and English words. Views of stored items (a message, a
session, a member, a report) are the shapes REST answers reuse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ulid import ULID

from chalicelib import storage

Frame = dict[str, Any]
STAFF_ROLES = ("mentor", "admin")


# --- views ------------------------------------------------------------------------------------


def message_view(message: storage.Message) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "session_id": message.session_id,
        "pseudonym": message.pseudonym,
        "role": message.role,
        "text": message.text,
        "client_id": message.client_id,
        "kind": message.kind or "chat",
        "created_at": ULID.from_str(message.message_id).datetime.isoformat(),
    }


def session_view(session: storage.Session) -> dict[str, Any]:
    return {
        "id": session.session_id,
        "group_id": session.group_id,
        "status": session.status,
        "topic": session.topic,
        "pinned": (
            {"message_id": session.pinned_message_id, "text": session.pinned_text} if session.pinned_text else None
        ),
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "locked": bool(session.locked),
    }


def member_view(connection: storage.Connection) -> dict[str, str]:
    return {"pseudonym": connection.pseudonym, "role": connection.role}


def present(connections: Iterable[storage.Connection]) -> list[dict[str, str]]:
    """Who is here, each person once even with two tabs open; mentors first."""
    seen: dict[str, dict[str, str]] = {}
    for connection in connections:
        seen.setdefault(connection.user_id, member_view(connection))
    return sorted(seen.values(), key=lambda member: (member["role"] == "participant", member["pseudonym"].casefold()))


def report_view(report: storage.Report) -> dict[str, Any]:
    return {
        "id": report.report_id,
        "kind": report.kind,
        "priority": report.priority,
        "session_id": report.session_id,
        "group_id": report.group_id,
        "message_id": report.message_id,
        "talk_id": report.talk_id,
        "pseudonym": report.pseudonym,
        "text": report.excerpt,
        "reason": report.reason,
        "status": report.status,
        "severity": report.severity,
        "claimed_by": report.claimed_by,
        "created_at": report.created_at.isoformat(),
        "resolved_at": report.resolved_at.isoformat() if report.resolved_at else None,
    }


# --- the chat ---------------------------------------------------------------------------------


def pong(now: datetime) -> Frame:
    return {"type": "pong", "at": now.isoformat()}


def group_view(group: storage.Group) -> dict[str, Any]:
    return {
        "id": group.group_id,
        "name": group.name,
        "rules": list(group.rules or []),
        "entry_mode": group.entry_mode or "open",
    }


def joined(
    session: storage.Session,
    group: storage.Group,
    history: list[storage.Message],
    members: list[storage.Connection],
    you: storage.Connection,
    muted_until: datetime | None,
    room: dict[str, Any],
    queue: list[storage.Waiting] | None = None,
) -> Frame:
    """``room``: open, waiting or paused (a mentor's presence); ``queue`` only for the session's mentors."""
    frame = {
        "type": "joined",
        "session": session_view(session),
        "group": group_view(group),
        "messages": [message_view(message) for message in history],
        "present": present(members),
        "you": member_view(you),
        "muted_until": muted_until.isoformat() if muted_until else None,
        "slow_mode_s": int(session.slow_mode_s or 0),
        "room": room,
    }
    if queue is not None:
        frame["queue"] = queue_view(queue)
    return frame


def room(session_id: str, state: str, since: datetime, locked: bool) -> Frame:
    """To everyone in the room: a mentor arrived (``open``) or none is left (``paused``)."""
    return {"type": "room", "session_id": session_id, "state": state, "since": since.isoformat(), "locked": locked}


# --- admission --------------------------------------------------------------------------------


def admission(state: str, session: storage.Session, group: storage.Group, mentor_present: bool) -> Frame:
    """To a newcomer at a waiting room's door: ``rules`` (agree first), ``waiting`` or ``declined``."""
    return {
        "type": "admission",
        "state": state,
        "session_id": session.session_id,
        "group": group_view(group),
        "mentor_present": mentor_present,
    }


def queue_view(waiting: list[storage.Waiting]) -> list[dict[str, str]]:
    return [{"pseudonym": item.pseudonym, "since": item.since.isoformat()} for item in waiting]


def queue(session_id: str, waiting: list[storage.Waiting]) -> Frame:
    """To the session's mentors: who waits to be let in, the longest waiting first."""
    return {"type": "queue", "session_id": session_id, "waiting": queue_view(waiting)}


def locked(session_id: str, is_locked: bool) -> Frame:
    return {"type": "locked", "session_id": session_id, "locked": is_locked}


def presence(event: str, member: storage.Connection) -> Frame:
    return {"type": "presence", "event": event, "member": member_view(member)}


def left(session_id: str) -> Frame:
    return {"type": "left", "session_id": session_id}


def message(stored: storage.Message) -> Frame:
    return {"type": "message", "message": message_view(stored)}


def history(session_id: str, messages: list[storage.Message], more: bool) -> Frame:
    return {
        "type": "history",
        "session_id": session_id,
        "messages": [message_view(item) for item in messages],
        "more": more,
    }


def held_back(reason: str, client_id: str | None) -> Frame:
    """Only the sender sees this: why their message was not delivered (``reason`` is a code the
    client words)."""
    return {"type": "notice", "kind": "held_back", "reason": reason, "client_id": client_id}


def help_lines(lines: list[dict[str, str]], severity: str | None, kind: str) -> Frame:
    """Only the sender sees this: who to call, the most urgent first (112 when it is acute). Lines
    are ``id``, ``name``, ``phone``, ``url``; the client words the intro and each line by id."""
    return {"type": "help_lines", "lines": lines, "severity": severity, "kind": kind}


def typing(session_id: str, who: storage.Connection) -> Frame:
    """To the others in the room: ``member`` is writing ("X skriver …"); never stored."""
    return {"type": "typing", "session_id": session_id, "member": member_view(who)}


def reported(message_id: str) -> Frame:
    return {"type": "reported", "message_id": message_id}


def report(stored: storage.Report, place: dict[str, Any] | None = None) -> Frame:
    """To the mentors: a new report or automatic flag. An acute one stays on their screens
    until one of them answers "I'm on it" (``report_claimed``). ``place``: its group and session
    in words (``moderation.reports.place_of``)."""
    return {"type": "report", "report": report_view(stored) | (place or {})}


def report_claimed(stored: storage.Report, place: dict[str, Any] | None = None) -> Frame:
    """To every connected mentor of the organisation: who took an alert."""
    return {"type": "report_claimed", "report": report_view(stored) | (place or {})}


# --- moderation -------------------------------------------------------------------------------


def message_removed(session_id: str, message_id: str, talk_id: str | None = None) -> Frame:
    """``talk_id``: the message was in that private talk (to its two and the organisation's mentors)."""
    removed = {"type": "message_removed", "session_id": session_id, "message_id": message_id}
    return removed | {"talk_id": talk_id} if talk_id else removed


def muted(session_id: str, until: datetime) -> Frame:
    return {"type": "muted", "session_id": session_id, "until": until.isoformat()}


def kicked(session_id: str) -> Frame:
    return {"type": "kicked", "session_id": session_id}


def banned(group_id: str, until: datetime | None) -> Frame:
    return {"type": "banned", "group_id": group_id, "until": until.isoformat() if until else None}


def topic(session_id: str, text: str) -> Frame:
    return {"type": "topic", "session_id": session_id, "topic": text}


def pinned(session_id: str, pin: dict[str, str] | None) -> Frame:
    return {"type": "pinned", "session_id": session_id, "pinned": pin}


def slow_mode(session_id: str, seconds: int) -> Frame:
    return {"type": "slow_mode", "session_id": session_id, "seconds": seconds}


# --- the session's clock ----------------------------------------------------------------------


def session_closing(session_id: str, ends_at: datetime) -> Frame:
    return {"type": "session_closing", "session_id": session_id, "ends_at": ends_at.isoformat()}


def session_closed(session_id: str) -> Frame:
    return {"type": "session_closed", "session_id": session_id}


def session_extended(session_id: str, ends_at: datetime) -> Frame:
    return {"type": "session_extended", "session_id": session_id, "ends_at": ends_at.isoformat()}


# --- private talks (chalicelib.chat.private) ------------------------------------------------------


def talk_view(talk: storage.Talk) -> dict[str, Any]:
    return {
        "id": talk.talk_id,
        "session_id": talk.session_id,
        "group_id": talk.group_id,
        "pseudonym": talk.pseudonym,
        "mentor": talk.mentor_name,
        "state": talk.state,
        "opened_by": talk.opened_by,
        "created_at": talk.created_at.isoformat() if talk.created_at else None,
        "opened_at": talk.opened_at.isoformat() if talk.opened_at else None,
        "ended_at": talk.ended_at.isoformat() if talk.ended_at else None,
        "ended_by": talk.ended_by,
    }


def talk(stored: storage.Talk) -> Frame:
    """To the teen and the mentors: a talk asked for, an invitation, opened, or ended (``state``)."""
    return {"type": "talk", "talk": talk_view(stored)}


def private_message(talk_id: str, stored: storage.Message) -> Frame:
    """A message in a private talk: to the teen and the organisation's mentors, never the room."""
    return {"type": "private_message", "talk_id": talk_id, "message": message_view(stored)}


def talk_history(talk_id: str, messages: list[storage.Message], more: bool) -> Frame:
    return {
        "type": "talk_history",
        "talk_id": talk_id,
        "messages": [message_view(item) for item in messages],
        "more": more,
    }


# --- check-in and check-out, rounds ----------------------------------------------------------

MOOD_PHASES = {"in": "checkin", "out": "checkout"}  # the wire's phase -> the stored field


def checkin_saved(session_id: str, phase: str, mood: int) -> Frame:
    return {"type": "checkin_saved", "session_id": session_id, "phase": phase, "mood": mood}


def mood_counts(session: storage.Session, field: str) -> list[int]:
    return [int(getattr(session, f"{field}_{step}") or 0) for step in range(1, 6)]


def checkin_spread(session: storage.Session) -> Frame:
    """To the session's mentors: how many answered each step (1..5), never who."""
    return {
        "type": "checkin_spread",
        "session_id": session.session_id,
        **{phase: mood_counts(session, field) for phase, field in MOOD_PHASES.items()},
    }


def round_view(item: storage.Round) -> dict[str, Any]:
    """A round as the whole room sees it: the question, each turn in order and how it went."""
    turns = json.loads(item.turns)
    running = item.state == storage.ROUND_RUNNING
    return {
        "id": item.round_id,
        "question": item.question,
        "asked_by": item.asked_by,
        "state": item.state,
        "ended_by": item.ended_by,
        "turn": int(item.turn) if running else None,
        "turn_ends_at": item.turn_ends_at.isoformat() if running and item.turn_ends_at else None,
        "turns": [
            {"pseudonym": turn["pseudonym"], "outcome": turn.get("outcome"), "message_id": turn.get("message_id")}
            for turn in turns
        ],
    }


def round_frame(item: storage.Round) -> Frame:
    """To everyone in the session: a round started, moved on or ended."""
    return {"type": "round", "session_id": item.session_id, "round": round_view(item)}


FRAME_TYPES = (
    "error", "pong", "joined", "presence", "left", "message", "history", "notice", "help_lines", "reported",
    "report", "report_claimed", "message_removed", "muted", "kicked", "banned", "topic", "pinned", "slow_mode",
    "session_closing", "session_closed", "session_extended", "room", "admission", "queue", "locked",
    "talk", "private_message", "talk_history",
    "checkin_saved", "checkin_spread", "round", "typing",
)  # fmt: skip
