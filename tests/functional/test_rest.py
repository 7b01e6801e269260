"""REST: API Gateway proxy events for sign-up, log-in, the group list and mentor routes (README "REST API")."""

from __future__ import annotations

import pytest

from tests.functional.conftest import ADMIN_PASSWORD, TEEN_PASSWORD, Rest, World, load_event, sign_up_body


def _error(answer: Rest) -> dict:
    return answer.json()["error"]


def _is_json(answer: Rest) -> None:
    assert answer.headers.get("Content-Type", "").startswith("application/json"), answer.headers


def test_sign_up_answers_201_with_a_token_that_connects(world: World):
    answer = world.gateway.post("rest_sign_up", sign_up_body("Sol"))

    assert answer.status == 201
    _is_json(answer)
    body = answer.json()
    assert set(body) == {"token", "pseudonym", "participant_id", "expires_at", "recovery_code", "device_token"}
    assert body["pseudonym"] == "Sol"
    assert len(body["recovery_code"]) == 19  # four groups of four, shown once
    _, connected = world.gateway.connect(body["token"])
    assert connected["statusCode"] == 200


def test_a_taken_pseudonym_is_409_regardless_of_case(world: World):
    world.sign_up("Sol")

    answer = world.gateway.post("rest_sign_up", sign_up_body("sOL"))

    assert answer.status == 409
    assert _error(answer)["code"] == "pseudonym_taken"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"pseudonym": "S", "password": TEEN_PASSWORD}, "invalid_pseudonym"),
        ({"pseudonym": "Mentor Mads", "password": TEEN_PASSWORD}, "reserved_pseudonym"),
        ({"pseudonym": "Sol 22334455", "password": TEEN_PASSWORD}, "pseudonym_not_anonymous"),
        ({"pseudonym": "Sol", "password": "kort"}, "weak_password"),
        ({"pseudonym": "Sol"}, "weak_password"),
        ('{"pseudonym": "Sol", ', "bad_json"),
        ('["Sol", "hemmelig-kode"]', "bad_request"),
    ],
)
def test_sign_up_refuses_bad_input_with_400(world: World, body, code):
    answer = world.gateway.post("rest_sign_up", body)

    assert answer.status == 400
    _is_json(answer)
    assert _error(answer)["code"] == code
    assert _error(answer)["message"]


def test_log_in_answers_200_with_a_new_token(world: World):
    world.sign_up("Sol")

    answer = world.gateway.post("rest_log_in", {"pseudonym": "sol", "password": TEEN_PASSWORD})

    assert answer.status == 200
    body = answer.json()
    assert set(body) == {"token", "pseudonym", "participant_id", "expires_at", "device_token"}
    assert body["pseudonym"] == "Sol"
    _, connected = world.gateway.connect(body["token"])
    assert connected["statusCode"] == 200


@pytest.mark.parametrize(
    "body", [{"pseudonym": "Sol", "password": "forkert-kode"}, {"pseudonym": "Ukendt", "password": TEEN_PASSWORD}]
)
def test_log_in_with_a_wrong_password_or_unknown_name_is_401(world: World, body):
    world.sign_up("Sol")

    answer = world.gateway.post("rest_log_in", body)

    assert answer.status == 401
    assert _error(answer)["code"] == "bad_credentials"


def test_groups_lists_the_open_group_with_its_next_meetings(world: World):
    answer = world.gateway.groups()

    assert answer.status == 200
    _is_json(answer)
    assert answer.headers.get("Access-Control-Allow-Origin") == "*"
    group = next(g for g in answer.json()["groups"] if g["id"] == world.group_id)
    assert group["name"] == "Torsdagsgruppen" and group["org_id"] == world.org_id
    assert group["open"] is True and group["session"]["status"] == "open"
    assert {"starts_at_utc", "ends_at_utc", "starts_at_local", "ends_at_local", "tz"} <= set(group["next_meetings"][0])


def _calendar_event(group_id: str) -> dict:
    event = load_event("rest_groups")
    event["resource"] = event["requestContext"]["resourcePath"] = "/groups/{group_id}/calendar.ics"
    event["path"] = f"/groups/{group_id}/calendar.ics"
    event["pathParameters"] = {"group_id": group_id}
    return event


def test_the_group_calendar_is_an_ics_file_a_calendar_app_can_subscribe_to(world: World):
    answer = world.gateway._call_api(_calendar_event(world.group_id))

    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.text.startswith("BEGIN:VCALENDAR")
    assert "SUMMARY:Torsdagsgruppen" in answer.text
    assert answer.text.count("BEGIN:VEVENT") == 10


def test_the_calendar_of_an_unknown_group_is_a_json_404(world: World):
    answer = world.gateway._call_api(_calendar_event("no-such-group"))

    assert answer.status == 404
    _is_json(answer)
    assert _error(answer)["code"] == "group_not_found"


def test_mentor_log_in_answers_200_with_the_mentor(gateway, aws, monkeypatch):
    from tests.functional.conftest import bootstrap_organisation

    org_id, admin = bootstrap_organisation(monkeypatch)

    answer = gateway.post("rest_mentor_log_in", {"username": admin.upper(), "password": ADMIN_PASSWORD})

    assert answer.status == 200
    body = answer.json()
    assert body["token"] and body["expires_at"]
    mentor = body["mentor"]
    assert mentor["id"]
    # README: mentor:{id,username,name,role,org_id} (the answer also says "active").
    assert {k: mentor[k] for k in ("username", "name", "role", "org_id")} == {
        "username": admin,
        "name": "Anna",
        "role": "admin",
        "org_id": org_id,
    }


def test_mentor_log_in_locks_the_name_after_five_failures(gateway, aws, monkeypatch):
    from tests.functional.conftest import bootstrap_organisation

    _, admin = bootstrap_organisation(monkeypatch)
    for _ in range(5):
        wrong = gateway.post("rest_mentor_log_in", {"username": admin, "password": "forkert-forkert"})
        assert wrong.status == 401 and _error(wrong)["code"] == "bad_credentials"

    locked = gateway.post("rest_mentor_log_in", {"username": admin, "password": ADMIN_PASSWORD})

    assert locked.status == 429
    assert _error(locked)["code"] == "too_many_attempts"
    assert 0 < _error(locked)["retry_after"] <= 15 * 60


def test_a_mentor_route_answers_a_mentor(world: World):
    answer = world.gateway.authorized("GET", "/mentor/sessions", world.mentor_token)

    assert answer.status == 200
    sessions = answer.json()["sessions"]
    assert [s["group"]["id"] for s in sessions] == [world.group_id]
    assert sessions[0]["session"]["status"] == "open"


def test_a_mentor_route_refuses_without_a_token_or_with_a_tampered_one(world: World):
    head, claims, signature = world.mentor_token.split(".")
    tampered = ".".join([head, claims, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")])

    for token in (None, tampered, "not-a-token"):
        answer = world.gateway.authorized("GET", "/mentor/sessions", token)
        assert answer.status == 401, token
        assert answer.json() == {"message": "Unauthorized"}


def test_a_mentor_route_is_401_for_a_participant_token_of_the_other_audience(world: World):
    answer = world.gateway.authorized("GET", "/mentor/sessions", world.sign_up("Sol"))

    assert answer.status == 401


def test_an_admin_route_is_403_for_a_mentor(world: World):
    answer = world.gateway.authorized("GET", "/admin/mentors", world.mentor_token)

    assert answer.status == 403
    assert _error(answer)["code"] == "forbidden"


def test_the_rest_fixtures_carry_what_api_gateway_sends(world: World):
    """The REST events name their route by resource template, as Chalice's dispatcher expects."""
    from tests.functional.conftest import load_event

    event = load_event(
        "rest_mentor_route",
        method="POST",
        resource="/mentor/groups/{group_id}/ban",
        path="/mentor/groups/g1/ban",
        body="{}",
        token="t",
        path_parameters={"group_id": "g1"},
        query=None,
        multi_query=None,
        authorizer={"principalId": "p"},
    )
    assert event["requestContext"]["resourcePath"] == "/mentor/groups/{group_id}/ban"
    assert event["requestContext"]["path"] == "/dev/mentor/groups/g1/ban"
    assert event["headers"]["Authorization"] == "Bearer t"
    assert event["multiValueHeaders"]["Authorization"] == ["Bearer t"]
