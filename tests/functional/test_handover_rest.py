"""Handover notes over REST, through API Gateway's authorizer: mentors of the organisation only."""

from __future__ import annotations

from tests.functional.conftest import ADMIN_PASSWORD, World, _mentor_log_in, bootstrap_organisation

NOTES = "/mentor/groups/{group_id}/notes"
SUMMARIES = "/mentor/groups/{group_id}/summaries"
NOTE = "Fortalte om mobning i klassen; spørg næste gang"


def _write(world: World, token: str, text: str, version: int, pseudonym: str = "Sol"):
    body = {"pseudonym": pseudonym, "text": text, "version": version}
    return world.gateway.authorized("PUT", NOTES, token, body, group_id=world.group_id)


def test_a_note_is_written_and_edited_by_the_organisations_mentors(world: World):
    world.sign_up("Sol")

    first = _write(world, world.mentor_token, NOTE, 0)
    assert first.status == 200, first.body
    assert first.json()["note"]["version"] == 1

    edited = _write(world, world.admin_token, NOTE + " (gjort)", 1)
    stale = _write(world, world.mentor_token, "en ældre udgave", 1)

    assert edited.status == 200
    assert stale.status == 409 and stale.json()["error"]["code"] == "note_conflict"
    assert stale.json()["error"]["version"] == 2
    read = world.gateway.authorized("GET", NOTES, world.mentor_token, group_id=world.group_id)
    assert [(n["pseudonym"], n["text"], n["version"]) for n in read.json()["notes"]] == [("Sol", NOTE + " (gjort)", 2)]


def test_a_participants_token_reaches_no_note_and_no_summary(world: World):
    teen = world.sign_up("Sol")
    _write(world, world.mentor_token, NOTE, 0)

    for method, resource, body in (
        ("GET", NOTES, None),
        ("PUT", NOTES, {"pseudonym": "Sol", "text": "overskrevet", "version": 1}),
        ("GET", SUMMARIES, None),
    ):
        answer = world.gateway.authorized(method, resource, teen, body, group_id=world.group_id)
        assert answer.status == 401, (method, resource, answer.body)
        assert "mobning" not in answer.text
    read = world.gateway.authorized("GET", NOTES, world.mentor_token, group_id=world.group_id)
    assert read.json()["notes"][0]["text"] == NOTE


def test_a_mentor_of_another_organisation_gets_403_and_the_note_stays(world: World, monkeypatch):
    world.sign_up("Sol")
    _write(world, world.mentor_token, NOTE, 0)
    _, other_admin = bootstrap_organisation(monkeypatch)
    stranger = _mentor_log_in(world.gateway, other_admin, ADMIN_PASSWORD)

    for method, resource, body in (
        ("GET", NOTES, None),
        ("PUT", NOTES, {"pseudonym": "Sol", "text": "overskrevet", "version": 1}),
        ("GET", SUMMARIES, None),
    ):
        answer = world.gateway.authorized(method, resource, stranger, body, group_id=world.group_id)
        assert answer.status == 403, (method, resource, answer.body)
        assert answer.json()["error"]["code"] == "forbidden"
        assert "mobning" not in answer.text
    read = world.gateway.authorized("GET", NOTES, world.mentor_token, group_id=world.group_id)
    assert read.json()["notes"][0]["text"] == NOTE


def test_the_summaries_route_reads_a_limit(world: World):
    answer = world.gateway.authorized(
        "GET", SUMMARIES, world.mentor_token, query={"limit": "2"}, group_id=world.group_id
    )
    assert answer.status == 200 and answer.json()["summaries"] == []

    too_many = world.gateway.authorized(
        "GET", SUMMARIES, world.mentor_token, query={"limit": "99"}, group_id=world.group_id
    )
    assert too_many.status == 400 and too_many.json()["error"]["code"] == "bad_limit"
