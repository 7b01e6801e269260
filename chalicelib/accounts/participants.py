"""Anonymous participant accounts: a pseudonym, a password and a recovery code.

No e-mail, phone, name, birth date or IP address is ever asked for or stored, so the recovery
code is the only way back to a forgotten password: it is shown at sign-up, spent when used, and
replaced by a new one. An account nobody logs in to for its organisations' period is deleted by
the minute tick, and deleting an account (by the teen or by the tick) removes or anonymises
everything stored about it (:func:`erase`).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ulid import ULID

from chalicelib import storage
from chalicelib.abuse import challenge, limiter, revocation
from chalicelib.accounts.passwords import (
    check_recovery_code,
    check_secret,
    hash_secret,
    needs_rehash,
    new_recovery_code,
    recovery_tag,
)
from chalicelib.accounts.strength import check_new_password
from chalicelib.accounts.tags import deleted_tag
from chalicelib.accounts.tokens import PARTICIPANT, Identity, device_vouches, issue, issue_device
from chalicelib.chat import rounds
from chalicelib.config import settings, token_secret
from chalicelib.errors import ChatError
from chalicelib.limits import DEVICE_TOKEN_DAYS, MAX_FOLLOWED, MAX_PSEUDONYM, MIN_PASSWORD, MIN_PSEUDONYM

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
    """The pseudonym as it will be shown, or a refusal that names the rule broken.

    ``invalid_pseudonym``: length or characters; ``reserved_pseudonym``: could pass for staff;
    ``pseudonym_not_anonymous`` with ``reason``: the anonymity guard's rule (``phone``,
    ``email``, ``handle``, ``address``, ``name``, ...), which the client explains in its language.
    """
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


def check_password(password: object, pseudonym: str = "") -> str:
    """A new password: long enough, not a common one, not made from the pseudonym."""
    return check_new_password(password, MIN_PASSWORD, pseudonym)


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
        device_token=issue_device(
            PARTICIPANT, participant.pseudonym_key, token_secret(), now, timedelta(days=DEVICE_TOKEN_DAYS)
        ),
        recovery_code=recovery,
    )


def sign_up(pseudonym: object, password: object, solved: object, source: str, now: datetime) -> SignedIn:
    """A new account: costs a solved challenge, and a source makes only so many per hour.

    Bad input is refused before any work; a taken pseudonym does not use up the source's allowance.
    """
    name = check_pseudonym(pseudonym)
    secret = check_password(password, name)
    challenge.spend(solved, now)
    counted = limiter.hit("sign_up_per_source", source, now, code="too_many_sign_ups")
    recovery = new_recovery_code()
    participant_id = str(ULID())
    day = _day(now)
    delete_after = _add_months(day, settings().account_inactive_months)
    participant = storage.Participant(
        pseudonym_key(name),
        participant_id=participant_id,
        pseudonym=name,
        password_hash=hash_secret(secret),
        recovery_hash=recovery_tag(recovery, participant_id),
        created_at=now,
        last_seen_at=day,
        idle_bucket=storage.IDLE,
        delete_after=delete_after,
        expires_at=delete_after + storage.ACCOUNT_TTL_MARGIN,
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
    if needs_rehash(stored):
        # Hashed under older (cheaper) parameters: the password is at hand now, so store it anew.
        storage.set_password(participant, hash_secret(password), expected=stored)
    _seen(participant, now)
    return _signed_in(participant, now)


def recover(pseudonym: object, recovery_code: object, new_password: object, source: str, now: datetime) -> SignedIn:
    """A forgotten password: the recovery code sets a new one and is spent; a new code comes back.

    The new password is checked first, so its refusal says nothing about the code; an unknown
    pseudonym and a wrong code get the same answer after the same work.
    """
    if not isinstance(pseudonym, str) or not pseudonym_key(pseudonym):
        raise ChatError("bad_request", field="pseudonym")
    secret = check_password(new_password, pseudonym)
    key = pseudonym_key(pseudonym)[:100]
    # rate limit: recovery — wrong codes count like wrong passwords (per name and source, per source,
    # and a guessed name is slowed), in counters of their own; the right code gives them back.
    attempt = limiter.guard_log_in("recovery", key, source, False, now)
    participant = storage.find_participant(key)
    if participant is None:
        check_recovery_code(recovery_code, "nobody", "")
        raise ChatError("bad_recovery_code")
    if not check_recovery_code(recovery_code, participant.participant_id, participant.recovery_hash):
        raise ChatError("bad_recovery_code")
    fresh = new_recovery_code()
    spent = storage.replace_credentials(
        participant,
        participant.recovery_hash,
        password_hash=hash_secret(secret),
        recovery_hash=recovery_tag(fresh, participant.participant_id),
    )
    if not spent:  # another request used the same code a moment earlier
        raise ChatError("bad_recovery_code")
    attempt.succeeded()
    _seen(participant, now)
    return _signed_in(participant, now, fresh)


def _decoy_hash() -> str:
    global _DECOY_HASH
    if _DECOY_HASH is None:
        _DECOY_HASH = hash_secret("decoy-password")
    return _DECOY_HASH


# --- the logged-in teen's own account --------------------------------------------------------------


def _me(identity: Identity) -> storage.Participant:
    participant = storage.find_participant(pseudonym_key(identity.name))
    if participant is None or participant.participant_id != identity.user_id:
        raise ChatError("unauthorized")
    return participant


def _confirmed(identity: Identity, password: object) -> storage.Participant:
    """The account, when ``password`` is its password: changes to the account ask for it again."""
    participant = _me(identity)
    if not isinstance(password, str) or not check_secret(password, participant.password_hash):
        raise ChatError("bad_credentials")
    return participant


def still_exists(identity: Identity) -> bool:
    participant = storage.find_participant(pseudonym_key(identity.name))
    return participant is not None and participant.participant_id == identity.user_id


def change_password(identity: Identity, password: object, new_password: object, now: datetime) -> dict[str, object]:
    participant = _confirmed(identity, password)
    secret = check_password(new_password, participant.pseudonym)
    if not storage.set_password(participant, hash_secret(secret), expected=participant.password_hash):
        raise ChatError("conflict")
    return {"changed": True}


def renew_recovery_code(identity: Identity, password: object, now: datetime) -> dict[str, object]:
    """A new recovery code (the old one stops working): for a lost note, or one someone else saw."""
    participant = _confirmed(identity, password)
    fresh = new_recovery_code()
    if not storage.replace_credentials(
        participant, participant.recovery_hash, recovery_hash=recovery_tag(fresh, participant.participant_id)
    ):
        raise ChatError("conflict")
    return {"recovery_code": fresh}


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
        _seen(participant, now)  # the new group's organisation may keep accounts for a shorter time
    return my_groups(identity, now)


def unfollow(identity: Identity, group_id: str, now: datetime) -> dict[str, object]:
    from chalicelib import reminders

    participant = _me(identity)
    followed = [g for g in participant.followed or [] if g != group_id]
    reminders.forget(participant.participant_id, group_id)  # reminders are for followed groups only
    storage.set_followed(participant, followed)
    _seen(participant, now)
    return my_groups(identity, now)


# --- how long an unused account is kept --------------------------------------------------------------


def _day(now: datetime) -> datetime:
    """The last log-in is kept to the day: nothing needs the hour."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def inactive_months(participant: storage.Participant) -> int:
    """The shortest period among the organisations of the groups followed, else the stage's setting."""
    org_ids = {group.org_id for group_id in participant.followed or [] if (group := storage.get_group(group_id))}
    periods = []
    for org_id in sorted(org_ids):
        organisation = storage.get_organisation(org_id)
        if organisation is not None and organisation.inactive_account_months:
            periods.append(int(organisation.inactive_account_months))
    return min(periods, default=settings().account_inactive_months)


def _seen(participant: storage.Participant, now: datetime) -> None:
    day = _day(now)
    storage.touch_participant(participant, day, _add_months(day, inactive_months(participant)))


# --- what is stored about me, and leaving for good ----------------------------------------------------


def export(identity: Identity, now: datetime) -> dict[str, Any]:
    """Everything stored about the teen, as JSON: the right of access, without asking anyone."""
    from chalicelib import reminders
    from chalicelib.organisation import handover  # it imports moderation, which imports this module

    participant = _me(identity)
    pid = participant.participant_id
    messages = [storage.get_message(key.session_id, key.message_id) for key in storage.messages_by(pid)]
    return {
        "exported_at": now.isoformat(),
        "account": {
            "pseudonym": participant.pseudonym,
            "participant_id": pid,
            "created_at": participant.created_at.isoformat(),
            "last_log_in_day": _iso(participant.last_seen_at),
            "deleted_if_unused_after": _iso(participant.delete_after),
            "followed_groups": list(participant.followed or []),
            "password": "stored only as a scrypt hash",
            "recovery_code": "stored only as an HMAC",
        },
        "messages": [
            {
                "session_id": m.session_id,
                "message_id": m.message_id,
                "pseudonym": m.pseudonym,
                "text": m.text,
                "state": m.state,
                "expires_at": _iso(m.expires_at),
            }
            for m in messages
            if m is not None
        ],
        # Reports quoting the teen: what was quoted and what happened, not the reporter's words.
        "reports": [
            {
                "report_id": r.report_id,
                "kind": r.kind,
                "session_id": r.session_id,
                "created_at": _iso(r.created_at),
                "excerpt": r.excerpt,
                "status": r.status,
                "expires_at": _iso(r.expires_at),
            }
            for r in storage.reports_about(pid)
        ],
        "restrictions": [
            {"scope": restriction.scope_id, "kind": full.kind, "until": _iso(full.until), "reason": full.reason}
            for restriction in storage.restrictions_of(pid)
            if (full := storage.get_restriction(restriction.scope_id, pid)) is not None
        ],
        "moderation": [
            {
                "action": e.action,
                "at": _iso(e.at),
                "session_id": e.session_id,
                "group_id": e.group_id,
                "reason": e.reason,
            }
            for e in storage.audit_about(pid)
        ],
        "connections": [
            {"connection_id": c.connection_id, "session_id": c.session_id} for c in storage.user_connections(pid)
        ],
        # The groups the teen belongs to (walks straight in), and the waiting rooms they knocked at.
        "memberships": [
            {"group_id": m.group_id, "via": m.via, "since": _iso(m.since), "expires_at": _iso(m.expires_at)}
            for m in storage.memberships_of(pid)
        ],
        "waiting_rooms": [w.session_id for w in storage.waiting_of(pid)],
        # The mentors' handover notes about the teen: theirs to read too (docs/privacy.md says why).
        "mentor_notes": handover.export(pid),
        # Private talks with a mentor (their messages are among "messages", under talk#<id>).
        "talks": [
            {
                "talk_id": talk.talk_id,
                "session_id": talk.session_id,
                "mentor": talk.mentor_name,
                "state": talk.state,
                "created_at": _iso(talk.created_at),
                "ended_at": _iso(talk.ended_at),
                "expires_at": _iso(talk.expires_at),
            }
            for talk in storage.talks_of(pid)
        ],
        "reminders": reminders.export(pid),
        "not_linkable": "Attendance is counted per group as a one-way tag, and send receipts name a one-way tag: "
        "neither can be read back to this account.",
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def delete_account(identity: Identity, password: object, delivery: Delivery) -> dict[str, object]:
    """Delete the account and everything it wrote; live sessions see them vanish."""
    participant = _confirmed(identity, password)
    return erase(participant, delivery)


def delete_unused(delivery: Delivery, now: datetime, limit: int) -> list[str]:
    """Delete a few accounts whose time without a log-in is up (the tick calls this each minute)."""
    deleted = []
    for key in storage.unused_accounts(now, limit):
        participant = storage.find_participant(key)
        if participant is not None and participant.delete_after is not None and participant.delete_after <= now:
            erase(participant, delivery)
            deleted.append(participant.participant_id)
    return deleted


def erase(participant: storage.Participant, delivery: Delivery) -> dict[str, object]:
    """Remove or anonymise everything stored about an account; the account itself goes last.

    Its sockets are closed, its messages deleted (rooms see them vanish, a pin of one is cleared),
    reports quoting it keep that something was reported but lose the text and the pseudonym,
    audit entries keep the action with a one-way tag instead of the pseudonym, and its mutes,
    bans, mentors' notes about it, memberships, waiting-room knocks and reminders go. Should a step fail,
    the account is still there and deleting it again finishes the job.
    """
    from chalicelib import frames, reminders

    pid, name = participant.participant_id, participant.pseudonym
    tag = deleted_tag(pid)
    # The rooms it is in now (a round there names it), read before its sockets go.
    in_rooms = {c.session_id for c in storage.user_connections(pid) if c.session_id}
    # First, before anything is deleted: no open tab of this account may post another word.
    closed = revocation.close_connections(delivery, pid, "account_deleted")
    for session_id in in_rooms:
        rounds.forget_teen(session_id, pid, tag)
    by_session: dict[str, list[str]] = {}
    for key in storage.messages_by(pid):
        by_session.setdefault(key.session_id, []).append(key.message_id)
    for session_id, message_ids in by_session.items():
        session = storage.get_session(session_id)
        if session is not None and session.pinned_message_id in message_ids:
            storage.clear_pin(session, session.pinned_message_id)
        # Told first: a deletion that fails half-way is retried and tells again (screens drop an id
        # once); deleted first, a failure before telling would leave the messages on their screens.
        members = storage.session_connections(session_id)
        for message_id in message_ids:
            delivery.send_all(members, frames.message_removed(session_id, message_id))
        storage.delete_messages(session_id, message_ids)
    for report in storage.reports_about(pid):
        storage.anonymise_report(
            report, tag, _scrub(report.reason, name, tag), _scrub(report.note, name, tag) if report.note else None
        )
    for entry in storage.audit_about(pid):
        storage.anonymise_audit(entry, _scrub(entry.target, name, tag), _scrub(entry.reason, name, tag))
    for restriction in storage.restrictions_of(pid):
        storage.delete_restriction(restriction)
    storage.forget_notes(pid)  # mentors' handover notes about the account
    storage.forget_member(pid)
    storage.forget_talks(pid)  # private talks with a mentor (their messages went with the others)
    reminders.forget(pid)  # the push subscriptions it asked for
    storage.delete_participant(participant)
    return {"deleted": True, "messages": sum(len(ids) for ids in by_session.values()), "connections_closed": closed}


def _scrub(text: str, pseudonym: str, tag: str) -> str:
    """Free text (a reason, a note) with the pseudonym replaced by the tag, however it was cased."""
    return re.sub(re.escape(pseudonym), tag, text or "", flags=re.IGNORECASE)
