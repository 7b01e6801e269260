"""Every limit a user can run into, in one place.

The server enforces them and publishes them to the web client (``config.json``), so a form
never allows what the server refuses. Error codes carry the limit as a parameter.
"""

from __future__ import annotations

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


def published() -> dict[str, int]:
    """The limits as the web client reads them from ``config.json``."""
    return {name.lower(): value for name, value in globals().items() if name.isupper() and isinstance(value, int)}
