"""The session summary: what next week's mentors should know about this week, in counts.

Written once by the close of a session (one of the tick's close steps, ``summarise`` in
:mod:`chalicelib.sessions.keeper`) onto the session item, and read by the group's mentors when they
open the next session ("Sidste uges opsummering"). It holds counts only — who came and how many
of them came the week before, messages, reports and flags by kind, crisis flags by level, how many
notes were written during the session — and the session's topic; never a message's text, never a
name. How many came back is left out (null, with the reason in ``withheld``) when fewer than five
came (:mod:`chalicelib.small_counts`): when written, and again when read, for summaries written
before the rule. The pseudonyms that have notes are added when the summary is read
(:func:`chalicelib.organisation.handover.summaries`), from the notes as they are then, so a deleted
account's pseudonym disappears from every summary with its notes.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from chalicelib import storage
from chalicelib.small_counts import withhold_returning

# The levels of a crisis flag, mildest first (chalicelib.safety.crisis).
CRISIS_LEVELS = ("concern", "ideation", "plan", "acute")


def summarise(session: storage.Session, now: datetime) -> dict[str, Any]:
    """The summary of a closed session, from what is stored (attendance tags, reports, notes)."""
    came = set(session.attendees or ())
    previous = _previous(session)
    before = set(previous.attendees or ()) if previous else set()
    reports = storage.session_reports(session.org_id, session.session_id, session.starts_at, session.ends_at)
    kinds = Counter(report.kind for report in reports)
    levels = Counter(report.severity for report in reports if report.kind in ("crisis", "danger") and report.severity)
    notes = [note for note in storage.group_notes(session.group_id) if session.session_id in (note.sessions or ())]
    messages = session.message_count
    return withhold_returning(
        {
            "topic": session.topic or "",
            "participants": len(came),
            "returning": len(came & before),
            "messages": int(messages) if messages is not None else storage.count_messages(session.session_id),
            "reports": {kind: kinds[kind] for kind in sorted(kinds)},
            "reports_open": sum(report.status == "open" for report in reports),
            "crisis": {level: levels[level] for level in CRISIS_LEVELS},
            "notes_written": len(notes),
            "written_at": now.isoformat(),
            "withheld": {},
        }
    )


def write(session: storage.Session, now: datetime) -> bool:
    """The close step: write the summary unless an earlier try did (False then). Safe to repeat."""
    if session.summary:
        return False
    return storage.save_summary(session, json.dumps(summarise(session, now), sort_keys=True))


def read(session: storage.Session) -> dict[str, Any] | None:
    """The stored summary, or None when the session has none (not closed yet, or cancelled)."""
    if not session.summary:
        return None
    summary: dict[str, Any] = json.loads(session.summary)
    return withhold_returning({"withheld": {}, **summary})


def _previous(session: storage.Session) -> storage.Session | None:
    """The group's meeting before this one that took place (for who came back)."""
    for earlier in storage.group_history(session.group_id, session.starts_at, limit=4):
        if earlier.session_id != session.session_id and earlier.status in (storage.OPEN, storage.CLOSED):
            return earlier
    return None
