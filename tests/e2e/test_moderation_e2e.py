"""A mentor and two teens over real WebSockets on the local stack: remove, mute, ban; safety live."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import requests
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.e2e.conftest import ROOT, connect, frames_until, mentor_token

GROUP = "demo-torsdag"


def joined(ws) -> dict:
    ws.send(json.dumps({"action": "join", "group_id": GROUP}))
    return frames_until(ws, lambda f: f["type"] in ("joined", "error"))[-1]


def post(stack, token, path, body) -> requests.Response:
    return requests.post(f"{stack.api}{path}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_a_mentor_removes_mutes_and_bans_live(stack):
    token = mentor_token(stack)
    teens = {name: stack.sign_up(name)["token"] for name in ("Lærke", "Spurv")}
    with (
        connect(f"{stack.ws}?token={token}") as mentor,
        connect(f"{stack.ws}?token={teens['Lærke']}") as laerke,
        connect(f"{stack.ws}?token={teens['Spurv']}&group_id={GROUP}") as spurv,
    ):
        me = joined(mentor)
        assert me["you"] == {"pseudonym": "Mette", "role": "mentor"}
        session_id = me["session"]["id"]
        for ws in (laerke, spurv):
            present = joined(ws)["present"]
            assert {"pseudonym": "Mette", "role": "mentor"} in present

        laerke.send(json.dumps({"action": "send", "text": "det her er grimt sagt", "client_id": "l1"}))
        message = frames_until(spurv, lambda f: f["type"] == "message")[-1]["message"]
        removed = post(
            stack, token, f"/mentor/sessions/{session_id}/messages/{message['id']}/remove", {"reason": "ikke ok"}
        )
        assert removed.status_code == 200
        for ws in (laerke, spurv):
            assert frames_until(ws, lambda f: f["type"] == "message_removed")[-1]["message_id"] == message["id"]

        assert (
            post(
                stack,
                token,
                f"/mentor/sessions/{session_id}/mute",
                {"pseudonym": "Lærke", "minutes": 5, "reason": "pause"},
            ).status_code
            == 200
        )
        assert frames_until(laerke, lambda f: f["type"] == "muted")[-1]["until"]
        laerke.send(json.dumps({"action": "send", "text": "hallo?", "client_id": "l2"}))
        assert frames_until(laerke, lambda f: f["type"] == "error")[-1]["code"] == "muted"

        assert (
            post(
                stack, token, f"/mentor/groups/{GROUP}/ban", {"pseudonym": "Spurv", "days": None, "reason": "chikane"}
            ).status_code
            == 200
        )
        assert frames_until(spurv, lambda f: f["type"] == "banned")[-1]["until"] is None
        with pytest.raises(ConnectionClosed):
            for _ in range(10):
                spurv.recv(timeout=5)

    with pytest.raises(InvalidStatus) as refused:
        connect(f"{stack.ws}?token={teens['Spurv']}&group_id={GROUP}")
    assert refused.value.response.status_code == 403
    with connect(f"{stack.ws}?token={teens['Spurv']}") as again:
        assert joined(again)["code"] == "banned"

    audit = requests.get(f"{stack.api}/mentor/audit", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert [e["action"] for e in audit.json()["entries"]][:3] == ["ban", "mute", "remove"]


def test_a_phone_number_is_held_back_and_the_mentor_sees_it(stack):
    token = mentor_token(stack)
    teens = {name: stack.sign_up(name)["token"] for name in ("Stær", "Due")}
    with (
        connect(f"{stack.ws}?token={token}") as mentor,
        connect(f"{stack.ws}?token={teens['Stær']}") as staer,
        connect(f"{stack.ws}?token={teens['Due']}") as due,
    ):
        for ws in (mentor, staer, due):
            assert joined(ws)["type"] == "joined"
        staer.send(json.dumps({"action": "send", "text": "skriv til mig på 22 33 44 55", "client_id": "s1"}))
        notice = frames_until(staer, lambda f: f["type"] in ("notice", "message"))[-1]
        assert notice["type"] == "notice" and notice["reason"] == "phone" and "text" not in notice
        alert = frames_until(mentor, lambda f: f["type"] == "report")[-1]["report"]
        assert alert["kind"] == "held_back" and alert["pseudonym"] == "Stær" and "22 33" not in json.dumps(alert)

        staer.send(json.dumps({"action": "send", "text": "ok, glem det", "client_id": "s2"}))
        # Due's next chat message is the harmless one: the number never reached her.
        assert frames_until(due, lambda f: f["type"] == "message")[-1]["message"]["text"] == "ok, glem det"

        due.send(json.dumps({"action": "send", "text": "jeg vil ikke leve mere", "client_id": "d1"}))
        assert frames_until(due, lambda f: f["type"] == "help_lines")[-1]["lines"]
        crisis = frames_until(mentor, lambda f: f["type"] == "report")[-1]["report"]
        assert crisis["kind"] == "crisis" and crisis["priority"] == "high"


def test_ops_bootstrap_creates_an_organisation_whose_admin_can_log_in(stack):
    env = {**os.environ, "BOOTSTRAP_PASSWORD": "first-admin-password"}
    data_dir = stack.log.parent / "data"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.bootstrap",
            "--local",
            "--data-dir",
            str(data_dir),
            "--org-id",
            "ungdomshuset",
            "--org-name",
            "Ungdomshuset",
            "--admin",
            "anna",
            "--admin-name",
            "Anna",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "first-admin-password" not in result.stdout + result.stderr
    token = mentor_token(stack, "anna", "first-admin-password")
    groups = requests.get(f"{stack.api}/admin/groups", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert groups.status_code == 200 and groups.json()["groups"] == []
