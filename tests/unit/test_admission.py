"""Admission: a waiting room a mentor lets newcomers in from, members only, a lock, and seats."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib import storage
from chalicelib.accounts import participants as accounts
from chalicelib.accounts.tokens import Identity
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.moderation.actions import Moderation
from chalicelib.moderation.waiting_room import WaitingRoom
from chalicelib.sessions.keeper import SessionKeeper
from tests.conftest import NOW, caller, logged_in, make_group, make_org, make_session, mentor_joins, signed_up

METTE = Identity("user-Mette", "Mette", "mentor", "org-a")
CRISIS = "jeg vil ikke leve mere"


def teen(chat, connection_id: str, name: str, now=NOW):
    """A signed-up teen connected on ``connection_id`` (the account lets a mentor find them by name)."""
    if storage.find_participant(name.casefold()) is None:
        signed_up(name, now=now)
    who = caller(connection_id)
    participant_id = logged_in(name, now=now).participant_id
    chat.connect(who, Identity(participant_id, name, "participant"), now)
    return who


def knock(chat, who, group_id="g1", agree=False, now=NOW):
    frame = {"action": "join", "group_id": group_id}
    if agree:
        frame["agree_rules"] = True
    chat.handle(who, json.dumps(frame), now)


def say(chat, who, text, client_id=None, now=NOW):
    frame = {"action": "send", "text": text}
    if client_id:
        frame["client_id"] = client_id
    chat.handle(who, json.dumps(frame), now)


@pytest.fixture
def desk(chat, sender):
    return WaitingRoom(Delivery(sender), Moderation(Delivery(sender), SessionKeeper(Delivery(sender))))


@pytest.fixture
def waiting_room(tables):
    make_org()
    group = make_group()
    group.entry_mode = "waiting_room"
    group.save()
    return make_session()


class TestTheWaitingRoom:
    def test_a_newcomer_agrees_to_the_rules_waits_and_is_admitted_by_the_mentor(self, chat, sender, desk, waiting_room):
        mentor_joins(chat)
        mette_page = sender.of("m0", "joined")[0]
        assert mette_page["queue"] == []
        ida = teen(chat, "c1", "Ida")

        knock(chat, ida)
        rules = sender.last("c1")
        assert rules["type"] == "admission" and rules["state"] == "rules"
        assert rules["group"]["rules"] == ["Vær sød ved hinanden"] and rules["mentor_present"] is True
        assert sender.of("m0", "queue") == []  # not in the queue before agreeing

        knock(chat, ida, agree=True)
        assert sender.last("c1")["state"] == "waiting"
        assert sender.last("m0") == {
            "type": "queue",
            "session_id": waiting_room.session_id,
            "waiting": [{"pseudonym": "Ida", "since": NOW.isoformat()}],
        }
        # Waiting, Ida neither reads nor writes.
        mentor = caller("m0")
        say(chat, mentor, "velkommen til alle")
        assert sender.of("c1", "message") == []
        say(chat, ida, "må jeg komme ind?")
        assert sender.last("c1")["code"] == "waiting_for_admission"

        answer = desk.admit(METTE, waiting_room.session_id, "Ida", None, NOW + timedelta(minutes=1))
        assert answer["admitted"] == ["Ida"] and answer["waiting"] == []
        joined = sender.last("c1")
        assert joined["type"] == "joined" and [m["text"] for m in joined["messages"]] == ["velkommen til alle"]
        assert sender.of("m0", "presence")[-1]["member"]["pseudonym"] == "Ida"
        assert sender.last("m0") == {"type": "queue", "session_id": waiting_room.session_id, "waiting": []}
        say(chat, ida, "tak!")
        assert sender.of("m0", "message")[-1]["message"]["text"] == "tak!"
        assert [e.action for e in storage.audit_entries("org-a")] == ["admit"]

    def test_an_admitted_teen_walks_straight_in_next_week_and_following_skips_nothing(
        self, chat, sender, desk, waiting_room
    ):
        mentor_joins(chat)
        ida, eva = teen(chat, "c1", "Ida"), teen(chat, "c2", "Eva")
        knock(chat, ida, agree=True)
        desk.admit(METTE, waiting_room.session_id, "Ida", None, NOW)
        accounts.follow(Identity(logged_in("Eva").participant_id, "Eva", "participant"), "g1", NOW)

        next_week = make_session(starts_at=NOW + timedelta(days=7))
        later = NOW + timedelta(days=7, minutes=1)
        mentor_joins(chat, "m1", now=later)
        ida_again, eva_again = teen(chat, "c3", "Ida", later), teen(chat, "c4", "Eva", later)
        knock(chat, ida_again, now=later)
        assert sender.last("c3")["type"] == "joined" and sender.last("c3")["session"]["id"] == next_week.session_id
        knock(chat, eva_again, now=later)
        assert sender.last("c4")["state"] == "rules"  # following a group does not skip the queue
        assert eva is not None

    def test_with_no_mentor_a_newcomer_keeps_waiting_and_is_told_a_mentor_will_let_them_in(
        self, chat, sender, waiting_room
    ):
        ida = teen(chat, "c1", "Ida")
        knock(chat, ida, agree=True)
        waiting = sender.last("c1")
        assert waiting["state"] == "waiting" and waiting["mentor_present"] is False
        mentor_joins(chat, now=NOW + timedelta(minutes=5))
        assert sender.of("m0", "joined")[0]["queue"] == [{"pseudonym": "Ida", "since": NOW.isoformat()}]
        assert sender.of("c1", "joined") == []  # still waiting: only a mentor lets her in

    def test_a_crisis_line_in_the_waiting_room_brings_help_lines_and_a_report(self, chat, sender, waiting_room):
        mentor_joins(chat)
        ida = teen(chat, "c1", "Ida")
        knock(chat, ida, agree=True)
        say(chat, ida, CRISIS, client_id="k1")
        assert sender.of("c1", "help_lines") and sender.last("c1")["code"] == "waiting_for_admission"
        report = sender.of("m0", "report")[0]["report"]
        assert (report["kind"], report["priority"], report["pseudonym"]) == ("crisis", "high", "Ida")
        assert report["session_id"] == waiting_room.session_id
        assert storage.recent_messages(waiting_room.session_id, 5) == []

    def test_a_declined_newcomer_is_told_and_cannot_knock_again_today(self, chat, sender, desk, waiting_room):
        mentor_joins(chat)
        ida = teen(chat, "c1", "Ida")
        knock(chat, ida, agree=True)
        assert desk.decline(METTE, waiting_room.session_id, "Ida", None, NOW)["declined"] == ["Ida"]
        assert sender.last("c1")["state"] == "declined"
        knock(chat, ida, agree=True)
        assert sender.last("c1")["code"] == "admission_declined"
        with pytest.raises(ChatError) as gone:
            desk.admit(METTE, waiting_room.session_id, "Ida", None, NOW)
        assert gone.value.code == "not_waiting"

    def test_admit_all_lets_in_everyone_waiting_oldest_first(self, chat, sender, desk, waiting_room):
        mentor_joins(chat)
        for n, name in enumerate(("Ida", "Eva", "Liv")):
            knock(chat, teen(chat, f"c{n}", name), agree=True, now=NOW + timedelta(seconds=n))
        assert desk.admit(METTE, waiting_room.session_id, None, True, NOW)["admitted"] == ["Ida", "Eva", "Liv"]
        assert all(len(sender.of(f"c{n}", "joined")) == 1 for n in range(3))
        assert [p["pseudonym"] for p in sender.of("c2", "joined")[0]["present"]] == ["Mette", "Eva", "Ida", "Liv"]

    def test_when_the_session_closes_those_still_waiting_are_told_and_let_go(self, chat, sender, desk, waiting_room):
        mentor_joins(chat)
        knock(chat, teen(chat, "c1", "Ida"), agree=True)
        SessionKeeper(Delivery(sender)).close_now(waiting_room, NOW + timedelta(minutes=1))
        assert sender.of("c1", "session_closed") and "c1" in sender.closed
        assert storage.get_connection("c1") is None

    def test_a_newcomer_who_leaves_the_waiting_room_leaves_the_queue(self, chat, sender, waiting_room):
        mentor_joins(chat)
        ida = teen(chat, "c1", "Ida")
        knock(chat, ida, agree=True)
        chat.disconnect("c1", NOW)
        assert sender.last("m0")["waiting"] == [] and storage.waiting_list(waiting_room.session_id) == []

    def test_a_raid_of_scripted_accounts_gets_nobody_into_the_room(self, chat, sender, waiting_room):
        """15 bots knock (agreeing to anything) while a mentor chats with a teen who belongs there."""
        mentor = mentor_joins(chat)
        storage.add_member(storage.Member("g1", "user-Ida", via=storage.ADMITTED, since=NOW))
        ida = caller("c-ida")
        chat.connect(ida, Identity("user-Ida", "Ida", "participant"), NOW)
        knock(chat, ida)
        assert sender.last("c-ida")["type"] == "joined"
        bots = []
        for n in range(15):
            bot = caller(f"bot{n}")
            chat.connect(bot, Identity(f"bot-{n}", f"Bot{n}", "participant"), NOW)
            knock(chat, bot, agree=True)
            say(chat, bot, "spam spam spam", now=NOW + timedelta(seconds=1))
            bots.append(bot)
        say(chat, mentor, "hej Ida", now=NOW + timedelta(seconds=2))
        say(chat, ida, "hej Mette", now=NOW + timedelta(seconds=3))
        assert [m.text for m in storage.recent_messages(waiting_room.session_id, 50)] == ["hej Ida", "hej Mette"]
        for bot in bots:
            assert sender.of(bot.connection_id, "joined") == [] and sender.of(bot.connection_id, "message") == []
            assert sender.last(bot.connection_id)["code"] == "waiting_for_admission"
        present = {m.user_id for m in storage.session_connections(waiting_room.session_id)}
        assert present == {"user-Mette", "user-Ida"}
        assert len(sender.of("m0", "queue")[-1]["waiting"]) == 15  # the mentor sees them all waiting


class TestMembersOnly:
    @pytest.fixture
    def course(self, tables):
        make_org()
        group = make_group()
        group.entry_mode = "members_only"
        group.save()
        return make_session()

    def test_only_enrolled_pseudonyms_come_in_and_a_mentor_enrols_by_name(self, chat, sender, desk, course):
        mentor_joins(chat)
        ida = teen(chat, "c1", "Ida")
        knock(chat, ida, agree=True)
        assert sender.last("c1")["code"] == "members_only"
        desk.enrol(METTE, "g1", "ida", NOW)  # the name, in any case
        knock(chat, ida)
        assert sender.last("c1")["type"] == "joined"
        assert storage.get_member("g1", storage.find_participant("ida").participant_id).via == "enrolled"

    def test_a_mentor_of_another_organisation_cannot_enrol(self, chat, desk, course):
        signed_up("Ida")
        with pytest.raises(ChatError) as refused:
            desk.enrol(Identity("x", "Xenia", "mentor", "org-b"), "g1", "Ida", NOW)
        assert refused.value.code == "forbidden"


class TestLockAndSeats:
    def test_a_locked_session_lets_nobody_new_in_but_who_was_here_comes_back(self, chat, sender, desk, room):
        mentor_joins(chat)
        anna = teen(chat, "c1", "Anna")
        knock(chat, anna)
        assert desk.lock(METTE, room.session_id, True, NOW)["locked"] is True
        assert sender.last("c1") == {"type": "locked", "session_id": room.session_id, "locked": True}
        chat.disconnect("c1", NOW)
        back = teen(chat, "c2", "Anna")
        knock(chat, back)
        assert sender.last("c2")["type"] == "joined"  # back today
        knock(chat, teen(chat, "c3", "Bo"))
        assert sender.last("c3")["code"] == "session_locked"
        desk.lock(METTE, room.session_id, False, NOW + timedelta(seconds=1))
        knock(chat, caller("c3"))
        assert sender.last("c3")["type"] == "joined"
        assert [e.action for e in storage.audit_entries("org-a")] == ["unlock", "lock"]

    def test_members_may_go_a_little_over_the_capacity_newcomers_may_not(self, chat, sender, tables):
        make_org()
        make_group("small", capacity=5)
        make_session("small")
        mentor_joins(chat, group_id="small")
        for n in range(5):
            who = caller(f"c{n}")
            chat.connect(who, Identity(f"p{n}", f"Navn{n}", "participant"), NOW)
            knock(chat, who, "small")
            assert sender.last(f"c{n}")["type"] == "joined"
        newcomer = caller("new")
        chat.connect(newcomer, Identity("p-new", "Ny", "participant"), NOW)
        knock(chat, newcomer, "small")
        assert sender.last("new")["code"] == "session_full"
        storage.add_member(storage.Member("small", "p-old", via=storage.CAME, since=NOW))
        returning = caller("old")
        chat.connect(returning, Identity("p-old", "Gammel", "participant"), NOW)
        knock(chat, returning, "small")
        assert sender.last("old")["type"] == "joined"  # 6 of 5: a member may go 20 % over
        second = caller("old2")
        storage.add_member(storage.Member("small", "p-old2", via=storage.CAME, since=NOW))
        chat.connect(second, Identity("p-old2", "Gammel2", "participant"), NOW)
        knock(chat, second, "small")
        assert sender.last("old2")["code"] == "session_full"  # but no further

    def test_coming_to_an_open_group_makes_a_member_who_later_walks_past_its_waiting_room(self, chat, sender, room):
        mentor_joins(chat)
        anna = teen(chat, "c1", "Anna")
        knock(chat, anna)
        group = storage.get_group("g1")
        group.entry_mode = "waiting_room"
        group.save()
        later = NOW + timedelta(days=7, minutes=1)
        make_session(starts_at=NOW + timedelta(days=7))
        mentor_joins(chat, "m1", now=later)
        knock(chat, teen(chat, "c2", "Anna", later), now=later)
        assert sender.last("c2")["type"] == "joined"
