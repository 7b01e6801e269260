"""Talk to a mentor alone: asking, inviting, answering, writing, ending — and a third teen seeing nothing.

Driven through ChatService against moto's DynamoDB, as the browser and the console drive it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import storage
from chalicelib.accounts.tokens import Identity
from chalicelib.chat import private
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.limits import rate
from chalicelib.moderation.actions import Moderation
from chalicelib.moderation.reported_message import remove_reported
from chalicelib.sessions.keeper import SessionKeeper
from tests.conftest import NOW, connect, join, make_org, mentor_joins
from tests.unit.faultkit import CANCELLED, INTERNAL, THROTTLING, dynamo_faults, injection_points

CRISIS = "jeg vil ikke leve mere"


def act(chat, who, action: str, now=NOW, **fields: Any) -> None:
    chat.handle(who, json.dumps({"action": action, **fields}), now)


def talk_frames(sender, connection_id: str) -> list[dict[str, Any]]:
    return [f["talk"] for f in sender.of(connection_id, "talk")]


def last_talk(sender, connection_id: str) -> dict[str, Any]:
    return talk_frames(sender, connection_id)[-1]


def errors(sender, connection_id: str) -> list[str]:
    return [f["code"] for f in sender.of(connection_id, "error")]


@pytest.fixture
def live(chat, sender, room):
    """An open session: mentor Mette (m0) and teens Anna (c1), Bo (c2) and Cille (c3), another mentor
    of the organisation on duty elsewhere (d0), and a mentor of another organisation (x0)."""
    mentor = mentor_joins(chat, "m0", "Mette")
    teens = {name: connect(chat, cid, name) for cid, name in (("c1", "Anna"), ("c2", "Bo"), ("c3", "Cille"))}
    for who in teens.values():
        join(chat, who)
    duty = connect(chat, "d0", "Dorte", role="mentor", org_id="org-a")
    make_org("org-b")
    stranger = connect(chat, "x0", "Xenia", role="mentor", org_id="org-b")
    sender.clear()
    return {"mentor": mentor, "duty": duty, "stranger": stranger, "session": room, **teens}


def asked(chat, sender, live, teen="Anna", now=NOW) -> str:
    act(chat, live[teen], "talk_request", now=now)
    return last_talk(sender, live[teen].connection_id)["id"]


def opened(chat, sender, live, teen="Anna") -> str:
    talk_id = asked(chat, sender, live, teen)
    act(chat, live["mentor"], "talk_accept", talk_id=talk_id)
    return talk_id


class TestAsking:
    def test_a_teen_asks_and_the_session_mentor_sees_the_request(self, chat, sender, live):
        act(chat, live["Anna"], "talk_request")
        mine = last_talk(sender, "c1")
        assert (mine["state"], mine["pseudonym"], mine["opened_by"], mine["mentor"]) == (
            "requested",
            "Anna",
            "participant",
            None,
        )
        assert last_talk(sender, "m0")["id"] == mine["id"]
        # The request is for the session's mentors; nobody else in the room hears of it.
        assert sender.of("c2") == [] and sender.of("c3") == []
        assert sender.of("x0") == []

    def test_a_mentor_accepts_and_the_talk_opens_for_both_and_the_organisation_follows(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        for connection_id in ("c1", "m0", "d0"):
            talk = last_talk(sender, connection_id)
            assert (talk["id"], talk["state"], talk["mentor"]) == (talk_id, "open", "Mette")
        assert sender.of("c2") == [] and sender.of("c3") == [] and sender.of("x0") == []

    def test_a_second_accept_is_refused_naming_who_took_it(self, chat, sender, live):
        other = mentor_joins(chat, "m1", "Morten")
        talk_id = asked(chat, sender, live)
        act(chat, live["mentor"], "talk_accept", talk_id=talk_id)
        act(chat, other, "talk_accept", talk_id=talk_id)
        refusal = sender.of("m1", "error")[-1]
        assert (refusal["code"], refusal["mentor"]) == ("talk_taken", "Mette")
        assert storage.get_talk(talk_id).mentor_name == "Mette"

    def test_a_double_click_on_accept_opens_one_talk_with_one_audit_entry(self, chat, sender, live):
        talk_id = asked(chat, sender, live)
        act(chat, live["mentor"], "talk_accept", talk_id=talk_id)
        act(chat, live["mentor"], "talk_accept", talk_id=talk_id)
        assert errors(sender, "m0") == []  # the same mentor's second click only tells again
        assert {f["id"] for f in talk_frames(sender, "c1")} == {talk_id}
        assert [f["state"] for f in talk_frames(sender, "c1")][-1] == "open"
        opened_entries = [e for e in storage.audit_entries("org-a") if e.action == "talk_opened"]
        assert len(opened_entries) == 1

    def test_a_teen_has_at_most_one_talk_going(self, chat, sender, live):
        opened(chat, sender, live)
        act(chat, live["Anna"], "talk_request")
        refusal = sender.of("c1", "error")[-1]
        assert (refusal["code"], refusal["state"]) == ("talk_exists", "open")

    def test_without_a_mentor_in_the_session_there_is_nobody_to_ask(self, chat, sender, live):
        act(chat, live["mentor"], "leave")
        sender.clear()
        act(chat, live["Anna"], "talk_request", now=NOW + timedelta(seconds=1))
        assert errors(sender, "c1") == ["talk_no_mentor"]

    def test_asking_is_rate_limited_per_teen(self, chat, sender, live):
        cap = rate("talk_request_per_person").limit
        for minute in range(cap):
            talk_id = asked(chat, sender, live)
            act(chat, live["Anna"], "talk_end", talk_id=talk_id, now=NOW + timedelta(seconds=minute))
        act(chat, live["Anna"], "talk_request")
        refusal = sender.of("c1", "error")[-1]
        assert refusal["code"] == "too_many_talk_requests" and refusal["retry_after"] > 0

    def test_a_mentor_cannot_ask_and_a_teen_cannot_invite(self, chat, sender, live):
        act(chat, live["mentor"], "talk_request")
        act(chat, live["Anna"], "talk_invite", session_id=live["session"].session_id, pseudonym="Bo")
        assert errors(sender, "m0") == ["forbidden"] and errors(sender, "c1") == ["forbidden"]


class TestInviting:
    def test_a_mentor_invites_and_the_teen_accepts(self, chat, sender, live):
        act(chat, live["mentor"], "talk_invite", session_id=live["session"].session_id, pseudonym="bo")
        invitation = last_talk(sender, "c2")
        assert (invitation["state"], invitation["mentor"], invitation["opened_by"]) == ("invited", "Mette", "mentor")
        act(chat, live["Bo"], "talk_accept", talk_id=invitation["id"])
        assert last_talk(sender, "c2")["state"] == "open" and last_talk(sender, "m0")["state"] == "open"
        entry = next(e for e in storage.audit_entries("org-a") if e.action == "talk_opened")
        assert (entry.mentor_name, entry.target, entry.reason) == ("Mette", "Bo", "mentor")
        assert sender.of("c1") == [] and sender.of("c3") == []

    def test_the_teen_may_decline(self, chat, sender, live):
        act(chat, live["mentor"], "talk_invite", session_id=live["session"].session_id, pseudonym="Bo")
        talk_id = last_talk(sender, "c2")["id"]
        act(chat, live["Bo"], "talk_decline", talk_id=talk_id)
        for connection_id in ("c2", "m0", "d0"):
            talk = last_talk(sender, connection_id)
            assert (talk["state"], talk["ended_by"]) == ("ended", "declined")
        # Declined, Bo may still ask himself later.
        act(chat, live["Bo"], "talk_request")
        assert last_talk(sender, "c2")["state"] == "requested"

    def test_another_organisation_cannot_invite(self, chat, sender, live):
        act(chat, live["stranger"], "talk_invite", session_id=live["session"].session_id, pseudonym="Bo")
        assert errors(sender, "x0") == ["forbidden"]

    def test_inviting_someone_not_in_the_session_is_refused(self, chat, sender, live):
        act(chat, live["mentor"], "talk_invite", session_id=live["session"].session_id, pseudonym="Nobody")
        assert errors(sender, "m0") == ["participant_not_found"]


class TestWriting:
    def test_the_two_write_and_a_third_teen_sees_nothing_live_or_in_history(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        act(chat, live["Anna"], "talk_send", talk_id=talk_id, text="jeg er ked af noget", client_id="a1")
        act(chat, live["mentor"], "talk_send", talk_id=talk_id, text="fortæl", client_id="m1")
        for connection_id in ("c1", "m0", "d0"):
            got = [f["message"]["text"] for f in sender.of(connection_id, "private_message")]
            assert got == ["jeg er ked af noget", "fortæl"]
        assert sender.of("c2") == [] and sender.of("c3") == [] and sender.of("x0") == []
        # Catch-up and a fresh join of the session hold none of it.
        act(chat, live["Cille"], "catch_up")
        assert sender.of("c3", "history")[0]["messages"] == []
        assert storage.recent_messages(live["session"].session_id, 50) == []
        # Nor can Cille reach the talk by its id.
        act(chat, live["Cille"], "talk_catch_up", talk_id=talk_id)
        act(chat, live["Cille"], "talk_send", talk_id=talk_id, text="hej", client_id="x")
        act(chat, live["Cille"], "talk_end", talk_id=talk_id)
        assert errors(sender, "c3") == ["talk_not_found"] * 3
        assert sender.of("c3", "talk") == [] and sender.of("c3", "talk_history") == []

    def test_the_mentor_writes_from_the_console_s_duty_line_a_connection_in_no_session(self, chat, sender, live):
        """The console sends talk frames on its duty line, which has joined no session."""
        line = connect(chat, "m9", "Mette", role="mentor", org_id="org-a")
        talk_id = asked(chat, sender, live)
        act(chat, line, "talk_accept", talk_id=talk_id)
        act(chat, line, "talk_send", talk_id=talk_id, text="jeg er her", client_id="m9-1")
        assert errors(sender, "m9") == []
        assert [f["message"]["text"] for f in sender.of("c1", "private_message")] == ["jeg er her"]

    def test_a_retried_send_is_stored_once(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        for _ in range(2):
            act(chat, live["Anna"], "talk_send", talk_id=talk_id, text="hej", client_id="same")
        answers = sender.of("c1", "private_message")
        # Each try is answered (the first answer may be what a dropped socket lost), with the one
        # message stored and its client_id: the sender's outbox confirms it by that.
        assert len(answers) == 2
        assert {f["message"]["id"] for f in answers} == {answers[0]["message"]["id"]}
        assert {f["message"]["client_id"] for f in answers} == {"same"}
        assert len(storage.messages_after(private.partition(talk_id), "0", 10)) == 1

    def test_a_mentors_retried_send_is_stored_once(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        for _ in range(2):
            act(chat, live["mentor"], "talk_send", talk_id=talk_id, text="jeg er her", client_id="m-same")
        assert {f["message"]["client_id"] for f in sender.of("c1", "private_message")} == {"m-same"}
        assert len(storage.messages_after(private.partition(talk_id), "0", 10)) == 1

    def test_messages_expire_like_the_groups(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        act(chat, live["Anna"], "talk_send", talk_id=talk_id, text="hej", client_id="a1")
        stored = storage.messages_after(private.partition(talk_id), "0", 10)[0]
        expected = live["session"].ends_at + timedelta(days=30)
        assert stored.expires_at == expected
        assert storage.get_talk(talk_id).expires_at == expected
        assert stored.kind == "private"

    def test_crisis_wording_raises_the_same_alert_and_help_lines(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        act(chat, live["Anna"], "talk_send", talk_id=talk_id, text=CRISIS, client_id="a1")
        assert sender.of("c1", "help_lines")
        report = sender.of("m0", "report")[0]["report"]
        assert (report["kind"], report["priority"], report["pseudonym"]) == ("crisis", "high", "Anna")
        assert report["session_id"] == live["session"].session_id
        assert sender.of("d0", "report")  # every connected mentor of the organisation
        assert sender.of("c2") == [] and sender.of("c3") == []

    def test_the_guard_holds_back_a_phone_number(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        act(chat, live["Anna"], "talk_send", talk_id=talk_id, text="ring på 22 33 44 55", client_id="a1")
        notice = sender.of("c1", "notice")[0]
        assert notice["kind"] == "held_back" and notice["client_id"] == "a1"
        assert sender.of("m0", "private_message") == []
        assert storage.messages_after(private.partition(talk_id), "0", 10) == []

    def test_a_teen_reports_a_message_and_every_mentor_of_the_organisation_hears(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        act(chat, live["mentor"], "talk_send", talk_id=talk_id, text="noget upassende", client_id="m1")
        message_id = sender.of("c1", "private_message")[0]["message"]["id"]
        act(chat, live["Anna"], "talk_report", talk_id=talk_id, message_id=message_id, reason="ubehageligt")
        assert sender.of("c1", "reported")[0]["message_id"] == message_id
        report = sender.of("d0", "report")[0]["report"]
        assert (report["text"], report["reason"], report["pseudonym"]) == ("noget upassende", "ubehageligt", "Mette")

    def test_another_mentor_follows_but_cannot_write_or_end(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        act(chat, live["duty"], "talk_send", talk_id=talk_id, text="hej", client_id="d1")
        act(chat, live["duty"], "talk_end", talk_id=talk_id)
        assert errors(sender, "d0") == ["not_in_talk", "not_in_talk"]
        act(chat, live["duty"], "talk_catch_up")
        assert [t["id"] for t in talk_frames(sender, "d0")][-1] == talk_id
        act(chat, live["stranger"], "talk_catch_up", talk_id=talk_id)
        assert errors(sender, "x0") == ["talk_not_found"]

    def test_a_reloaded_teen_finds_the_talk_and_its_messages(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        act(chat, live["mentor"], "talk_send", talk_id=talk_id, text="er du der?", client_id="m1")
        sender.clear()
        act(chat, live["Anna"], "talk_catch_up")
        assert last_talk(sender, "c1")["id"] == talk_id
        history = sender.of("c1", "talk_history")[0]
        assert [m["text"] for m in history["messages"]] == ["er du der?"]


class TestReportsQueue:
    """A report of a talk's message says which talk, and the queue removes it from the talk."""

    DORTE = Identity("user-Dorte", "Dorte", "mentor", "org-a")  # on duty elsewhere, in the same organisation
    XENIA = Identity("user-Xenia", "Xenia", "mentor", "org-b")

    def reported(self, chat, sender, live) -> tuple[str, str, dict[str, Any]]:
        """Mette writes something unkind in Anna's talk, and Anna reports it."""
        talk_id = opened(chat, sender, live)
        act(chat, live["mentor"], "talk_send", talk_id=talk_id, text="noget upassende", client_id="m1")
        message_id = sender.of("c1", "private_message")[0]["message"]["id"]
        act(chat, live["Anna"], "talk_report", talk_id=talk_id, message_id=message_id, reason="ubehageligt")
        sender.clear()
        return talk_id, message_id, storage.open_reports("org-a")[0]

    def history(self, chat, sender, live, talk_id: str) -> list[str]:
        act(chat, live["Anna"], "talk_catch_up", talk_id=talk_id)
        return [m["text"] for m in sender.of("c1", "talk_history")[-1]["messages"]]

    def test_the_report_names_the_talk_live_and_in_the_queue(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        act(chat, live["mentor"], "talk_send", talk_id=talk_id, text="noget upassende", client_id="m1")
        message_id = sender.of("c1", "private_message")[0]["message"]["id"]
        act(chat, live["Anna"], "talk_report", talk_id=talk_id, message_id=message_id)
        assert sender.of("d0", "report")[0]["report"]["talk_id"] == talk_id
        listed = Moderation(Delivery(sender), SessionKeeper(Delivery(sender))).reports(self.DORTE, "open")
        assert [(r["message_id"], r["talk_id"]) for r in listed["reports"]] == [(message_id, talk_id)]

    def test_a_crisis_flag_in_a_talk_names_the_talk_and_a_room_report_names_none(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        act(chat, live["Anna"], "talk_send", talk_id=talk_id, text=CRISIS, client_id="a1")
        assert sender.of("m0", "report")[0]["report"]["talk_id"] == talk_id
        act(chat, live["Bo"], "send", text="hej alle", client_id="b1")
        message_id = sender.of("c1", "message")[-1]["message"]["id"]
        act(chat, live["Anna"], "report", message_id=message_id)
        assert sender.of("m0", "report")[-1]["report"]["talk_id"] is None

    def test_a_mentor_removes_it_from_the_queue_and_it_is_gone_from_the_talk(self, chat, sender, live):
        talk_id, message_id, report = self.reported(chat, sender, live)
        moderation = Moderation(Delivery(sender), SessionKeeper(Delivery(sender)))
        answer = remove_reported(moderation, self.DORTE, report.report_id, "upassende", NOW)
        assert (answer["removed"], answer["report"]["status"]) == (message_id, "resolved")
        # The two and the organisation's mentors drop it; nobody else in the room hears of it.
        for connection_id in ("c1", "m0", "d0"):
            removed = sender.of(connection_id, "message_removed")
            assert [(f["talk_id"], f["message_id"]) for f in removed] == [(talk_id, message_id)]
        assert sender.of("c2") == [] and sender.of("c3") == [] and sender.of("x0") == []
        assert self.history(chat, sender, live, talk_id) == []
        assert storage.open_reports("org-a") == []
        entry = next(e for e in storage.audit_entries("org-a") if e.action == "remove")
        assert (entry.mentor_name, entry.reason, entry.session_id) == ("Dorte", "upassende", live["session"].session_id)

    def test_a_mentor_of_another_organisation_cannot_remove_it(self, chat, sender, live):
        talk_id, _, report = self.reported(chat, sender, live)
        moderation = Moderation(Delivery(sender), SessionKeeper(Delivery(sender)))
        with pytest.raises(ChatError) as refused:
            remove_reported(moderation, self.XENIA, report.report_id, "", NOW)
        assert refused.value.code == "report_not_found"
        # Nor through a report of their own organisation that names the talk.
        storage.Report(
            "org-b",
            "forged",
            kind="report",
            priority="normal",
            session_id="s",
            group_id="g",
            message_id=report.message_id,
            talk_id=talk_id,
            created_at=NOW,
        ).save()
        with pytest.raises(ChatError) as forbidden:
            remove_reported(moderation, self.XENIA, "forged", "", NOW)
        assert forbidden.value.code == "forbidden"
        assert self.history(chat, sender, live, talk_id) == ["noget upassende"]
        assert [r.report_id for r in storage.open_reports("org-a")] == [report.report_id]
        assert sender.of("c1", "message_removed") == []

    def test_a_room_message_removed_from_the_queue_goes_the_rooms_way(self, chat, sender, live):
        act(chat, live["Bo"], "send", text="dumme", client_id="b1")
        message_id = sender.of("c1", "message")[-1]["message"]["id"]
        act(chat, live["Anna"], "report", message_id=message_id)
        report = storage.open_reports("org-a")[0]
        moderation = Moderation(Delivery(sender), SessionKeeper(Delivery(sender)))
        remove_reported(moderation, self.DORTE, report.report_id, "", NOW)
        removed = sender.of("c3", "message_removed")[-1]
        assert removed["message_id"] == message_id and "talk_id" not in removed
        assert storage.recent_messages(live["session"].session_id, 50) == []
        assert storage.open_reports("org-a") == []


class TestEnding:
    @pytest.mark.parametrize(("who", "ended_by"), [("Anna", "participant"), ("mentor", "mentor")])
    def test_either_side_ends_it(self, chat, sender, live, who, ended_by):
        talk_id = opened(chat, sender, live)
        act(chat, live[who], "talk_end", talk_id=talk_id)
        for connection_id in ("c1", "m0", "d0"):
            talk = last_talk(sender, connection_id)
            assert (talk["state"], talk["ended_by"]) == ("ended", ended_by)
        act(chat, live["Anna"], "talk_send", talk_id=talk_id, text="hallo?", client_id="a2")
        assert errors(sender, "c1") == ["talk_over"]
        actions = [(e.action, e.reason) for e in storage.audit_entries("org-a")]
        assert ("talk_ended", ended_by) in actions and ("talk_opened", "participant") in actions

    def test_leaving_the_group_ends_the_teens_talk(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        act(chat, live["Anna"], "leave")
        assert storage.get_talk(talk_id).state == storage.ENDED
        assert last_talk(sender, "m0")["ended_by"] == "left"

    def test_the_close_ends_open_talks_once_however_often_it_runs(self, chat, sender, live):
        talk_id = opened(chat, sender, live)
        keeper = SessionKeeper(Delivery(sender))
        session = storage.get_session(live["session"].session_id)
        assert keeper.close(session, NOW + timedelta(minutes=61))
        ended = [t for t in talk_frames(sender, "m0") if t["state"] == "ended"]
        assert [(t["id"], t["ended_by"]) for t in ended] == [(talk_id, "close")]
        assert sender.of("c1", "talk")[-1]["talk"]["state"] == "ended"
        # Once: running the step again ends nothing more and writes no second entry.
        assert private.end_at_close(Delivery(sender), session, NOW + timedelta(minutes=62)) == 0
        assert [e.action for e in storage.audit_entries("org-a")].count("talk_ended") == 1
        assert storage.talk_guard("user-Anna") is None

    def test_a_request_left_when_the_session_closed_does_not_block_next_week(self, chat, sender, live):
        asked(chat, sender, live)
        storage.get_session(live["session"].session_id).update(actions=[storage.Session.status.set(storage.CLOSED)])
        assert private._current_talk(Delivery(sender), "user-Anna", NOW) is None
        assert storage.talk_guard("user-Anna") is None


class TestFaults:
    @pytest.mark.parametrize("code", [THROTTLING, INTERNAL, CANCELLED])
    def test_a_dynamodb_fault_at_any_call_of_accept_leaves_no_half_open_talk(
        self, chat, sender, live, code, monkeypatch
    ):
        """Whatever call fails, the talk is either still asked for (no mentor, no entry, nobody told
        it opened) or open with its one audit entry; the mentor's click again ends with the talk open
        once, one entry, and the teen told."""
        monkeypatch.setattr(private.limiter, "hit", lambda *args, **kwargs: "")  # Anna asks once per fault
        with dynamo_faults() as faults:
            faults.record()
            talk_id = asked(chat, sender, live)
            faults.record()
            act(chat, live["mentor"], "talk_accept", talk_id=talk_id)
            calls = list(faults.calls)
            faults.stop()
            assert any(operation == "TransactWriteItems" for operation, _ in calls)
            for entry in storage.audit_entries("org-a"):
                entry.delete()
            for index in injection_points(calls, code):
                act(chat, live["Anna"], "talk_end", talk_id=talk_id)  # start afresh
                talk_id = asked(chat, sender, live, now=NOW + timedelta(seconds=index + 1))
                sender.clear()
                faults.arm(index, code)
                act(chat, live["mentor"], "talk_accept", talk_id=talk_id)
                faults.stop()
                talk = storage.get_talk(talk_id)
                entries = [
                    e for e in storage.audit_entries("org-a") if e.action == "talk_opened" and e.target == "Anna"
                ]
                opened_now = [e for e in entries if e.at == NOW]
                if talk.state == storage.REQUESTED:
                    assert (talk.mentor_id, opened_now) == (None, []), faults.hit
                    assert all(f["talk"]["state"] != "open" for f in sender.of("c1", "talk")), faults.hit
                else:
                    assert (talk.state, len(opened_now)) == (storage.TALKING, 1), faults.hit
                act(chat, live["mentor"], "talk_accept", talk_id=talk_id)  # the mentor clicks again
                assert storage.get_talk(talk_id).state == storage.TALKING, faults.hit
                entries = [e for e in storage.audit_entries("org-a") if e.action == "talk_opened" and e.at == NOW]
                assert len(entries) == 1, faults.hit
                assert last_talk(sender, "c1")["state"] == "open", faults.hit
                for entry in entries:
                    entry.delete()


class TestPrivacy:
    def test_deleting_the_account_deletes_the_talk_its_guard_and_the_teens_messages(self, chat, sender, live):
        from chalicelib.accounts import participants

        talk_id = opened(chat, sender, live)
        act(chat, live["Anna"], "talk_send", talk_id=talk_id, text="min hemmelighed", client_id="a1")
        participant = storage.Participant(
            "anna", participant_id="user-Anna", pseudonym="Anna", password_hash="x", recovery_hash="y", created_at=NOW
        )
        participant.save()
        exported = participants.export(participants_identity("user-Anna", "Anna"), NOW)
        assert [t["talk_id"] for t in exported["talks"]] == [talk_id]
        participants.erase(participant, Delivery(sender))
        assert storage.get_talk(talk_id) is None and storage.talk_guard("user-Anna") is None
        texts = [m.text for m in storage.messages_after(private.partition(talk_id), "0", 10)]
        assert "min hemmelighed" not in texts


def participants_identity(user_id: str, name: str):
    from chalicelib.accounts.tokens import PARTICIPANT, Identity

    return Identity(user_id, name, PARTICIPANT)
