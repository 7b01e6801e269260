"""On the local stack: a note written in one week's session is read by another mentor the next week.

The local stack has no clock to move, so the week passes the way it does for the tick: the demo
session ends 8 seconds after the start, the tick (asked for with ``POST /_local/tick``) closes it and
writes its summary, and "next week" is the group's next session, which the new mentor opens.
"""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests.e2e.conftest import connect, frames_until, mentor_token, start_stack, stop_stack

GROUP = "demo-torsdag"
NOTE = "Luna fortalte, at det er svært med veninderne. Spørg hvordan det går."


@pytest.fixture
def short_week(tmp_path):
    process, stack = start_stack(tmp_path, "--no-persist", "--tick-seconds", "0", "--demo-session-seconds", "8")
    yield stack
    stop_stack(process)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _join(ws) -> dict:
    ws.send(json.dumps({"action": "join", "group_id": GROUP}))
    return frames_until(ws, lambda f: f["type"] in ("joined", "error"))[-1]


def test_a_note_written_one_week_is_seen_by_another_mentor_the_next(short_week):
    stack = short_week
    started = time.monotonic()
    mette = mentor_token(stack)
    notes = f"{stack.api}/mentor/groups/{GROUP}/notes"

    # Week one: Mette is in the room, Luna comes and writes; Mette notes something for next week.
    with (
        connect(f"{stack.ws}?token={mette}") as mentor_socket,
        connect(f"{stack.ws}?token={stack.sign_up('Luna')['token']}") as luna,
    ):
        assert _join(mentor_socket)["type"] == "joined"
        assert _join(luna)["type"] == "joined"
        luna.send(json.dumps({"action": "send", "text": "det er svært med veninderne", "client_id": "c1"}))
        frames_until(luna, lambda f: f["type"] == "message")
        written = requests.put(
            notes, json={"pseudonym": "Luna", "text": NOTE, "version": 0}, headers=_auth(mette), timeout=10
        )
        assert written.status_code == 200, written.text
        assert all("veninderne. Spørg" not in json.dumps(frame) for frame in _drain(luna)), "a teen saw the note"

        time.sleep(max(0.0, 9 - (time.monotonic() - started)))
        requests.post(stack.url + "_local/tick", timeout=10)  # the session ends: closed and summarised
        frames_until(luna, lambda f: f["type"] == "session_closed")

    # Next week: a new mentor, Mads, opens the group's next session and reads what Mette left.
    admin = mentor_token(stack, "admin", "demo-admin-1")
    added = requests.post(
        f"{stack.api}/admin/mentors",
        json={"username": "mads", "display_name": "Mads", "password": "mads-er-mentor-1", "role": "mentor"},
        headers=_auth(admin),
        timeout=10,
    )
    assert added.status_code == 201, added.text
    mads = mentor_token(stack, "mads", "mads-er-mentor-1")
    opened = requests.post(f"{stack.api}/mentor/groups/{GROUP}/open", json={}, headers=_auth(mads), timeout=10)
    assert opened.status_code == 200, opened.text

    seen = requests.get(notes, headers=_auth(mads), timeout=10).json()["notes"]
    assert [(n["pseudonym"], n["text"], n["written_by"], n["version"]) for n in seen] == [("Luna", NOTE, "Mette", 1)]
    summaries = requests.get(f"{stack.api}/mentor/groups/{GROUP}/summaries", headers=_auth(mads), timeout=10)
    last = summaries.json()["summaries"][0]
    assert (last["participants"], last["messages"], last["notes_written"], last["noted"]) == (1, 1, 1, ["Luna"])
    assert "veninderne" not in json.dumps(last), "a summary holds counts, never what was written"

    # Mads adds to the note; Mette, still looking at version 1, is told rather than overwriting him.
    assert (
        requests.put(
            notes,
            json={"pseudonym": "Luna", "text": NOTE + " Det gik bedre.", "version": 1},
            headers=_auth(mads),
            timeout=10,
        ).json()["note"]["version"]
        == 2
    )
    stale = requests.put(
        notes, json={"pseudonym": "Luna", "text": "ældre", "version": 1}, headers=_auth(mette), timeout=10
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "note_conflict"

    # Luna's own export holds the note; her token reaches no mentor route.
    luna_token = requests.post(
        f"{stack.api}/participants/login", json={"pseudonym": "Luna", "password": "hemmelig-kode"}, timeout=10
    ).json()["token"]
    assert requests.get(notes, headers=_auth(luna_token), timeout=10).status_code == 401
    exported = requests.get(f"{stack.api}/me/export", headers=_auth(luna_token), timeout=10).json()
    assert [n["text"] for n in exported["mentor_notes"]] == [NOTE + " Det gik bedre."]


def _drain(ws, quiet_s: float = 0.5) -> list[dict]:
    """Whatever frames arrive until the socket is quiet for a moment."""
    frames = []
    while True:
        try:
            frames.append(json.loads(ws.recv(timeout=quiet_s)))
        except TimeoutError:
            return frames
