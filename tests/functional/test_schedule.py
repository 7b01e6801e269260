"""The minute tick: EventBridge's scheduled event through the ``tick`` entry point."""

from __future__ import annotations

import pytest

from tests.functional.conftest import World, build_world, meeting_in_progress


@pytest.fixture
def due(gateway, aws, monkeypatch) -> World:
    """A group whose weekly meeting began two minutes ago; no tick has run since it was planned."""
    world = build_world(gateway, aws, monkeypatch, open_now=False)
    updated = gateway.authorized(
        "PUT", "/admin/groups/{group_id}", world.admin_token, meeting_in_progress(), group_id=world.group_id
    )
    assert updated.status == 200, updated.body
    return world


def _listed(world: World) -> dict:
    groups = world.gateway.groups()
    assert groups.status == 200
    return next(g for g in groups.json()["groups"] if g["id"] == world.group_id)


def test_the_scheduled_event_opens_a_meeting_that_is_due(due: World):
    token = due.sign_up("Sol")
    connection_id, answer = due.gateway.connect(token)
    assert answer["statusCode"] == 200
    assert _listed(due)["open"] is False
    due.gateway.send(connection_id, {"action": "join", "group_id": due.group_id})
    assert [f["code"] for f in due.connections.frames_to(connection_id, "error")] == ["session_closed"]

    due.gateway.tick()

    assert _listed(due)["open"] is True
    due.gateway.send(connection_id, {"action": "join", "group_id": due.group_id})
    joined = due.connections.frames_to(connection_id, "joined")
    assert len(joined) == 1 and joined[0]["session"]["status"] == "open"


def test_a_second_tick_changes_nothing(due: World):
    due.gateway.tick()
    first = _listed(due)["session"]

    due.gateway.tick()

    assert _listed(due)["session"] == first


def test_a_tick_with_nothing_due_leaves_a_future_meeting_closed(gateway, aws, monkeypatch):
    world = build_world(gateway, aws, monkeypatch, open_now=False)

    gateway.tick()

    listed = _listed(world)
    assert listed["open"] is False
    assert listed["next_meetings"], listed
