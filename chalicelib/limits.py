"""Every limit a user can run into, in one place.

The server enforces them and publishes them to the web client (``config.json``), so a form
never allows what the server refuses. Error codes carry the limit as a parameter.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

MAX_MESSAGE_CHARS: Final = 1000
MAX_FRAME_BYTES: Final = 32 * 1024  # API Gateway's WebSocket frame limit
MAX_CLIENT_ID: Final = 64
HISTORY_SIZE: Final = 50
CATCH_UP_PAGE: Final = 100
MAX_REASON: Final = 500

MIN_PSEUDONYM: Final = 2
MAX_PSEUDONYM: Final = 24
MIN_PASSWORD: Final = 8
MIN_MENTOR_PASSWORD: Final = 10
MAX_PASSWORD: Final = 200
MAX_FOLLOWED: Final = 20

MAX_GROUP_NAME: Final = 60
MAX_DESCRIPTION: Final = 1000
MAX_RULES: Final = 20
MAX_RULE_CHARS: Final = 300
MIN_CAPACITY: Final = 2
MAX_CAPACITY: Final = 100

MAX_TOPIC: Final = 200
MAX_ANNOUNCEMENT: Final = 1000
MAX_MUTE_MINUTES: Final = 24 * 60
MAX_BAN_DAYS: Final = 3650
MAX_SLOW_MODE_S: Final = 600
MAX_EXTEND_MINUTES: Final = 120
MAX_NOTE_CHARS: Final = 1000  # a mentor's handover note about one pseudonym in one group

# Admission and the duty roster
MEMBER_OVERFLOW_PERCENT: Final = 20  # returning members may go this far over a group's capacity
MAX_DUTY_MENTORS: Final = 2  # one or two mentors on duty per group
ROSTER_WEEKS: Final = 6  # how far ahead the roster and "my duties" look
MISSING_MENTOR_ALERT_MINUTES: Final = 5  # no mentor by the start plus this: duty mentors and admins hear
# Check-in and rounds (issue 16)
MOOD_STEPS: Final = 5  # the check-in's scale runs 1..5
MIN_MOOD_ANSWERS: Final = 5  # fewer answers than this in a session: the figures show no average
# Fewer who came to a session than this: the figures and the summary say nothing of how many came back.
MIN_RETURNING_BASE: Final = 5
MAX_ROUND_QUESTION: Final = 200
ROUND_TURN_S: Final = 120  # a turn in a round runs out after this (the minute tick moves it on)

# An organisation's settings (admins): its own crisis terms, retention, flood control.
MAX_CRISIS_TERMS: Final = 50
MIN_CRISIS_TERM_CHARS: Final = 3
MAX_CRISIS_TERM_CHARS: Final = 120
MIN_RETENTION_DAYS: Final = 7
MAX_RETENTION_DAYS: Final = 365
MIN_FLOOD_BURST: Final = 1
MAX_FLOOD_BURST: Final = 20
MIN_FLOOD_PER_MINUTE: Final = 1
MAX_FLOOD_PER_MINUTE: Final = 120
MIN_INACTIVE_MONTHS: Final = 3  # an organisation's own period before an unused teen account is deleted
MAX_INACTIVE_MONTHS: Final = 36


# --- abuse resistance (chalicelib.abuse; docs/abuse.md explains each figure) ---------------------


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` events per fixed window of ``window_s`` seconds."""

    limit: int
    window_s: int


# Figures chosen for a youth club whose teens share one network (docs/abuse.md).
RATES: Final[dict[str, Rate]] = {
    "sign_up_per_source": Rate(10, 3600),  # new accounts from one device or network
    "log_in_per_name_and_source": Rate(5, 900),  # wrong passwords for one name from one source
    "log_in_per_source": Rate(30, 3600),  # wrong passwords for any names from one source
    "log_in_per_name": Rate(10, 3600),  # wrong passwords for one name from anywhere, then slowed
    "connect_per_person": Rate(30, 60),  # $connect, per account
    "connect_per_source": Rate(120, 60),  # $connect, per source
    "join_per_person": Rate(20, 60),  # join frames, per account
    "report_per_person": Rate(10, 3600),  # reports, per account (one per message anyway)
    "talk_request_per_person": Rate(6, 3600),  # asking to talk with a mentor alone, per account
}
# Once a name is being guessed from many sources, one attempt per this many seconds on it,
# except from a device the owner logged in from before (a device token).
NAME_TURN_S: Final = 30
DEVICE_TOKEN_DAYS: Final = 90
# Proof of work at sign-up (the ALTCHA protocol, its default difficulty): the browser tries on
# average half of this many SHA-256 hashes (~0.7 s at the 720,000/s measured in headless Chromium
# here; a few seconds on an old phone, mostly while the teen types). Good for a few minutes, and once.
CHALLENGE_MAX_NUMBER: Final = 1_000_000
CHALLENGE_LIFETIME_S: Final = 600


@lru_cache(maxsize=1)
def rates() -> dict[str, Rate]:
    """The rates in force: ``RATES``, with overrides from ``RATE_LIMITS`` ("name=limit/window_s,...")."""
    chosen = dict(RATES)
    for part in filter(None, (item.strip() for item in os.environ.get("RATE_LIMITS", "").split(","))):
        name, _, figures = part.partition("=")
        limit, _, window = figures.partition("/")
        if name.strip() not in RATES:
            raise ValueError(f"RATE_LIMITS names an unknown rate: {name.strip()!r}")
        chosen[name.strip()] = Rate(int(limit), int(window or RATES[name.strip()].window_s))
    return chosen


def rate(name: str) -> Rate:
    return rates()[name]


def challenge_max_number() -> int:
    """The proof of work's difficulty; tests and the local stack may lower it (``CHALLENGE_MAX_NUMBER``)."""
    return int(os.environ.get("CHALLENGE_MAX_NUMBER") or CHALLENGE_MAX_NUMBER)


def published() -> dict[str, int]:
    """The limits as the web client reads them from ``config.json``."""
    return {name.lower(): value for name, value in globals().items() if name.isupper() and isinstance(value, int)}
