"""Signed, short-lived bearer tokens (JWT, HS256) for participants and mentors."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from chalicelib.errors import ChatError

ISSUER = "gruppechat"
PARTICIPANT, MENTOR, ADMIN = "participant", "mentor", "admin"


@dataclass(frozen=True)
class Identity:
    """Who holds a token: a participant (pseudonym) or a mentor of one organisation."""

    user_id: str
    name: str
    role: str
    org_id: str | None = None
    username: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in (MENTOR, ADMIN)


def issue(identity: Identity, secret: str, now: datetime, lifetime: timedelta) -> str:
    claims = {
        "iss": ISSUER,
        "sub": identity.user_id,
        "name": identity.name,
        "role": identity.role,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    if identity.org_id:
        claims["org"] = identity.org_id
    if identity.username:
        claims["usr"] = identity.username
    return jwt.encode(claims, secret, algorithm="HS256")


def verify(token: str | None, secret: str, now: datetime) -> Identity:
    """The identity in a valid token, or ``ChatError`` 401 (missing, tampered or expired)."""
    if not token:
        raise ChatError("unauthorized")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "role"], "verify_exp": False},
        )
    except jwt.PyJWTError:
        raise ChatError("unauthorized") from None
    if claims["exp"] <= now.timestamp():
        raise ChatError("token_expired")
    return Identity(
        user_id=str(claims["sub"]),
        name=str(claims.get("name", "")),
        role=str(claims["role"]),
        org_id=claims.get("org"),
        username=claims.get("usr"),
    )


# --- device tokens: "this browser logged in to this name before" ------------------------------------

DEVICE = "device"


def _device_subject(kind: str, name_key: str, secret: str) -> str:
    """Which name a device token vouches for, without naming it."""
    return hmac.new(secret.encode(), f"device:{kind}:{name_key}".encode(), hashlib.sha256).hexdigest()[:32]


def issue_device(kind: str, name_key: str, secret: str, now: datetime, lifetime: timedelta) -> str:
    """Given at a successful log-in and kept by that browser only; lets it skip a guessed name's turn.

    It grants nothing else: the password is still checked, and the per-source limits still apply.
    """
    claims = {
        "iss": ISSUER,
        "sub": _device_subject(kind, name_key, secret),
        "role": DEVICE,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


MAX_DEVICE_TOKENS = 5  # a browser shared by a few people keeps one token for each


def device_vouches(tokens: object, kind: str, name_key: str, secret: str, now: datetime) -> bool:
    """True when ``tokens`` (one, or a short list) holds a valid, unexpired device token for this name."""
    if isinstance(tokens, list):
        return any(device_vouches(token, kind, name_key, secret, now) for token in tokens[:MAX_DEVICE_TOKENS])
    token = tokens
    if not isinstance(token, str) or not token or len(token) > 1000:
        return False
    try:
        identity = verify(token, secret, now)
    except ChatError:
        return False
    return identity.role == DEVICE and hmac.compare_digest(identity.user_id, _device_subject(kind, name_key, secret))
