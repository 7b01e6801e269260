"""Three teens chat over real WebSockets through the local stack; one drops and catches up."""

from __future__ import annotations

import json
import socket

import pytest
import requests
from websockets.exceptions import InvalidStatus

from tests.e2e.conftest import connect, frames_until

GROUP = "demo-torsdag"


def join(ws) -> dict:
    ws.send(json.dumps({"action": "join", "group_id": GROUP}))
    return frames_until(ws, lambda f: f["type"] in ("joined", "error"))[-1]


def say(ws, text: str, client_id: str) -> None:
    ws.send(json.dumps({"action": "send", "text": text, "client_id": client_id}))


def message_of(ws, text: str) -> dict:
    return frames_until(ws, lambda f: f["type"] == "message" and f["message"]["text"] == text)[-1]["message"]


def test_three_teens_chat_and_a_dropped_one_catches_up_with_nothing_lost(stack, on_duty):
    tokens = {name: stack.sign_up(name)["token"] for name in ("Solsikke", "Ravn", "Mynte")}
    sockets = {name: connect(f"{stack.ws}?token={token}") for name, token in tokens.items()}
    for ws in sockets.values():
        assert join(ws)["type"] == "joined"

    say(sockets["Solsikke"], "hej med jer", "s1")
    for ws in sockets.values():
        assert message_of(ws, "hej med jer")["pseudonym"] == "Solsikke"

    # Mynte's phone loses its network: the TCP connection just dies, no close frame.
    say(sockets["Ravn"], "hvordan går det?", "r1")
    last_seen = message_of(sockets["Mynte"], "hvordan går det?")["id"]
    raw = sockets["Mynte"].socket
    raw.shutdown(socket.SHUT_RDWR)
    raw.close()

    missed = [f"mens du var væk {i}" for i in range(5)]
    for i, text in enumerate(missed):
        author = "Solsikke" if i % 2 == 0 else "Ravn"
        say(sockets[author], text, f"m{i}")
        for name in ("Solsikke", "Ravn"):
            message_of(sockets[name], text)

    # Mynte reconnects with the same token and asks for everything after the last id seen.
    with connect(f"{stack.ws}?token={tokens['Mynte']}") as again:
        assert join(again)["type"] == "joined"
        again.send(json.dumps({"action": "catch_up", "after": last_seen}))
        page = frames_until(again, lambda f: f["type"] == "history")[-1]
        texts = [m["text"] for m in page["messages"]]
        assert texts == missed  # nothing lost, nothing doubled, in order
        ids = [m["id"] for m in page["messages"]]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)

        # A retried send (same client id) after the reconnect is stored once.
        say(again, "er tilbage", "y1")
        say(again, "er tilbage", "y1")
        first = message_of(sockets["Ravn"], "er tilbage")
        again.send(json.dumps({"action": "catch_up", "after": ids[-1]}))
        page = frames_until(again, lambda f: f["type"] == "history")[-1]
        assert [m["id"] for m in page["messages"]] == [first["id"]]

    for name in ("Solsikke", "Ravn"):
        sockets[name].close()


def test_a_bad_token_is_refused_at_connect(stack):
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{stack.ws}?token=not-a-token")
    assert refused.value.response.status_code == 401
    with pytest.raises(InvalidStatus):
        connect(stack.ws)


def test_bad_frames_get_error_frames_and_the_connection_stays_up(stack):
    token = stack.sign_up("Kompas")["token"]
    with connect(f"{stack.ws}?token={token}") as ws:
        for frame, code in [
            ("{nope", "bad_json"),
            ('{"action":"fly"}', "unknown_action"),
            ('{"action":"send","text":"hej"}', "not_joined"),
        ]:
            ws.send(frame)
            error = frames_until(ws, lambda f: f["type"] == "error")[-1]
            assert error["code"] == code and error["message"]
        ws.send('{"action":"ping"}')
        assert frames_until(ws, lambda f: f["type"] == "pong")


def test_rest_errors_are_json_with_status_codes(stack):
    bad = requests.post(f"{stack.api}/participants", data="{", headers={"Content-Type": "application/json"}, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_json"
    stack.sign_up("Dobbelt")
    again = stack.post_sign_up("DOBBELT")
    assert again.status_code == 409 and again.json()["error"]["code"] == "pseudonym_taken"
    wrong = requests.post(
        f"{stack.api}/participants/login", json={"pseudonym": "Dobbelt", "password": "forkert-kode"}, timeout=10
    )
    assert wrong.status_code == 401
    groups = requests.get(f"{stack.api}/groups", timeout=10).json()["groups"]
    assert any(g["id"] == GROUP and g["open"] for g in groups)
