"""Handover between mentors: a short note per pseudonym and group, and last week's summary.

Groups meet weekly and mentors take turns, so what one mentor noticed ("was quiet, said exams
are hard; ask how it went") must reach whoever is on duty next week. A note is seen only by the
mentors and admins of the group's organisation — no frame and no route a participant's token can
reach returns it, except the teen's own data export (their right of access, see docs/privacy.md).
It is kept for the organisation's retention period after its last edit (TTL) and deleted with the
account. Every write is audited, without the note's text. Two mentors editing at once: the second
save names the version it started from, finds the note moved on, and gets ``note_conflict``
instead of silently overwriting the first.

Notes are not screened by the anonymity guard: a mentor may need to write down what a teen said.
Their text is never logged (the log filter also redacts any field named ``text``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib import storage
from chalicelib.accounts.participants import pseudonym_key
from chalicelib.accounts.tokens import Identity
from chalicelib.errors import ChatError
from chalicelib.limits import MAX_NOTE_CHARS
from chalicelib.moderation.actions import audit_entry
from chalicelib.organisation.settings import org_settings
from chalicelib.sessions import summary as session_summary

# How many of a group's last summaries one request may read, and how many it reads unless told.
MAX_SUMMARIES = 12
DEFAULT_SUMMARIES = 4


def _group(mentor: Identity, group_id: str) -> storage.Group:
    """The group, if it is the mentor's organisation's: another organisation's group is 403."""
    group = storage.get_group(group_id)
    if group is None:
        raise ChatError("group_not_found")
    if not mentor.org_id or mentor.org_id != group.org_id:
        raise ChatError("forbidden")
    return group


def _participant(pseudonym: object) -> storage.Participant:
    key = pseudonym_key(pseudonym) if isinstance(pseudonym, str) else ""
    if not key:
        raise ChatError("bad_request", field="pseudonym")
    participant = storage.find_participant(key[:100])
    if participant is None:
        raise ChatError("participant_not_found")
    return participant


def note_view(note: storage.Note) -> dict[str, Any]:
    return {
        "pseudonym": note.pseudonym,
        "text": note.text,
        "version": int(note.version),
        "written_by": note.written_by_name,
        "written_at": note.written_at.isoformat(),
        "expires_at": note.expires_at.isoformat() if note.expires_at else None,
    }


def group_notes(mentor: Identity, group_id: str) -> dict[str, Any]:
    """Every note of the group, by pseudonym: the console shows them next to each name."""
    group = _group(mentor, group_id)
    notes = sorted(storage.group_notes(group.group_id), key=lambda note: note.pseudonym.casefold())
    return {"group_id": group.group_id, "notes": [note_view(note) for note in notes]}


def write_note(
    mentor: Identity, group_id: str, pseudonym: object, text: object, version: object, now: datetime
) -> dict[str, Any]:
    """Write, edit or (with empty text) delete the note about a pseudonym in a group.

    ``version`` is the version the mentor read (0 when there was no note). Another mentor's
    save in between makes it ``note_conflict`` with the version now stored; nothing is written.
    """
    group = _group(mentor, group_id)
    if not isinstance(text, str):
        raise ChatError("bad_request", field="text")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ChatError("bad_request", field="version")
    text = text.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise ChatError("note_too_long", max_length=MAX_NOTE_CHARS)
    participant = _participant(pseudonym)
    current = storage.get_note(group.group_id, participant.participant_id)
    stored = int(current.version) if current else 0
    if stored != version:
        raise ChatError("note_conflict", version=stored)
    open_session = _open_session(group, now)
    entry = audit_entry(
        mentor,
        "note" if text else "note_removed",
        now,
        target=participant.pseudonym,  # never the note's text: the audit log is read more widely
        session_id=open_session.session_id if open_session else None,
        group_id=group.group_id,
        subject_id=participant.participant_id,
    )
    if not text:
        if current is None:
            return {"pseudonym": participant.pseudonym, "note": None}
        if not storage.delete_note(current, version, entry):
            raise ChatError("note_conflict", version=_version_now(group.group_id, participant.participant_id))
        return {"pseudonym": participant.pseudonym, "note": None}
    sessions = set(current.sessions or ()) if current else set()
    if open_session is not None:
        sessions.add(open_session.session_id)
    note = storage.Note(
        group.group_id,
        participant.participant_id,
        org_id=group.org_id,
        pseudonym=participant.pseudonym,
        text=text,
        version=version + 1,
        written_by=mentor.user_id,
        written_by_name=mentor.name,
        written_at=now,
        sessions=_latest(sessions) or None,
        expires_at=now + timedelta(days=org_settings(group.org_id).retention_days),
    )
    if not storage.write_note(note, version, entry):
        raise ChatError("note_conflict", version=_version_now(group.group_id, participant.participant_id))
    return {"pseudonym": participant.pseudonym, "note": note_view(note)}


def summaries(mentor: Identity, group_id: str, limit: int, now: datetime) -> dict[str, Any]:
    """The group's last session summaries, newest first, each with the pseudonyms noted in it."""
    group = _group(mentor, group_id)
    if not 1 <= limit <= MAX_SUMMARIES:
        raise ChatError("bad_limit", max=MAX_SUMMARIES)
    notes = storage.group_notes(group.group_id)
    found = []
    for session in storage.group_history(group.group_id, now, limit + 4):
        stored = session_summary.read(session)
        if stored is None:
            continue
        noted = sorted(
            (note.pseudonym for note in notes if session.session_id in (note.sessions or ())), key=str.casefold
        )
        found.append(
            {
                "session_id": session.session_id,
                "starts_at": session.starts_at.isoformat(),
                "ends_at": session.ends_at.isoformat(),
                **stored,
                "noted": noted,
            }
        )
        if len(found) >= limit:
            break
    return {"group_id": group.group_id, "summaries": found}


def export(participant_id: str) -> list[dict[str, Any]]:
    """The notes about a teen, for their own data export (the right of access)."""
    return [
        {
            "group_id": note.group_id,
            "text": note.text,
            "written_at": note.written_at.isoformat(),
            "expires_at": note.expires_at.isoformat() if note.expires_at else None,
        }
        for note in storage.notes_of(participant_id)
    ]


def _open_session(group: storage.Group, now: datetime) -> storage.Session | None:
    """The group's session open now, if any: a note written during it counts in its summary."""
    for session in storage.latest_sessions(group.group_id, now, limit=2):
        if session.status == storage.OPEN:
            return session
    return None


def _version_now(group_id: str, participant_id: str) -> int:
    current = storage.get_note(group_id, participant_id)
    return int(current.version) if current else 0


def _latest(session_ids: set[str], keep: int = 8) -> set[str]:
    """The note remembers the last few sessions it was written in (a planned session's id ends with its start)."""
    return set(sorted(session_ids)[-keep:])
