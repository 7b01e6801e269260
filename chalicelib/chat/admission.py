"""Who may enter a session, read, write and take a seat: the admission rules as one table.

Four things decide, and nothing else:

* the group's **entry mode**: ``open``, ``waiting_room`` (a newcomer agrees to the rules and waits
  for a mentor to let them in) or ``members_only`` (a fixed course: only enrolled pseudonyms);
* whether a **mentor is present**: connected to the session, or the room is within its grace
  period after the last mentor left (:mod:`chalicelib.chat.presence`);
* whether a mentor **locked** the session (nobody new enters until it is unlocked);
* **who** knocks: someone already in this session today (back after a dropped connection), a
  **member** of the group (admitted from a waiting room, enrolled by a mentor, or came to the open
  group before) or a **newcomer**.

Mentors and admins are outside the table: they always enter, never take a seat, and their
arrival is what opens the room. Pure code: no storage, no clock. ``docs/rules.md`` holds the same
table, word for word; a test keeps the two equal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product

from chalicelib.limits import MEMBER_OVERFLOW_PERCENT

OPEN, WAITING_ROOM, MEMBERS_ONLY = "open", "waiting_room", "members_only"
ENTRY_MODES = (OPEN, WAITING_ROOM, MEMBERS_ONLY)
IN_SESSION, MEMBER, NEWCOMER = "in_session", "member", "newcomer"
WHO = (IN_SESSION, MEMBER, NEWCOMER)

ENTERS, WAITS, REFUSED = "enters", "waits", "refused"
# A seat: newcomers only below the capacity; members (and whoever is back) a little above it.
SEAT_CAPACITY, SEAT_OVER, NO_SEAT = "capacity", "capacity_plus", "none"
# A crisis line: help lines and a report always; stored and delivered only where sending is allowed.
CRISIS_DELIVERED, CRISIS_NOT_STORED, CRISIS_NO_ROOM = "delivered", "not_stored", "no_room"


@dataclass(frozen=True)
class Knock:
    """Who knocks, at which door: the four inputs of the table."""

    entry_mode: str
    mentor_present: bool
    locked: bool
    who: str

    def __post_init__(self) -> None:
        if self.entry_mode not in ENTRY_MODES:
            raise ValueError(f"unknown entry mode {self.entry_mode!r}")
        if self.who not in WHO:
            raise ValueError(f"unknown kind of visitor {self.who!r}")


@dataclass(frozen=True)
class Door:
    """What the table says for one knock."""

    door: str  # enters | waits | refused
    refusal: str | None  # the error code at the door (session_locked, members_only)
    may_read: bool
    may_send: bool
    send_refusal: str | None  # the error code a send gets (waiting_for_mentor, waiting_for_admission)
    seat: str
    crisis: str


def decide(knock: Knock) -> Door:
    """The rules, in the order they win: back today > locked > members only > waiting room > open."""
    if knock.who != IN_SESSION and knock.locked:
        return Door(REFUSED, "session_locked", False, False, None, NO_SEAT, CRISIS_NO_ROOM)
    if knock.who == NEWCOMER and knock.entry_mode == MEMBERS_ONLY:
        return Door(REFUSED, "members_only", False, False, None, NO_SEAT, CRISIS_NO_ROOM)
    if knock.who == NEWCOMER and knock.entry_mode == WAITING_ROOM:
        return Door(WAITS, None, False, False, "waiting_for_admission", NO_SEAT, CRISIS_NOT_STORED)
    seat = SEAT_CAPACITY if knock.who == NEWCOMER else SEAT_OVER
    if knock.mentor_present:
        return Door(ENTERS, None, True, True, None, seat, CRISIS_DELIVERED)
    return Door(ENTERS, None, True, False, "waiting_for_mentor", seat, CRISIS_NOT_STORED)


def seats(seat: str, capacity: int) -> int:
    """How many live participants may be in the room for this knock to find a seat."""
    if seat == SEAT_CAPACITY:
        return capacity
    if seat == SEAT_OVER:
        return capacity + max(1, math.ceil(capacity * MEMBER_OVERFLOW_PERCENT / 100))
    return 0


# --- the table in words (docs/rules.md) ----------------------------------------------------------

WORDS = {
    OPEN: "open",
    WAITING_ROOM: "waiting room",
    MEMBERS_ONLY: "members only",
    IN_SESSION: "back today",
    MEMBER: "member",
    NEWCOMER: "newcomer",
    ENTERS: "enters",
    WAITS: "waits for a mentor to admit",
    REFUSED: "refused",
    SEAT_CAPACITY: "counts; only below capacity",
    SEAT_OVER: f"counts; may go {MEMBER_OVERFLOW_PERCENT} % over",
    NO_SEAT: "does not count",
    CRISIS_DELIVERED: "help lines + report; delivered",
    CRISIS_NOT_STORED: "help lines + report; not stored",
    CRISIS_NO_ROOM: "no composer: not in a room",
}
COLUMNS = ("entry mode", "mentor present", "locked", "who", "door", "may read", "may send", "seat", "crisis line")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def table() -> list[tuple[str, ...]]:
    """Every combination of the four inputs, in words, as docs/rules.md shows it."""
    rows: list[tuple[str, ...]] = []
    for entry_mode, mentor_present, locked, who in product(ENTRY_MODES, (True, False), (False, True), WHO):
        door = decide(Knock(entry_mode, mentor_present, locked, who))
        outcome = WORDS[door.door] + (f" ({door.refusal})" if door.refusal else "")
        send = _yes(door.may_send) + (f" ({door.send_refusal})" if door.send_refusal else "")
        rows.append(
            (
                WORDS[entry_mode],
                _yes(mentor_present),
                _yes(locked),
                WORDS[who],
                outcome,
                _yes(door.may_read),
                send,
                WORDS[door.seat],
                WORDS[door.crisis],
            )
        )
    return rows
