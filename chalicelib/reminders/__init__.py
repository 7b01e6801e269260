"""Reminders: a teen who follows a group asks for a browser notification 30 minutes before it opens.

The page registers a service worker (web/sw.js) only when the teen asks, subscribes with the
push service of their browser, and sends the subscription here. We keep one item per browser and
group: the push endpoint, nothing else (see docs/privacy.md). Each minute the tick looks for
scheduled sessions opening in 30 minutes (±1 tick), finds the group's reminders through an index,
and sends each a data-less push once per session: a conditional claim on the item before the push,
the session's id recorded after it, so a doubled tick, or one that fails half-way, neither repeats
nor forgets a reminder. A push service answering 404/410 means the browser dropped the
subscription: we forget it. 429 or 5xx: the next tick tries again while the window lasts.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib import storage
from chalicelib.accounts.tokens import Identity
from chalicelib.errors import ChatError
from chalicelib.reminders.keys import reminder_settings, vapid_key
from chalicelib.storage import reminders as stored

if TYPE_CHECKING:
    from chalicelib.reminders.push import Pushed

log = logging.getLogger("gruppechat.reminders")

REMIND_BEFORE = timedelta(minutes=30)
WINDOW = timedelta(minutes=1)  # ±1 tick: a late or an early tick still reminds, and a 429 gets retried
CLAIM_LEASE = timedelta(seconds=50)  # a tick has 55 s; after this a claim whose tick died runs out
TOPIC = "session-soon"


class Pusher(Protocol):
    def send(self, endpoint: str, now: datetime, ttl_s: int, topic: str) -> Pushed: ...


def reminder_key(group_id: str, endpoint: str) -> str:
    """One reminder per browser and group; the key holds a one-way tag of the endpoint, not the endpoint."""
    return f"{group_id}#{hashlib.sha256(endpoint.encode()).hexdigest()[:32]}"


def _participant(identity: Identity) -> storage.Participant:
    from chalicelib.accounts.participants import pseudonym_key

    participant = storage.find_participant(pseudonym_key(identity.name))
    if participant is None or participant.participant_id != identity.user_id:
        raise ChatError("unauthorized")
    return participant


# --- the teen's side: GET /me/reminders, PUT and DELETE /me/groups/{group_id}/reminder ------------


def view(identity: Identity, now: datetime) -> dict[str, Any]:
    """Whether reminders work here, the key a subscription must be made with, and the groups with one."""
    participant = _participant(identity)
    key = vapid_key()
    groups = sorted({r.group_id for r in stored.reminders_of(participant.participant_id) if r.expires_at > now})
    return {
        "available": key is not None,
        "public_key": key.public_key if key else None,
        "minutes_before": int(REMIND_BEFORE.total_seconds() // 60),
        "groups": groups,
    }


def subscribe(identity: Identity, group_id: str, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Remind this browser of ``group_id``; asking again (each visit) renews the reminder's time."""
    from chalicelib.reminders.push import push_origin

    participant = _participant(identity)
    current = reminder_settings()
    if vapid_key() is None:
        raise ChatError("reminders_unavailable")
    if group_id not in (participant.followed or []):
        raise ChatError("not_following")
    subscription = body.get("subscription")
    endpoint = subscription.get("endpoint") if isinstance(subscription, dict) else None
    if not isinstance(endpoint, str) or push_origin(endpoint, current.push_hosts) is None:
        raise ChatError("bad_subscription")
    key = reminder_key(group_id, endpoint)
    earlier = stored.get_reminder(participant.participant_id, key)
    stored.save_reminder(
        storage.Reminder(
            participant.participant_id,
            key,
            group_id=group_id,
            endpoint=endpoint,
            created_at=earlier.created_at if earlier else now,
            refreshed_at=now,
            # Renewing must not make this week's reminder come twice.
            reminded_for=earlier.reminded_for if earlier else None,
            expires_at=now + timedelta(days=current.idle_days),
        )
    )
    return {"group_id": group_id, "reminder": True, "expires_at": (now + timedelta(days=current.idle_days)).isoformat()}


def unsubscribe(identity: Identity, group_id: str) -> dict[str, Any]:
    """No more reminders of this group, on any of the teen's browsers."""
    participant = _participant(identity)
    return {"group_id": group_id, "reminder": False, "removed": forget(participant.participant_id, group_id)}


def forget(participant_id: str, group_id: str | None = None) -> int:
    """Delete the participant's reminders (of one group: unfollowing; of all: deleting the account)."""
    found = stored.reminders_of(participant_id, group_id)
    for reminder in found:
        stored.delete_reminder(reminder)
    return len(found)


def export(participant_id: str) -> list[dict[str, Any]]:
    """For the teen's own export: which groups, since when, until when (not the endpoint itself)."""
    from chalicelib.reminders.push import push_origin

    hosts = reminder_settings().push_hosts
    return [
        {
            "group_id": r.group_id,
            "push_service": push_origin(r.endpoint, hosts) or "",
            "created_at": r.created_at.isoformat(),
            "renewed_at": r.refreshed_at.isoformat(),
            "expires_at": r.expires_at.isoformat(),
        }
        for r in stored.reminders_of(participant_id)
    ]


# --- the tick's side --------------------------------------------------------------------------------


@dataclass
class Reminded:
    """One tick's reminders, as counts for the log: never an endpoint, never who."""

    sent: int = 0
    gone: int = 0
    retry: int = 0
    refused: int = 0
    failed: list[str] = field(default_factory=list)  # session ids whose reminders a later tick finishes


@lru_cache(maxsize=1)
def default_pusher() -> Pusher | None:
    """Built once per container, on the first tick with something to send."""
    from chalicelib.reminders.push import WebPush

    key = vapid_key()
    if key is None:
        return None
    current = reminder_settings()
    return WebPush(key, current.subject, current.push_hosts)


def remind(now: datetime, pusher: Pusher | None = None) -> Reminded:
    """Send the reminders of the sessions opening in REMIND_BEFORE (±WINDOW), each once."""
    done = Reminded()
    if pusher is None and not reminder_settings().configured:
        return done  # reminders are off in this stage
    sessions = stored.sessions_opening_between(now + REMIND_BEFORE - WINDOW, now + REMIND_BEFORE + WINDOW)
    for session in sessions:
        if session.status != storage.SCHEDULED:
            continue  # opened early or cancelled: "opens in 30 minutes" would be wrong
        try:
            _remind_session(session, now, pusher or default_pusher(), done)
        except Exception:  # one session's trouble must not cost the others theirs; the next tick goes on
            log.exception("sending a session's reminders failed; the next tick goes on")
            done.failed.append(session.session_id)
    return done


def _remind_session(session: storage.Session, now: datetime, pusher: Pusher | None, done: Reminded) -> None:
    from chalicelib.reminders.push import GONE, RETRY, SENT

    if pusher is None:
        return
    ttl_s = max(60, int((session.starts_at - now).total_seconds()))
    for reminder in stored.reminders_for_group(session.group_id):
        if reminder.reminded_for == session.session_id:
            continue
        if reminder.expires_at <= now:  # idle too long; DynamoDB's TTL may take two days to notice
            stored.delete_reminder(reminder)
            continue
        if not stored.claim_reminder(reminder, session.session_id, now, CLAIM_LEASE):
            continue  # another tick sends it, or did
        pushed = pusher.send(reminder.endpoint, now, ttl_s, TOPIC)
        if pushed.outcome == GONE:
            stored.delete_reminder(reminder)
            done.gone += 1
        elif pushed.outcome == RETRY:
            stored.release_reminder(reminder)
            done.retry += 1
        else:
            stored.mark_reminded(reminder, session.session_id)
            if pushed.outcome == SENT:
                done.sent += 1
            else:
                done.refused += 1
                log.warning("a push service refused a reminder with %s", pushed.status)
