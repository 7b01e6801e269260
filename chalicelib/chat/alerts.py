"""Reports and crisis alerts: what reaches the mentors, and the help lines that reach the teen.

Crisis first: for a message with crisis signals the report, the mentors' alert and the
sender's help lines happen before the room's fan-out and do not depend on it. Each is keyed to
the message (or, for a message held back and never stored, to the sender's ``client_id``), so
a retried send raises whatever is still missing, and nothing is raised twice.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

from ulid import ULID

from chalicelib import frames, storage
from chalicelib.abuse import limiter
from chalicelib.chat.inbound import Caller, is_ulid
from chalicelib.chat.room import connection_of, receipt_key, staff
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.limits import MAX_REASON
from chalicelib.moderation.reports import new_report, place_of
from chalicelib.organisation.settings import org_settings
from chalicelib.safety import Verdict, help_lines

log = logging.getLogger("gruppechat.alerts")

# A session lasts hours; a report can only be made while in it, so a day covers every repeat.


def mentors_to_alert(me: storage.Connection, members: list[storage.Connection]) -> list[storage.Connection]:
    """The session's mentors and every connected mentor of the organisation, each socket once."""
    audience = {member.connection_id: member for member in staff(members)}
    if me.org_id:
        for connection in storage.staff_connections(me.org_id):
            audience.setdefault(connection.connection_id, connection)
    return list(audience.values())


def crisis(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    members: list[storage.Connection],
    message: storage.Message,
    verdict: Verdict,
    retention_days: int,
    now: datetime,
) -> None:
    """A stored message with crisis signals (or danger from others): report, alert and help
    lines, keyed to the message. Every level reaches the queue, the most urgent first."""
    kind = verdict.kind or "crisis"
    report = new_report(
        me,
        me.org_id or "",
        kind,
        "high",
        now,
        message=message,
        reason=kind,
        retention_days=retention_days,
        report_id=message.message_id,
        severity=verdict.severity,
    )
    _raise(delivery, caller, me, members, report, verdict)


def hold_back(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    members: list[storage.Connection],
    verdict: Verdict,
    retention_days: int,
    now: datetime,
    client_id: str | None,
    session: storage.Session | None = None,
) -> None:
    """Not stored, not delivered: a kind word to the sender, a note (or an alert) to the mentors.

    The held-back text may hold exactly what must not spread: the report keeps only why.
    ``session``: the session a sender outside its room (in the waiting room) knocks at.
    """
    assert verdict.held_back is not None
    where: storage.Connection | storage.Session = session or me
    report_id = _unsent_id(where.session_id, me, client_id, now)
    report = new_report(
        where,
        me.org_id or where.org_id or "",
        "held_back",
        "high" if verdict.crisis else "normal",
        now,
        pseudonym=me.pseudonym,
        reason=verdict.held_back,
        retention_days=retention_days,
        report_id=report_id,
        severity=verdict.severity,
        author_id=me.user_id,
    )
    _raise(delivery, caller, me, members, report, verdict)
    # Last: the notice is the sender's final answer (its client stops sending), so it comes only
    # once the report and the alert stand; if they failed, the error makes the client send again.
    delivery.send(caller, frames.held_back(verdict.held_back, client_id))


def crisis_not_stored(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    members: list[storage.Connection],
    session: storage.Session,
    text: str,
    verdict: Verdict,
    retention_days: int,
    now: datetime,
    client_id: str | None,
) -> None:
    """Crisis wording in a send that is not stored (no mentor yet, or in the waiting room): the help
    lines and a report all the same, ranked by severity like any other. The report's id is the one
    the message gets if it is sent again once the room opens, so that later send raises nothing twice."""
    kind = verdict.kind or "crisis"
    report_id = _unsent_id(session.session_id, me, client_id, now)
    report = new_report(
        session,
        session.org_id,
        kind,
        "high",
        now,
        pseudonym=me.pseudonym,
        reason=kind,
        excerpt=text,
        retention_days=retention_days,
        report_id=report_id,
        severity=verdict.severity,
        author_id=me.user_id,
    )
    _raise(delivery, caller, me, members, report, verdict)


def _unsent_id(session_id: str | None, me: storage.Connection, client_id: str | None, now: datetime) -> str:
    """A report's id for a send that stores no message, claimed in the send's receipt: a retry of
    the same send finds it (and a later successful send stores the message under it)."""
    report_id = str(ULID.from_datetime(now))
    if client_id:
        receipt = storage.SendReceipt(
            receipt_key(me, client_id, session_id), message_id=report_id, expires_at=now + storage.RECEIPT_LIFETIME
        )
        if not storage.claim_receipt(receipt):
            earlier = storage.get_receipt(receipt.receipt_key)
            report_id = earlier.message_id if earlier else report_id
    return report_id


def send_help_lines(delivery: Delivery, caller: Caller, me: storage.Connection, verdict: Verdict) -> bool:
    """The help lines for what was written: acute leads with 112, danger from others with
    Børnetelefonen. Numbers and addresses only: the client says what each line is for."""
    kind = verdict.kind or "crisis"
    lines = [
        {key: line[key] for key in ("id", "name", "phone", "url")}
        for line in help_lines(verdict.severity, kind)["lines"]
    ]
    return delivery.send(caller, frames.help_lines(lines, verdict.severity, kind))


def _raise(
    delivery: Delivery,
    caller: Caller,
    me: storage.Connection,
    members: list[storage.Connection],
    report: storage.Report,
    verdict: Verdict,
) -> None:
    if not storage.add_report_once(report):
        report = storage.get_report(report.org_id, report.report_id) or report
    if not report.alerted:
        delivery.send_all(mentors_to_alert(me, members), frames.report(report, place_of(report)))
        storage.mark_report(report, alerted=True)
    if verdict.crisis and not report.helped and send_help_lines(delivery, caller, me, verdict):
        storage.mark_report(report, helped=True)


def report_fields(frame: dict[str, Any]) -> tuple[str, str]:
    """A report's message id and reason, checked the same way in the group and in a private talk."""
    message_id = frame.get("message_id")
    if not is_ulid(message_id):
        raise ChatError("bad_message_id")
    reason = frame.get("reason") or ""
    if not isinstance(reason, str) or len(reason) > MAX_REASON:
        raise ChatError("bad_reason", max_length=MAX_REASON)
    return str(message_id), reason


def report(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """A teen reports a message; it queues for the mentors, who see it at once."""
    message_id, reason = report_fields(frame)
    me = connection_of(caller)
    if not me.session_id:
        raise ChatError("not_joined")
    message = storage.get_message(me.session_id, str(message_id))
    if message is None or message.state != storage.VISIBLE:
        raise ChatError("message_not_found")
    # Per participant, not per socket: a cap on reports, and one report of a message, keyed to the
    # message and the reporter so a retry finds it. A second report of the same message is
    # confirmed again but reaches no mentor twice.
    person = limiter.person(me.user_id, now)
    mentors = staff(storage.session_connections(me.session_id))
    counted = limiter.hit("report_per_person", person, now, code="too_many_reports")
    stored = new_report(
        me,
        me.org_id or "",
        "report",
        "normal",
        now,
        message=message,
        reason=reason.strip(),
        retention_days=org_settings(me.org_id).retention_days,
        report_id=report_id_of(message.message_id, person),
    )
    if not storage.add_report_once(stored):
        limiter.give_back(counted)
        stored = storage.get_report(stored.org_id, stored.report_id) or stored
    if not stored.alerted:
        delivery.send_all(mentors, frames.report(stored, place_of(stored)))
        storage.mark_report(stored, alerted=True)
    delivery.send(caller, frames.reported(message.message_id))


def report_id_of(message_id: str, person: str) -> str:
    """A teen's report of a message has one id: the message's time, and a hash of who reported."""
    tail = hashlib.blake2b(f"{message_id}#{person}".encode(), digest_size=10).digest()
    return str(ULID.from_bytes(ULID.from_str(message_id).bytes[:6] + tail))
