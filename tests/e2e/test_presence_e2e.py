"""On the local stack: no chat before a mentor is there, a crisis line answered all the same, the room
opening when the mentor joins, and pausing again after a mentor vanishes without ``$disconnect``."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from tests.e2e.conftest import DEMO_GROUP, connect, frames_until, mentor_token, start_stack, stop_stack

STALE_S = 3  # --mentor-stale-seconds: a mentor socket not pinged this long has vanished
GRACE_S = 3  # --mentor-grace-seconds: the room stays open this long after its last mentor


@pytest.fixture
def lossy(tmp_path):
    """A stack whose gateway never invokes $disconnect (as AWS sometimes does not), with the heartbeat
    and the grace period shortened to seconds; the minute tick runs only when asked."""
    process, stack = start_stack(
        tmp_path,
        "--no-persist",
        "--tick-seconds",
        "0",
        "--skip-disconnect",
        "--mentor-stale-seconds",
        str(STALE_S),
        "--mentor-grace-seconds",
        str(GRACE_S),
    )
    yield stack
    stop_stack(process)


def say(ws, text: str, client_id: str) -> dict:
    """Send; the answer is the message itself, or the refusal naming this client id."""
    ws.send(json.dumps({"action": "send", "text": text, "client_id": client_id}))
    return frames_until(
        ws,
        lambda f: (
            (f.get("client_id") == client_id and f["type"] in ("error", "message"))
            or f.get("message", {}).get("client_id") == client_id
        ),
    )[-1]


def tick(stack) -> None:
    assert requests.post(stack.url + "_local/tick", timeout=30).status_code == 200


def test_a_session_without_a_mentor_waits_and_a_vanished_mentor_pauses_it_again(lossy):
    stack = lossy
    teen = connect(f"{stack.ws}?token={stack.sign_up('Lys')['token']}")
    teen.send(json.dumps({"action": "join", "group_id": DEMO_GROUP}))
    joined = frames_until(teen, lambda f: f["type"] in ("joined", "error"))[-1]
    assert joined["type"] == "joined" and joined["room"]["state"] == "waiting"

    # The session is open, but nobody is there to look after the teens: sending waits.
    refused = say(teen, "hej, er der nogen?", "t1")
    assert refused["code"] == "waiting_for_mentor" and refused["minutes"] == 0

    # A crisis line is answered all the same: help lines now, a report in the mentors' queue.
    seen = []
    teen.send(json.dumps({"action": "send", "text": "jeg vil ikke leve mere", "client_id": "t2"}))
    seen += frames_until(teen, lambda f: f.get("client_id") == "t2")
    assert [f["type"] for f in seen if f["type"] in ("help_lines", "error")] == ["help_lines", "error"]
    assert next(f for f in seen if f["type"] == "help_lines")["lines"]
    token = mentor_token(stack)
    queue = requests.get(
        f"{stack.api}/mentor/reports", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()["reports"]
    assert [(r["kind"], r["priority"], r["pseudonym"]) for r in queue] == [("crisis", "high", "Lys")]

    # The mentor joins: the room opens for everyone, and the chat flows both ways.
    mentor = connect(f"{stack.ws}?token={token}")
    mentor.send(json.dumps({"action": "join", "group_id": DEMO_GROUP}))
    assert frames_until(mentor, lambda f: f["type"] == "joined")[-1]["room"]["state"] == "open"
    assert frames_until(teen, lambda f: f["type"] == "room")[-1]["state"] == "open"
    assert say(teen, "hej Mette", "t3")["type"] == "message"
    assert frames_until(mentor, lambda f: f["type"] == "message")[-1]["message"]["text"] == "hej Mette"
    mentor.send(json.dumps({"action": "send", "text": "hej Lys, godt du er her", "client_id": "m1"}))
    assert frames_until(teen, lambda f: f["type"] == "message")[-1]["message"]["text"] == "hej Lys, godt du er her"
    # ... and the mentor's own copy has arrived: a post still on its way to a socket that dies meets the
    # gateway's 410, which tells the server at once (another path than the one this test is about).
    frames_until(mentor, lambda f: f.get("message", {}).get("client_id") == "m1")

    # The mentor's phone dies: the TCP connection just goes, and this gateway skips $disconnect.
    raw = mentor.socket
    raw.shutdown(socket.SHUT_RDWR)
    raw.close()
    time.sleep(1)
    teen.send(json.dumps({"action": "send", "text": "er du der stadig?", "client_id": "t4"}))
    meanwhile = frames_until(teen, lambda f: f.get("message", {}).get("client_id") == "t4")
    assert [f["type"] for f in meanwhile] == ["message"]  # nobody knows yet: no "left", no pause

    time.sleep(STALE_S + 1)
    tick(stack)  # the heartbeat has stopped: the tick forgets the mentor's socket
    left = frames_until(teen, lambda f: f["type"] == "presence")[-1]
    assert left == {"type": "presence", "event": "left", "member": {"pseudonym": "Mette", "role": "mentor"}}
    assert say(teen, "hallo?", "t5")["type"] == "message"  # within the grace period

    time.sleep(GRACE_S + 1)
    tick(stack)
    assert frames_until(teen, lambda f: f["type"] == "room")[-1]["state"] == "paused"
    assert say(teen, "hallo??", "t6")["code"] == "waiting_for_mentor"
    assert "$disconnect skipped" in stack.log.read_text()
    teen.close()
