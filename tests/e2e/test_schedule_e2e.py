"""On the local stack, the minute tick warns, closes and disconnects a session's clients."""

from __future__ import annotations

import json
import time

import pytest
import requests
from websockets.exceptions import ConnectionClosed

from tests.e2e.conftest import connect, frames_until, start_stack, stop_stack

GROUP = "demo-torsdag"


@pytest.fixture
def short_session(tmp_path):
    """A stack whose demo session ends 8 seconds after start; the tick runs only when asked."""
    process, stack = start_stack(tmp_path, "--no-persist", "--tick-seconds", "0", "--demo-session-seconds", "8")
    yield stack
    stop_stack(process)


def test_clients_are_warned_then_closed_and_cannot_rejoin_until_the_next_opening(short_session):
    stack = short_session
    started = time.monotonic()
    clients = []
    for name in ("Ugle", "Bille"):
        ws = connect(f"{stack.ws}?token={stack.sign_up(name)['token']}")
        ws.send(json.dumps({"action": "join", "group_id": GROUP}))
        assert frames_until(ws, lambda f: f["type"] in ("joined", "error"))[-1]["type"] == "joined"
        clients.append(ws)

    requests.post(stack.url + "_local/tick", timeout=10)  # within the last 5 minutes: the warning
    for ws in clients:
        assert frames_until(ws, lambda f: f["type"] == "session_closing")[-1]["ends_at"]

    time.sleep(max(0.0, 9 - (time.monotonic() - started)))
    requests.post(stack.url + "_local/tick", timeout=10)
    for ws in clients:
        frames_until(ws, lambda f: f["type"] == "session_closed")
        with pytest.raises(ConnectionClosed):
            for _ in range(10):
                ws.recv(timeout=5)  # the server closes the socket after session_closed

    with connect(f"{stack.ws}?token={stack.sign_up('Sen')['token']}") as late:
        late.send(json.dumps({"action": "join", "group_id": GROUP}))
        refused = frames_until(late, lambda f: f["type"] in ("joined", "error"))[-1]
        assert refused["code"] == "session_closed"

    group = next(g for g in requests.get(stack.api + "/groups", timeout=10).json()["groups"] if g["id"] == GROUP)
    assert group["open"] is False and group["next_meetings"]  # a closed group says when it opens next
