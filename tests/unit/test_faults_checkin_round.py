"""Check-ins and rounds against every DynamoDB fault, at every call (as tests/unit/test_faults_storage.py).

After what comes next in life (the teen or the mentor clicks again while the answer is an error),
each one counts once: one answer per teen in the session's counts and the mentors' spread, one
round, one pass — and everyone reachable sees the state as stored.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib import frames, storage
from tests.unit.faultkit import DYNAMO_FAULTS, SocketPath, World, dynamo_faults, injection_points, rooms

QUESTION = "Sig én ting der gik godt i denne uge"
TEENS = ("anna", "bo", "cia")


class ChangeCheckIn(SocketPath):
    """Anna answered 4 at the start; now she changes it to 2."""

    name = "change check-in"
    done = ("checkin_saved",)

    def prepare(self, world: World) -> None:
        world.say("anna", {"action": "checkin", "phase": "in", "mood": 4})
        world.say("bo", {"action": "checkin", "phase": "in", "mood": 5})
        assert world.frames("anna")[-1]["type"] == "checkin_saved"

    def frame(self, world: World) -> dict[str, Any]:
        return {"action": "checkin", "phase": "in", "mood": 2}

    def check(self, world: World) -> None:
        session = storage.get_session(world.session.session_id)
        assert session is not None
        assert frames.mood_counts(session, "checkin") == [0, 1, 0, 0, 1], "each teen counts once"
        assert world.frames("anna")[-1] == {
            "type": "checkin_saved", "session_id": session.session_id, "phase": "in", "mood": 2
        }  # fmt: skip
        assert world.frames("mette", "checkin_spread")[-1]["in"] == [0, 1, 0, 0, 1]
        assert sorted(int(item.checkin) for item in storage.Checkin.query(session.session_id)) == [2, 5]


class StartRound(SocketPath):
    name = "start round"
    actor = "mette"
    done = ("round",)

    def frame(self, world: World) -> dict[str, Any]:
        return {"action": "round_start", "question": QUESTION}

    def finished(self, world: World) -> bool:
        last = world.frames(self.actor)[-1:] or [{}]
        return last[0].get("type") == "round" or last[0].get("code") == "round_running"

    def check(self, world: World) -> None:
        item = storage.get_round(world.session.session_id)
        assert item is not None and item.state == storage.ROUND_RUNNING
        for connection_id in ("mette", *TEENS):
            seen = {f["round"]["id"] for f in world.frames(connection_id, "round")}
            assert seen == {item.round_id}, f"{connection_id} saw rounds {seen}"
        assert [t["pseudonym"] for t in json.loads(item.turns)] == ["Anna", "Bo", "Cia"]


class PassTurn(SocketPath):
    name = "pass"
    done = ("round",)

    def prepare(self, world: World) -> None:
        world.say("mette", {"action": "round_start", "question": QUESTION})
        world.notes["round_id"] = world.frames("mette", "round")[-1]["round"]["id"]

    def frame(self, world: World) -> dict[str, Any]:
        return {"action": "round_pass", "round_id": world.notes["round_id"]}

    def check(self, world: World) -> None:
        item = storage.get_round(world.session.session_id)
        assert item is not None
        assert [t["outcome"] for t in json.loads(item.turns)] == ["passed", None, None]
        assert int(item.turn) == 1
        for connection_id in ("mette", *TEENS):
            view = world.frames(connection_id, "round")[-1]["round"]
            assert view["turn"] == 1 and view["turns"][0]["outcome"] == "passed", connection_id


class JoinDuringRound(SocketPath):
    """Dan comes in while a round runs: one turn for him, at the end, whatever failed on the way (his
    join adds it; should a fault stop that, the round's next move does)."""

    name = "join during a round"
    actor = "dan"
    done = ("joined",)

    def prepare(self, world: World) -> None:
        world.say("mette", {"action": "round_start", "question": QUESTION})
        world.notes["round_id"] = world.frames("mette", "round")[-1]["round"]["id"]

    def frame(self, world: World) -> dict[str, Any]:
        return {"action": "join", "group_id": "g1"}

    def check(self, world: World) -> None:
        world.say("anna", {"action": "round_pass", "round_id": world.notes["round_id"]})
        item = storage.get_round(world.session.session_id)
        assert item is not None
        order = ["Anna", "Bo", "Cia", "Dan"]
        assert [t["pseudonym"] for t in json.loads(item.turns)] == order, "one turn for Dan, at the end"
        for connection_id in ("mette", *TEENS, "dan"):
            view = world.frames(connection_id, "round")[-1]["round"]
            assert [t["pseudonym"] for t in view["turns"]] == order and view["turn"] == 1, connection_id


PATHS = [ChangeCheckIn(), StartRound(), PassTurn(), JoinDuringRound()]


@pytest.fixture(scope="module")
def faults():
    with dynamo_faults() as injected:
        yield injected


@pytest.mark.parametrize("code", DYNAMO_FAULTS)
@pytest.mark.parametrize("path", PATHS, ids=str)
def test_a_dynamodb_fault_in_a_check_in_or_a_round_counts_once_after_a_retry(path, code, faults, subtests) -> None:
    with rooms() as fresh:
        world = fresh()
        path.prepare(world)
        faults.record()
        path.act(world)
        faults.stop()
        calls = list(faults.calls)
        path.after(world)
        path.recover(world)
        path.check(world)
        for index in injection_points(calls, code):
            operation, table = calls[index]
            with subtests.test(call=index, operation=f"{operation} {table}"):
                world = fresh()
                path.prepare(world)
                faults.arm(index, code)
                try:
                    path.act(world)
                finally:
                    faults.stop()
                assert faults.hit == calls[index], "the path took another way before the fault"
                path.after(world)
                path.recover(world)
                path.check(world)
