"""Handover between mentors: notes per pseudonym and group, and the summary a closed session leaves.

A note is read and written only by the mentors of the group's organisation, edits never overwrite
each other silently, it lives for the organisation's retention period and goes with the account;
a session's summary is written once by its close, however often the tick runs or fails.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib import storage
from chalicelib.accounts import participants as accounts
from chalicelib.accounts.tags import attendance_tag
from chalicelib.accounts.tokens import ADMIN, MENTOR, PARTICIPANT, Identity
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.limits import MAX_NOTE_CHARS
from chalicelib.moderation.reports import new_report
from chalicelib.organisation import handover
from chalicelib.organisation import settings as org_settings
from chalicelib.sessions import summary as session_summary
from chalicelib.sessions.keeper import STEP_LEASE, SUMMARISE, SessionKeeper
from tests.conftest import (
    NOW,
    RecordingSender,
    connect,
    join,
    make_group,
    make_org,
    make_session,
    mentor_joins,
    signed_up,
)

METTE = Identity("m-mette", "Mette", MENTOR, "org-a", "mette")
MADS = Identity("m-mads", "Mads", MENTOR, "org-a", "mads")
ADA = Identity("m-ada", "Ada", ADMIN, "org-a", "ada")
OTHER_ORG = Identity("m-olga", "Olga", MENTOR, "org-b", "olga")
NOTE = "Var stille i dag; sagde at eksamen fylder meget. Spørg hvordan det gik."


@pytest.fixture
def group(tables):
    org_settings.forget()
    make_org("org-a", retention_days=14)
    make_org("org-b")
    make_group("g1", "org-a")
    make_group("gb", "org-b")
    signed_up("Luna")
    signed_up("Sol")
    return storage.get_group("g1")


def participant(name: str) -> storage.Participant:
    found = storage.find_participant(name.casefold())
    assert found is not None
    return found


def refused(call, *args) -> ChatError:
    with pytest.raises(ChatError) as refusal:
        call(*args)
    return refusal.value


class TestNotes:
    def test_a_note_written_by_one_mentor_is_read_by_another_of_the_organisation(self, group):
        written = handover.write_note(METTE, "g1", "luna", NOTE, 0, NOW)

        assert written["note"]["version"] == 1
        seen = handover.group_notes(MADS, "g1")["notes"]
        assert [(n["pseudonym"], n["text"], n["written_by"], n["version"]) for n in seen] == [
            ("Luna", NOTE, "Mette", 1)
        ]
        assert handover.group_notes(ADA, "g1")["notes"][0]["text"] == NOTE  # admins too

    def test_an_edit_from_the_version_read_replaces_the_note(self, group):
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)

        edited = handover.write_note(MADS, "g1", "Luna", NOTE + " Det gik godt!", 1, NOW + timedelta(days=7))

        assert edited["note"]["version"] == 2
        [note] = handover.group_notes(METTE, "g1")["notes"]
        assert note["text"].endswith("Det gik godt!") and note["written_by"] == "Mads"

    def test_two_mentors_editing_at_once_the_second_gets_a_conflict_not_a_silent_overwrite(self, group):
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)
        # Both opened version 1; Mette saves first.
        handover.write_note(METTE, "g1", "Luna", "Mettes udgave", 1, NOW + timedelta(minutes=1))

        conflict = refused(handover.write_note, MADS, "g1", "Luna", "Mads' udgave", 1, NOW + timedelta(minutes=2))

        assert conflict.code == "note_conflict" and conflict.status == 409
        assert conflict.params["version"] == 2
        assert handover.group_notes(MADS, "g1")["notes"][0]["text"] == "Mettes udgave"

    def test_two_first_notes_at_once_the_second_gets_a_conflict(self, group):
        handover.write_note(METTE, "g1", "Sol", "Ny i gruppen", 0, NOW)

        conflict = refused(handover.write_note, MADS, "g1", "Sol", "Også ny", 0, NOW)

        assert (conflict.code, conflict.params["version"]) == ("note_conflict", 1)

    def test_a_lost_race_at_the_write_itself_is_a_conflict_too(self, group, monkeypatch):
        """The version check before the write passes for both; the conditional write decides."""
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)
        real_get = storage.get_note
        stale = real_get("g1", participant("Luna").participant_id)
        handover.write_note(METTE, "g1", "Luna", "Mettes udgave", 1, NOW)
        monkeypatch.setattr(storage, "get_note", lambda *key: stale if stale else real_get(*key))

        conflict = refused(handover.write_note, MADS, "g1", "Luna", "Mads' udgave", 1, NOW)

        monkeypatch.setattr(storage, "get_note", real_get)
        assert conflict.code == "note_conflict"
        assert handover.group_notes(MADS, "g1")["notes"][0]["text"] == "Mettes udgave"

    def test_empty_text_removes_the_note_with_the_same_version_check(self, group):
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)
        assert refused(handover.write_note, MADS, "g1", "Luna", "", 0, NOW).code == "note_conflict"

        assert handover.write_note(MADS, "g1", "Luna", "  ", 1, NOW)["note"] is None
        assert handover.group_notes(METTE, "g1")["notes"] == []

    def test_a_note_is_limited_in_length(self, group):
        assert handover.write_note(METTE, "g1", "Luna", "x" * MAX_NOTE_CHARS, 0, NOW)["note"]["version"] == 1
        too_long = refused(handover.write_note, METTE, "g1", "Sol", "x" * (MAX_NOTE_CHARS + 1), 0, NOW)
        assert (too_long.code, too_long.status, too_long.params["max_length"]) == ("note_too_long", 400, 1000)

    @pytest.mark.parametrize(
        ("pseudonym", "text", "version", "code"),
        [
            ("Ukendt", NOTE, 0, "participant_not_found"),
            ("", NOTE, 0, "bad_request"),
            ("Luna", None, 0, "bad_request"),
            ("Luna", NOTE, None, "bad_request"),
            ("Luna", NOTE, -1, "bad_request"),
            ("Luna", NOTE, True, "bad_request"),
        ],
    )
    def test_bad_input_is_refused(self, group, pseudonym, text, version, code):
        assert refused(handover.write_note, METTE, "g1", pseudonym, text, version, NOW).code == code

    def test_a_mentor_of_another_organisation_can_neither_read_nor_write(self, group):
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)

        for refusal in (
            refused(handover.group_notes, OTHER_ORG, "g1"),
            refused(handover.write_note, OTHER_ORG, "g1", "Luna", "overskrevet", 1, NOW),
            refused(handover.summaries, OTHER_ORG, "g1", 4, NOW),
        ):
            assert (refusal.code, refusal.status) == ("forbidden", 403)
        assert refused(handover.group_notes, METTE, "nowhere").status == 404
        assert handover.group_notes(METTE, "g1")["notes"][0]["text"] == NOTE

    def test_a_note_is_kept_for_the_organisations_retention_period_after_its_last_edit(self, group):
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)
        note = storage.get_note("g1", participant("Luna").participant_id)
        assert note.expires_at == NOW + timedelta(days=14)  # org-a keeps things 14 days

        later = NOW + timedelta(days=7)
        handover.write_note(MADS, "g1", "Luna", "Opdateret", 1, later)
        assert storage.get_note("g1", participant("Luna").participant_id).expires_at == later + timedelta(days=14)

    def test_every_edit_is_audited_without_the_notes_text(self, group):
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)
        handover.write_note(MADS, "g1", "Luna", "Anden tekst", 1, NOW + timedelta(minutes=1))
        handover.write_note(MADS, "g1", "Luna", "", 2, NOW + timedelta(minutes=2))

        entries = [e for e in storage.audit_entries("org-a") if e.action in ("note", "note_removed")]
        assert sorted((e.mentor_name, e.action) for e in entries) == [
            ("Mads", "note"),
            ("Mads", "note_removed"),
            ("Mette", "note"),
        ]
        for entry in entries:
            assert entry.target == "Luna" and entry.group_id == "g1"
            assert entry.subject_id == participant("Luna").participant_id
            assert "eksamen" not in json.dumps(entry.attribute_values, default=str)
            assert "Anden" not in json.dumps(entry.attribute_values, default=str)


class TestTeensNeverSeeNotes:
    def test_no_frame_a_teen_receives_holds_a_note(self, group, chat, sender):
        make_session("g1")
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)
        mentor_joins(chat)
        luna = connect(chat, "luna", "Luna")
        join(chat, luna)
        chat.handle(luna, '{"action":"send","text":"hej","client_id":"c1"}', NOW)

        assert sender.frames.get("luna"), "the teen got no frames: the check would prove nothing"
        assert "eksamen" not in json.dumps(sender.frames)


class TestTheAccount:
    def test_the_teens_export_holds_the_notes_about_them_and_no_one_elses(self, group):
        make_group("g2", "org-a")
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)
        handover.write_note(METTE, "g2", "Luna", "I g2: glad for gruppen", 0, NOW)
        handover.write_note(METTE, "g1", "Sol", "Om Sol: ny", 0, NOW)
        luna = participant("Luna")

        exported = accounts.export(Identity(luna.participant_id, "Luna", PARTICIPANT), NOW)

        notes = sorted(exported["mentor_notes"], key=lambda note: note["group_id"])
        assert [(n["group_id"], n["text"]) for n in notes] == [("g1", NOTE), ("g2", "I g2: glad for gruppen")]
        assert notes[0]["expires_at"] == (NOW + timedelta(days=14)).isoformat()
        assert "Om Sol" not in json.dumps(exported)

    def test_deleting_the_account_deletes_the_notes_about_it_and_tags_their_audit(self, group):
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)
        handover.write_note(METTE, "g1", "Sol", "Om Sol", 0, NOW)
        luna = participant("Luna")

        accounts.delete_account(
            Identity(luna.participant_id, "Luna", PARTICIPANT), "hemmelig-kode", Delivery(RecordingSender())
        )

        assert storage.notes_of(luna.participant_id) == []
        assert [n["pseudonym"] for n in handover.group_notes(METTE, "g1")["notes"]] == ["Sol"]
        for entry in storage.audit_entries("org-a"):
            assert "Luna" not in entry.target and entry.subject_id != luna.participant_id

    def test_a_deletion_that_fails_half_way_finishes_when_asked_again(self, group, monkeypatch):
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)
        luna = participant("Luna")
        me = Identity(luna.participant_id, "Luna", PARTICIPANT)
        real = storage.forget_member

        def broken(participant_id: str) -> None:
            raise RuntimeError("DynamoDB is having a bad minute")

        monkeypatch.setattr(storage, "forget_member", broken)  # the step after the notes
        with pytest.raises(RuntimeError):
            accounts.delete_account(me, "hemmelig-kode", Delivery(RecordingSender()))
        monkeypatch.setattr(storage, "forget_member", real)
        assert storage.find_participant("luna") is not None, "the account must stay until the end"

        accounts.delete_account(me, "hemmelig-kode", Delivery(RecordingSender()))

        assert storage.find_participant("luna") is None
        assert storage.notes_of(luna.participant_id) == []


# --- the session's summary -------------------------------------------------------------------------


@pytest.fixture
def closing(group, sender):
    """g1's session, open at NOW with Luna and Sol in it, a report and two crisis flags, ending at NOW+60."""
    session = make_session("g1", starts_at=NOW - timedelta(minutes=30))
    session.update(
        actions=[storage.Session.due_bucket.set(storage.PENDING), storage.Session.due_at.set(session.ends_at)]
    )
    for name in ("Luna", "Sol"):
        storage.note_attendance(session, attendance_tag("g1", participant(name).participant_id))
    earlier = make_session("g1", status=storage.CLOSED, starts_at=NOW - timedelta(days=7))
    storage.note_attendance(earlier, attendance_tag("g1", participant("Luna").participant_id))
    for minute, kind, severity in ((1, "report", None), (2, "crisis", "ideation"), (3, "crisis", "acute")):
        storage.add_report(
            new_report(
                session,
                "org-a",
                kind,
                "high" if severity else "normal",
                NOW + timedelta(minutes=minute),
                excerpt="en besked der ikke må stå i opsummeringen",
                retention_days=14,
                severity=severity,
            )
        )
    storage.add_report(new_report(earlier, "org-a", "report", "normal", NOW - timedelta(days=7), retention_days=14))
    storage.save_message(
        storage.Message(
            session.session_id,
            "01KB0000000000000000000000",
            author_id="x",
            pseudonym="Luna",
            role="participant",
            text="hemmeligt",
        )
    )
    return storage.reload_session(session)


class TestSummary:
    def test_the_close_writes_a_summary_of_counts_that_the_next_weeks_mentors_read(self, closing, sender):
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)  # during the session
        handover.write_note(METTE, "g1", "Sol", "Skrevet i sidste uge", 0, NOW - timedelta(days=7))
        keeper = SessionKeeper(Delivery(sender))

        assert keeper.tick(closing.ends_at).closed == [closing.session_id]

        next_week = NOW + timedelta(days=7)
        [last] = handover.summaries(MADS, "g1", 1, next_week)["summaries"]
        assert last["session_id"] == closing.session_id
        assert last["topic"] == "Venskaber"
        assert (last["participants"], last["messages"]) == (2, 1)
        # Two came, one of them the week before too: that would say who, so it is left out.
        assert last["returning"] is None and last["withheld"] == {"returning": "too_few_participants"}
        assert last["reports"] == {"crisis": 2, "report": 1}
        assert last["crisis"] == {"concern": 0, "ideation": 1, "plan": 0, "acute": 1}
        assert (last["notes_written"], last["noted"]) == (1, ["Luna"])
        assert "hemmeligt" not in json.dumps(last) and "må stå" not in json.dumps(last)
        assert "eksamen" not in json.dumps(last)

    def test_a_deleted_account_leaves_no_pseudonym_in_the_summaries(self, closing, sender):
        handover.write_note(METTE, "g1", "Luna", NOTE, 0, NOW)
        SessionKeeper(Delivery(sender)).tick(closing.ends_at)
        luna = participant("Luna")

        accounts.delete_account(
            Identity(luna.participant_id, "Luna", PARTICIPANT), "hemmelig-kode", Delivery(RecordingSender())
        )

        [last] = handover.summaries(MADS, "g1", 1, NOW + timedelta(days=7))["summaries"]
        assert last["noted"] == [] and last["notes_written"] == 1  # a count names nobody

    def test_the_summary_is_written_once_however_often_the_tick_runs(self, closing, sender, monkeypatch):
        writes = []
        real = storage.save_summary
        monkeypatch.setattr(storage, "save_summary", lambda s, text: writes.append(text) or real(s, text))
        keeper = SessionKeeper(Delivery(sender))

        keeper.tick(closing.ends_at)
        first = storage.get_session(closing.session_id).summary
        keeper.tick(closing.ends_at)
        keeper.tick(closing.ends_at + timedelta(minutes=5))
        SessionKeeper(Delivery(sender)).close(storage.get_session(closing.session_id), closing.ends_at)

        assert len(writes) == 1
        assert storage.get_session(closing.session_id).summary == first

    def test_a_summary_step_that_fails_once_is_done_by_the_next_tick(self, closing, sender, monkeypatch):
        real = storage.save_summary
        failures = []

        def fails_once(session, text):
            if not failures:
                failures.append(text)
                raise RuntimeError("throttled")
            return real(session, text)

        monkeypatch.setattr(storage, "save_summary", fails_once)
        keeper = SessionKeeper(Delivery(sender))

        report = keeper.tick(closing.ends_at)
        stuck = storage.get_session(closing.session_id)
        assert report.closed == [closing.session_id]
        assert stuck.status == storage.CLOSED and stuck.pending_steps == {SUMMARISE}
        assert stuck.summary is None and stuck.due_bucket == storage.PENDING, "it must stay due"
        assert storage.sessions_from("g1", closing.ends_at)[0].status == storage.SCHEDULED, "next week is planned"

        assert keeper.tick(closing.ends_at + timedelta(seconds=30)).resumed == [], "the lease still holds"
        keeper.tick(closing.ends_at + STEP_LEASE + timedelta(minutes=1))

        done = storage.get_session(closing.session_id)
        assert done.pending_steps is None and done.due_bucket is None
        assert session_summary.read(done)["participants"] == 2

    def test_a_write_whose_answer_was_lost_is_not_written_again(self, closing, sender, monkeypatch):
        """DynamoDB's 500 after the write took effect: the retry finds the summary and keeps it."""
        real = storage.save_summary
        calls = []

        def lost_answer(session, text):
            calls.append(text)
            stored = real(session, text)
            if len(calls) == 1:
                raise RuntimeError("InternalServerError")
            return stored

        monkeypatch.setattr(storage, "save_summary", lost_answer)
        keeper = SessionKeeper(Delivery(sender))
        keeper.tick(closing.ends_at)
        first = storage.get_session(closing.session_id).summary
        assert first is not None

        keeper.tick(closing.ends_at + STEP_LEASE + timedelta(minutes=1))

        done = storage.get_session(closing.session_id)
        assert done.summary == first and done.pending_steps is None

    def test_a_cancelled_meeting_leaves_no_summary_and_the_route_lists_only_summaries(self, closing, sender):
        SessionKeeper(Delivery(sender)).tick(closing.ends_at)
        make_session("g1", status=storage.CANCELLED, starts_at=NOW + timedelta(days=7))

        found = handover.summaries(METTE, "g1", 4, NOW + timedelta(days=8))["summaries"]

        assert [s["session_id"] for s in found] == [closing.session_id]
        assert refused(handover.summaries, METTE, "g1", 0, NOW).code == "bad_limit"
        assert refused(handover.summaries, METTE, "g1", 13, NOW).code == "bad_limit"
