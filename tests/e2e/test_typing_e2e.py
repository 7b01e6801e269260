"""On the local stack, two teens on real WebSockets: "X skriver …" reaches the other one, once per 2 s,
and is never stored."""

from __future__ import annotations

import json
import time

import pytest
from websockets.exceptions import ConnectionClosed

from tests.e2e.conftest import DEMO_GROUP, connect, frames_until

pytestmark = pytest.mark.usefixtures("on_duty")


def joined(ws) -> dict:
    ws.send(json.dumps({"action": "join", "group_id": DEMO_GROUP}))
    return frames_until(ws, lambda f: f["type"] in ("joined", "error"))[-1]


def typing_frames_within(ws, seconds: float) -> list[dict]:
    """Every ``typing`` frame the socket receives in the next ``seconds``."""
    seen = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            frame = json.loads(ws.recv(timeout=left))
        except (TimeoutError, ConnectionClosed):
            break
        if frame["type"] == "typing":
            seen.append(frame)
    return seen


def item_counts(stack) -> dict[str, int]:
    """Items per table of the stack's store (a handful of small tables: a scan is fine in a test)."""
    store = stack.store()
    return {name: store.scan(TableName=name, Select="COUNT")["Count"] for name in store.list_tables()["TableNames"]}


def test_typing_reaches_the_other_teen_once_per_two_seconds_and_not_the_typist(stack):
    with (
        connect(f"{stack.ws}?token={stack.sign_up('Vipstjert')['token']}") as writer,
        connect(f"{stack.ws}?token={stack.sign_up('Rødkælk')['token']}") as reader,
    ):
        assert joined(writer)["type"] == "joined" and joined(reader)["type"] == "joined"
        frames_until(writer, lambda f: f["type"] == "presence")  # Rødkælk came in: the writer is idle now
        before = item_counts(stack)

        writer.send(json.dumps({"action": "typing"}))
        writer.send(json.dumps({"action": "typing"}))  # the same second: dropped
        seen = typing_frames_within(reader, 1.5)
        assert [(f["member"]["pseudonym"], f["member"]["role"]) for f in seen] == [("Vipstjert", "participant")]
        assert typing_frames_within(writer, 0.5) == []  # neither an echo nor an error to the typist

        time.sleep(0.6)  # over 2 s after the first: the next one goes
        writer.send(json.dumps({"action": "typing"}))
        assert len(typing_frames_within(reader, 1.5)) == 1

        # Never stored: every table holds as many items after the typing frames as before.
        assert item_counts(stack) == before
