"""Remove a reported message from the reports queue, wherever it was written, and resolve its report.

A report names the message it quotes; a message of a private talk is stored under the talk's own
partition (``talk#<id>``), not the session's, so the room's removal would not find it. The report
says which talk (``talk_id``): the message is removed there, and the talk's two (the teen's sockets
in the session) and the organisation's mentors following it hear ``message_removed`` with the
``talk_id``. A message of the room goes the room's way. Either way the removal is audited and the
report is resolved with the reason as its note; only the organisation's mentors reach the report.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import frames, storage
from chalicelib.accounts.tokens import Identity
from chalicelib.chat import private
from chalicelib.delivery import Outcome
from chalicelib.errors import ChatError
from chalicelib.moderation.actions import Moderation


def remove_reported(
    moderation: Moderation, mentor: Identity, report_id: str, reason: object, now: datetime
) -> dict[str, Any]:
    """The reported message is removed and its report resolved. Answer ``{removed, told,
    not_reached, report}``; removing a message already removed tells everyone again."""
    report = storage.get_report(mentor.org_id or "", report_id)
    if report is None:
        raise ChatError("report_not_found")
    if not report.message_id:
        raise ChatError("message_not_found")  # a held-back message was never stored
    if report.talk_id:
        told = _remove_from_talk(moderation, mentor, report.talk_id, report.message_id, reason, now)
        removed = {"removed": report.message_id, "told": len(told.delivered), "not_reached": len(told.failed)}
    else:
        removed = moderation.remove_message(mentor, report.session_id, report.message_id, reason, now)
    return removed | moderation.resolve(mentor, report_id, reason, now)


def _remove_from_talk(
    moderation: Moderation, mentor: Identity, talk_id: str, message_id: str, reason: object, now: datetime
) -> Outcome:
    talk = storage.get_talk(talk_id)
    if talk is None:
        raise ChatError("message_not_found")  # the talk expired, or the teen deleted their account
    if not mentor.org_id or mentor.org_id != talk.org_id:
        raise ChatError("forbidden")
    message = storage.get_message(private.partition(talk_id), message_id)
    if message is None:
        raise ChatError("message_not_found")
    if message.state != storage.REMOVED:
        entry = moderation.entry(
            mentor,
            "remove",
            now,
            target=f"{message.pseudonym}: {message_id}",
            reason=reason,
            session_id=talk.session_id,
            group_id=talk.group_id,
            subject_id=message.author_id if message.role == "participant" else None,
        )
        storage.remove_message(message, None, entry)
    return private.tell(moderation.delivery, talk, frames.message_removed(str(talk.session_id), message_id, talk_id))
