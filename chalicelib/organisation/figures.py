"""Organisation figures without personal data: counts per session, never who.

Participants per session, returning participants (came to the group's previous session too),
messages per session, reports handled, and the minutes with and without a mentor in the room —
for the admin view's table and plot.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from chalicelib import storage
from chalicelib.accounts.tokens import Identity
from chalicelib.chat import presence
from chalicelib.moderation.actions import require_admin

MAX_WEEKS = 52


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
        for current, previous in zip(history, [*history[1:], None], strict=False):
            if rows and sum(r["group_id"] == group.group_id for r in rows) >= weeks:
                break
            came = set(current.attendees or ())
            before = set(previous.attendees or ()) if previous else set()
            messages: float | None = current.message_count
            if messages is None:  # still open: count now
                messages = storage.count_messages(current.session_id)
            rows.append(
                {
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
                }
            )
    rows.sort(key=lambda row: row["starts_at"])
    return {"weeks": weeks, "sessions": rows}
