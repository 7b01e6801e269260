"""The ``@connections`` half of the fault matrix: one socket answers 410, 429, 500, 403 or times out.

Every path runs with one member's socket failing for good (the path's *bystander*) and, for the
faults worth retrying, another member's failing twice and then working. Posts go through the
production :class:`~chalicelib.delivery.ManagementApi`, which sees botocore's own modelled
exceptions (see :class:`~tests.unit.faultkit.Sockets`). Afterwards:

* the handler answered as if nothing were wrong (a mentor's answer counts who was not reached)
  and never raised;
* everyone else got what the path tells them: the transient failure after a retry;
* the bystander: 410 removed the connection and the room heard that they left; 429, 500 and
  time-outs were retried until the budget ran out; 403 was tried once and never again.
"""

from __future__ import annotations

import pytest
from botocore.stub import ANY, Stubber

from chalicelib import frames, storage
from chalicelib.delivery import DELIVERED, FAILED, GONE, Delivery, ManagementApi, encode
from tests.unit.faultkit import (
    FORBIDDEN,
    IN_ROOM,
    LIMIT,
    PATHS,
    POST_FAULTS,
    RETRYABLE,
    SERVER,
    THROTTLING,
    TIMEOUT,
    Clock,
    CrisisSend,
    MentorPath,
    Path,
    SocketPath,
    check_crisis,
    dynamo_faults,
    rooms,
)
from tests.unit.faultkit import (
    GONE as GONE_410,
)

NOBODY = storage.Connection("nobody")
NAMES = {"anna": "Anna", "bo": "Bo", "cia": "Cia", "dan": "Dan", "mette": "Mette", "mads": "Mads"}


def transient_for(path: Path) -> str | None:
    """Someone else the path tells, whose socket fails twice and then works."""
    others = [c for c in path.audience if c != path.bystander and c != getattr(path, "actor", None)]
    return others[0] if others else None


@pytest.mark.parametrize("kind", POST_FAULTS)
@pytest.mark.parametrize("path", PATHS, ids=str)
def test_a_failing_socket_costs_nobody_else_their_frame(path: Path, kind: str) -> None:
    with rooms() as fresh:
        world = fresh()
        path.prepare(world)
        bystander, transient = path.bystander, transient_for(path)
        in_room = bool((storage.get_connection(bystander) or NOBODY).session_id)
        world.sockets.fail(bystander, kind)
        if kind in RETRYABLE and transient:
            world.sockets.fail(transient, kind, times=2)
        world.notes["unreachable"] = {bystander}

        path.act(world)  # never raises
        path.after(world)
        if isinstance(path, SocketPath) and path.actor != bystander:
            assert path.finished(world), f"{path.actor} did not get its answer: {world.frames(path.actor)}"
        path.recover(world)
        path.check(world)  # everyone reachable saw what they would have seen without the fault

        # Frames only: closing a socket is best effort, tried once (the client ends on the frame before).
        tries = {
            data: n
            for (connection_id, data), n in world.sockets.tries.items()
            if connection_id == bystander and data != b"close"
        }
        if kind in RETRYABLE and transient and world.sockets.attempts[transient]:
            assert world.frames(transient), "a post that failed twice was not retried"
        if not tries:
            return  # this path posts nothing to the bystander (a tick that opens, a resolve)
        if kind == GONE_410:
            assert storage.get_connection(bystander) is None, "a gone connection was kept"
            told_room = in_room and any(c != bystander for c in path.audience)
            if told_room:
                still_here = [c for c in IN_ROOM if c != bystander and (storage.get_connection(c) or NOBODY).session_id]
                for member in still_here:
                    assert any(
                        f["event"] == "left" and f["member"]["pseudonym"] == NAMES[bystander]
                        for f in world.frames(member, "presence")
                    ), f"{member} was not told"
        elif kind == FORBIDDEN:
            assert set(tries.values()) == {1}, "a 403 was retried"
        else:
            assert min(tries.values()) > 1, f"a {kind} was not retried"
        if isinstance(path, MentorPath) and kind != GONE_410:
            answer = world.answers[-1].body
            if "not_reached" in answer:
                assert answer["not_reached"] >= 1, answer


# --- the teen's own socket, and every mentor's ------------------------------------------------------------


@pytest.mark.parametrize("kind", [LIMIT, SERVER, TIMEOUT, FORBIDDEN])
def test_help_lines_that_could_not_be_delivered_come_with_the_retry(kind: str) -> None:
    crisis = CrisisSend()
    with rooms() as fresh:
        world = fresh()
        world.sockets.fail("anna", kind)
        crisis.act(world)
        assert storage.recent_reports("org-a")[0].helped is False, "help lines marked as sent"
        world.sockets.faults.clear()  # her connection recovers; her client sends again
        crisis.act(world)
        crisis.check(world)


def test_a_crisis_alert_no_mentor_could_receive_is_first_in_the_queue() -> None:
    crisis = CrisisSend()
    with rooms() as fresh:
        world = fresh()
        world.say("bo", {"action": "report", "message_id": world.said["anna"]})
        for mentor in ("mette", "mads"):
            world.sockets.fail(mentor, SERVER)
        crisis.act(world)
        queue = storage.open_reports("org-a")
        assert [r.kind for r in queue] == ["crisis", "report"], "the crisis must be the first a mentor sees"
        world.notes["unreachable"] = {"mette", "mads"}
        check_crisis(world, "anna", kind="crisis", mentors=())


def test_a_gone_socket_that_cannot_be_removed_still_costs_nobody_their_message() -> None:
    with rooms() as fresh, dynamo_faults() as faults:
        world = fresh()
        world.sockets.fail("cia", GONE_410)
        members = storage.session_connections(world.session.session_id)
        faults.arm(0, THROTTLING)  # removing the gone connection fails
        try:
            outcome = world.delivery.send_all(members, {"type": "topic", "session_id": "s", "topic": "x"})
        finally:
            faults.stop()
        assert faults.hit == ("DeleteItem", "connections")
        assert sorted(outcome.delivered) == ["anna", "bo", "mette"] and outcome.gone == ["cia"]


# --- the real Management API client, answered by botocore's Stubber --------------------------------------


def _stubbed() -> tuple[ManagementApi, Stubber, list[str], Delivery]:
    api = ManagementApi("eu-north-1", endpoint="https://abc123.execute-api.eu-north-1.amazonaws.com/test")
    client = api._client(storage.Connection("anna"))
    calls: list[str] = []
    client.meta.events.register(
        "before-parameter-build.apigatewaymanagementapi.PostToConnection",
        lambda params, **_: calls.append(params["ConnectionId"]),
    )
    clock = Clock()
    # One worker: the stubbed answers are consumed in a known order.
    return api, Stubber(client), calls, Delivery(api, workers=1, sleep=clock.sleep, clock=clock)


def _post(connection_id: str, data: object = ANY) -> dict[str, object]:
    return {"ConnectionId": connection_id, "Data": data}


def test_through_the_real_client_410_is_gone_and_429_and_500_are_retried() -> None:
    with rooms() as fresh:
        fresh()
        anna, bo, cia = (storage.get_connection(c) for c in ("anna", "bo", "cia"))
        _api, stubber, calls, delivery = _stubbed()
        stubber.add_client_error(
            "post_to_connection", "LimitExceededException", "Limit Exceeded", 429, expected_params=_post("anna")
        )
        stubber.add_response("post_to_connection", {}, _post("anna"))
        stubber.add_client_error(
            "post_to_connection", "InternalServerErrorException", "", 500, expected_params=_post("bo")
        )
        stubber.add_response("post_to_connection", {}, _post("bo"))
        stubber.add_client_error("post_to_connection", "GoneException", "", 410, expected_params=_post("cia"))
        left = encode(frames.presence("left", cia))
        stubber.add_response("post_to_connection", {}, _post("anna", left))
        stubber.add_response("post_to_connection", {}, _post("bo", left))
        with stubber:
            outcome = delivery.send_all([anna, bo, cia], {"type": "topic", "session_id": "s", "topic": "x"})
            stubber.assert_no_pending_responses()
        assert outcome.results == {"anna": DELIVERED, "bo": DELIVERED, "cia": GONE}
        assert calls == ["anna", "anna", "bo", "bo", "cia", "anna", "bo"]
        assert storage.get_connection("cia") is None, "the gone connection was kept"


def test_through_the_real_client_403_is_not_retried_and_a_spent_budget_gives_up() -> None:
    with rooms() as fresh:
        world = fresh()
        anna, bo = storage.get_connection("anna"), storage.get_connection("bo")
        _api, stubber, calls, delivery = _stubbed()
        stubber.add_client_error(
            "post_to_connection", "ForbiddenException", "Forbidden", 403, expected_params=_post("anna")
        )
        for _ in range(40):  # more throttling than the budget allows
            stubber.add_client_error(
                "post_to_connection", "LimitExceededException", "", 429, expected_params=_post("bo")
            )
        with stubber:
            outcome = delivery.send_all([anna, bo], {"type": "topic", "session_id": "s", "topic": "x"})
        assert outcome.results == {"anna": FAILED, "bo": FAILED}
        assert calls.count("anna") == 1, "a 403 was retried"
        assert 1 < calls.count("bo") < 40, "throttling was retried without end"
        assert storage.get_connection("anna") and storage.get_connection("bo"), "a failed socket is not a gone one"
        assert world is not None
