"""Passwords under scrypt at OWASP's parameters, and recovery codes under an HMAC.

Passwords are chosen by people and short, so they get a slow, memory-hard hash: scrypt with
N=2^17, r=8, p=1 (OWASP's Password Storage Cheat Sheet), 128 MiB and a few tenths of a second
per hash. The parameters travel with each hash, so a hash made under older parameters still
checks, and :func:`needs_rehash` tells log-in to store a new one. Tests set a lighter cost
through ``PASSWORD_SCRYPT_LOG2_N``; ``bench/passwords.py`` measures the real one.

Recovery codes are 80 random bits made here, not chosen by anyone: guessing one is hopeless
without the stored value, so an HMAC under a key derived from the server's secret protects them
(a stolen table alone does not give the codes) and costs microseconds, not a slow hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from chalicelib.config import settings

SCHEME = "scrypt"
R, P = 8, 1
MIN_LOG2_N, MAX_LOG2_N = 10, 20
DIGEST_BYTES = 32


def cost() -> tuple[int, int, int]:
    """(N, r, p) for new hashes; ``PASSWORD_SCRYPT_LOG2_N`` below 17 is for tests only."""
    log2_n = settings().password_log2_n
    if not MIN_LOG2_N <= log2_n <= MAX_LOG2_N:
        raise RuntimeError(f"PASSWORD_SCRYPT_LOG2_N must be between {MIN_LOG2_N} and {MAX_LOG2_N}")
    return 2**log2_n, R, P


def scrypt_memory(n: int, r: int, p: int) -> int:
    """Bytes OpenSSL's scrypt allocates: the V array (128·r·N) and the B blocks (128·r·p), and a little."""
    return 128 * r * (n + p + 2) + 64 * 1024


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # hashlib's default maxmem (32 MiB) refuses N=2^17; allow exactly what these parameters need.
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=scrypt_memory(n, r, p))


def hash_secret(secret: str) -> str:
    n, r, p = cost()
    salt = secrets.token_bytes(16)
    digest = _scrypt(secret, salt, n, r, p, DIGEST_BYTES)
    return f"{SCHEME}${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return None
        parsed = int(n), int(r), int(p), base64.b64decode(salt), base64.b64decode(digest)
    except ValueError:
        return None
    if not (2 <= parsed[0] <= 2**MAX_LOG2_N and 1 <= parsed[1] <= 32 and 1 <= parsed[2] <= 16 and parsed[4]):
        return None
    return parsed


def check_secret(secret: str, stored: str) -> bool:
    parsed = _parse(stored)
    if parsed is None:
        return False
    n, r, p, salt, digest = parsed
    return hmac.compare_digest(_scrypt(secret, salt, n, r, p, len(digest)), digest)


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made under other parameters than new hashes get (log-in then rehashes)."""
    parsed = _parse(stored)
    return parsed is None or parsed[:3] != cost() or len(parsed[4]) != DIGEST_BYTES


# --- recovery codes ---------------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to copy by hand
CODE_LENGTH = 16  # 16 characters of 32: 80 bits
CODE_SCHEME = "hmac-sha256"


def new_recovery_code() -> str:
    """A code shown once, to be written down: 4 groups of 4."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: object) -> str | None:
    """The code as typed, without spaces or dashes and in capitals; None when it cannot be one."""
    if not isinstance(code, str) or len(code) > 64:
        return None
    raw = re.sub(r"[\s\-]+", "", code).upper()
    if len(raw) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        return None
    return raw


def recovery_tag(code: str, participant_id: str) -> str:
    """What is stored for a code: an HMAC of the code bound to the account it belongs to."""
    from chalicelib.accounts.tags import derived_key

    raw = normalise_code(code) or ""
    mac = hmac.new(derived_key("recovery-code"), f"{participant_id}:{raw}".encode(), hashlib.sha256).hexdigest()
    return f"{CODE_SCHEME}${mac}"


def check_recovery_code(code: object, participant_id: str, stored: str) -> bool:
    if normalise_code(code) is None or not isinstance(code, str):
        # Still compute one tag, so a malformed code costs what a wrong one does.
        hmac.compare_digest(recovery_tag("", participant_id), stored)
        return False
    if stored.startswith(f"{SCHEME}$"):
        # Codes given before recovery existed were stored under scrypt, as shown ("ABCD-EFGH-...").
        raw = normalise_code(code) or ""
        return check_secret("-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4)), stored)
    return hmac.compare_digest(recovery_tag(code, participant_id), stored)
