"""Abuse resistance on the running local stack: the refusal a page can read, revocation of live sockets."""

from __future__ import annotations

import time

import pytest
import requests
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.e2e.conftest import connect, frames_until
from tests.e2e.test_moderation_e2e import GROUP, joined, mentor_token, post


def check(stack, token: str, group_id: str | None = None) -> tuple[int, dict]:
    query = f"?group_id={group_id}" if group_id else ""
    response = requests.get(
        f"{stack.api}/connect-check{query}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return response.status_code, response.json()


def test_a_refused_connect_is_explained_by_the_check(stack):
    teen = stack.sign_up("Udelukket")["token"]
    assert check(stack, teen, GROUP) == (200, {"ok": True})
    assert (
        post(
            stack, mentor_token(stack), f"/mentor/groups/{GROUP}/ban", {"pseudonym": "Udelukket", "days": 7}
        ).status_code
        == 200
    )
    # All the browser learns from a refused $connect is that it failed ...
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{stack.ws}?token={teen}&group_id={GROUP}")
    assert refused.value.response.status_code == 403
    # ... so the page asks why, and can say it in the teen's language.
    status, answer = check(stack, teen, GROUP)
    assert status == 403 and answer["error"]["code"] == "banned"


def test_deleting_the_account_closes_its_open_socket_before_the_answer(stack):
    token = stack.sign_up("Farvel", "vi-ses-igen-1")["token"]
    with connect(f"{stack.ws}?token={token}") as ws:
        assert joined(ws)["type"] == "joined"
        deleted = requests.delete(
            f"{stack.api}/me",
            json={"password": "vi-ses-igen-1"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert deleted.status_code == 200 and deleted.json()["connections_closed"] == 1
        seen = frames_until(ws, lambda f: f.get("code") == "account_revoked", timeout=2)
        assert seen[-1]["reason"] == "account_deleted"
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=2)
    assert check(stack, token)[1]["error"]["code"] == "account_revoked"


def test_a_stranger_guessing_a_mentors_password_does_not_lock_the_mentor_out(stack):
    def log_in(password: str, source: str) -> int:
        return requests.post(
            f"{stack.api}/mentors/login",
            json={"username": "mentor", "password": password},
            headers={"X-Test-Source": source},
            timeout=10,
        ).status_code

    guesses = [log_in(f"gæt-{n}", "strangers-laptop") for n in range(8)]
    assert guesses == [401] * 5 + [429] * 3
    assert log_in("demo-mentor-1", "strangers-laptop") == 429
    assert log_in("demo-mentor-1", "mentors-phone") == 200


def test_a_sign_up_flood_through_the_gateway_stops_at_the_limit(stack):
    statuses = [stack.post_sign_up(f"Robot {n}", source="one-script").status_code for n in range(12)]
    assert statuses == [201] * 10 + [429] * 2
    assert stack.post_sign_up("Menneske", source="a-phone").status_code == 201


def test_a_reconnect_storm_is_refused_and_the_check_says_how_long_to_wait(stack):
    token = stack.sign_up("Mange Faner")["token"]
    if time.time() % 60 > 45:  # the limit counts per minute: start the storm inside one window
        time.sleep(61 - time.time() % 60)
    opened = []
    try:
        for n in range(30):  # from 30 "devices": the limit follows the person
            opened.append(connect(f"{stack.ws}?token={token}", additional_headers={"X-Test-Source": f"tab-{n}"}))
        with pytest.raises(InvalidStatus) as refused:
            connect(f"{stack.ws}?token={token}", additional_headers={"X-Test-Source": "tab-31"})
        assert refused.value.response.status_code == 429
        status, answer = check(stack, token)
        assert status == 429 and 0 < answer["error"]["retry_after"] <= 60
    finally:
        for ws in opened:
            ws.close()
