"""Rounds: a mentor's question, each teen invited in turn, answer or pass, time-outs, skip and end."""

from __future__ import annotations

import json
from datetime import timedelta

from chalicelib import storage
from chalicelib.accounts.tokens import PARTICIPANT, Identity
from chalicelib.sessions.keeper import SessionKeeper
from tests.conftest import NOW, caller, join, mentor_joins

QUESTION = "Sig én ting der gik godt i denne uge"
TURN = timedelta(minutes=2)


def arrive(chat, connection_id, name, minutes_ago):
    """A teen who connected ``minutes_ago`` and joined: rounds go in the order teens came."""
    who = caller(connection_id)
    chat.connect(who, Identity(f"user-{name}", name, PARTICIPANT), NOW - timedelta(minutes=minutes_ago))
    join(chat, who)
    return who


def say(chat, who, frame, now=NOW):
    chat.handle(who, json.dumps(frame, ensure_ascii=False), now)


def latest_round(sender, connection_id):
    return sender.of(connection_id, "round")[-1]["round"]


def whose_turn(view):
    return None if view["turn"] is None else view["turns"][view["turn"]]["pseudonym"]


def outcomes(view):
    return [(turn["pseudonym"], turn["outcome"]) for turn in view["turns"]]


def a_room(chat):
    mentor = mentor_joins(chat)
    # Bo came first, then Anna, then Cia (not in the order of their names, nor of their sockets' ids).
    bo = arrive(chat, "c2", "Bo", 20)
    anna = arrive(chat, "c1", "Anna", 10)
    cia = arrive(chat, "c3", "Cia", 5)
    return mentor, anna, bo, cia


def start(chat, mentor, question=QUESTION, now=NOW):
    say(chat, mentor, {"action": "round_start", "question": question}, now)


class TestARound:
    def test_each_teen_is_invited_in_the_order_they_came_and_everyone_sees_it(self, chat, sender, room):
        mentor, _anna, _bo, _cia = a_room(chat)
        start(chat, mentor)
        view = latest_round(sender, "c1")
        assert view["question"] == QUESTION and view["asked_by"] == "Mette"
        assert [turn["pseudonym"] for turn in view["turns"]] == ["Bo", "Anna", "Cia"]
        assert whose_turn(view) == "Bo" and view["turn_ends_at"] == (NOW + TURN).isoformat()
        for connection_id in ("m0", "c1", "c2", "c3"):
            assert latest_round(sender, connection_id) == view
        assert "tag" not in json.dumps(view)  # nothing but pseudonyms leaves the server

    def test_an_answer_is_an_ordinary_message_and_a_pass_moves_on(self, chat, sender, room):
        mentor, anna, bo, _cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        say(chat, bo, {"action": "send", "text": "Jeg fik en god karakter", "client_id": "a1", "round_id": round_id})
        message = sender.of("c3", "message")[-1]["message"]
        assert message["text"] == "Jeg fik en god karakter"  # the room got it like any message
        view = latest_round(sender, "c3")
        assert whose_turn(view) == "Anna"
        assert view["turns"][0] == {"pseudonym": "Bo", "outcome": "answered", "message_id": message["id"]}
        say(chat, anna, {"action": "round_pass", "round_id": round_id})
        assert outcomes(latest_round(sender, "c2"))[:2] == [("Bo", "answered"), ("Anna", "passed")]
        assert whose_turn(latest_round(sender, "c2")) == "Cia"

    def test_the_last_turn_ends_the_round_and_a_new_one_can_start(self, chat, sender, room):
        mentor, anna, bo, cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        for who in (bo, anna, cia):
            say(chat, who, {"action": "round_pass", "round_id": round_id})
        view = latest_round(sender, "c1")
        assert (view["state"], view["ended_by"], view["turn"]) == ("ended", "done", None)
        start(chat, mentor, "Hvad glæder du dig til?")
        assert latest_round(sender, "c1")["state"] == "running"

    def test_only_the_teen_whose_turn_it_is_can_pass_or_answer(self, chat, sender, room):
        mentor, anna, _bo, cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        say(chat, cia, {"action": "round_pass", "round_id": round_id})
        assert sender.last("c3")["code"] == "not_your_turn"
        say(chat, cia, {"action": "send", "text": "Mig først!", "round_id": round_id})
        assert sender.of("c1", "message")[-1]["message"]["text"] == "Mig først!"  # still a message
        assert whose_turn(latest_round(sender, "c1")) == "Bo" and outcomes(latest_round(sender, "c1"))[2][1] is None
        say(chat, anna, {"action": "round_pass", "round_id": "01JZZZZZZZZZZZZZZZZZZZZZZZ"})
        assert sender.last("c1")["code"] == "round_not_found"

    def test_a_held_back_answer_does_not_take_the_turn(self, chat, sender, room):
        mentor, _anna, bo, _cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        say(chat, bo, {"action": "send", "text": "ring til mig på 22 33 44 55", "round_id": round_id})
        assert sender.of("c2", "notice")  # the anonymity guard answered, nothing reached the room
        assert whose_turn(latest_round(sender, "c1")) == "Bo"


class TestTimeOutsAndTheMentor:
    def test_a_turn_that_runs_out_goes_to_the_next_at_the_tick(self, chat, sender, room):
        mentor, _anna, _bo, _cia = a_room(chat)
        start(chat, mentor)
        keeper = SessionKeeper(chat.delivery)
        assert keeper.tick(NOW + timedelta(minutes=1)).rounds_moved == []  # not yet
        assert keeper.tick(NOW + TURN).rounds_moved == [room.session_id]
        view = latest_round(sender, "c1")
        assert outcomes(view)[0] == ("Bo", "timed_out") and whose_turn(view) == "Anna"
        assert view["turn_ends_at"] == (NOW + 2 * TURN).isoformat()
        assert keeper.tick(NOW + TURN).rounds_moved == []  # the same tick again moves nothing

    def test_a_teen_who_left_is_passed_over(self, chat, sender, room):
        mentor, anna, bo, _cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        say(chat, anna, {"action": "leave"})
        say(chat, bo, {"action": "round_pass", "round_id": round_id})
        view = latest_round(sender, "c3")
        assert outcomes(view) == [("Bo", "passed"), ("Anna", "left"), ("Cia", None)] and whose_turn(view) == "Cia"

    def test_the_mentor_skips_a_turn_once_however_often_they_click(self, chat, sender, room):
        mentor, _anna, _bo, _cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        say(chat, mentor, {"action": "round_skip", "round_id": round_id, "turn": 0})
        say(chat, mentor, {"action": "round_skip", "round_id": round_id, "turn": 0})
        assert sender.last("m0")["code"] == "conflict"
        assert outcomes(latest_round(sender, "c1")) == [("Bo", "skipped"), ("Anna", None), ("Cia", None)]

    def test_the_mentor_ends_the_round(self, chat, sender, room):
        mentor, _anna, bo, _cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        say(chat, mentor, {"action": "round_end", "round_id": round_id})
        view = latest_round(sender, "c2")
        assert (view["state"], view["ended_by"]) == ("ended", "mentor")
        assert outcomes(view) == [("Bo", None), ("Anna", None), ("Cia", None)]
        say(chat, bo, {"action": "round_pass", "round_id": round_id})
        assert sender.last("c2")["code"] == "round_not_found"
        assert SessionKeeper(chat.delivery).tick(NOW + TURN).rounds_moved == []

    def test_a_double_click_starts_one_round(self, chat, sender, room):
        mentor, _anna, _bo, _cia = a_room(chat)
        start(chat, mentor)
        start(chat, mentor)
        assert sender.last("m0")["code"] == "round_running"
        # The room sees the running round again (a retry after a lost answer needs that), never a second.
        assert len({frame["round"]["id"] for frame in sender.of("c1", "round")}) == 1
        assert whose_turn(latest_round(sender, "c1")) == "Bo"

    def test_teens_do_not_lead_rounds_and_an_empty_room_has_none(self, chat, sender, room):
        mentor = mentor_joins(chat)
        start(chat, mentor)
        assert sender.last("m0")["code"] == "round_nobody_here"
        anna = arrive(chat, "c1", "Anna", 1)
        start(chat, anna)
        assert sender.last("c1")["code"] == "forbidden"
        say(chat, mentor, {"action": "round_start", "question": "x" * 201})
        assert sender.last("m0") | {"message": ""} == {
            "type": "error", "code": "bad_question", "message": "", "max_length": 200
        }  # fmt: skip

    def test_a_teen_who_comes_in_during_a_round_sees_it_and_gets_a_turn_after_the_others(self, chat, sender, room):
        mentor, anna, bo, cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        dan = arrive(chat, "c4", "Dan", 0)
        greeting = sender.of("c4", "joined")[-1]["round"]
        assert whose_turn(greeting) == "Bo" and outcomes(greeting)[-1] == ("Dan", None)
        for connection_id in ("m0", "c1", "c2", "c3"):  # the room hears Dan came, then his turn
            assert [f["type"] for f in sender.frames[connection_id]][-2:] == ["presence", "round"]
            assert latest_round(sender, connection_id) == greeting
        for who in (bo, anna, cia):
            say(chat, who, {"action": "round_pass", "round_id": round_id})
        assert whose_turn(latest_round(sender, "c4")) == "Dan"
        say(chat, dan, {"action": "send", "text": "Jeg kom med i klubben", "round_id": round_id})
        view = latest_round(sender, "c1")
        assert (view["state"], view["ended_by"], outcomes(view)[-1]) == ("ended", "done", ("Dan", "answered"))

    def test_a_teen_who_leaves_and_comes_back_keeps_one_turn(self, chat, sender, room):
        mentor, anna, bo, _cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        dan = arrive(chat, "c4", "Dan", 0)
        say(chat, bo, {"action": "round_pass", "round_id": round_id})
        for who in (dan, bo, anna):  # a late teen, one who has passed, one whose turn it is
            say(chat, who, {"action": "leave"})
            join(chat, who)
        other_tab = caller("c5")  # and Dan again in a second tab
        chat.connect(other_tab, Identity("user-Dan", "Dan", PARTICIPANT), NOW)
        join(chat, other_tab)
        view = latest_round(sender, "c3")
        assert outcomes(view) == [("Bo", "passed"), ("Anna", None), ("Cia", None), ("Dan", None)]
        assert whose_turn(view) == "Anna"

    def test_a_late_turn_that_clashes_with_another_move_is_added_once_to_the_moved_round(
        self, chat, sender, room, monkeypatch
    ):
        mentor, _anna, _bo, _cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        real_replace = storage.replace_round
        clashes = []

        def a_skip_at_the_same_moment(item):
            if not clashes:
                clashes.append(item.version)
                say(chat, mentor, {"action": "round_skip", "round_id": round_id, "turn": 0})
            return real_replace(item)

        monkeypatch.setattr(storage, "replace_round", a_skip_at_the_same_moment)
        arrive(chat, "c4", "Dan", 0)
        assert clashes  # Dan's first write met the skip's
        expected = [("Bo", "skipped"), ("Anna", None), ("Cia", None), ("Dan", None)]
        assert outcomes(latest_round(sender, "c1")) == expected
        assert outcomes(sender.of("c4", "joined")[-1]["round"]) == expected
        stored = json.loads(storage.get_round(room.session_id).turns)
        assert [turn["pseudonym"] for turn in stored].count("Dan") == 1

    def test_a_late_turn_the_join_could_not_add_is_added_by_the_next_move(self, chat, sender, room, monkeypatch):
        mentor, _anna, bo, _cia = a_room(chat)
        start(chat, mentor)
        round_id = latest_round(sender, "c1")["id"]
        real_replace = storage.replace_round
        with monkeypatch.context() as patched:
            patched.setattr(storage, "replace_round", lambda item: False)  # every write clashes
            arrive(chat, "c4", "Dan", 0)
        joined = sender.of("c4", "joined")[-1]
        assert outcomes(joined["round"]) == [("Bo", None), ("Anna", None), ("Cia", None)]  # no turn yet, but in
        assert sender.of("c1", "presence")[-1]["member"]["pseudonym"] == "Dan"
        assert storage.replace_round is real_replace
        say(chat, bo, {"action": "round_pass", "round_id": round_id})
        expected = [("Bo", "passed"), ("Anna", None), ("Cia", None), ("Dan", None)]
        for connection_id in ("m0", "c1", "c4"):
            assert outcomes(latest_round(sender, connection_id)) == expected
        say(chat, mentor, {"action": "round_skip", "round_id": round_id, "turn": 1})
        assert outcomes(latest_round(sender, "c4"))[-1] == ("Dan", None)  # still once
        assert len(json.loads(storage.get_round(room.session_id).turns)) == 4

    def test_a_mentor_who_comes_in_during_a_round_gets_no_turn(self, chat, sender, room):
        mentor, _anna, _bo, _cia = a_room(chat)
        start(chat, mentor)
        sender.clear()
        mentor_joins(chat, "m1", "Mads")
        assert outcomes(sender.of("m1", "joined")[-1]["round"]) == [("Bo", None), ("Anna", None), ("Cia", None)]
        assert sender.of("c1", "round") == []

    def test_the_session_closing_ends_the_round(self, chat, sender, room):
        mentor, _anna, _bo, _cia = a_room(chat)
        start(chat, mentor)
        keeper = SessionKeeper(chat.delivery)
        keeper.close(storage.get_session(room.session_id), NOW + timedelta(minutes=1))
        assert storage.get_round(room.session_id) is None  # pseudonyms and all, gone with the session
        sender.clear()
        assert keeper.tick(NOW + TURN).rounds_moved == []
        assert all(frame["type"] != "round" for frames in sender.frames.values() for frame in frames)


class TestPrivacy:
    def test_an_account_deleted_during_a_round_leaves_a_tag_in_it_not_its_name(self, chat, sender, room):
        from chalicelib.accounts import participants
        from tests.conftest import signed_up

        mentor = mentor_joins(chat)
        account = signed_up("Sofie")
        sofie = caller("c5")
        chat.connect(sofie, Identity(account.participant_id, "Sofie", PARTICIPANT), NOW)
        join(chat, sofie)
        arrive(chat, "c1", "Anna", 1)
        start(chat, mentor)
        participants.erase(storage.find_participant(participants.pseudonym_key("Sofie")), chat.delivery)
        item = storage.get_round(room.session_id)
        assert "Sofie" not in item.turns and account.participant_id not in item.turns
        assert [turn["pseudonym"].startswith("deleted-") for turn in json.loads(item.turns)] == [
            False,
            True,
        ]  # Anna came first
