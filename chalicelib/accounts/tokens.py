"""Signed, short-lived bearer tokens (JWT, HS256) for participants and mentors.

Each kind of token has its own audience, so a participant's token is no mentor's token even
if a route forgot to look at the role. Every claim is checked for its type before it is used:
a token the server signed is still input (an old version, another service sharing the secret),
and a string ``exp`` must be a 401, never a crash. No token lives longer than
:data:`MAX_LIFETIME`, whatever its ``exp`` says.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from chalicelib.errors import ChatError
from chalicelib.limits import DEVICE_TOKEN_DAYS

ISSUER = "gruppechat"
PARTICIPANT, MENTOR, ADMIN, DEVICE = "participant", "mentor", "admin", "device"
# The audience of each kind of token, and the roles a token of that audience may carry.
PARTICIPANT_AUDIENCE, MENTOR_AUDIENCE = "gruppechat:participant", "gruppechat:mentor"
DEVICE_AUDIENCE = "gruppechat:device"
AUDIENCE_OF_ROLE = {
    PARTICIPANT: PARTICIPANT_AUDIENCE,
    MENTOR: MENTOR_AUDIENCE,
    ADMIN: MENTOR_AUDIENCE,
    DEVICE: DEVICE_AUDIENCE,
}
ANY_AUDIENCE = (PARTICIPANT_AUDIENCE, MENTOR_AUDIENCE)  # who may open a socket
MAX_LIFETIME = timedelta(hours=24)  # a log-in
# A device token only vouches that a browser logged in to a name before (it opens nothing).
MAX_DEVICE_LIFETIME = timedelta(days=DEVICE_TOKEN_DAYS)
MAX_LIFETIME_OF_AUDIENCE = {
    PARTICIPANT_AUDIENCE: MAX_LIFETIME,
    MENTOR_AUDIENCE: MAX_LIFETIME,
    DEVICE_AUDIENCE: MAX_DEVICE_LIFETIME,
}
CLOCK_SKEW = timedelta(seconds=60)
MAX_TOKEN_CHARS = 4096


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
    if not timedelta(0) < lifetime <= MAX_LIFETIME:
        raise ValueError(f"a token lives at most {MAX_LIFETIME}")
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE_OF_ROLE[identity.role],
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


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_str(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ChatError("unauthorized")
    return value


def verify(token: object, secret: str, now: datetime, audience: str | Iterable[str]) -> Identity:
    """The identity in a valid token for ``audience``, or ``ChatError`` 401.

    401 ``unauthorized``: missing, tampered, of another audience, a claim of the wrong type, a
    lifetime over the maximum, issued in the future; 401 ``token_expired``: past its ``exp``.
    """
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        raise ChatError("unauthorized")
    audiences = [audience] if isinstance(audience, str) else list(audience)
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=ISSUER,
            audience=audiences,
            options={
                "require": ["exp", "iat", "sub", "role", "aud"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        raise ChatError("unauthorized") from None
    if not isinstance(claims, dict):
        raise ChatError("unauthorized")
    exp, iat, sub, role, aud = (claims.get(name) for name in ("exp", "iat", "sub", "role", "aud"))
    if not (_is_int(exp) and _is_int(iat) and isinstance(sub, str) and sub and isinstance(role, str)):
        raise ChatError("unauthorized")
    assert isinstance(exp, int) and isinstance(iat, int)  # for mypy: checked just above
    if not isinstance(aud, str) or AUDIENCE_OF_ROLE.get(role) != aud or aud not in audiences:
        raise ChatError("unauthorized")  # one audience per token, and the role must belong to it
    if exp - iat > MAX_LIFETIME_OF_AUDIENCE[aud].total_seconds() or exp <= iat:
        raise ChatError("unauthorized")
    if iat > (now + CLOCK_SKEW).timestamp():
        raise ChatError("unauthorized")
    if exp <= now.timestamp():
        raise ChatError("token_expired")
    return Identity(
        user_id=sub,
        name=_optional_str(claims, "name") or "",
        role=role,
        org_id=_optional_str(claims, "org"),
        username=_optional_str(claims, "usr"),
    )


# --- device tokens: "this browser logged in to this name before" ------------------------------------


def _device_subject(kind: str, name_key: str, secret: str) -> str:
    """Which name a device token vouches for, without naming it."""
    return hmac.new(secret.encode(), f"device:{kind}:{name_key}".encode(), hashlib.sha256).hexdigest()[:32]


def issue_device(kind: str, name_key: str, secret: str, now: datetime, lifetime: timedelta) -> str:
    """Given at a successful log-in and kept by that browser only; lets it skip a guessed name's turn.

    It grants nothing else: the password is still checked, and the per-source limits still apply.
    Its own audience keeps it from opening any door a log-in token opens.
    """
    if not timedelta(0) < lifetime <= MAX_DEVICE_LIFETIME:
        raise ValueError(f"a device token lives at most {MAX_DEVICE_LIFETIME}")
    claims = {
        "iss": ISSUER,
        "aud": DEVICE_AUDIENCE,
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
        identity = verify(token, secret, now, DEVICE_AUDIENCE)
    except ChatError:
        return False
    return identity.role == DEVICE and hmac.compare_digest(identity.user_id, _device_subject(kind, name_key, secret))
