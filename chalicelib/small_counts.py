"""The small-count rule: a figure drawn from fewer than five people is not shown at all.

An average of three check-ins, or "2 of 3 came back", lets a mentor who was in the room tell who
felt how or who came back. So such a figure is null, and ``withheld`` names it with the reason —
the code the console turns into words ("under 5 deltagere"). The organisation's figures
(:mod:`chalicelib.organisation.figures`) and a session's summary
(:mod:`chalicelib.sessions.summary`) both apply it. A plain count of who came stays: "3 came"
describes the room, not anyone in it.
"""

from __future__ import annotations

from typing import Any

from chalicelib.limits import MIN_RETURNING_BASE

TOO_FEW_ANSWERS = "too_few_answers"
TOO_FEW_PARTICIPANTS = "too_few_participants"
# The figures about who came back: each is a part of who came, so a small group gives people away.
RETURNING_FIGURES = ("returning", "returning_8w", "returning_share")


def withhold_returning(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (with ``participants``) as it may be shown: with fewer than ``MIN_RETURNING_BASE``
    participants each returning figure in it is null and named in ``withheld``."""
    if row["participants"] >= MIN_RETURNING_BASE:
        return row
    hidden = [field for field in RETURNING_FIGURES if field in row]
    return {
        **row,
        **dict.fromkeys(hidden),
        "withheld": {**(row.get("withheld") or {}), **dict.fromkeys(hidden, TOO_FEW_PARTICIPANTS)},
    }
