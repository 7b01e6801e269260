"""Anonymous participant accounts: a pseudonym, a password and a one-time recovery code.

No e-mail, phone, name, birth date or IP address is ever asked for or stored.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ulid import ULID

from chalicelib import storage
from chalicelib.abuse import challenge, limiter, revocation
from chalicelib.accounts.passwords import check_secret, hash_secret, new_recovery_code
from chalicelib.accounts.tokens import PARTICIPANT, Identity, device_vouches, issue, issue_device
from chalicelib.config import settings, token_secret
from chalicelib.errors import ChatError
from chalicelib.limits import (
    DEVICE_TOKEN_DAYS,
    MAX_FOLLOWED,
    MAX_PASSWORD,
    MAX_PSEUDONYM,
    MIN_PASSWORD,
    MIN_PSEUDONYM,
)

if TYPE_CHECKING:
    from chalicelib.delivery import Delivery

PSEUDONYM_PATTERN = re.compile(rf"^[\w][\w .\-]{{{MIN_PSEUDONYM - 2},{MAX_PSEUDONYM - 2}}}[\w]$")
# Names that could pass for staff: only mentors carry a badge, nobody may imitate one.
RESERVED_WORDS = ("mentor", "admin", "moderator", "gruppechat", "staff", "støtte", "official")
# A hash of nothing in particular, checked when the pseudonym is unknown so that a failed
# log-in takes as long whether or not the pseudonym exists.
_DECOY_HASH = None


def pseudonym_key(pseudonym: str) -> str:
    """Pseudonyms are unique regardless of case, width and accents-as-typed (NFKC + casefold)."""
    return unicodedata.normalize("NFKC", pseudonym).casefold().strip()


def check_pseudonym(pseudonym: object) -> str:
    if not isinstance(pseudonym, str):
        raise ChatError("invalid_pseudonym", min_length=MIN_PSEUDONYM, max_length=MAX_PSEUDONYM)
    name = unicodedata.normalize("NFKC", pseudonym).strip()
    if not PSEUDONYM_PATTERN.match(name) or name[0] == "_":
        raise ChatError("invalid_pseudonym", min_length=MIN_PSEUDONYM, max_length=MAX_PSEUDONYM)
    squashed = re.sub(r"[\W_]+", "", name.casefold())
    if any(word in squashed for word in RESERVED_WORDS):
        raise ChatError("reserved_pseudonym")
    from chalicelib.safety import guard  # the anonymity guard applies to names as to messages

    reason = guard.check_pseudonym(name)
    if reason:
        raise ChatError("pseudonym_not_anonymous", reason=reason)
    return name


def check_password(password: object) -> str:
    if not isinstance(password, str) or not (MIN_PASSWORD <= len(password) <= MAX_PASSWORD):
        raise ChatError("weak_password", min_length=MIN_PASSWORD)
    return password


@dataclass(frozen=True)
class SignedIn:
    token: str
    pseudonym: str
    participant_id: str
    expires_at: datetime
    device_token: str
    recovery_code: str | None = None

    def as_body(self) -> dict[str, object]:
        body: dict[str, object] = {
            "token": self.token,
            "pseudonym": self.pseudonym,
            "participant_id": self.participant_id,
            "expires_at": self.expires_at.isoformat(),
            "device_token": self.device_token,
        }
        if self.recovery_code:
            body["recovery_code"] = self.recovery_code
        return body


def _signed_in(participant: storage.Participant, now: datetime, recovery: str | None = None) -> SignedIn:
    lifetime = timedelta(hours=settings().participant_token_hours)
    identity = Identity(participant.participant_id, participant.pseudonym, PARTICIPANT)
    return SignedIn(
        token=issue(identity, token_secret(), now, lifetime),
        pseudonym=participant.pseudonym,
        participant_id=participant.participant_id,
        expires_at=now + lifetime,
        device_token=issue_device(PARTICIPANT, participant.pseudonym_key, token_secret(), now,
                                  timedelta(days=DEVICE_TOKEN_DAYS)),
        recovery_code=recovery,
    )


def sign_up(pseudonym: object, password: object, solved: object, source: str, now: datetime) -> SignedIn:
    """A new account: costs a solved challenge, and a source makes only so many per hour.

    Bad input is refused before any work; a taken pseudonym does not use up the source's allowance.
    """
    name = check_pseudonym(pseudonym)
    secret = check_password(password)
    challenge.spend(solved, now)
    counted = limiter.hit("sign_up_per_source", source, now, code="too_many_sign_ups")
    recovery = new_recovery_code()
    participant = storage.Participant(
        pseudonym_key(name),
        participant_id=str(ULID()),
        pseudonym=name,
        password_hash=hash_secret(secret),
        recovery_hash=hash_secret(recovery),
        created_at=now,
    )
    try:
        storage.create_participant(participant)
    except storage.Conflict:
        limiter.give_back(counted)
        raise ChatError("pseudonym_taken") from None
    return _signed_in(participant, now, recovery)


def log_in(pseudonym: object, password: object, source: str, now: datetime, device: object = None) -> SignedIn:
    """Wrong passwords are limited per name and source; a guessed name is slowed, never locked.

    The guard lets the attempt through before the password is checked, so concurrent guesses
    are counted exactly; the right password gives the counts back.
    """
    if not isinstance(pseudonym, str) or not isinstance(password, str):
        raise ChatError("bad_request", field="pseudonym")
    key = pseudonym_key(pseudonym)[:100]
    if not key:
        raise ChatError("bad_request", field="pseudonym")
    trusted = device_vouches(device, PARTICIPANT, key, token_secret(), now)
    attempt = limiter.guard_log_in(PARTICIPANT, key, source, trusted, now)
    participant = storage.find_participant(key)
    stored = participant.password_hash if participant else _decoy_hash()
    if not check_secret(password, stored) or participant is None:
        raise ChatError("bad_credentials")
    attempt.succeeded()
    return _signed_in(participant, now)


def _decoy_hash() -> str:
    global _DECOY_HASH
    if _DECOY_HASH is None:
        _DECOY_HASH = hash_secret("decoy-password")
    return _DECOY_HASH


# --- my groups and leaving for good ----------------------------------------------------------------



def _me(identity: Identity) -> storage.Participant:
    participant = storage.find_participant(pseudonym_key(identity.name))
    if participant is None or participant.participant_id != identity.user_id:
        raise ChatError("unauthorized")
    return participant


def still_exists(identity: Identity) -> bool:
    participant = storage.find_participant(pseudonym_key(identity.name))
    return participant is not None and participant.participant_id == identity.user_id


def my_groups(identity: Identity, now: datetime) -> dict[str, object]:
    from chalicelib.organisation.catalogue import group_view

    participant = _me(identity)
    groups = [storage.get_group(group_id) for group_id in participant.followed or []]
    return {"groups": [group_view(group, now) for group in groups if group is not None]}


def follow(identity: Identity, group_id: str, now: datetime) -> dict[str, object]:
    participant = _me(identity)
    if storage.get_group(group_id) is None:
        raise ChatError("group_not_found")
    followed = list(participant.followed or [])
    if group_id not in followed:
        if len(followed) >= MAX_FOLLOWED:
            raise ChatError("too_many_groups", max=MAX_FOLLOWED)
        storage.set_followed(participant, [*followed, group_id])
    return my_groups(identity, now)


def unfollow(identity: Identity, group_id: str, now: datetime) -> dict[str, object]:
    participant = _me(identity)
    followed = [g for g in participant.followed or [] if g != group_id]
    storage.set_followed(participant, followed)
    return my_groups(identity, now)


def delete_account(identity: Identity, password: object, delivery: Delivery) -> dict[str, object]:
    """Delete the account and every message it wrote; live sessions see them vanish."""
    from chalicelib import frames

    participant = _me(identity)
    if not isinstance(password, str) or not check_secret(password, participant.password_hash):
        raise ChatError("bad_credentials")
    # First, before anything is deleted: no open tab of this account may post another word.
    closed = revocation.close_connections(delivery, participant.participant_id, "account_deleted")
    by_session: dict[str, list[str]] = {}
    for key in storage.messages_by(participant.participant_id):
        by_session.setdefault(key.session_id, []).append(key.message_id)
    for session_id, message_ids in by_session.items():
        # Told first: a deletion that fails half-way is retried and tells again (screens drop an id
        # once); deleted first, a failure before telling would leave the messages on their screens.
        members = storage.session_connections(session_id)
        for message_id in message_ids:
            delivery.send_all(members, frames.message_removed(session_id, message_id))
        storage.delete_messages(session_id, message_ids)
    storage.delete_participant(participant)
    return {"deleted": True, "messages": sum(len(ids) for ids in by_session.values()), "connections_closed": closed}
