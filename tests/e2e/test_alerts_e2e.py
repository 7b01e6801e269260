"""Crisis alerts over real WebSockets on the local stack: help lines led by 112, mentors alerted, "I'm on it"."""

from __future__ import annotations

import json

import requests

from tests.e2e.conftest import connect, frames_until
from tests.e2e.test_moderation_e2e import joined, mentor_token, post


def test_an_acute_line_gives_112_first_and_every_mentor_on_duty_a_standing_alert(stack):
    mette, anders = mentor_token(stack), mentor_token(stack, "admin", "demo-admin-1")
    teen = stack.sign_up("Havørn")["token"]
    with (
        connect(f"{stack.ws}?token={mette}") as in_chat,
        connect(f"{stack.ws}?token={anders}") as on_duty,
        connect(f"{stack.ws}?token={teen}&lang=da") as havoern,
    ):
        for ws in (in_chat, havoern):
            assert joined(ws)["type"] == "joined"
        # Anders joins no group: a mentor on duty elsewhere on the page.

        havoern.send(json.dumps({"action": "send", "text": "jeg har taget alle mine piller nu", "client_id": "h1"}))

        help_lines = frames_until(havoern, lambda f: f["type"] == "help_lines")[-1]
        assert help_lines["severity"] == "acute"
        assert [line["phone"] for line in help_lines["lines"]][:2] == ["112", "116 111"]
        assert help_lines["lines"][0]["id"] == "112" and "text" not in help_lines  # the client words it
        alerts = [frames_until(ws, lambda f: f["type"] == "report")[-1]["report"] for ws in (in_chat, on_duty)]
        assert alerts[0] == alerts[1]
        assert (alerts[0]["severity"], alerts[0]["kind"], alerts[0]["claimed_by"]) == ("acute", "crisis", None)

        queue = requests.get(
            f"{stack.api}/mentor/reports?status=open", headers={"Authorization": f"Bearer {anders}"}, timeout=10
        ).json()["reports"]
        assert queue[0]["id"] == alerts[0]["id"]  # the most urgent first

        taken = post(stack, mette, f"/mentor/reports/{alerts[0]['id']}/claim", {})
        assert taken.status_code == 200 and taken.json()["report"]["claimed_by"] == "Mette"
        claimed = frames_until(on_duty, lambda f: f["type"] == "report_claimed")[-1]["report"]
        assert (claimed["id"], claimed["claimed_by"]) == (alerts[0]["id"], "Mette")

        again = post(stack, anders, f"/mentor/reports/{alerts[0]['id']}/claim", {})
        assert again.status_code == 200 and again.json()["report"]["claimed_by"] == "Mette"  # the first stays
