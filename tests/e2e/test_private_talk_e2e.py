"""Talk to a mentor alone, over real WebSockets on the local stack: opened by a teen and by a mentor,
with a third teen in the same room who sees nothing of either."""

from __future__ import annotations

import itertools
import json

import pytest
import requests

from tests.e2e.conftest import DEMO_GROUP, MentorOnDuty, connect, frames_until, mentor_token

PRIVATE_TYPES = {"talk", "private_message", "talk_history"}
ROUND = itertools.count(1)  # the stack is shared: each test signs up teens of its own


def send(ws, action: str, **fields) -> None:
    ws.send(json.dumps({"action": action, **fields}))


def joined(ws) -> dict:
    send(ws, "join", group_id=DEMO_GROUP)
    return frames_until(ws, lambda f: f["type"] in ("joined", "error"))[-1]


def next_of(ws, kind: str, **match) -> dict:
    """The next frame of a type (whose ``talk`` fields match, for a ``talk`` frame)."""

    def wanted(frame: dict) -> bool:
        if frame["type"] == "error":
            raise AssertionError(frame)
        if frame["type"] != kind:
            return False
        return all(frame.get("talk", {}).get(key) == value for key, value in match.items())

    return frames_until(ws, wanted)[-1]


def message_with(ws, client_id: str) -> dict:
    """The talk's message sent under ``client_id`` (a socket also gets its own messages back)."""
    wanted = lambda f: f["type"] == "private_message" and f["message"]["client_id"] == client_id  # noqa: E731
    return frames_until(ws, wanted)[-1]["message"]


def seen_until_pong(ws) -> list[dict]:
    """Everything the socket has been sent so far: a ping's pong comes after it."""
    send(ws, "ping")
    return frames_until(ws, lambda f: f["type"] == "pong")


@pytest.fixture
def room(stack):
    """The demo mentor kept in the room by the helper, a mentor console of our own in the same
    session, and three teens."""
    keeper = MentorOnDuty(stack)
    n = next(ROUND)
    teens = {name: stack.sign_up(f"{name}{n}")["token"] for name in ("Solsort", "Stær", "Gråspurv")}
    with (
        connect(f"{stack.ws}?token={mentor_token(stack)}") as mentor,
        connect(f"{stack.ws}?token={teens['Solsort']}") as solsort,
        connect(f"{stack.ws}?token={teens['Stær']}") as staer,
        connect(f"{stack.ws}?token={teens['Gråspurv']}") as graaspurv,
    ):
        for ws in (mentor, solsort, staer, graaspurv):
            assert joined(ws)["type"] == "joined"
        seen_until_pong(mentor)  # the presence of those who joined after it
        yield {"mentor": mentor, "Solsort": solsort, "Stær": staer, "Gråspurv": graaspurv, "n": n}
    keeper.stop()


def test_a_teen_asks_the_mentor_accepts_they_talk_and_the_third_teen_sees_nothing(room):
    solsort, mentor, third = room["Solsort"], room["mentor"], room["Gråspurv"]

    send(solsort, "talk_request")
    asked = next_of(solsort, "talk", state="requested")["talk"]
    request = next_of(mentor, "talk", state="requested", id=asked["id"])["talk"]
    assert (request["pseudonym"], request["opened_by"]) == (f"Solsort{room['n']}", "participant")

    send(mentor, "talk_accept", talk_id=asked["id"])
    opened = next_of(solsort, "talk", state="open")["talk"]
    assert opened["mentor"] == "Mette"
    next_of(mentor, "talk", state="open")

    send(solsort, "talk_send", talk_id=asked["id"], text="kan vi snakke om min mor?", client_id="s1")
    heard = message_with(mentor, "s1")
    assert (heard["session_id"], heard["text"], heard["kind"]) == (
        f"talk#{asked['id']}",
        "kan vi snakke om min mor?",
        "private",
    )
    send(mentor, "talk_send", talk_id=asked["id"], text="ja, selvfølgelig", client_id="m1")
    assert message_with(solsort, "m1")["text"] == "ja, selvfølgelig"

    send(solsort, "talk_end", talk_id=asked["id"])
    assert next_of(mentor, "talk", state="ended")["talk"]["ended_by"] == "participant"

    # The third teen in the same room heard nothing, and the room's history holds nothing of it.
    seen = seen_until_pong(third)
    assert not [f for f in seen if f["type"] in PRIVATE_TYPES], seen
    send(third, "catch_up")
    history = frames_until(third, lambda f: f["type"] == "history")[-1]
    assert all(m["text"] not in ("kan vi snakke om min mor?", "ja, selvfølgelig") for m in history["messages"])
    send(third, "talk_catch_up", talk_id=asked["id"])
    assert frames_until(third, lambda f: f["type"] == "error")[-1]["code"] == "talk_not_found"


def test_a_mentor_invites_the_teen_accepts_and_the_third_teen_sees_nothing(room):
    staer, mentor, third = room["Stær"], room["mentor"], room["Gråspurv"]
    session_id = joined(mentor)["session"]["id"]

    send(mentor, "talk_invite", session_id=session_id, pseudonym=f"Stær{room['n']}")
    invitation = next_of(staer, "talk", state="invited")["talk"]
    assert (invitation["mentor"], invitation["opened_by"]) == ("Mette", "mentor")

    send(staer, "talk_accept", talk_id=invitation["id"])
    next_of(mentor, "talk", state="open", id=invitation["id"])
    send(mentor, "talk_send", talk_id=invitation["id"], text="hvordan går det med dig?", client_id="m2")
    assert message_with(staer, "m2")["text"] == "hvordan går det med dig?"
    send(staer, "talk_send", talk_id=invitation["id"], text="ikke så godt", client_id="s2")
    assert message_with(mentor, "s2")["text"] == "ikke så godt"

    send(mentor, "talk_end", talk_id=invitation["id"])
    assert next_of(staer, "talk", state="ended")["talk"]["ended_by"] == "mentor"

    seen = seen_until_pong(third)
    assert not [f for f in seen if f["type"] in PRIVATE_TYPES], seen


def test_a_teen_reports_a_talk_message_and_the_queue_removes_it_from_the_talk(room, stack):
    solsort, mentor, third = room["Solsort"], room["mentor"], room["Gråspurv"]
    send(solsort, "talk_request")
    talk_id = next_of(solsort, "talk", state="requested")["talk"]["id"]
    send(mentor, "talk_accept", talk_id=talk_id)
    next_of(solsort, "talk", state="open")
    send(mentor, "talk_send", talk_id=talk_id, text="det var dumt sagt", client_id="m3")
    message_id = message_with(solsort, "m3")["id"]

    send(solsort, "talk_report", talk_id=talk_id, message_id=message_id, reason="unkind")
    assert next_of(solsort, "reported")["message_id"] == message_id
    assert next_of(mentor, "report")["report"]["talk_id"] == talk_id

    auth = {"Authorization": f"Bearer {mentor_token(stack)}"}
    queue = requests.get(f"{stack.api}/mentor/reports?status=open", headers=auth, timeout=10).json()["reports"]
    report = next(r for r in queue if r["message_id"] == message_id)
    assert report["talk_id"] == talk_id
    answer = requests.post(
        f"{stack.api}/mentor/reports/{report['id']}/remove_message",
        json={"reason": "upassende"},
        headers=auth,
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["report"]["status"] == "resolved"
    removed = next_of(solsort, "message_removed")
    assert (removed["talk_id"], removed["message_id"]) == (talk_id, message_id)

    send(solsort, "talk_catch_up", talk_id=talk_id)
    history = next_of(solsort, "talk_history")
    assert message_id not in [m["id"] for m in history["messages"]]
    seen = seen_until_pong(third)
    assert not [f for f in seen if f["type"] == "message_removed"], seen
    send(solsort, "talk_end", talk_id=talk_id)
