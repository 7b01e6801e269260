"""Web Push without a payload (RFC 8030 with VAPID, RFC 8292): one POST per reminder.

The push carries no data at all. The service worker (web/sw.js) wakes, reads the groups it was
asked to remind of and the public group list, and shows the localised text itself; the push
service learns nothing but that a push happened. This is also why no encryption library ships:
an empty push needs only the VAPID signature (see docs/deploy.md, "Package size").

The endpoint URL is a bearer capability for that browser: it is never logged, and only push
services' hosts are accepted (``PUSH_SERVICE_HOSTS``), over https (plain http only for a
loopback host named there, for the local stack and the tests). Redirects are not followed.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from chalicelib.reminders.keys import LOOPBACK, VapidKey

log = logging.getLogger("gruppechat.reminders")

MAX_ENDPOINT = 1024
SENT, GONE, RETRY, REFUSED = "sent", "gone", "retry", "refused"


def push_origin(endpoint: str, hosts: tuple[str, ...]) -> str | None:
    """The endpoint's origin (the VAPID audience) when it is a push service we send to, else None."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT:
        return None
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or not host:
        return None
    loopback = host in LOOPBACK or f"[{host}]" in LOOPBACK
    allowed = any(host == h or (not loopback and host.endswith("." + h)) for h in hosts)
    if not allowed or parts.scheme not in ("https", "http") or (parts.scheme == "http" and not loopback):
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return f"{parts.scheme}://{netloc}"


@dataclass(frozen=True)
class Pushed:
    """What the push service answered: its status (0: no answer) and what it means for us."""

    status: int
    outcome: str  # sent | gone (forget the subscription) | retry (next tick) | refused (give up for this session)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class WebPush:
    """Sends data-less pushes signed with the VAPID key."""

    def __init__(self, key: VapidKey, subject: str, hosts: tuple[str, ...], timeout_s: float = 5.0) -> None:
        self.key = key
        self.subject = subject
        self.hosts = hosts
        self.timeout_s = timeout_s
        self._opener = urllib.request.build_opener(_NoRedirects())
        self._tokens: dict[str, tuple[datetime, str]] = {}

    def _authorization(self, audience: str, now: datetime) -> str:
        """One signature per push service per hour at most: the JWT is valid for 12 hours."""
        cached = self._tokens.get(audience)
        if cached is None or (now - cached[0]).total_seconds() > 3600:
            cached = (now, self.key.authorization(audience, self.subject, now))
            self._tokens[audience] = cached
        return cached[1]

    def send(self, endpoint: str, now: datetime, ttl_s: int, topic: str) -> Pushed:
        audience = push_origin(endpoint, self.hosts)
        if audience is None:
            return Pushed(0, REFUSED)
        request = urllib.request.Request(
            endpoint,
            data=b"",
            method="POST",
            headers={
                "Authorization": self._authorization(audience, now),
                "TTL": str(ttl_s),  # undelivered after this, it is no longer "soon": drop it
                "Urgency": "normal",
                "Topic": topic,  # a newer push with the same topic replaces an undelivered one
                "Content-Length": "0",
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                return Pushed(response.status, SENT if 200 <= response.status < 300 else REFUSED)
        except urllib.error.HTTPError as error:
            return Pushed(error.code, meaning(error.code))
        except (urllib.error.URLError, TimeoutError, OSError):
            # Never log the URL: the error's text may carry it.
            log.warning("a push service did not answer; the next tick tries again")
            return Pushed(0, RETRY)


def meaning(status: int) -> str:
    """404/410: the browser dropped the subscription; 429/5xx: later; other refusals: not this time."""
    if 200 <= status < 300:
        return SENT
    if status in (404, 410):
        return GONE
    if status == 429 or status >= 500:
        return RETRY
    return REFUSED
