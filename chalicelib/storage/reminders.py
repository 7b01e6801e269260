"""Reads and writes of the reminders a teen asked for (the ``reminders`` table).

A module of its own beside the rest of storage: the feature's requests in one place. Each
reminder is an item per (participant, group, browser); the tick finds a group's reminders through
the ``by_group`` index and sends each once per session with a conditional claim on the item.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.storage import _is_conditional
from chalicelib.storage.models import PENDING, Reminder, Session


def save_reminder(reminder: Reminder) -> None:
    """Store (or renew) a reminder: the same browser asking again for the same group overwrites it."""
    reminder.save()


def get_reminder(participant_id: str, reminder_key: str) -> Reminder | None:
    try:
        return Reminder.get(participant_id, reminder_key)
    except Reminder.DoesNotExist:
        return None


def reminders_of(participant_id: str, group_id: str | None = None) -> list[Reminder]:
    """A participant's reminders (for one group, or all): unsubscribing, the export, deleting the account."""
    condition = Reminder.reminder_key.startswith(f"{group_id}#") if group_id else None
    return list(Reminder.query(participant_id, condition))


def reminders_for_group(group_id: str) -> list[Reminder]:
    """Everyone to remind of this group's next session: one index query, never a Scan."""
    return list(Reminder.by_group.query(group_id))


def delete_reminder(reminder: Reminder) -> None:
    reminder.delete()


def claim_reminder(reminder: Reminder, session_id: str, now: datetime, lease: timedelta) -> bool:
    """Take the right to send this reminder for ``session_id``: False when it was sent (or given
    up) already, or another tick is sending it right now. A claim whose tick died runs out."""
    try:
        reminder.update(
            actions=[Reminder.claim_until.set(now + lease)],
            condition=(
                (Reminder.reminded_for.does_not_exist() | (Reminder.reminded_for != session_id))
                & (Reminder.claim_until.does_not_exist() | (Reminder.claim_until < now))
                & Reminder.participant_id.exists()  # not deleted meanwhile (no item is made by an update)
            ),
        )
    except UpdateError as error:
        if _is_conditional(error):
            return False
        raise
    return True


def mark_reminded(reminder: Reminder, session_id: str) -> None:
    """Sent (or refused for good) for this session: no tick sends it again."""
    _settle(reminder, [Reminder.reminded_for.set(session_id), Reminder.claim_until.remove()])


def release_reminder(reminder: Reminder) -> None:
    """The push service asked us to come back later: the next tick may try again."""
    _settle(reminder, [Reminder.claim_until.remove()])


def _settle(reminder: Reminder, actions: list) -> None:  # type: ignore[type-arg]
    try:
        reminder.update(actions=actions, condition=Reminder.participant_id.exists())
    except UpdateError as error:
        if not _is_conditional(error):  # deleted meanwhile (unsubscribed, account gone): nothing to settle
            raise


def sessions_opening_between(first: datetime, last: datetime, limit: int = 200) -> list[Session]:
    """Scheduled sessions whose opening falls in [first, last]: a scheduled session is due when it
    opens, so this is the ``due`` index read ahead of time (a query, never a Scan)."""
    return list(Session.due.query(PENDING, Session.due_at.between(first, last), limit=limit))
