"""Reports: a teen flags a message, or safety flags one by itself; they queue for the mentors."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ulid import ULID

from chalicelib import storage
from chalicelib.limits import MAX_REASON



def report_view(report: storage.Report) -> dict[str, Any]:
    return {
        "id": report.report_id,
        "kind": report.kind,
        "priority": report.priority,
        "session_id": report.session_id,
        "group_id": report.group_id,
        "message_id": report.message_id,
        "pseudonym": report.pseudonym,
        "text": report.excerpt,
        "reason": report.reason,
        "status": report.status,
        "created_at": report.created_at.isoformat(),
        "resolved_at": report.resolved_at.isoformat() if report.resolved_at else None,
    }


def new_report(
    session: storage.Connection | storage.Session,
    org_id: str,
    kind: str,
    priority: str,
    now: datetime,
    *,
    message: storage.Message | None = None,
    pseudonym: str = "",
    reason: str = "",
    retention_days: int = 30,
) -> storage.Report:
    report_id = str(ULID.from_datetime(now))
    return storage.Report(
        org_id,
        report_id,
        kind=kind,
        priority=priority,
        session_id=session.session_id,
        group_id=session.group_id,
        message_id=message.message_id if message else None,
        pseudonym=message.pseudonym if message else pseudonym,
        excerpt=(message.text[:300] if message else ""),
        reason=reason[:MAX_REASON],
        created_at=now,
        open_org=org_id,
        queue_key=f"{0 if priority == 'high' else 1}#{report_id}",
        # A report quotes a message, so it expires with the messages it quotes.
        expires_at=now + timedelta(days=retention_days),
    )
