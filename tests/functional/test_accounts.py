"""A teen's own account through API Gateway's events: recovery, a new password or code, export,
deletion that leaves nothing behind, and tokens that are refused with 401 however they are forged."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from chalicelib import storage
from chalicelib.config import token_secret
from tests.functional.conftest import TEEN_PASSWORD, World, sign_up_body

NEW_PASSWORD = "tre-blå-elefanter"


def _recover(world: World, pseudonym: str, code: str, password: str = NEW_PASSWORD):
    return world.gateway.post("rest_recover", {"pseudonym": pseudonym, "recovery_code": code, "password": password})


def _log_in(world: World, pseudonym: str, password: str):
    return world.gateway.post("rest_log_in", {"pseudonym": pseudonym, "password": password})


def _as_teen(world: World, method: str, resource: str, token: str, body: Any = None, **path_ids: str):
    return world.gateway.authorized(method, resource, token, body, authorizer="participant_auth", **path_ids)


# --- recovery ---------------------------------------------------------------------------------------


def test_a_forgotten_password_is_replaced_with_the_recovery_code_which_is_then_spent(world: World):
    signed_up = world.gateway.post("rest_sign_up", sign_up_body("Luna2009")).json()
    code = signed_up["recovery_code"]

    answer = _recover(world, "luna2009", code.lower().replace("-", " "))  # as copied from a note

    assert answer.status == 200, answer.text
    body = answer.json()
    assert body["pseudonym"] == "Luna2009" and body["participant_id"] == signed_up["participant_id"]
    assert body["recovery_code"] != code and len(body["recovery_code"]) == 19
    assert _log_in(world, "Luna2009", NEW_PASSWORD).status == 200
    assert _log_in(world, "Luna2009", TEEN_PASSWORD).json()["error"]["code"] == "bad_credentials"
    spent = _recover(world, "Luna2009", code, "fire-grønne-giraffer")
    assert spent.status == 401 and spent.json()["error"]["code"] == "bad_recovery_code"
    assert _recover(world, "Luna2009", body["recovery_code"], "fire-grønne-giraffer").status == 200


def test_a_wrong_code_and_an_unknown_pseudonym_get_the_same_answer(world: World):
    world.sign_up("Sol")
    wrong = _recover(world, "Sol", "ABCD-EFGH-JKLM-NPQR")
    nobody = _recover(world, "Ingen-her", "ABCD-EFGH-JKLM-NPQR")
    malformed = _recover(world, "Sol", "not a code")
    assert wrong.status == nobody.status == malformed.status == 401
    assert wrong.json() == nobody.json() == malformed.json()


def test_recovery_refuses_a_common_new_password_before_looking_at_the_code(world: World):
    world.sign_up("Sol")
    answer = _recover(world, "Sol", "ABCD-EFGH-JKLM-NPQR", "hejmeddig123")
    assert answer.status == 400 and answer.json()["error"]["code"] == "common_password"


# --- the logged-in teen's own account -------------------------------------------------------------------


def test_a_logged_in_teen_changes_the_password_and_makes_a_new_code(world: World):
    signed_up = world.gateway.post("rest_sign_up", sign_up_body("Sol")).json()
    token = signed_up["token"]

    refused = _as_teen(world, "POST", "/me/password", token, {"password": "forkert-kode", "new_password": NEW_PASSWORD})
    assert refused.status == 401 and refused.json()["error"]["code"] == "bad_credentials"
    weak = _as_teen(world, "POST", "/me/password", token, {"password": TEEN_PASSWORD, "new_password": "Sol12345"})
    assert weak.status == 400 and weak.json()["error"]["code"] == "common_password"
    changed = _as_teen(world, "POST", "/me/password", token, {"password": TEEN_PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status == 200 and changed.json() == {"changed": True}
    assert _log_in(world, "Sol", NEW_PASSWORD).status == 200
    assert _log_in(world, "Sol", TEEN_PASSWORD).status == 401

    renewed = _as_teen(world, "POST", "/me/recovery-code", token, {"password": NEW_PASSWORD})
    assert renewed.status == 200
    fresh = renewed.json()["recovery_code"]
    assert fresh != signed_up["recovery_code"]
    assert _recover(world, "Sol", signed_up["recovery_code"]).status == 401  # the old code stopped working
    assert _recover(world, "Sol", fresh, "fem-små-pingviner").status == 200


def test_export_gives_the_teen_what_is_stored_about_them(world: World):
    world.mentor_in_room()
    token = world.sign_up("Sol")
    connection = world.joined(token)
    world.gateway.send(connection, {"action": "send", "text": "Det her er min egen besked", "client_id": "c-1"})
    followed = _as_teen(world, "PUT", "/me/groups/{group_id}", token, group_id=world.group_id)
    assert followed.status == 200

    answer = _as_teen(world, "GET", "/me/export", token)

    assert answer.status == 200, answer.text
    export = answer.json()
    assert export["account"]["pseudonym"] == "Sol"
    assert export["account"]["followed_groups"] == [world.group_id]
    assert [m["group_id"] for m in export["memberships"]] == [world.group_id]  # came to an open group
    assert [m["text"] for m in export["messages"]] == ["Det her er min egen besked"]
    assert export["account"]["deleted_if_unused_after"] > export["account"]["created_at"]
    assert "hash" not in json.dumps(export["account"]).replace("scrypt hash", "")  # no hash leaves the server
    assert TEEN_PASSWORD not in answer.text


# --- deleting an account leaves nothing that leads back to it ---------------------------------------------


def _every_item() -> dict[str, list[dict[str, Any]]]:
    """Every item of every table, as DynamoDB holds it (a test may Scan; the product never does)."""
    return {
        model.Meta.table_name: [json.loads(json.dumps(item.serialize(), default=str)) for item in model.scan()]
        for model in storage.ALL_MODELS
    }


def test_after_delete_me_no_table_holds_the_id_the_pseudonym_or_the_texts(world: World):
    gateway = world.gateway
    luna = gateway.post("rest_sign_up", sign_up_body("Luna2009")).json()
    token, luna_id = luna["token"], luna["participant_id"]
    world.mentor_in_room()
    sol = world.joined(world.sign_up("Sol"))
    mine = world.joined(token)
    texts = [
        "Jeg har haft en virkelig hård uge",
        "Ingen forstår mig derhjemme",
        "Jeg vil ikke leve mere",
        "skriv til mig på 22 33 44 55",
    ]
    for number, text in enumerate(texts):
        gateway.send(mine, {"action": "send", "text": text, "client_id": f"luna-{number}"})
    stored = {m["message"]["text"]: m["message"]["id"] for m in world.connections.frames_to(sol, "message")}
    assert set(stored) == set(texts[:3])  # the phone number was held back, reported without its text
    session_id = world.connections.frames_to(mine, "joined")[0]["session"]["id"]

    gateway.send(sol, {"action": "report", "message_id": stored[texts[0]], "reason": "Luna2009 er ked af det"})
    mentor = world.mentor_token
    assert (
        gateway.authorized(
            "POST", "/mentor/sessions/{session_id}/pin", mentor, {"message_id": stored[texts[1]]}, session_id=session_id
        ).status
        == 200
    )
    assert (
        gateway.authorized(
            "POST",
            "/mentor/sessions/{session_id}/messages/{message_id}/remove",
            mentor,
            {"reason": "beskyttelse"},
            session_id=session_id,
            message_id=stored[texts[0]],
        ).status
        == 200
    )
    assert (
        gateway.authorized(
            "POST",
            "/mentor/sessions/{session_id}/mute",
            mentor,
            {"pseudonym": "Luna2009", "minutes": 5, "reason": "luna2009 skal have en pause"},
            session_id=session_id,
        ).status
        == 200
    )
    assert _as_teen(world, "PUT", "/me/groups/{group_id}", token, group_id=world.group_id).status == 200
    assert (
        gateway.authorized(
            "POST",
            "/mentor/groups/{group_id}/ban",
            mentor,
            {"pseudonym": "Luna2009", "days": None, "reason": "for good"},
            group_id=world.group_id,
        ).status
        == 200
    )
    before = json.dumps(_every_item())
    assert luna_id in before and "Luna2009" in before and texts[2] in before  # the test sees what it looks for
    assert any(luna_id in json.dumps(item) for item in _every_item()["test-members"])  # a member of the group

    deleted = _as_teen(world, "DELETE", "/me", token, {"password": TEEN_PASSWORD})

    assert deleted.status == 200, deleted.body
    tables = _every_item()
    text = json.dumps(tables, ensure_ascii=False)
    holding = {name: [item for item in items if luna_id in json.dumps(item)] for name, items in tables.items()}
    assert luna_id not in text, {name: items for name, items in holding.items() if items}
    assert "luna2009" not in text.casefold()
    for message in texts:
        assert message not in text, message
    # What stays are one-way tags: the audit still says that a participant was muted and banned,
    # and the reports that messages were reported and flagged.
    audit = tables["test-audit"]
    actions = {item["action"]["S"]: item["target"]["S"] for item in audit}
    assert actions["mute"].startswith("deleted-") and actions["ban"] == actions["mute"]
    assert actions["remove"].startswith(actions["mute"] + ": ")
    kinds = {item["kind"]["S"] for item in tables["test-reports"]}
    assert {"crisis", "held_back", "report"} <= kinds
    assert {item["pseudonym"]["S"] for item in tables["test-reports"]} == {actions["mute"]}
    assert all(item["excerpt"]["S"] == "" for item in tables["test-reports"])
    assert not tables["test-restrictions"]
    session = next(item for item in tables["test-sessions"] if item["session_id"]["S"] == session_id)
    assert "pinned_text" not in session and len(session["attendees"]["SS"]) == 2  # Sol's and Luna's tags
    assert _log_in(world, "Luna2009", TEEN_PASSWORD).status == 401
    assert world.connections.frames_to(sol, "message_removed")


# --- tokens: however a token is wrong, the answer is 401 -------------------------------------------------


def _forged(**claims: Any) -> str:
    now = int(datetime.now(UTC).timestamp())
    base = {
        "iss": "gruppechat",
        "aud": "gruppechat:participant",
        "sub": "01HXYZ",
        "name": "Sol",
        "role": "participant",
        "iat": now,
        "exp": now + 3600,
    }
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, token_secret(), algorithm="HS256")


NOW_S = int(datetime.now(UTC).timestamp())
FORGED = {
    "exp as a string": {"exp": str(NOW_S + 3600)},
    "exp as a float string": {"exp": "1e12"},
    "exp as a boolean": {"exp": True},
    "exp as a list": {"exp": [NOW_S + 3600]},
    "iat missing": {"iat": None},
    "iat as a string": {"iat": "yesterday"},
    "sub as a number": {"sub": 12345},
    "role as a list": {"role": ["participant"]},
    "name as an object": {"name": {"first": "Sol"}},
    "no audience": {"aud": None},
    "the mentor audience": {"aud": "gruppechat:mentor"},
    "another service's audience": {"aud": "somebody-else"},
    "two audiences": {"aud": ["gruppechat:participant", "gruppechat:mentor"]},
    "a lifetime of a year": {"exp": NOW_S + 365 * 24 * 3600},
    "25 hours": {"exp": NOW_S + 25 * 3600},
    "issued in the future": {"iat": NOW_S + 3600, "exp": NOW_S + 7200},
    "expired": {"iat": NOW_S - 7200, "exp": NOW_S - 3600},
}


@pytest.mark.parametrize("case", sorted(FORGED))
def test_a_signed_token_with_wrong_claims_is_401_on_every_door(world: World, case: str):
    token = _forged(**FORGED[case])
    assert _as_teen(world, "GET", "/me/groups", token).status == 401
    assert world.gateway.authorized("GET", "/mentor/sessions", token).status == 401
    _, answer = world.gateway.connect(token)
    assert answer["statusCode"] == 401


def test_a_mentor_token_is_401_on_a_participant_route(world: World):
    assert _as_teen(world, "GET", "/me/groups", world.mentor_token).status == 401


def test_a_wellformed_forged_token_for_a_real_account_still_works_so_the_forgeries_above_prove_something(world: World):
    signed_up = world.gateway.post("rest_sign_up", sign_up_body("Sol")).json()
    token = _forged(sub=signed_up["participant_id"])
    assert _as_teen(world, "GET", "/me/groups", token).status == 200
    assert datetime.fromisoformat(signed_up["expires_at"]) - datetime.now(UTC) <= timedelta(hours=24)
