"""`make run` keeps its data across a restart: accounts, groups and messages survive."""

from __future__ import annotations

import json

import requests

from tests.e2e.conftest import MentorOnDuty, connect, frames_until, start_stack, stop_stack


def test_accounts_and_messages_survive_a_restart_of_the_local_stack(tmp_path):
    process, stack = start_stack(tmp_path)
    try:
        mentor = MentorOnDuty(stack)  # teens write only with a mentor in the room
        token = stack.sign_up("Hukommelse")["token"]
        with connect(f"{stack.ws}?token={token}") as ws:
            ws.send(json.dumps({"action": "join", "group_id": "demo-torsdag"}))
            frames_until(ws, lambda f: f["type"] == "joined")
            ws.send(json.dumps({"action": "send", "text": "husker du mig?", "client_id": "h1"}))
            frames_until(ws, lambda f: f["type"] == "message")
        mentor.stop()
    finally:
        stop_stack(process)

    process, stack = start_stack(tmp_path)
    try:
        assert "Restored" in stack.log.read_text()
        login = requests.post(
            f"{stack.api}/participants/login", json={"pseudonym": "Hukommelse", "password": "hemmelig-kode"}, timeout=10
        )
        assert login.status_code == 200
        with connect(f"{stack.ws}?token={login.json()['token']}") as ws:
            ws.send(json.dumps({"action": "join", "group_id": "demo-torsdag"}))
            joined = frames_until(ws, lambda f: f["type"] == "joined")[-1]
            assert [m["text"] for m in joined["messages"]] == ["husker du mig?"]
    finally:
        stop_stack(process)
