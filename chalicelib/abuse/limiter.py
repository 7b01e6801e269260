"""Rate limits, counted atomically in DynamoDB in fixed windows, and the log-in guard.

A count is one conditional ``ADD`` on an item named after the rate, the subject and the window
(``storage.count_hit``), so concurrent requests are counted exactly and at most the limit passes.
Items expire shortly after their window. Subjects that name a person or a source are hashed with
the daily salt (:mod:`.sources`), so the table holds neither names nor addresses.

The log-in guard counts wrong passwords three ways, each answering a different attack:

* per name *and* source: one device guessing one name is stopped after a few tries, while the
  owner, from any other source, still gets in;
* per source: one device trying many names is stopped;
* per name, from anywhere: a name guessed from many sources is *slowed* (one attempt per turn),
  never locked, and a device the owner logged in from before (a device token) skips the turn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chalicelib import storage
from chalicelib.abuse.sources import hashed
from chalicelib.errors import ChatError
from chalicelib.limits import NAME_TURN_S, rate

# An item outlives its window a little, so a clock a few seconds off never resets a count early.
GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class Window:
    key: str
    limit: int
    ends: datetime


def window(rate_name: str, subject: str, now: datetime) -> Window:
    """The fixed window of ``rate_name`` that ``now`` falls in, for one subject."""
    chosen = rate(rate_name)
    index = int(now.timestamp()) // chosen.window_s
    ends = datetime.fromtimestamp((index + 1) * chosen.window_s, UTC)
    return Window(f"{rate_name}#{subject}#{index}", chosen.limit, ends)


def seconds_until(when: datetime, now: datetime) -> int:
    return max(1, math.ceil((when - now).total_seconds()))


def hit(rate_name: str, subject: str, now: datetime, code: str = "too_many_attempts") -> str:
    """Count one event for ``subject``; refuse with ``code`` and ``retry_after`` when the window is full.

    Returns the counter's key, so a caller can give the event back (:func:`give_back`).
    """
    current = window(rate_name, subject, now)
    if storage.count_hit(current.key, current.limit, current.ends + GRACE) is None:
        raise ChatError(code, retry_after=seconds_until(current.ends, now))
    return current.key


def give_back(key: str) -> None:
    storage.uncount(key)


def check(rate_name: str, subject: str, now: datetime, code: str = "too_many_attempts") -> None:
    """Refuse as :func:`hit` would, without counting: for a check before the real attempt."""
    current = window(rate_name, subject, now)
    found = storage.get_throttle(current.key)
    if found is not None and int(found.hits or 0) >= current.limit:
        raise ChatError(code, retry_after=seconds_until(current.ends, now))


def person(user_id: str, now: datetime) -> str:
    """A counter subject for an account: hashed, so the table does not list who did what."""
    return hashed("person:" + user_id, now)


# --- log-in ---------------------------------------------------------------------------------------


@dataclass
class LogInAttempt:
    """An attempt let through the guard. Its counts stand as failures unless :meth:`succeeded`."""

    counted: list[str] = field(default_factory=list)

    def succeeded(self) -> None:
        """The right password: the attempt was no guess, so it counts against nothing."""
        for key in self.counted:
            give_back(key)
        self.counted.clear()


def guard_log_in(kind: str, name: str, source: str, trusted_device: bool, now: datetime) -> LogInAttempt:
    """Let one log-in attempt through, or refuse it with ``too_many_attempts`` and ``retry_after``.

    ``kind`` keeps participants' and mentors' names apart; ``name`` is the normalised name,
    known or not (the answer never tells which); ``trusted_device`` is True when the request
    carries a valid device token for this name.
    """
    name_hash = hashed(f"{kind}:{name}", now)
    attempt = LogInAttempt()
    try:
        attempt.counted.append(hit("log_in_per_name_and_source", f"{name_hash}:{source}", now))
        attempt.counted.append(hit("log_in_per_source", f"{kind}:{source}", now))
        if not trusted_device:
            attempt.counted.append(_take_turn(name_hash, now))
    except ChatError:
        attempt.succeeded()  # a refused attempt is not an attempt: give back what it counted
        raise
    return attempt


def _take_turn(name_hash: str, now: datetime) -> str:
    current = window("log_in_per_name", name_hash, now)
    turn = now + timedelta(seconds=NAME_TURN_S)
    if storage.take_turn(current.key, current.limit, now, turn, current.ends + GRACE) is None:
        found = storage.get_throttle(current.key)
        next_turn = found.not_before if found is not None and found.not_before is not None else turn
        raise ChatError("too_many_attempts", retry_after=seconds_until(next_turn, now))
    return current.key
