"""Check-in and rounds end to end: real WebSocket clients on the local stack, a group of their own.

Five teens check in: the mentor sees the spread without names, the organisation's figures show the
check-in's average and withhold the check-out, which only four answered. Then a round with a pass:
every teen in the room sees whose turn it is and how each turn went.
"""

from __future__ import annotations

import json
import random
import uuid

import pytest
import requests

from tests.e2e.conftest import connect, frames_until, mentor_token

ADMIN = ("admin", "demo-admin-1")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def room(stack):
    """A group of our own, open now, with the demo admin in it (as a mentor) and five teens."""
    admin = mentor_token(stack, *ADMIN)
    created = requests.post(
        f"{stack.api}/admin/groups", json={"name": f"Runde {uuid.uuid4().hex[:6]}"}, headers=auth(admin), timeout=10
    )
    assert created.status_code == 201, created.text
    group_id = created.json()["id"]
    opened = requests.post(f"{stack.api}/mentor/groups/{group_id}/open", headers=auth(admin), timeout=10)
    assert opened.status_code == 200, opened.text
    mentor = connect(f"{stack.ws}?token={admin}")
    mentor.send(json.dumps({"action": "join", "group_id": group_id}))
    joined = frames_until(mentor, lambda f: f["type"] in ("joined", "error"))[-1]
    assert joined["type"] == "joined", joined
    assert joined["checkin_spread"] == {"in": [0] * 5, "out": [0] * 5}
    teens = {}
    for n in range(5):
        name = "Tjek" + "".join(random.choice("bcdfghjklmnpqrstvwxz") for _ in range(6)) + "abcde"[n]
        token = stack.sign_up(name)["token"]
        ws = connect(f"{stack.ws}?token={token}")
        ws.send(json.dumps({"action": "join", "group_id": group_id}))
        welcome = frames_until(ws, lambda f: f["type"] in ("joined", "error"))[-1]
        assert welcome["type"] == "joined", welcome
        assert welcome["checkin"] == {"ask": "in", "in": None, "out": None}
        teens[name] = ws
    yield {
        "admin": admin,
        "group_id": group_id,
        "session_id": joined["session"]["id"],
        "mentor": mentor,
        "teens": teens,
    }
    for ws in [mentor, *teens.values()]:
        ws.close()


def test_check_in_answers_reach_the_figures_and_small_counts_are_withheld(stack, room):
    mentor, teens = room["mentor"], list(room["teens"].values())
    for ws, mood in zip(teens, (2, 3, 3, 4, 5), strict=True):
        ws.send(json.dumps({"action": "checkin", "phase": "in", "mood": mood}))
        saved = frames_until(ws, lambda f: f["type"] in ("checkin_saved", "error"))[-1]
        assert saved == {"type": "checkin_saved", "session_id": room["session_id"], "phase": "in", "mood": mood}
    teens[0].send(json.dumps({"action": "checkin", "phase": "in", "mood": 1}))  # changed her mind: replaces
    frames_until(teens[0], lambda f: f["type"] == "checkin_saved")
    spread = frames_until(mentor, lambda f: f["type"] == "checkin_spread" and sum(f["in"]) == 5 and f["in"][0] == 1)
    assert spread[-1]["in"] == [1, 0, 2, 1, 1]
    spreads = json.dumps([f for f in spread if f["type"] == "checkin_spread"])
    assert all(name not in spreads for name in room["teens"])  # counts, never who
    for ws in teens[:4]:
        ws.send(json.dumps({"action": "checkin", "phase": "out", "mood": 4}))
        frames_until(ws, lambda f: f["type"] == "checkin_saved")
    frames_until(mentor, lambda f: f["type"] == "checkin_spread" and sum(f["out"]) == 4)

    figures = requests.get(f"{stack.api}/admin/figures?weeks=2", headers=auth(room["admin"]), timeout=10)
    assert figures.status_code == 200, figures.text
    (row,) = [r for r in figures.json()["sessions"] if r["session_id"] == room["session_id"]]
    assert (row["checkin_answers"], row["checkin_average"]) == (5, 3.2)  # (1+3+3+4+5)/5
    assert row["checkout_answers"] is None and row["checkout_average"] is None and row["mood_change"] is None
    assert row["withheld"]["checkout_average"] == "too_few_answers"
    assert row["participants"] == 5


def test_a_round_with_a_pass_is_seen_by_every_teen(stack, room):
    mentor, teens = room["mentor"], room["teens"]
    names = list(teens)
    mentor.send(json.dumps({"action": "round_start", "question": "Sig én ting der gik godt i denne uge"}))
    started = frames_until(mentor, lambda f: f["type"] in ("round", "error"))[-1]
    assert started["type"] == "round", started
    view = started["round"]
    assert [t["pseudonym"] for t in view["turns"]] == names  # the order they came in
    mentor.send(json.dumps({"action": "round_start", "question": "igen"}))  # a double click
    assert frames_until(mentor, lambda f: f["type"] == "error")[-1]["code"] == "round_running"

    first, second, third = (teens[name] for name in names[:3])
    first.send(json.dumps({"action": "round_pass", "round_id": view["id"]}))
    second.send(json.dumps({"action": "send", "text": "Jeg fik en ny ven", "client_id": "r1", "round_id": view["id"]}))

    def after_two(frame):
        return frame["type"] == "round" and frame["round"]["turn"] == 2

    seen = frames_until(third, after_two)[-1]["round"]
    assert [(t["pseudonym"], t["outcome"]) for t in seen["turns"][:3]] == [
        (names[0], "passed"),
        (names[1], "answered"),
        (names[2], None),
    ]
    assert seen["turns"][2]["pseudonym"] == names[2]  # the third sees it is her turn
    for name in names[3:]:
        assert frames_until(teens[name], after_two)[-1]["round"] == seen
    mentor.send(json.dumps({"action": "round_end", "round_id": view["id"]}))
    ended = frames_until(third, lambda f: f["type"] == "round" and f["round"]["state"] == "ended")[-1]["round"]
    assert ended["ended_by"] == "mentor"
