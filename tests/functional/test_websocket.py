"""WebSocket: API Gateway's $connect, $default and $disconnect events through app.py's handlers.

What a teen notices: a refused handshake, a message arriving on the other screen, someone
leaving the room, and help text in the language the client asked for.
"""

from __future__ import annotations

import json

import pytest

from tests.functional.conftest import World, load_event


def _error(answer: dict) -> dict:
    """The JSON error a refused $connect carries in its body."""
    return json.loads(answer["body"])["error"]


def test_connect_without_a_query_string_is_refused_with_401_and_leaves_no_connection(world: World):
    connection_id, answer = world.gateway.connect()

    assert answer["statusCode"] == 401
    assert _error(answer)["code"] == "unauthorized"
    # Had AWS let a frame through anyway, the product would not know this connection.
    world.connections.open.add(connection_id)
    world.gateway.send(connection_id, {"action": "join", "group_id": world.group_id})
    assert [f["code"] for f in world.connections.frames_to(connection_id, "error")] == ["not_connected"]


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"])
def test_connect_with_a_bad_token_is_refused_with_401(world: World, token: str):
    connection_id, answer = world.gateway.connect(token)

    assert answer["statusCode"] == 401
    assert _error(answer)["code"] == "unauthorized"
    world.connections.open.add(connection_id)
    world.gateway.send(connection_id, {"action": "catch_up"})
    assert [f["code"] for f in world.connections.frames_to(connection_id, "error")] == ["not_connected"]


def test_connect_with_a_valid_token_is_accepted_and_can_join(world: World):
    token = world.sign_up("Sol")

    connection_id, answer = world.gateway.connect(token)

    assert answer["statusCode"] == 200
    world.gateway.send(connection_id, {"action": "join", "group_id": world.group_id})
    joined = world.connections.frames_to(connection_id, "joined")
    assert len(joined) == 1
    assert joined[0]["you"] == {"pseudonym": "Sol", "role": "participant"}
    assert joined[0]["session"]["status"] == "open"


def test_connect_query_string_with_lang_and_group(world: World):
    """``?token=…&group_id=…&lang=en``: accepted; the private notice is a code the client words, in any language."""
    token = world.sign_up("Sol")
    connection_id = world.joined(token, group_id=world.group_id, lang="en")

    world.gateway.send(connection_id, {"action": "send", "text": "ring til mig på 22 33 44 55", "client_id": "c1"})

    notice = world.connections.frames_to(connection_id, "notice")
    assert len(notice) == 1
    assert notice[0]["kind"] == "held_back" and notice[0]["reason"] == "phone"
    assert "text" not in notice[0]  # the words live in web/i18n (heldBack.phone), not on the wire
    assert world.connections.frames_to(connection_id, "message") == []


def test_a_sent_message_reaches_the_other_member_and_the_sender(world: World):
    world.mentor_in_room()
    sol = world.joined(world.sign_up("Sol"))
    maane = world.joined(world.sign_up("Måne"))
    assert world.connections.frames_to(sol, "presence")[-1] == {
        "type": "presence",
        "event": "joined",
        "member": {"pseudonym": "Måne", "role": "participant"},
    }

    world.gateway.send(sol, '{"action":"send","text":"Hej med jer 👋","client_id":"tab-1-0001"}')

    theirs = world.connections.frames_to(maane, "message")
    mine = world.connections.frames_to(sol, "message")
    assert len(theirs) == 1 and theirs == mine
    message = theirs[0]["message"]
    assert message["text"] == "Hej med jer 👋"
    assert message["pseudonym"] == "Sol" and message["client_id"] == "tab-1-0001"
    # What went over the wire is UTF-8 JSON, emoji included.
    assert "👋".encode() in world.connections.to(maane)[-1].data


def test_a_retried_send_is_stored_once_and_everyone_sees_one_id(world: World):
    # The first attempt may have been stored and lost before the room got it, so a retry is sent
    # to the room again; clients show each message id once.
    world.mentor_in_room()
    sol = world.joined(world.sign_up("Sol"))
    maane = world.joined(world.sign_up("Måne"))
    frame = {"action": "send", "text": "Er der nogen?", "client_id": "tab-1-0002"}

    world.gateway.send(sol, frame)
    world.gateway.send(sol, frame)

    for who in (sol, maane):
        seen = {f["message"]["id"] for f in world.connections.frames_to(who, "message")}
        assert len(seen) == 1


@pytest.mark.parametrize("status_code", [1000, 1001, 1006])
def test_disconnect_removes_the_member_and_tells_the_room(world: World, status_code: int):
    sol = world.joined(world.sign_up("Sol"))
    maane = world.joined(world.sign_up("Måne"))
    world.connections.clear()

    answer = world.gateway.disconnect(maane, status_code)

    assert answer["statusCode"] == 200
    assert world.connections.frames_to(sol) == [
        {"type": "presence", "event": "left", "member": {"pseudonym": "Måne", "role": "participant"}}
    ]
    # Gone from the room: the next message is not even tried on the old connection,
    # and a newcomer does not see Måne as present.
    world.gateway.send(sol, {"action": "send", "text": "Hej?", "client_id": "c-after"})
    assert world.connections.to(maane) == []
    assert world.connections.refused == []
    stjerne = world.joined(world.sign_up("Stjerne"))
    present = world.connections.frames_to(stjerne, "joined")[0]["present"]
    assert [p["pseudonym"] for p in present] == ["Sol", "Stjerne"]


def test_disconnect_of_one_tab_keeps_the_member_present(world: World):
    world.mentor_in_room()
    token = world.sign_up("Sol")
    first_tab = world.joined(token)
    second_tab = world.joined(token)
    maane = world.joined(world.sign_up("Måne"))
    world.connections.clear()

    world.gateway.disconnect(first_tab, 1001)

    assert world.connections.frames_to(maane, "presence") == []
    world.gateway.send(maane, {"action": "send", "text": "Er du her stadig?", "client_id": "c1"})
    assert len(world.connections.frames_to(second_tab, "message")) == 1


def test_disconnect_of_an_unknown_connection_is_harmless(world: World):
    sol = world.joined(world.sign_up("Sol"))
    world.connections.clear()

    answer = world.gateway.disconnect("bm90LWtub3duLTE=", 1006)

    assert answer["statusCode"] == 200
    assert world.connections.frames_to(sol) == []


def test_a_banned_teen_is_closed_and_refused_at_the_door(world: World):
    sol = world.joined(world.sign_up("Sol"))
    maane = world.joined(world.sign_up("Måne"))

    banned = world.gateway.authorized(
        "POST",
        "/mentor/groups/{group_id}/ban",
        world.mentor_token,
        {"pseudonym": "Måne", "days": 7, "reason": "chikane"},
        group_id=world.group_id,
    )

    assert banned.status == 200, banned.body
    assert [f["type"] for f in world.connections.frames_to(maane)][-1] == "banned"
    assert maane in world.connections.deleted
    assert world.connections.frames_to(sol, "presence")[-1]["event"] == "left"
    _, again = world.gateway.connect(world.teens["Måne"], group_id=world.group_id, lang="da")
    assert again["statusCode"] == 403
    assert _error(again)["code"] == "banned"


def test_the_message_event_fixture_has_the_shape_api_gateway_sends():
    """Guards the fixtures themselves: MESSAGE events carry messageId, CONNECT ones the handshake."""
    message = load_event("ws_message", connection_id="abc=", body="{}")
    connect = load_event("ws_connect_query", connection_id="abc=", token="t", group_id="g", lang="en")
    assert message["requestContext"]["eventType"] == "MESSAGE" and message["requestContext"]["messageId"]
    assert "headers" not in message
    assert connect["requestContext"]["routeKey"] == "$connect"
    assert connect["queryStringParameters"] == {"token": "t", "group_id": "g", "lang": "en"}
    assert connect["multiValueQueryStringParameters"]["lang"] == ["en"]
    for code in (1000, 1001, 1006):
        disconnect = load_event(f"ws_disconnect_{code}", connection_id="abc=")
        assert disconnect["requestContext"]["disconnectStatusCode"] == code
