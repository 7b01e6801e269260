"""Mentor and admin accounts: log-in (guarded against guessing) and the admin's management of mentors."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ulid import ULID

from chalicelib import storage
from chalicelib.abuse import limiter
from chalicelib.accounts.passwords import check_secret, hash_secret, needs_rehash
from chalicelib.accounts.strength import check_new_password
from chalicelib.accounts.tokens import ADMIN, MENTOR, Identity, device_vouches, issue, issue_device
from chalicelib.config import token_secret
from chalicelib.errors import ChatError
from chalicelib.limits import DEVICE_TOKEN_DAYS, MIN_MENTOR_PASSWORD

TOKEN_LIFETIME = timedelta(hours=2)  # a session and a bit; log in again next week
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._\-]{1,38}[a-z0-9]$")
_DECOY: str | None = None


def username_key(username: str) -> str:
    return unicodedata.normalize("NFKC", username).casefold().strip()


def mentor_view(mentor: storage.Mentor) -> dict[str, Any]:
    return {
        "id": mentor.mentor_id,
        "username": mentor.username,
        "name": mentor.display_name,
        "role": mentor.role,
        "org_id": mentor.org_id,
        "active": bool(mentor.active),
    }


def identity_of(mentor: storage.Mentor) -> Identity:
    return Identity(mentor.mentor_id, mentor.display_name, mentor.role, mentor.org_id, mentor.username)


@dataclass(frozen=True)
class MentorSignedIn:
    token: str
    expires_at: datetime
    mentor: storage.Mentor
    device_token: str

    def as_body(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "expires_at": self.expires_at.isoformat(),
            "mentor": mentor_view(self.mentor),
            "device_token": self.device_token,
        }


def log_in(username: object, password: object, source: str, now: datetime, device: object = None) -> MentorSignedIn:
    """Wrong passwords are limited per name and source, and per source; a guessed name is slowed.

    A stranger cannot lock a mentor out: their guesses use up their own source's allowance,
    and the name itself is only slowed (one attempt per turn), which a device the mentor
    logged in from before skips. Names that do not exist are treated the same, and the work
    done is the same, so a refusal never tells whether a mentor by that name exists.
    """
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        raise ChatError("bad_request", field="username")
    key = username_key(username)[:100]
    if not key:
        raise ChatError("bad_request", field="username")
    trusted = device_vouches(device, "mentor", key, token_secret(), now)
    attempt = limiter.guard_log_in("mentor", key, source, trusted, now)
    mentor = storage.find_mentor(key)
    stored = mentor.password_hash if mentor else _decoy()
    if not check_secret(password, stored) or mentor is None or not mentor.active:
        raise ChatError("bad_credentials")
    attempt.succeeded()
    if needs_rehash(stored):
        storage.set_mentor_password(mentor, hash_secret(password), expected=stored)
    token = issue(identity_of(mentor), token_secret(), now, TOKEN_LIFETIME)
    device_token = issue_device("mentor", key, token_secret(), now, timedelta(days=DEVICE_TOKEN_DAYS))
    return MentorSignedIn(token, now + TOKEN_LIFETIME, mentor, device_token)


def still_active(identity: Identity) -> bool:
    """A deactivated mentor's token stops working at once, not when it expires."""
    mentor = storage.find_mentor(identity.username or "")
    return mentor is not None and bool(mentor.active) and mentor.mentor_id == identity.user_id


def create(
    org_id: str,
    username: object,
    display_name: object,
    password: object,
    role: object,
    now: datetime,
    *,
    check_strength: bool = True,
) -> storage.Mentor:
    """A new mentor or admin. ``check_strength=False`` only for the local stack's printed demo accounts."""
    if not isinstance(username, str) or not USERNAME.match(username_key(username)):
        raise ChatError("invalid_username")
    if not isinstance(display_name, str) or not 2 <= len(display_name.strip()) <= 40:
        raise ChatError("invalid_name", min_length=2, max_length=40)
    if role not in (MENTOR, ADMIN):
        raise ChatError("invalid_role")
    if check_strength:
        check_new_password(password, MIN_MENTOR_PASSWORD, username_key(username))
    elif not isinstance(password, str) or len(password) < MIN_MENTOR_PASSWORD:
        raise ChatError("weak_password", min_length=MIN_MENTOR_PASSWORD)
    mentor = storage.Mentor(
        username_key(username),
        mentor_id=str(ULID.from_datetime(now)),
        username=username_key(username),
        display_name=display_name.strip(),
        org_id=org_id,
        role=role,
        password_hash=hash_secret(str(password)),
        active=True,
        created_at=now,
    )
    try:
        storage.create_mentor(mentor)
    except storage.Conflict:
        raise ChatError("username_taken") from None
    return mentor


def _decoy() -> str:
    global _DECOY
    if _DECOY is None:
        _DECOY = hash_secret("decoy-mentor-password")
    return _DECOY
