"""The reminders' settings and the VAPID key that signs every push (RFC 8292).

The private key is a P-256 scalar, base64url without padding (what ``python -m
chalicelib.reminders.keys`` prints). In AWS it is a SecureString in SSM Parameter Store
(``VAPID_PRIVATE_KEY_PARAM``), read on first use and cached for the container's life; the local
stack and the tests put one in ``VAPID_PRIVATE_KEY``. Without either, reminders are off: the page
says so and the tick sends nothing. ``ecdsa`` is imported only when a key is used, so a cold
start of any function never loads it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

# Push services of the browsers teens use; an endpoint elsewhere is refused, so a made-up
# "subscription" cannot point the tick at an arbitrary server (the tick would POST to it).
DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",  # Chrome, Edge on Android, Samsung Internet, Opera
    "push.services.mozilla.com",  # Firefox
    "notify.windows.com",  # Edge on Windows
    "push.apple.com",  # Safari (web.push.apple.com)
)
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
# RFC 8292: a VAPID token lives at most 24 hours; 12 leaves room for clocks that disagree.
TOKEN_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class ReminderSettings:
    private_key: str | None
    private_key_param: str | None
    subject: str
    push_hosts: tuple[str, ...]
    idle_days: int

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ReminderSettings:
        env = dict(os.environ if env is None else env)
        hosts = env.get("PUSH_SERVICE_HOSTS")
        return cls(
            private_key=env.get("VAPID_PRIVATE_KEY") or None,
            private_key_param=env.get("VAPID_PRIVATE_KEY_PARAM") or None,
            subject=env.get("VAPID_SUBJECT") or _site(env.get("ALLOWED_ORIGIN")) or "mailto:gruppechat@example.invalid",
            push_hosts=tuple(h.strip().lower() for h in hosts.split(",") if h.strip()) if hosts else DEFAULT_PUSH_HOSTS,
            idle_days=int(env.get("REMINDER_IDLE_DAYS", "60")),
        )

    @property
    def configured(self) -> bool:
        return bool(self.private_key or self.private_key_param)


def _site(origin: str | None) -> str | None:
    """The site's own https URL: a contact push services accept when VAPID_SUBJECT is not set."""
    return origin if origin and origin.startswith("https://") and "REPLACE" not in origin else None


@lru_cache(maxsize=1)
def reminder_settings() -> ReminderSettings:
    return ReminderSettings.from_env()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class VapidKey:
    """The application server's key: signs the JWT each push carries, and gives the page the
    public half (the ``applicationServerKey`` its subscription is bound to)."""

    def __init__(self, private_key: str) -> None:
        from ecdsa import NIST256p, SigningKey  # lazily: only the tick and GET /me/reminders need it

        raw = unb64url(private_key.strip())
        if len(raw) != 32:
            raise RuntimeError("The VAPID private key must be 32 bytes, base64url encoded")
        self._signing = SigningKey.from_string(raw, curve=NIST256p, hashfunc=hashlib.sha256)
        point = self._signing.get_verifying_key().to_string("uncompressed")
        self.public_key = b64url(point)  # 65 bytes: 0x04 || x || y, as PushManager.subscribe wants it

    def token(self, audience: str, subject: str, now: datetime) -> str:
        """A VAPID JWT (ES256) for one push service origin, valid for TOKEN_LIFETIME from ``now``."""
        from ecdsa.util import sigencode_string

        header = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
        claims: dict[str, Any] = {"aud": audience, "exp": int((now + TOKEN_LIFETIME).timestamp()), "sub": subject}
        body = b64url(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{header}.{body}".encode()
        # RFC 6979 deterministic: no random number source to get wrong; r || s as JWS wants.
        signature = self._signing.sign_deterministic(signing_input, sigencode=sigencode_string)
        return f"{header}.{body}.{b64url(signature)}"

    def authorization(self, audience: str, subject: str, now: datetime) -> str:
        """The ``Authorization`` header of RFC 8292: ``vapid t=<jwt>, k=<public key>``."""
        return f"vapid t={self.token(audience, subject, now)}, k={self.public_key}"


@lru_cache(maxsize=1)
def vapid_key() -> VapidKey | None:
    """The key, read once per container (from SSM in AWS); None when reminders are not set up."""
    current = reminder_settings()
    if current.private_key:
        return VapidKey(current.private_key)
    if current.private_key_param:
        import boto3

        from chalicelib.config import settings

        ssm = boto3.client("ssm", region_name=settings().region)
        value = ssm.get_parameter(Name=current.private_key_param, WithDecryption=True)
        return VapidKey(str(value["Parameter"]["Value"]))
    return None


def new_private_key() -> str:
    """A fresh VAPID private key, base64url (for SSM, or VAPID_PRIVATE_KEY locally)."""
    from ecdsa import NIST256p, SigningKey

    return b64url(SigningKey.generate(curve=NIST256p).to_string())
