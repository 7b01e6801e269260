"""Reports: a teen flags a message, or safety flags one by itself; they queue for the mentors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from ulid import ULID

from chalicelib import storage
from chalicelib.frames import report_view
from chalicelib.limits import MAX_REASON

EXCERPT_CHARS = 300
TALK_PARTITION = "talk#"  # a private talk's messages are stored under ``talk#<talk id>`` (chat/private.py)
MAX_NUMBERED = 200  # meetings counted back to number a session ("meeting 7"); beyond that, the date alone
# The order of the mentors' queue: the most urgent first, then oldest first within a rank.
RANKS = {"acute": 0, "plan": 1, "ideation": 2, "danger": 2, "concern": 3, "high": 4, "normal": 5}


def rank_of(priority: str, severity: str | None, kind: str) -> int:
    if severity is None:
        return RANKS[priority]
    if kind == "danger" and severity != "acute":
        return RANKS["danger"]
    return RANKS[severity]


def talk_of(message: storage.Message | None) -> str | None:
    """The private talk a message was written in, or None for a message of the room: a report must
    say so, or the mentors look for the message in the room, where it is not."""
    if message is None or not message.session_id.startswith(TALK_PARTITION):
        return None
    return message.session_id.removeprefix(TALK_PARTITION)


def new_report(
    session: storage.Connection | storage.Session,
    org_id: str,
    kind: str,
    priority: str,
    now: datetime,
    *,
    message: storage.Message | None = None,
    pseudonym: str = "",
    reason: str = "",
    excerpt: str = "",
    retention_days: int,
    report_id: str | None = None,
    severity: str | None = None,
    author_id: str | None = None,
) -> storage.Report:
    """A report, keyed by ``report_id`` when what it is about must be reported only once."""
    report_id = report_id or str(ULID.from_datetime(now))
    # Who wrote what is reported: the message's author, or the sender of a held-back message. Kept
    # only so that deleting the account can strip the report of their words and name. ``author_id``
    # names the sender when ``session`` is the session itself (a send from the waiting room).
    author_id = message.author_id if message else author_id or getattr(session, "user_id", None)
    return storage.Report(
        org_id,
        report_id,
        kind=kind,
        priority=priority,
        session_id=session.session_id,
        group_id=session.group_id,
        message_id=message.message_id if message else None,
        talk_id=talk_of(message),
        author_id=author_id,
        pseudonym=message.pseudonym if message else pseudonym,
        excerpt=(message.text if message else excerpt)[:EXCERPT_CHARS],
        reason=reason[:MAX_REASON],
        created_at=now,
        open_org=org_id,
        severity=severity,
        queue_key=f"{rank_of(priority, severity, kind)}#{report_id}",
        # A report quotes a message, so it expires with the messages it quotes.
        expires_at=now + timedelta(days=retention_days),
    )


def place_of(report: storage.Report, known: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Where a report happened, in the mentor's words: the group's name and which meeting of it
    (the date it started and its number among the group's meetings), so a mentor on duty for two
    groups knows at once where to go. ``known`` caches the answer per session across a list."""
    known = {} if known is None else known
    if report.session_id not in known:
        group = storage.get_group(report.group_id)
        session = storage.get_session(report.session_id)
        number = None
        if session is not None:
            held = storage.group_history(report.group_id, session.starts_at + timedelta(seconds=1), MAX_NUMBERED)
            meetings = [s for s in held if s.status in (storage.OPEN, storage.CLOSED)]
            # Counted back to the first meeting when there are fewer than MAX_NUMBERED of them.
            number = len(meetings) if len(meetings) < MAX_NUMBERED else None
        known[report.session_id] = {
            "group_name": group.name if group else None,
            "session_starts_at": session.starts_at.isoformat() if session else None,
            "session_number": number,
            "session_open": bool(session and session.status == storage.OPEN),
        }
    return known[report.session_id]


def placed_views(found: Iterable[storage.Report]) -> list[dict[str, Any]]:
    """The reports' views, each naming its group and session (one look-up per session)."""
    known: dict[str, dict[str, Any]] = {}
    return [report_view(report) | place_of(report, known) for report in found]


def placed_view(report: storage.Report) -> dict[str, Any]:
    return report_view(report) | place_of(report)
