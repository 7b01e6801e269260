""" "X skriver …": the typing frame reaches the others in the room, at most once per 2 s, never stored."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from pynamodb.connection.base import Connection

from chalicelib.chat import typing
from tests.conftest import NOW, connect, join, make_group, make_session, mentor_joins

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


@pytest.fixture
def clock(monkeypatch):
    """The typing limit's monotonic clock, moved by hand; every test starts with no one remembered."""
    now = [1000.0]
    monkeypatch.setattr(typing, "_clock", lambda: now[0])
    monkeypatch.setattr(typing, "_last_forwarded", type(typing._last_forwarded)())
    return now


@pytest.fixture
def dynamodb_calls(monkeypatch):
    """Every DynamoDB operation PynamoDB makes, by name."""
    calls: list[str] = []
    real = Connection._make_api_call

    def record(self, operation_name, operation_kwargs):
        calls.append(operation_name)
        return real(self, operation_name, operation_kwargs)

    monkeypatch.setattr(Connection, "_make_api_call", record)
    return calls


@pytest.fixture
def room_of_three(chat, room):
    """Mette (mentor), Anna and Bo in the open session; Cille in another group's session."""
    mentor_joins(chat)
    anna, bo = connect(chat, "a", "Anna"), connect(chat, "b", "Bo")
    join(chat, anna)
    join(chat, bo)
    make_group("g2")
    make_session("g2")
    mentor_joins(chat, "m2", "Mads", group_id="g2")
    cille = connect(chat, "c", "Cille")
    join(chat, cille, "g2")
    return {"anna": anna, "bo": bo, "cille": cille}


def typing_frames(sender, connection_id):
    return sender.of(connection_id, "typing")


def types(chat, who, now=NOW):
    chat.handle(who, json.dumps({"action": "typing"}), now)


class TestTyping:
    def test_the_others_in_the_room_see_who_is_typing_and_the_sender_does_not(self, chat, sender, room_of_three, clock):
        types(chat, room_of_three["anna"])
        expected = {
            "type": "typing",
            "session_id": chat_session(sender),
            "member": {"pseudonym": "Anna", "role": "participant"},
        }
        assert typing_frames(sender, "b") == [expected]
        assert typing_frames(sender, "m0") == [expected]
        assert typing_frames(sender, "a") == []  # not the sender
        assert typing_frames(sender, "c") == []  # not another group's room
        assert typing_frames(sender, "m2") == []
        assert sender.of("a", "error") == []

    def test_a_second_frame_within_two_seconds_is_dropped_and_a_later_one_goes(
        self, chat, sender, room_of_three, clock
    ):
        anna = room_of_three["anna"]
        types(chat, anna)
        clock[0] += 1.9
        types(chat, anna)
        assert len(typing_frames(sender, "b")) == 1
        assert sender.of("a", "error") == []  # dropped quietly: the indicator is cosmetic
        clock[0] += 0.2  # 2.1 s after the first
        types(chat, anna)
        assert len(typing_frames(sender, "b")) == 2

    def test_the_limit_is_per_connection(self, chat, sender, room_of_three, clock):
        types(chat, room_of_three["anna"])
        types(chat, room_of_three["bo"])
        assert [f["member"]["pseudonym"] for f in typing_frames(sender, "m0")] == ["Anna", "Bo"]

    def test_nothing_is_written_to_storage_and_a_dropped_frame_reads_nothing(
        self, chat, sender, room_of_three, clock, dynamodb_calls
    ):
        types(chat, room_of_three["anna"])
        forwarded = list(dynamodb_calls)
        assert forwarded and not WRITES & set(forwarded), forwarded
        dynamodb_calls.clear()
        types(chat, room_of_three["anna"])  # within the gap
        assert dynamodb_calls == []

    def test_a_muted_teen_is_not_shown_typing(self, chat, sender, room_of_three, clock):
        from chalicelib import storage

        me = storage.get_connection("a")
        me.update(actions=[storage.Connection.muted_until.set(NOW + timedelta(minutes=10))])
        types(chat, room_of_three["anna"])
        assert typing_frames(sender, "b") == []
        assert sender.of("a", "error") == []

    def test_a_connection_that_has_not_joined_is_not_shown(self, chat, sender, room_of_three, clock):
        dora = connect(chat, "d", "Dora")
        types(chat, dora)
        assert all(typing_frames(sender, who) == [] for who in ("a", "b", "m0", "c"))

    def test_the_memory_stays_bounded(self, monkeypatch, clock):
        monkeypatch.setattr(typing, "MAX_TRACKED", 3)
        for number in range(5):
            assert typing._first_in_gap(f"conn-{number}")
        assert list(typing._last_forwarded) == ["conn-2", "conn-3", "conn-4"]


def chat_session(sender) -> str:
    return sender.of("b", "joined")[0]["session"]["id"]
