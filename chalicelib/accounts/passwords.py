"""Slow, salted password hashing with the standard library's scrypt (no extra dependency)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# n=2**14, r=8 costs ~16 MiB and tens of milliseconds: slow for an attacker, fine for a log-in.
_N, _R, _P = 2**14, 8, 1


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        secret.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
        dklen=len(base64.b64decode(digest)),
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def new_recovery_code() -> str:
    """A one-time code shown once at sign-up: 4 groups of 4, easy to write down."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))
