"""A mentor is always in the room: sending waits without one, the room opens and pauses, a vanished
mentor is noticed, and the organisation hears when no mentor came (exactly once)."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from chalicelib import storage
from chalicelib.accounts import mentors
from chalicelib.accounts.tokens import Identity
from chalicelib.chat.service import ChatService
from chalicelib.chat.watch import MentorWatch, alert_id
from chalicelib.delivery import Delivery
from chalicelib.organisation import roster
from chalicelib.sessions.keeper import SessionKeeper, plan_next
from tests.conftest import NOW, caller, connect, join, make_org, mentor_joins

GRACE = timedelta(minutes=2)  # the default MENTOR_GRACE_SECONDS
CRISIS = "jeg vil ikke leve mere"


def send(chat, who, text, client_id=None, now=NOW):
    frame = {"action": "send", "text": text}
    if client_id:
        frame["client_id"] = client_id
    chat.handle(who, json.dumps(frame), now)


def texts(sender, connection_id):
    return [f["message"]["text"] for f in sender.of(connection_id, "message")]


def errors(sender, connection_id):
    return [f["code"] for f in sender.of(connection_id, "error")]


class TestNoMentorYet:
    def test_a_teen_enters_and_reads_but_sending_waits_with_the_minutes_waited(self, chat, sender, room):
        early = caller("c0")  # came a minute after the start, half an hour ago
        chat.connect(early, Identity("user-Tidlig", "Tidlig", "participant"), room.starts_at + timedelta(minutes=1))
        join(chat, early, now=room.starts_at + timedelta(minutes=1))
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        joined = sender.of("c1", "joined")[0]
        assert joined["room"]["state"] == "waiting"

        send(chat, anna, "hallo?", now=NOW + timedelta(minutes=3))
        refusal = sender.last("c1")
        assert refusal["code"] == "waiting_for_mentor" and refusal["minutes"] == 3
        assert texts(sender, "c0") == [] and storage.recent_messages(room.session_id, 5) == []
        # Since the room had no mentor, or since the teen came, whichever is later.
        send(chat, early, "er her nogen?", now=NOW + timedelta(minutes=3))
        assert sender.last("c0")["minutes"] == 32

    def test_a_crisis_line_still_brings_help_lines_and_a_report_though_nothing_is_stored(self, chat, sender, room):
        elsewhere = connect(chat, "m9", "Mads", role="mentor", org_id="org-a")  # on the mentor page, in no room
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        send(chat, anna, CRISIS, client_id="k1")
        assert sender.of("c1", "help_lines")[0]["lines"]
        assert sender.last("c1")["code"] == "waiting_for_mentor"
        assert storage.recent_messages(room.session_id, 5) == []
        queued = storage.open_reports("org-a")
        assert [(r.kind, r.priority, r.pseudonym) for r in queued] == [("crisis", "high", "Anna")]
        assert sender.of(elsewhere.connection_id, "report")[0]["report"]["kind"] == "crisis"

        # The page sends it again once a mentor is here: stored now, under the report's id, and
        # neither the report nor the help lines come twice.
        mentor_joins(chat, now=NOW + timedelta(minutes=1))
        send(chat, anna, CRISIS, client_id="k1", now=NOW + timedelta(minutes=1))
        stored = storage.recent_messages(room.session_id, 5)
        assert [m.text for m in stored] == [CRISIS] and stored[0].message_id == queued[0].report_id
        assert len(storage.open_reports("org-a")) == 1
        assert len(sender.of("c1", "help_lines")) == 1

    def test_a_phone_number_is_held_back_as_ever_while_waiting(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        send(chat, anna, "ring på 22 33 44 55", client_id="k1")
        assert sender.last("c1")["kind"] == "held_back"
        assert [r.kind for r in storage.open_reports("org-a")] == ["held_back"]


class TestTheRoomOpensAndPauses:
    def test_everyone_is_told_when_a_mentor_arrives_and_the_chat_flows(self, chat, sender, room):
        anna, bo = connect(chat, "c1", "Anna"), connect(chat, "c2", "Bo")
        join(chat, anna)
        join(chat, bo)
        mentor_joins(chat, now=NOW + timedelta(minutes=1))
        for teen in ("c1", "c2"):
            assert sender.of(teen, "room")[-1]["state"] == "open"
        assert sender.of("m0", "joined")[0]["room"]["state"] == "open"
        send(chat, anna, "hej Mette", now=NOW + timedelta(minutes=2))
        assert texts(sender, "c2") == ["hej Mette"] and texts(sender, "m0") == ["hej Mette"]

    def test_the_room_pauses_after_the_grace_period_when_the_last_mentor_leaves(self, chat, sender, room):
        mentor = mentor_joins(chat)
        anna, bo = connect(chat, "c1", "Anna"), connect(chat, "c2", "Bo")
        join(chat, anna)
        join(chat, bo)
        chat.handle(mentor, '{"action":"leave"}', NOW + timedelta(minutes=1))
        send(chat, anna, "hun kommer nok igen", now=NOW + timedelta(minutes=2))
        assert texts(sender, "c2") == ["hun kommer nok igen"]  # within the grace period
        assert sender.of("c2", "room") == []

        send(chat, anna, "er hun væk?", now=NOW + timedelta(minutes=1) + GRACE + timedelta(seconds=1))
        assert sender.last("c1")["code"] == "waiting_for_mentor"
        for teen in ("c1", "c2"):
            assert [f["state"] for f in sender.of(teen, "room")] == ["paused"]  # told once
        send(chat, bo, "hallo", now=NOW + timedelta(minutes=5))
        assert sender.last("c2")["code"] == "waiting_for_mentor"
        assert len(sender.of("c2", "room")) == 1

    def test_a_mentor_back_within_the_grace_period_means_no_pause(self, chat, sender, room):
        mentor_joins(chat)
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        chat.disconnect("m0", NOW + timedelta(minutes=1))  # the phone dropped
        mentor_joins(chat, "m1", now=NOW + timedelta(minutes=2))
        send(chat, anna, "godt du er her", now=NOW + timedelta(minutes=10))
        assert texts(sender, "m1") == ["godt du er her"]
        assert sender.of("c1", "room") == []

    def test_one_of_two_mentors_leaving_changes_nothing(self, chat, sender, room):
        mentor_joins(chat, "m0", "Mette")
        second = mentor_joins(chat, "m1", "Mads")
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        chat.handle(second, '{"action":"leave"}', NOW)
        send(chat, anna, "hej", now=NOW + timedelta(minutes=10))
        assert texts(sender, "m0") == ["hej"] and storage.get_session(room.session_id).mentor_left_at is None


class TestAVanishedMentor:
    def test_a_mentor_gone_without_disconnect_is_noticed_by_the_heartbeat(self, chat, sender, room):
        watch = MentorWatch(Delivery(sender))
        mentor_joins(chat)
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        # Pings keep a mentor present: a minute-tick look after each one changes nothing.
        for minute in (1, 2, 3):
            chat.handle(caller("m0"), '{"action":"ping"}', NOW + timedelta(minutes=minute))
            assert sender.last("m0")["type"] == "pong"
            watch.review(NOW + timedelta(minutes=minute, seconds=30))
        assert storage.get_connection("m0") is not None

        # Then the phone dies: no $disconnect, no more pings.
        looked = watch.review(NOW + timedelta(minutes=3, seconds=91))
        assert looked.vanished == ["m0"] and storage.get_connection("m0") is None
        assert sender.of("c1", "presence")[-1] == {
            "type": "presence",
            "event": "left",
            "member": {"pseudonym": "Mette", "role": "mentor"},
        }
        assert "m0" in sender.closed
        send(chat, anna, "hallo?", now=NOW + timedelta(minutes=4))
        assert texts(sender, "c1") == ["hallo?"]  # the grace period
        looked = watch.review(NOW + timedelta(minutes=3, seconds=91) + GRACE)
        assert looked.paused == [room.session_id]
        assert sender.of("c1", "room")[-1]["state"] == "paused"
        send(chat, anna, "hallo??", now=NOW + timedelta(minutes=7))
        assert sender.last("c1")["code"] == "waiting_for_mentor"

    def test_a_mentor_socket_that_was_forgotten_is_told_to_connect_again(self, chat, sender, room):
        mentor = mentor_joins(chat)
        storage.delete_connection("m0")
        chat.handle(mentor, '{"action":"ping"}', NOW)
        assert sender.last("m0")["code"] == "not_connected"


# --- the organisation knows: the missing-mentor alert ------------------------------------------------


@pytest.fixture
def duty(tables, sender):
    """A group with its weekly session planned for Sunday 19:00, Mette on duty; Mads off duty; an admin."""
    make_org()
    group = storage.Group(
        "sun",
        org_id="org-a",
        name="Søndagsgruppen",
        weekday=6,
        start_time="19:00",
        duration_minutes=90,
        tz="Europe/Copenhagen",
    )
    group.save()
    staff = {
        name: mentors.create("org-a", name.lower(), name, "long-password-1", role, NOW)
        for name, role in (("Mette", "mentor"), ("Mads", "mentor"), ("Anders", "admin"))
    }
    storage.set_duty_mentors(group, [staff["Mette"].mentor_id])
    chat = ChatService(Delivery(sender))
    for name, mentor in staff.items():  # everyone has the mentor page open, in no room
        chat.connect(caller(f"page-{name}"), Identity(mentor.mentor_id, name, mentor.role, "org-a"), NOW)
    keeper = SessionKeeper(Delivery(sender), MentorWatch(Delivery(sender)))
    planned = plan_next(group, NOW - timedelta(days=7))
    return {"group": group, "staff": staff, "keeper": keeper, "session": planned, "chat": chat}


class TestMissingMentorAlert:
    def test_no_mentor_by_the_start_plus_five_minutes_alerts_duty_mentors_and_admins_once(self, duty, sender):
        keeper, starts = duty["keeper"], duty["session"].starts_at
        keeper.tick(starts)
        assert keeper.tick(starts + timedelta(minutes=4)).alerted == []
        first = keeper.tick(starts + timedelta(minutes=5))
        assert first.alerted == [duty["session"].session_id]
        for minute in (6, 7, 30):
            assert keeper.tick(starts + timedelta(minutes=minute)).alerted == []

        reports = storage.open_reports("org-a")
        assert [(r.kind, r.priority, r.session_id) for r in reports] == [
            ("no_mentor", "high", duty["session"].session_id)
        ]
        assert len(sender.of("page-Mette", "report")) == 1  # on duty
        assert len(sender.of("page-Anders", "report")) == 1  # admin
        assert sender.of("page-Mads", "report") == []  # neither

    def test_ticks_racing_each_other_still_alert_once(self, duty, sender):
        keeper, starts = duty["keeper"], duty["session"].starts_at
        keeper.tick(starts)
        results = []
        threads = [
            threading.Thread(target=lambda: results.append(keeper.tick(starts + timedelta(minutes=6))))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sum(len(result.alerted) for result in results) == 1
        assert len(sender.of("page-Mette", "report")) == 1 and len(storage.open_reports("org-a")) == 1

    def test_a_mentor_in_the_room_by_then_means_no_alert(self, duty, sender):
        keeper, starts = duty["keeper"], duty["session"].starts_at
        keeper.tick(starts)
        mentor_joins(duty["chat"], "m-in", group_id="sun", now=starts + timedelta(minutes=3))
        assert keeper.tick(starts + timedelta(minutes=5)).alerted == []
        assert storage.open_reports("org-a") == []

    def test_the_alert_follows_a_swap_for_that_meeting(self, duty, sender):
        keeper, session = duty["keeper"], duty["session"]
        admin = duty["staff"]["Anders"]
        me = Identity(admin.mentor_id, "Anders", "admin", "org-a")
        roster.swap(
            me,
            "sun",
            roster.meeting_of(session),
            {"mentors": [duty["staff"]["Mads"].mentor_id]},
            session.starts_at - timedelta(days=1),
        )
        keeper.tick(session.starts_at)
        keeper.tick(session.starts_at + timedelta(minutes=5))
        assert len(sender.of("page-Mads", "report")) == 1 and sender.of("page-Mette", "report") == []

    def test_the_report_id_is_the_same_for_every_tick_and_sorts_by_time(self, duty):
        from ulid import ULID

        session = duty["session"]
        assert alert_id(session) == alert_id(storage.get_session(session.session_id))
        assert ULID.from_str(alert_id(session)).datetime == session.starts_at + timedelta(minutes=5)
