"""Keys derived from the server's secret, and one-way tags that stand in for a person.

A one-way tag is an HMAC of an account's id under a key only the server holds: the same account
gives the same tag (so a mentor can still see that two audit entries were about one person, and
the figures can still count who came back), but a tag leads to nobody once the account is gone,
because nothing stored names the id it was made from. Each use has its own label, so a tag in
one place cannot be matched with a tag in another.

Rotating the token secret changes every derived key: recovery codes stop working (a logged-in
teen makes a new one) and the figures count everybody as new for one week.
"""

from __future__ import annotations

import hashlib
import hmac

from chalicelib.config import token_secret

TAG_CHARS = 16  # 64 bits: no two accounts share a tag in practice


def derived_key(label: str) -> bytes:
    """A key for one purpose (``"recovery-code"``, ``"deleted-account"``, ...) from the signing secret."""
    return hmac.new(token_secret().encode(), f"gruppechat/{label}".encode(), hashlib.sha256).digest()


def one_way(label: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(derived_key(label), message, hashlib.sha256).hexdigest()[:TAG_CHARS]


def deleted_tag(participant_id: str) -> str:
    """What a report or an audit entry says instead of the pseudonym of a deleted account."""
    return f"deleted-{one_way('deleted-account', participant_id)[:10]}"


def attendance_tag(group_id: str, participant_id: str) -> str:
    """Who came to a session, for the figures only: per group, so groups cannot be matched up."""
    return one_way("attendance", group_id, participant_id)


def sender_tag(participant_id: str) -> str:
    """The author part of a send receipt's key (receipts live a day and need only tell senders apart)."""
    return one_way("send-receipt", participant_id)


def checkin_tag(session_id: str, participant_id: str) -> str:
    """The key of a teen's check-in answers in one session: a second answer replaces the first, and
    answers of different sessions cannot be matched up."""
    return one_way("checkin", session_id, participant_id)


def round_tag(session_id: str, participant_id: str) -> str:
    """Whose turn it is in a round, without the id: per session, like the check-in's."""
    return one_way("round", session_id, participant_id)
