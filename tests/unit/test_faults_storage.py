"""The DynamoDB half of the fault matrix: every path against every DynamoDB fault, at every call.

For each path a fault-free run first records the DynamoDB calls the path makes. Then, for each
call the fault applies to (see :func:`~tests.unit.faultkit.injection_points`), a fresh room
meets that fault at exactly that call, and afterwards:

* the handler answered (an error frame, a 500 with our JSON error) and never raised;
* a sender whose message was not stored was told ``not_stored``;
* a moderation effect that was stored has its audit entry;
* after what comes next in life (the client sends again with the same ``client_id``, the mentor
  clicks again on a 5xx, the next minute's tick), everyone reachable sees what they would have
  seen without the fault: the message once, one crisis report alerted and help lines sent, a
  session opened, warned or closed with every step done and the next meeting planned.
"""

from __future__ import annotations

import pytest

from tests.unit.faultkit import (
    DYNAMO_FAULTS,
    PATHS,
    THROTTLING,
    Path,
    dynamo_faults,
    injection_points,
    rooms,
)


@pytest.fixture(scope="module")
def faults():
    with dynamo_faults() as injected:
        yield injected


@pytest.mark.parametrize("code", DYNAMO_FAULTS)
@pytest.mark.parametrize("path", PATHS, ids=str)
def test_a_dynamodb_fault_at_any_call_of_a_path_loses_nothing(path: Path, code: str, faults, subtests) -> None:
    with rooms() as fresh:
        world = fresh()
        path.prepare(world)
        faults.record()
        path.act(world)
        faults.stop()
        calls = list(faults.calls)
        path.after(world)
        path.recover(world)
        path.check(world)  # the path itself works without faults
        points = injection_points(calls, code)
        assert points, f"{path} makes no DynamoDB call"
        for index in points:
            operation, table = calls[index]
            with subtests.test(call=index, operation=f"{operation} {table}"):
                world = fresh()
                path.prepare(world)
                faults.arm(index, code)
                try:
                    path.act(world)  # a handler never raises: this would fail the test
                finally:
                    faults.stop()
                assert faults.hit == calls[index], "the path took another way before the fault"
                path.after(world)
                path.recover(world)
                path.check(world)


def test_a_tick_whose_query_for_due_sessions_fails_returns_and_the_next_one_does_the_work(faults) -> None:
    from datetime import timedelta

    from chalicelib.edge import websocket
    from tests.unit.faultkit import TickClose

    close = TickClose()
    with rooms() as fresh:
        world = fresh()
        faults.arm(0, THROTTLING)  # the tick's first call: the query of the due index
        try:
            counts = world.keeper.tick(close.when).counts()
        finally:
            faults.stop()
        assert faults.hit == ("Query", "sessions")
        assert counts["failed"] == 1
        world.keeper.tick(close.when + timedelta(minutes=1))
        close.check(world)
        assert websocket  # the handler calls keeper.tick and logs its counts
