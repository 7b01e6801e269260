"""The door of the live chat: who may open a socket, and how often.

``$connect`` asks it for real (and counts the attempt); the page asks it first through
``GET /connect-check`` (counting nothing), because a browser whose ``$connect`` is refused sees
only close code 1006 and could not tell the teen why.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.abuse import limiter
from chalicelib.accounts import mentors, participants
from chalicelib.accounts.tokens import ADMIN, MENTOR, PARTICIPANT, Identity
from chalicelib.errors import ChatError


def still_allowed(identity: Identity) -> None:
    """A valid token is not enough: the account must still stand (not deleted, not deactivated)."""
    if identity.role not in (PARTICIPANT, MENTOR, ADMIN):
        raise ChatError("unauthorized")
    standing = mentors.still_active(identity) if identity.is_staff else participants.still_exists(identity)
    if not standing:
        # A deleted account's pseudonym may already belong to someone else; a deactivated
        # mentor's token must not outlive the decision.
        raise ChatError("account_revoked")


def admit_socket(identity: Identity, source: str, now: datetime, *, count: bool = True) -> None:
    """Refuse a socket for a revoked account, or past the connect limits of the person or the source."""
    still_allowed(identity)
    person = limiter.person(identity.user_id, now)
    if count:
        limiter.hit("connect_per_person", person, now)
        limiter.hit("connect_per_source", source, now)
    else:
        limiter.check("connect_per_person", person, now)
        limiter.check("connect_per_source", source, now)
