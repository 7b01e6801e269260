"""Organisation figures without personal data: counts per session, never who.

Participants per session, returning participants (came to the group's previous session too, and
the share who came to any of its sessions in the 8 weeks before), messages per session, reports
handled, the minutes with and without a mentor in the room, and the check-in and check-out: the
average of each and the change, from the session's counts per step, and nothing at all (null, with
the reason in ``withheld``) for fewer than ``MIN_MOOD_ANSWERS`` answers — for the admin view's
table and plot. How many came back, and their share, are withheld the same way when fewer than
``MIN_RETURNING_BASE`` came (:mod:`chalicelib.small_counts`): in a group of three, "2 came back"
tells a mentor who did. Everything comes from queries of the group's sessions, never a table scan.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from chalicelib import frames, storage
from chalicelib.accounts.tokens import Identity
from chalicelib.chat import presence
from chalicelib.limits import MIN_MOOD_ANSWERS
from chalicelib.moderation.actions import require_admin
from chalicelib.small_counts import TOO_FEW_ANSWERS, withhold_returning

MAX_WEEKS = 52
RETURNING_WINDOW = timedelta(weeks=8)


def figures(admin: Identity, weeks: int, now: datetime) -> dict[str, Any]:
    require_admin(admin)
    weeks = max(1, min(int(weeks), MAX_WEEKS))
    handled = Counter(
        report.session_id
        for report in storage.recent_reports(admin.org_id or "", limit=1000)
        if report.status == "resolved"
    )
    rows: list[dict[str, Any]] = []
    for group in storage.org_groups(admin.org_id or ""):
        # One extra session back, so the oldest row can still say who returned.
        history = [
            s
            for s in storage.group_history(group.group_id, now, weeks + 1)
            if s.status in (storage.OPEN, storage.CLOSED)
        ]
        before_window = _earlier_sessions(group.group_id, history)
        for current, previous in zip(history, [*history[1:], None], strict=False):
            if rows and sum(r["group_id"] == group.group_id for r in rows) >= weeks:
                break
            came = set(current.attendees or ())
            before = set(previous.attendees or ()) if previous else set()
            messages: float | None = current.message_count
            if messages is None:  # still open: count now
                messages = storage.count_messages(current.session_id)
            row: dict[str, Any] = {
                "group_id": group.group_id,
                "group": group.name,
                "session_id": current.session_id,
                "starts_at": current.starts_at.isoformat(),
                "status": current.status,
                "participants": len(came),
                "returning": len(came & before),
                "messages": int(messages),
                "reports_handled": handled.get(current.session_id, 0),
                **dict(
                    zip(
                        ("minutes_with_mentor", "minutes_without_mentor"),
                        presence.minutes(current, now),
                        strict=True,
                    )
                ),
                **_returning(current, came, [*history, *before_window]),
                **mood_figures(current),
            }
            rows.append(withhold_returning(row))
    rows.sort(key=lambda row: row["starts_at"])
    return {"weeks": weeks, "sessions": rows}


def _earlier_sessions(group_id: str, history: list[storage.Session]) -> list[storage.Session]:
    """The group's sessions in the 8 weeks before the oldest row, for its returning share."""
    if not history:
        return []
    oldest = history[-1].starts_at
    return storage.sessions_between(group_id, oldest - RETURNING_WINDOW, oldest)


def _returning(current: storage.Session, came: set[str], sessions: list[storage.Session]) -> dict[str, Any]:
    """How many of those who came had come to the group in the 8 weeks before, and their share."""
    since = current.starts_at - RETURNING_WINDOW
    seen: set[str] = set()
    for session in sessions:
        if since <= session.starts_at < current.starts_at and session.status in (storage.OPEN, storage.CLOSED):
            seen |= set(session.attendees or ())
    back = len(came & seen)
    return {"returning_8w": back, "returning_share": round(back / len(came), 2) if came else None}


def mood_figures(session: storage.Session) -> dict[str, Any]:
    """The check-in's and the check-out's answers and averages (1-5) and the change between them;
    null, with the reason in ``withheld``, below ``MIN_MOOD_ANSWERS`` answers: so few answers
    could tell who felt how."""
    row: dict[str, Any] = {}
    withheld: dict[str, str] = {}
    averages: dict[str, float | None] = {}
    for field in frames.MOOD_PHASES.values():
        counts = frames.mood_counts(session, field)
        answers = sum(counts)
        if answers < MIN_MOOD_ANSWERS:
            averages[field] = None
            row[f"{field}_answers"] = None
            withheld[f"{field}_answers"] = withheld[f"{field}_average"] = TOO_FEW_ANSWERS
        else:
            averages[field] = round(sum(step * count for step, count in enumerate(counts, 1)) / answers, 2)
            row[f"{field}_answers"] = answers
        row[f"{field}_average"] = averages[field]
    start, end = averages["checkin"], averages["checkout"]
    row["mood_change"] = round(end - start, 2) if start is not None and end is not None else None
    if row["mood_change"] is None:
        withheld["mood_change"] = TOO_FEW_ANSWERS
    row["withheld"] = withheld
    return row
