"""The live group chat, driven through ChatService against moto's DynamoDB."""

from __future__ import annotations

import json
from datetime import timedelta

from chalicelib import storage
from tests.conftest import NOW, caller, connect, join, make_group, make_session, mentor_joins


def send(chat, who, text, client_id=None, session_id=None, now=NOW):
    frame = {"action": "send", "text": text}
    if client_id:
        frame["client_id"] = client_id
    if session_id:
        frame["session_id"] = session_id
    chat.handle(who, json.dumps(frame), now)


def texts(sender, connection_id):
    return [f["message"]["text"] for f in sender.of(connection_id, "message")]


class TestJoin:
    def test_join_replies_with_session_topic_history_and_who_is_present(self, chat, sender, room):
        mentor_joins(chat)
        anna, bo = connect(chat, "c1", "Anna"), connect(chat, "c2", "Bo")
        join(chat, anna)
        send(chat, anna, "hej alle")
        join(chat, bo)

        joined = sender.of("c2", "joined")[0]
        assert joined["session"]["id"] == room.session_id
        assert joined["session"]["topic"] == "Venskaber"
        assert [m["text"] for m in joined["messages"]] == ["hej alle"]
        assert [p["pseudonym"] for p in joined["present"]] == ["Mette", "Anna", "Bo"]  # the mentor first
        assert joined["room"]["state"] == "open"
        assert joined["group"]["rules"] == ["Vær sød ved hinanden"]

    def test_the_others_are_told_someone_joined(self, chat, sender, room):
        anna, bo = connect(chat, "c1", "Anna"), connect(chat, "c2", "Bo")
        join(chat, anna)
        join(chat, bo)
        presence = sender.of("c1", "presence")
        assert presence == [
            {"type": "presence", "event": "joined", "member": {"pseudonym": "Bo", "role": "participant"}}
        ]
        assert sender.of("c2", "presence") == []

    def test_unknown_group_is_refused(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        join(chat, anna, "nope")
        assert sender.last("c1")["code"] == "group_not_found"

    def test_a_group_without_an_open_session_is_closed(self, chat, sender, room):
        make_group("g2")
        make_session("g2", status=storage.CLOSED)
        anna = connect(chat, "c1", "Anna")
        join(chat, anna, "g2")
        assert sender.last("c1")["code"] == "session_closed"

    def test_a_full_session_refuses_one_more_participant(self, chat, sender, tables):
        from tests.conftest import make_org

        make_org()
        make_group("small", capacity=1)
        make_session("small")
        first, second = connect(chat, "c1", "Anna"), connect(chat, "c2", "Bo")
        join(chat, first, "small")
        join(chat, second, "small")
        assert sender.last("c2")["code"] == "session_full"

    def test_a_mentor_of_another_organisation_cannot_join(self, chat, sender, room):
        mentor = connect(chat, "m1", "Mette", role="mentor", org_id="org-b")
        join(chat, mentor)
        assert sender.last("m1")["code"] == "forbidden"


class TestSend:
    def test_everyone_in_the_session_receives_the_message_once(self, chat, sender, room):
        mentor_joins(chat)
        people = [connect(chat, f"c{i}", f"Navn{i}") for i in range(3)]
        for person in people:
            join(chat, person)
        send(chat, people[0], "hej", client_id="k1")
        for person in people:
            assert texts(sender, person.connection_id) == ["hej"]
        message = sender.of("c1", "message")[0]["message"]
        assert message["pseudonym"] == "Navn0" and message["client_id"] == "k1"

    def test_a_retried_send_is_stored_once_and_sent_again_under_the_same_id(self, chat, sender, room):
        # The first attempt may have been stored and then failed before the room got it, so a
        # retry goes to the room again; screens show each id once.
        mentor_joins(chat)
        anna, bo = connect(chat, "c1", "Anna"), connect(chat, "c2", "Bo")
        join(chat, anna)
        join(chat, bo)
        send(chat, anna, "vigtigt", client_id="same")
        send(chat, anna, "vigtigt", client_id="same", now=NOW + timedelta(seconds=3))
        first, again = sender.of("c1", "message")
        assert first["message"]["id"] == again["message"]["id"]
        assert {f["message"]["id"] for f in sender.of("c2", "message")} == {first["message"]["id"]}
        assert len(storage.recent_messages(room.session_id, 50)) == 1

    def test_messages_are_delivered_in_order_with_sortable_ids(self, chat, sender, room):
        mentor_joins(chat)
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        for i in range(5):
            send(chat, anna, f"m{i}", now=NOW + timedelta(milliseconds=i))
        ids = [f["message"]["id"] for f in sender.of("c1", "message")]
        assert ids == sorted(ids)
        assert texts(sender, "c1") == [f"m{i}" for i in range(5)]

    def test_naming_the_session_in_the_frame_still_checks_membership(self, chat, sender, room):
        mentor_joins(chat)
        make_group("g2")
        other = make_session("g2")
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        send(chat, anna, "hej", session_id=other.session_id)
        # delivered into the session Anna actually joined, not the one she named
        assert storage.recent_messages(other.session_id, 5) == []
        assert [m.text for m in storage.recent_messages(room.session_id, 5)] == ["hej"]

    def test_sending_before_joining_is_refused(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        send(chat, anna, "hej")
        assert sender.last("c1")["code"] == "not_joined"

    def test_an_empty_message_is_refused(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        send(chat, anna, "   ")
        assert sender.last("c1")["code"] == "empty_message"

    def test_a_too_long_message_is_refused_with_the_limit(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        send(chat, anna, "x" * 1001)
        error = sender.last("c1")
        assert error["code"] == "message_too_long" and error["max_length"] == 1000

    def test_a_bad_client_id_is_refused(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        chat.handle(anna, json.dumps({"action": "send", "text": "hej", "client_id": 7}), NOW)
        assert sender.last("c1")["code"] == "bad_client_id"

    def test_posting_after_the_session_ended_is_refused(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        send(chat, anna, "for sent", now=room.ends_at + timedelta(seconds=1))
        assert sender.last("c1")["code"] == "session_closed"

    def test_messages_expire_after_the_retention_period_from_the_session_end(self, chat, sender, room):
        mentor_joins(chat)
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        send(chat, anna, "hej")
        stored = storage.recent_messages(room.session_id, 1)[0]
        assert stored.expires_at == room.ends_at + timedelta(days=30)

    def test_without_an_organisation_setting_the_stage_retention_applies(self, chat, sender, monkeypatch):
        from chalicelib.config import Settings
        from chalicelib.organisation import settings as org_settings

        monkeypatch.setattr(org_settings, "settings", lambda: Settings.from_env({"RETENTION_DAYS": "45"}))
        org_settings.forget()
        storage.Organisation("org-b", name="Forening uden egen frist").save()
        make_group("g2", org_id="org-b")
        session = make_session("g2", org_id="org-b")
        mentor_joins(chat, group_id="g2", org_id="org-b")
        anna = connect(chat, "c1", "Anna")
        join(chat, anna, group_id="g2")
        send(chat, anna, "hej")
        stored = storage.recent_messages(session.session_id, 1)[0]
        assert stored.expires_at == session.ends_at + timedelta(days=45)
        org_settings.forget()


class TestGoneConnections:
    def test_a_gone_member_is_removed_and_the_others_still_receive(self, chat, sender, room):
        mentor_joins(chat)
        anna, bo, cy = (connect(chat, f"c{i}", n) for i, n in enumerate(["Anna", "Bo", "Cy"]))
        for person in (anna, bo, cy):
            join(chat, person)
        sender.gone.add("c1")  # Bo's tab died without a $disconnect
        send(chat, anna, "er I der?")
        assert texts(sender, "c0") == ["er I der?"] and texts(sender, "c2") == ["er I der?"]
        assert storage.get_connection("c1") is None
        assert storage.get_connection("c0") is not None  # the sender is untouched
        left = sender.of("c2", "presence")[-1]
        assert left["event"] == "left" and left["member"]["pseudonym"] == "Bo"

    def test_disconnect_removes_the_connection_and_tells_the_session(self, chat, sender, room):
        anna, bo = connect(chat, "c1", "Anna"), connect(chat, "c2", "Bo")
        join(chat, anna)
        join(chat, bo)
        chat.disconnect("c2", NOW)
        assert storage.get_connection("c2") is None
        assert sender.of("c1", "presence")[-1]["event"] == "left"

    def test_disconnect_of_an_unknown_connection_is_harmless(self, chat, sender, room):
        chat.disconnect("never-seen", NOW)

    def test_connections_expire_after_two_hours(self, chat, room):
        connect(chat, "c1", "Anna")
        assert storage.get_connection("c1").expires_at == NOW + timedelta(hours=2)


class TestCatchUp:
    def test_catch_up_returns_everything_after_the_last_seen_id_in_pages(self, chat, sender, room):
        mentor_joins(chat)
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        for i in range(7):  # one every 3 s: within the flood limits
            send(chat, anna, f"m{i}", now=NOW + timedelta(seconds=3 * i))
        ids = [f["message"]["id"] for f in sender.of("c1", "message")]
        chat.handle(anna, json.dumps({"action": "catch_up", "after": ids[1], "limit": 3}), NOW)
        page = sender.last("c1")
        assert [m["text"] for m in page["messages"]] == ["m2", "m3", "m4"] and page["more"] is True
        chat.handle(anna, json.dumps({"action": "catch_up", "after": ids[4], "limit": 3}), NOW)
        page = sender.last("c1")
        assert [m["text"] for m in page["messages"]] == ["m5", "m6"] and page["more"] is False

    def test_catch_up_with_a_bad_id_or_limit_is_refused(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        join(chat, anna)
        chat.handle(anna, '{"action":"catch_up","after":"not-an-id"}', NOW)
        assert sender.last("c1")["code"] == "bad_message_id"
        chat.handle(anna, '{"action":"catch_up","limit":0}', NOW)
        assert sender.last("c1")["code"] == "bad_limit"

    def test_catch_up_before_joining_is_refused(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        chat.handle(anna, '{"action":"catch_up"}', NOW)
        assert sender.last("c1")["code"] == "not_joined"


class TestLeaveAndPing:
    def test_leave_confirms_and_tells_the_others(self, chat, sender, room):
        mentor_joins(chat)
        anna, bo = connect(chat, "c1", "Anna"), connect(chat, "c2", "Bo")
        join(chat, anna)
        join(chat, bo)
        chat.handle(bo, '{"action":"leave"}', NOW)
        assert sender.last("c2") == {"type": "left", "session_id": room.session_id}
        assert sender.of("c1", "presence")[-1]["event"] == "left"
        send(chat, anna, "hej")
        assert texts(sender, "c2") == []

    def test_leave_without_joining_is_refused(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        chat.handle(anna, '{"action":"leave"}', NOW)
        assert sender.last("c1")["code"] == "not_joined"

    def test_ping_gets_pong(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        chat.handle(anna, '{"action":"ping"}', NOW)
        assert sender.last("c1")["type"] == "pong"


class TestBadFrames:
    def test_malformed_json_gets_an_error_frame(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        chat.handle(anna, "{not json", NOW)
        assert sender.last("c1")["code"] == "bad_json"

    def test_a_frame_without_action_gets_an_error_frame(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        chat.handle(anna, "[1,2]", NOW)
        assert sender.last("c1")["code"] == "bad_frame"

    def test_an_unknown_action_gets_an_error_frame(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        chat.handle(anna, '{"action":"dance"}', NOW)
        error = sender.last("c1")
        assert error["code"] == "unknown_action" and error["message"]

    def test_an_oversize_frame_gets_an_error_frame(self, chat, sender, room):
        anna = connect(chat, "c1", "Anna")
        chat.handle(anna, json.dumps({"action": "send", "text": "x" * 40000}), NOW)
        assert sender.last("c1")["code"] == "frame_too_large"

    def test_an_unknown_connection_is_told_to_reconnect(self, chat, sender, room):
        chat.handle(caller("ghost"), '{"action":"join","group_id":"g1"}', NOW)
        assert sender.last("ghost")["code"] == "not_connected"

    def test_an_internal_failure_becomes_an_error_frame_not_a_crash(self, chat, sender, room, monkeypatch):
        anna = connect(chat, "c1", "Anna")

        def broken(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(storage, "get_group", broken)
        join(chat, anna)
        error = sender.last("c1")
        assert error["code"] == "internal" and "boom" not in error["message"]


def test_a_refused_send_names_the_client_id_it_answers(chat, sender, room):
    anna = connect(chat, "c1", "Anna")
    send(chat, anna, "hej", client_id="k-77")  # not joined yet
    error = sender.last("c1")
    assert error["code"] == "not_joined" and error["client_id"] == "k-77"
