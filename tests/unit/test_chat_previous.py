"""A handle given over two messages: the send path reads the sender's previous message.

"min snap er" is harmless on its own and reaches the room; "sofiehh" right after it
shares an outside profile and must be held back. The previous message comes from the
history the room keeps anyway (one query on the session's messages), nothing new is stored.
"""

from __future__ import annotations

import json
from datetime import timedelta

from chalicelib import storage
from chalicelib.chat import messages
from tests.conftest import NOW, connect, join, mentor_joins


def send(chat, who, text, client_id, now=NOW):
    chat.handle(who, json.dumps({"action": "send", "text": text, "client_id": client_id}), now)


def texts(sender, connection_id):
    return [f["message"]["text"] for f in sender.of(connection_id, "message")]


def test_a_handle_in_the_message_after_naming_the_platform_is_held_back(chat, sender, room):
    mentor_joins(chat)
    anna, bo = connect(chat, "c1", "Anna"), connect(chat, "c2", "Bo")
    join(chat, anna)
    join(chat, bo)
    send(chat, anna, "min snap er", "k1")
    send(chat, anna, "sofiehh", "k2", now=NOW + timedelta(seconds=20))
    assert texts(sender, "c2") == ["min snap er"]
    assert sender.last("c1")["kind"] == "held_back" and sender.last("c1")["reason"] == "handle"
    assert [m.text for m in storage.recent_messages(room.session_id, 10)] == ["min snap er"]
    assert [r.kind for r in storage.open_reports("org-a")] == ["held_back"]


def test_the_rest_of_a_number_in_the_next_message_is_held_back(chat, sender, room):
    mentor_joins(chat)
    anna = connect(chat, "c1", "Anna")
    join(chat, anna)
    send(chat, anna, "mit nr starter med 28 19", "k1")
    send(chat, anna, "og resten er 46 73", "k2", now=NOW + timedelta(seconds=20))
    assert texts(sender, "c1") == ["mit nr starter med 28 19"]
    assert sender.last("c1")["kind"] == "held_back" and sender.last("c1")["reason"] == "phone"


def test_only_the_senders_own_recent_message_counts(chat, sender, room):
    mentor_joins(chat)
    anna, bo = connect(chat, "c1", "Anna"), connect(chat, "c2", "Bo")
    join(chat, anna)
    join(chat, bo)
    # Someone else's offer is not Bo's, and Anna's own is too old to be finished now.
    send(chat, anna, "min snap er", "k1")
    send(chat, bo, "lunaxo", "k2", now=NOW + timedelta(seconds=10))
    send(chat, anna, "bellaboo", "k3", now=NOW + messages.PREVIOUS_WITHIN + timedelta(minutes=1))
    assert texts(sender, "c2") == ["min snap er", "lunaxo", "bellaboo"]
    assert storage.open_reports("org-a") == []


def test_a_resend_is_not_its_own_previous_message(chat, sender, room):
    mentor_joins(chat)
    anna = connect(chat, "c1", "Anna")
    join(chat, anna)
    send(chat, anna, "vi var 28 19", "k1")
    send(chat, anna, "vi var 28 19", "k1", now=NOW + timedelta(seconds=3))
    first, again = sender.of("c1", "message")
    assert first["message"]["id"] == again["message"]["id"]
    assert storage.open_reports("org-a") == []


def test_a_message_that_cannot_finish_anything_costs_no_read(chat, sender, room, monkeypatch):
    mentor_joins(chat)
    anna = connect(chat, "c1", "Anna")
    join(chat, anna)
    looked: list[str] = []
    real = storage.last_message_by
    monkeypatch.setattr(storage, "last_message_by", lambda *a: looked.append(a[0]) or real(*a))
    send(chat, anna, "hvordan har i det i dag", "k1")
    assert looked == []
    send(chat, anna, "sofiehh", "k2", now=NOW + timedelta(seconds=5))
    assert looked == [room.session_id]
