"""Where a request comes from: the one datum kept about a device, as a salted hash.

The gateway gives each request the client's address. It is used for one thing only: to count
attempts per source. It is hashed at once with HMAC-SHA-256 under a salt that changes every
day (derived from the token secret and the UTC date, so nothing extra is stored), and the hash
is kept only in counters that expire with their window. The address itself is never stored and
never logged.

Tests and the local stack run on one machine, where every request comes from the loopback
address: a request *from loopback* may name its source in the ``X-Test-Source`` header, so a
test can play several devices. API Gateway never reports a loopback address, so the header has
no effect in AWS.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from chalicelib.config import token_secret

TEST_SOURCE_HEADER = "x-test-source"
UNKNOWN = "unknown"  # no address given: all such requests share one count


@lru_cache(maxsize=4)
def daily_salt(day: date) -> bytes:
    """Today's salt: yesterday's hashes cannot be matched with today's, and nothing is stored."""
    return hmac.new(token_secret().encode(), f"source-salt:{day.isoformat()}".encode(), hashlib.sha256).digest()


def hashed(value: str, now: datetime) -> str:
    """A short keyed hash under today's salt, for sources and for names in counter keys."""
    return hmac.new(daily_salt(now.date()), value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:24]


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def source(address: str | None, test_source: str | None, now: datetime) -> str:
    """The hashed source of a request with this address (and, on loopback only, test source)."""
    raw = (address or "").strip()
    if test_source and is_loopback(raw):
        raw = "test:" + test_source.strip()[:64]
    if not raw:
        return UNKNOWN
    return hashed(raw, now)


def _header(headers: Any, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def rest_source(request: Any, now: datetime) -> str:
    """The source of a REST request (``requestContext.identity.sourceIp``)."""
    context = request.context or {}
    address = (context.get("identity") or {}).get("sourceIp")
    return source(address, _header(request.headers, TEST_SOURCE_HEADER), now)


def socket_source(event: dict[str, Any], now: datetime) -> str:
    """The source of a WebSocket ``$connect`` event."""
    address = ((event.get("requestContext") or {}).get("identity") or {}).get("sourceIp")
    return source(address, _header(event.get("headers"), TEST_SOURCE_HEADER), now)
