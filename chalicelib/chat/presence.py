"""A mentor is always in the room: the room opens when a mentor arrives and pauses when none is left.

The session item keeps the room's state, changed only by conditional writes, so each change
happens once however many sends, ticks and sockets notice it at the same moment:

* **waiting** (no mentor has come yet) or **paused** (the last one left): teens may enter and read,
  but a send gets ``waiting_for_mentor``;
* **open**: a mentor is connected to the session, or the last one left less than the grace period
  ago (``MENTOR_GRACE_SECONDS``, default 2 minutes: a dropped phone connection is not a pause).

Everyone in the room is told when it opens and when it pauses (a ``room`` frame). ``$disconnect``
is best effort, so a mentor's socket also needs a heartbeat: the mentor page pings, each ping
refreshes ``seen_at``, and the minute tick forgets a mentor socket not seen for
``MENTOR_STALE_SECONDS`` (:mod:`chalicelib.chat.watch`). The seconds with and without a mentor add
up on the session, interval by interval, for the organisation's figures.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import frames, storage
from chalicelib.config import settings
from chalicelib.delivery import Delivery

log = logging.getLogger("gruppechat.presence")

OPEN, WAITING, PAUSED = "open", "waiting", "paused"
STAFF_ROLES = frames.STAFF_ROLES


@dataclass(frozen=True)
class PresenceRules:
    grace: timedelta  # the room stays open this long after the last mentor left
    stale: timedelta  # a mentor's socket not seen this long has vanished

    @classmethod
    def from_settings(cls) -> PresenceRules:
        current = settings()
        return cls(timedelta(seconds=current.mentor_grace_s), timedelta(seconds=current.mentor_stale_s))


def rules() -> PresenceRules:
    return PresenceRules.from_settings()


# --- reading the state (pure) ---------------------------------------------------------------------


def mentors_in(members: list[storage.Connection]) -> list[storage.Connection]:
    return [member for member in members if member.role in STAFF_ROLES]


def room_state(session: storage.Session) -> str:
    if session.mentor_present:
        return OPEN
    return PAUSED if session.mentor_first_at else WAITING


def without_mentor_since(session: storage.Session) -> datetime:
    """Since when the room has had no mentor (meaningful while it is not open)."""
    return session.presence_since or session.starts_at


def room_view(session: storage.Session) -> dict[str, object]:
    state = room_state(session)
    since = since_of(session) if state == OPEN else without_mentor_since(session)
    return {"state": state, "since": since.isoformat() if since else None, "locked": bool(session.locked)}


# PynamoDB types a nullable attribute as never None: these say what the item may hold.
def left_at(session: storage.Session) -> datetime | None:
    value: datetime | None = session.mentor_left_at
    return value


def since_of(session: storage.Session) -> datetime | None:
    value: datetime | None = session.presence_since
    return value


def _seconds(start: datetime | None, end: datetime) -> int:
    return max(0, int((end - start).total_seconds())) if start else 0


def seconds(session: storage.Session, now: datetime) -> tuple[int, int]:
    """(with a mentor, without one), the running interval included, up to ``now`` or the end."""
    with_s, without_s = int(session.with_mentor_s or 0), int(session.without_mentor_s or 0)
    since = since_of(session)
    if since is None:
        return with_s, without_s
    end = max(since, min(now, session.ends_at))
    if not session.mentor_present:
        return with_s, without_s + _seconds(since, end)
    left = left_at(session)
    if left is None:
        return with_s + _seconds(since, end), without_s
    left = min(left, end)
    return with_s + _seconds(since, left), without_s + _seconds(left, end)


def minutes(session: storage.Session, now: datetime) -> tuple[int, int]:
    with_s, without_s = seconds(session, now)
    return round(with_s / 60), round(without_s / 60)


# --- changing it (a conditional write each; the winner tells the room) ------------------------------


def settle(
    delivery: Delivery,
    session: storage.Session,
    mentor_here: bool,
    now: datetime,
    presence: PresenceRules | None = None,
) -> bool:
    """Bring the room's state in line with whether a mentor is here now; True when it is open.

    A mentor here opens a waiting or paused room (everyone is told) or ends a grace period. No
    mentor here starts the grace period, or pauses the room once it has run out (everyone is told).
    """
    presence = presence or rules()
    step = _arrive if mentor_here else _depart
    for _ in range(3):  # a lost race reloads the session and looks again
        answer = step(delivery, session, now, presence)
        if answer is not None:
            return answer
        storage.reload_session(session)
    log.warning("presence kept changing under us")
    return room_state(session) == OPEN


def _arrive(delivery: Delivery, session: storage.Session, now: datetime, presence: PresenceRules) -> bool | None:
    """A mentor is here. None: the write lost a race (look again)."""
    left = left_at(session)
    if not session.mentor_present:
        if not storage.presence_open(session, now, _seconds(without_mentor_since(session), now)):
            return None
        _tell(delivery, session, OPEN, now)
    elif left is not None and not storage.presence_back(
        session, now, _seconds(since_of(session), left), _seconds(left, now)
    ):
        return None
    return True


def _depart(delivery: Delivery, session: storage.Session, now: datetime, presence: PresenceRules) -> bool | None:
    """No mentor is here. None: the state changed (a grace period began, a race was lost): look again."""
    left = left_at(session)
    if not session.mentor_present:
        return False
    if left is None:
        storage.presence_left(session, now)
        return None
    if now < left + presence.grace:
        return True
    if not storage.presence_pause(session, _seconds(since_of(session), left)):
        return None
    _tell(delivery, session, PAUSED, now)
    return False


def _tell(delivery: Delivery, session: storage.Session, state: str, now: datetime) -> None:
    members = storage.session_connections(session.session_id)
    delivery.send_all(members, frames.room(session.session_id, state, now, bool(session.locked)))


def freeze(session: storage.Session, now: datetime) -> None:
    """At the close: the last interval joins the totals, which stop counting."""
    if since_of(session) is None:
        return
    with_total, without_total = seconds(session, now)
    storage.presence_freeze(
        session, with_total - int(session.with_mentor_s or 0), without_total - int(session.without_mentor_s or 0)
    )


def mentor_seen(delivery: Delivery, me: storage.Connection, now: datetime) -> bool:
    """A mentor's ping: the heartbeat that says they are still here. False: the socket was forgotten."""
    if not storage.touch_connection(me, now):
        return False
    if me.session_id:
        session = storage.get_session(me.session_id)
        if (
            session is not None
            and session.status == storage.OPEN
            and (not session.mentor_present or left_at(session) is not None)
        ):
            settle(delivery, session, True, now)
    return True
