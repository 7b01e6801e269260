"""The fault kit: AWS misbehaving on purpose, a live room to misbehave in, and every path a user takes.

* :class:`DynamoFaults` makes one chosen DynamoDB call fail at the botocore boundary
  (``BaseClient._make_api_call``) with the error AWS answers after botocore's own retries, so
  PynamoDB wraps it exactly as it would in production. ``InternalServerError`` is injected *after*
  the call took effect (AWS: "the request may or may not have succeeded"); the others before.
* :class:`Sockets` is ``@connections`` seen from the server: it records what lands on each socket
  and answers 410, 429, 500, 403 or a time-out for chosen ones. It is the transport under the real
  :class:`~chalicelib.delivery.ManagementApi`, which raises botocore's own modelled exceptions, so
  the error mapping under test is production's.
* :func:`build_world` sets up a live room: an organisation, an open session, three teens, a mentor
  in the session and one elsewhere, and a few messages.
* :data:`PATHS`: each thing a user (or the minute tick) does, with what they do next when it
  fails (the client sends again with the same ``client_id``, the mentor clicks again, the next tick
  comes) and what they must see afterwards.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import botocore.client
from botocore.exceptions import ClientError, ReadTimeoutError
from moto import mock_aws

from chalicelib import storage
from chalicelib.accounts import participants as accounts
from chalicelib.accounts.passwords import hash_secret
from chalicelib.accounts.tags import attendance_tag
from chalicelib.accounts.tokens import MENTOR, PARTICIPANT, Identity
from chalicelib.chat.inbound import Caller
from chalicelib.chat.service import ChatService
from chalicelib.delivery import Delivery, ManagementApi
from chalicelib.edge import http, websocket
from chalicelib.moderation.actions import Moderation
from chalicelib.organisation import settings as org_settings
from chalicelib.sessions.calendar import CLOSING_WARNING
from chalicelib.sessions.keeper import SessionKeeper
from tests.conftest import NOW

# --- DynamoDB faults ------------------------------------------------------------------------------

THROTTLING = "ThrottlingException"
THROUGHPUT = "ProvisionedThroughputExceededException"
INTERNAL = "InternalServerError"
CANCELLED = "TransactionCanceledException"
DYNAMO_FAULTS = (THROTTLING, THROUGHPUT, INTERNAL, CANCELLED)
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"})


def dynamo_error(code: str, operation: str, params: dict[str, Any]) -> ClientError:
    """The error botocore raises once its own retries are spent, shaped as DynamoDB sends it."""
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": f"injected {code}"},
        "ResponseMetadata": {
            "HTTPStatusCode": 500 if code == INTERNAL else 400,
            "HTTPHeaders": {"x-amzn-requestid": "injected"},
        },
    }
    if code == CANCELLED:
        # One reason per item, as DynamoDB gives them: a conflicting transaction on the first item.
        items = params.get("TransactItems") or [{}]
        response["CancellationReasons"] = [{"Code": "TransactionConflict", "Message": "conflict"}] + [
            {"Code": "None"} for _ in items[1:]
        ]
    return ClientError(response, operation)


def _table(params: dict[str, Any]) -> str:
    if "TableName" in params:
        return str(params["TableName"]).removeprefix("test-")
    if "TransactItems" in params:
        return "+".join(
            next(iter(item.values()))["TableName"].removeprefix("test-") for item in params["TransactItems"]
        )
    if "RequestItems" in params:
        return "+".join(name.removeprefix("test-") for name in params["RequestItems"])
    return "?"


class DynamoFaults:
    """Counts DynamoDB calls while recording, and fails the one chosen (by its index) when armed."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.recording = False
        self._plan: tuple[int, str, bool] | None = None
        self.hit: tuple[str, str] | None = None

    def record(self) -> None:
        self.calls, self.recording, self._plan, self.hit = [], True, None, None

    def arm(self, index: int, code: str) -> None:
        self.record()
        self._plan = (index, code, code == INTERNAL)

    def stop(self) -> None:
        self.recording, self._plan = False, None

    def intercept(self, original: Callable[..., Any], client: Any, operation: str, params: dict[str, Any]) -> Any:
        if not self.recording or client.meta.service_model.service_name != "dynamodb":
            return original(client, operation, params)
        index = len(self.calls)
        self.calls.append((operation, _table(params)))
        if self._plan is None or self._plan[0] != index:
            return original(client, operation, params)
        _, code, applied = self._plan
        self.hit = self.calls[index]
        if applied:  # it happened, but the answer was lost
            original(client, operation, params)
        raise dynamo_error(code, operation, params)


@contextmanager
def dynamo_faults() -> Iterator[DynamoFaults]:
    faults = DynamoFaults()
    original = botocore.client.BaseClient._make_api_call

    def patched(client: Any, operation: str, params: dict[str, Any]) -> Any:
        return faults.intercept(original, client, operation, params)

    botocore.client.BaseClient._make_api_call = patched  # type: ignore[method-assign]
    try:
        yield faults
    finally:
        botocore.client.BaseClient._make_api_call = original  # type: ignore[method-assign]


def injection_points(calls: list[tuple[str, str]], code: str) -> list[int]:
    """Which calls of a path each fault is tried on.

    Throttling, exceeded throughput and internal errors: every call (an internal error comes after
    the call took effect). A cancelled transaction: every transaction; a path without one is tried
    on its writes (or its reads), to show that the handling does not depend on the code.
    """
    everything = list(range(len(calls)))
    if code != CANCELLED:
        return everything
    transactions = [i for i, (operation, _) in enumerate(calls) if operation == "TransactWriteItems"]
    return transactions or [i for i in everything if calls[i][0] in WRITES] or everything


# --- @connections faults --------------------------------------------------------------------------

GONE, LIMIT, SERVER, FORBIDDEN, TIMEOUT = "410", "429", "500", "403", "timeout"
POST_FAULTS = (GONE, LIMIT, SERVER, FORBIDDEN, TIMEOUT)
RETRYABLE = (LIMIT, SERVER, TIMEOUT)
_ANSWERS = {
    GONE: (410, "GoneException"),
    LIMIT: (429, "LimitExceededException"),
    SERVER: (500, "InternalServerErrorException"),
    FORBIDDEN: (403, "ForbiddenException"),
}


@lru_cache(maxsize=1)
def management_client() -> Any:
    """A real Management API client, for its modelled exception classes (it never sends anything)."""
    import boto3

    return boto3.session.Session().client(
        "apigatewaymanagementapi",
        endpoint_url="https://local.execute-api.eu-north-1.amazonaws.com/test",
        region_name="eu-north-1",
    )


class Sockets:
    """``@connections`` from the server's side: records landed frames, fails chosen sockets.

    ``fail(connection_id, kind, times)`` makes the next ``times`` posts (and closes) to that socket
    fail (``None``: every one). A 410 socket stays gone. Thread-safe: a room is posted to by a pool.
    """

    def __init__(self) -> None:
        self.exceptions = management_client().exceptions
        self.frames: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.attempts: Counter[str] = Counter()
        self.tries: Counter[tuple[str, bytes]] = Counter()  # per socket and frame ("close" for a close)
        self.closed: list[str] = []
        self.faults: dict[str, tuple[str, int | None]] = {}
        self._lock = threading.Lock()

    def fail(self, connection_id: str, kind: str, times: int | None = None) -> None:
        self.faults[connection_id] = (kind, times)

    def _fault(self, connection_id: str, data: bytes) -> None:
        with self._lock:
            self.attempts[connection_id] += 1
            self.tries[connection_id, data] += 1
            kind, times = self.faults.get(connection_id, (None, None))
            if kind is None:
                return
            if times is not None:
                if times <= 0:
                    return
                self.faults[connection_id] = (kind, times - 1)
        if kind == TIMEOUT:
            raise ReadTimeoutError(endpoint_url=f"https://local/@connections/{connection_id}")
        status, code = _ANSWERS[kind]
        parsed = {"Error": {"Code": code, "Message": ""}, "ResponseMetadata": {"HTTPStatusCode": status}}
        raise self.exceptions.from_code(code)(parsed, "PostToConnection")

    # The two Management API operations ManagementApi calls.
    def post_to_connection(self, ConnectionId: str, Data: bytes) -> dict[str, Any]:
        self._fault(ConnectionId, Data)
        with self._lock:
            self.frames[ConnectionId].append(json.loads(Data))
        return {}

    def delete_connection(self, ConnectionId: str) -> dict[str, Any]:
        self._fault(ConnectionId, b"close")
        with self._lock:
            self.closed.append(ConnectionId)
        return {}

    # What the tests read.
    def of(self, connection_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        return [f for f in self.frames.get(connection_id, []) if kind is None or f["type"] == kind]

    def clear(self) -> None:
        self.frames.clear()
        self.attempts.clear()
        self.tries.clear()
        self.closed.clear()


class FaultyApi(ManagementApi):
    """The production poster over :class:`Sockets` instead of HTTPS."""

    def __init__(self, sockets: Sockets) -> None:
        super().__init__("eu-north-1")
        self.sockets = sockets

    def _client(self, recipient: Any) -> Any:
        return self.sockets


class Clock:
    """Time that moves only when the delivery sleeps between retries: retries cost no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def fast_delivery(poster: Any) -> Delivery:
    clock = Clock()
    return Delivery(poster, sleep=clock.sleep, clock=clock, jitter=lambda: 0.5)


# --- the world ----------------------------------------------------------------------------------

PASSWORD = "hemmelig-kode"


@lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_secret(PASSWORD)


TEENS = {"anna": "Anna", "bo": "Bo", "cia": "Cia", "dan": "Dan"}
IN_ROOM = ("anna", "bo", "cia", "mette")  # dan is connected, not joined; mads is a mentor elsewhere
MENTORS = ("mette", "mads")


@dataclass
class World:
    sockets: Sockets
    delivery: Delivery
    chat: ChatService
    keeper: SessionKeeper
    moderation: Moderation
    session: storage.Session
    mentor: Identity
    ids: dict[str, str]  # connection id -> user id
    said: dict[str, str] = field(default_factory=dict)  # "anna", "bo" -> the id of a message they wrote
    answers: list[Any] = field(default_factory=list)  # REST answers, in order
    notes: dict[str, Any] = field(default_factory=dict)

    def caller(self, connection_id: str) -> Caller:
        return Caller(connection_id, "local", "test")

    def say(self, connection_id: str, frame: dict[str, Any], now: datetime = NOW) -> None:
        self.chat.handle(self.caller(connection_id), json.dumps(frame, ensure_ascii=False), now)

    def rest(self, call: Callable[[], Any]) -> Any:
        """A REST route's answer, rendered as the edge renders it (a refusal or a crash: JSON + status)."""
        response = http.rest(call)()
        answer = SimpleNamespace(status=response.status_code, body=json.loads(response.body))
        self.answers.append(answer)
        return answer

    def frames(self, connection_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        return self.sockets.of(connection_id, kind)

    def audit(self, action: str) -> list[storage.AuditEntry]:
        return [entry for entry in storage.audit_entries("org-a") if entry.action == action]


def _participant(name: str) -> str:
    participant_id = f"p-{name.lower()}"
    storage.Participant(
        accounts.pseudonym_key(name),
        participant_id=participant_id,
        pseudonym=name,
        password_hash=password_hash(),
        recovery_hash=password_hash(),
        created_at=NOW,
    ).save()
    return participant_id


def build_world() -> World:
    """A live room at NOW; call inside ``mock_aws`` with the tables created."""
    org_settings.forget()
    storage.Organisation("org-a", name="Forening A", retention_days=30).save()
    for group_id in ("g1", "g2"):
        storage.Group(group_id, org_id="org-a", name=f"Gruppe {group_id}", rules=["Vær sød"]).save()
    session = storage.Session(
        "g1:20261125T1800Z",
        group_id="g1",
        org_id="org-a",
        starts_at=NOW - timedelta(minutes=30),
        ends_at=NOW + timedelta(minutes=60),
        status=storage.OPEN,
        topic="Venskaber",
        due_bucket=storage.PENDING,
        due_at=NOW + timedelta(minutes=60) - CLOSING_WARNING,
    )
    session.save()
    sockets = Sockets()
    delivery = fast_delivery(FaultyApi(sockets))
    keeper = SessionKeeper(delivery)
    chat = ChatService(delivery)
    mentor = Identity("m-mette", "Mette", MENTOR, "org-a")
    ids = {connection_id: _participant(name) for connection_id, name in TEENS.items()}
    world = World(sockets, delivery, chat, keeper, Moderation(delivery, keeper), session, mentor, ids)
    for connection_id, name in TEENS.items():
        chat.connect(world.caller(connection_id), Identity(ids[connection_id], name, PARTICIPANT), NOW)
    for identity, connection_id in ((mentor, "mette"), (Identity("m-mads", "Mads", MENTOR, "org-a"), "mads")):
        chat.connect(world.caller(connection_id), identity, NOW)
        ids[connection_id] = identity.user_id
    earlier = NOW - timedelta(minutes=5)
    for connection_id in IN_ROOM:
        world.say(connection_id, {"action": "join", "group_id": "g1"}, earlier)
    for connection_id, text in (("anna", "jeg hader mandage"), ("bo", "hej med jer")):
        world.say(connection_id, {"action": "send", "text": text, "client_id": f"setup-{connection_id}"}, earlier)
        world.said[connection_id] = world.frames(connection_id, "message")[-1]["message"]["id"]
    sockets.clear()
    return world


def _moto_tables() -> list[Any]:
    from moto.dynamodb.models import dynamodb_backends

    return [
        table
        for account in dynamodb_backends.values()
        for backend in account.values()
        for table in backend.tables.values()
    ]


def _again(world: World) -> World:
    """The same stored room with a fresh poster, as a new Lambda container would see it."""
    sockets = Sockets()
    delivery = fast_delivery(FaultyApi(sockets))
    keeper = SessionKeeper(delivery)
    return World(
        sockets,
        delivery,
        ChatService(delivery),
        keeper,
        Moderation(delivery, keeper),
        world.session,
        world.mentor,
        dict(world.ids),
        dict(world.said),
    )


@contextmanager
def rooms() -> Iterator[Callable[[], World]]:
    """Build the room once, then hand out fresh copies of it: moto's tables are restored from a
    copy of their items (as moto's own table restore does), which is far cheaper than building."""
    with mock_aws():
        storage.create_tables()
        built = build_world()
        # By name: moto replaces table objects when it rolls a cancelled transaction back.
        saved = {table.name: copy.deepcopy(table.items) for table in _moto_tables()}
        made: list[World] = []

        def fresh() -> World:
            for table in _moto_tables():
                table.items = copy.deepcopy(saved[table.name])
            org_settings.forget()
            made.append(_again(built))
            return made[-1]

        try:
            yield fresh
        finally:
            for world in [built, *made]:
                if world.delivery._pool is not None:  # one pool per world: do not pile up threads
                    world.delivery._pool.shutdown(wait=False)


# --- what a client does when an answer is an error ------------------------------------------------

FINAL_REFUSALS = {
    "muted",
    "repeated",
    "rate_limited",
    "slow_mode",
    "banned",
    "session_closed",
    "not_joined",
    "kicked",
    "forbidden",
}


def answered(world: World, connection_id: str, client_id: str) -> str:
    """What the sender's screen shows for one of its sends: confirmed, held back, refused, error, nothing."""
    frames = world.frames(connection_id)
    # Like the web client: the echo or the held-back notice settles a send, whatever comes after.
    for frame in frames:
        if frame["type"] == "message" and frame["message"]["client_id"] == client_id:
            return "confirmed"
        if frame["type"] == "notice" and frame.get("client_id") == client_id:
            return "held_back"
    for frame in reversed(frames):
        if frame["type"] == "error" and frame.get("client_id") == client_id:
            return "refused" if frame["code"] in FINAL_REFUSALS else "error"
    return "nothing"


# --- the paths ----------------------------------------------------------------------------------------


class Path:
    """One thing a user or the tick does. ``act`` does it once; ``recover`` is what comes next when it
    failed; ``check`` is what everyone must see after that. ``audience`` is who the path tells, and
    ``told`` the frame type they get: the delivery matrix checks each of them."""

    name = ""
    audience: tuple[str, ...] = ()
    told = ""
    bystander = "cia"  # whose socket fails in the delivery matrix
    at = NOW

    def prepare(self, world: World) -> None:
        """Set-up this path needs beyond the common room (no faults armed yet)."""

    def act(self, world: World) -> Any:
        """The action itself, once (faults may be armed: nothing here reads storage for the test)."""
        raise NotImplementedError

    def after(self, world: World) -> None:
        """What must hold right after the action, whatever failed inside it."""

    def recover(self, world: World) -> None:
        """What happens next in life: by default, nothing."""

    def check(self, world: World) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.name


def reachable(world: World, who: tuple[str, ...]) -> tuple[str, ...]:
    """Those whose sockets work (the delivery matrix makes one fail for good)."""
    return tuple(c for c in who if c not in world.notes.get("unreachable", ()))


def _everyone_got(world: World, kind: str, who: tuple[str, ...], match: Callable[[dict[str, Any]], bool]) -> None:
    for connection_id in reachable(world, who):
        assert any(match(frame) for frame in world.frames(connection_id, kind)), (
            f"{connection_id} never got the {kind} frame: {world.frames(connection_id)}"
        )


class SocketPath(Path):
    """A frame a connection sends; the client sends it again while its answer is an error."""

    actor = "anna"
    done: tuple[str, ...] = ()  # frame types that answer the action

    def frame(self, world: World) -> dict[str, Any]:
        raise NotImplementedError

    def act(self, world: World) -> None:
        world.notes["before"] = len(world.frames(self.actor))
        world.say(self.actor, self.frame(world), self.at)

    def after(self, world: World) -> None:
        if reachable(world, (self.actor,)):
            assert len(world.frames(self.actor)) > world.notes["before"], f"{self.name}: {self.actor} got no answer"

    def finished(self, world: World) -> bool:
        frames = world.frames(self.actor)
        return bool(frames) and frames[-1]["type"] in self.done

    def recover(self, world: World) -> None:
        if not reachable(world, (self.actor,)):
            return  # nothing reaches the client: it reconnects, and that is another path
        for _ in range(3):
            if self.finished(world):
                return
            self.act(world)
            self.after(world)


class Send(SocketPath):
    name = "send"
    text = "er der nogen der kender det?"
    client_id = "k-send"
    audience = IN_ROOM
    told = "message"

    def frame(self, world: World) -> dict[str, Any]:
        return {
            "action": "send",
            "text": self.text,
            "client_id": self.client_id,
            "session_id": world.session.session_id,
        }

    def after(self, world: World) -> None:
        super().after(world)
        stored = [m for m in storage.recent_messages(world.session.session_id, 50) if m.client_id == self.client_id]
        if not stored:  # a sender whose message was not stored is told so, in those words
            last = world.frames(self.actor)[-1]
            assert last["type"] == "error" and last["code"] == "not_stored", last
            assert last["client_id"] == self.client_id

    def finished(self, world: World) -> bool:
        return answered(world, self.actor, self.client_id) in ("confirmed", "held_back", "refused")

    def check(self, world: World) -> None:
        assert answered(world, self.actor, self.client_id) == "confirmed"
        stored = [m for m in storage.recent_messages(world.session.session_id, 50) if m.client_id == self.client_id]
        assert len(stored) == 1, "stored once, whatever happened"
        message_id = stored[0].message_id
        for connection_id in reachable(world, self.audience):
            ids = {
                f["message"]["id"]
                for f in world.frames(connection_id, "message")
                if f["message"]["client_id"] == self.client_id
            }
            assert ids == {message_id}, f"{connection_id} saw {ids}, not exactly the stored message"


class CrisisSend(Send):
    name = "crisis send"
    text = "jeg vil ikke leve mere"
    client_id = "k-crisis"
    bystander = "mads"  # a mentor's socket fails: the other mentor still gets the alert

    def check(self, world: World) -> None:
        super().check(world)
        check_crisis(world, self.actor, kind="crisis", mentors=("mette", "mads"))


def check_crisis(world: World, teen: str, kind: str, mentors: tuple[str, ...]) -> None:
    """Exactly one crisis report; every reachable mentor shows it once; the teen got the help lines."""
    reports = [r for r in storage.recent_reports("org-a") if r.kind == kind and r.priority == "high"]
    assert len(reports) == 1, f"{len(reports)} {kind} reports"
    report = reports[0]
    assert report.alerted and report.helped
    for mentor in reachable(world, mentors):
        shown = {f["report"]["id"] for f in world.frames(mentor, "report") if f["report"]["kind"] == kind}
        assert shown == {report.report_id}, f"{mentor}'s screen shows alerts {shown}"
    for teen_or_staff in ("bo", "cia"):
        assert world.frames(teen_or_staff, "report") == [], "reports reach staff only"
    assert world.frames(teen, "help_lines"), "the teen never got the help lines"


class HeldBackCrisis(Send):
    """Crisis wording in a message that is held back (a phone number): not stored, still alerted."""

    name = "crisis send, held back"
    text = "jeg vil ikke leve mere, ring 22334455"
    client_id = "k-held"
    bystander = "mads"

    def after(self, world: World) -> None:
        SocketPath.after(self, world)

    def check(self, world: World) -> None:
        assert answered(world, self.actor, self.client_id) == "held_back"
        assert all(m.client_id != self.client_id for m in storage.recent_messages(world.session.session_id, 50))
        for connection_id in ("bo", "cia", "mette"):
            assert not [
                f for f in world.frames(connection_id, "message") if f["message"]["client_id"] == self.client_id
            ], "a held-back message reached the room"
        check_crisis(world, self.actor, kind="held_back", mentors=("mette", "mads"))


class Join(SocketPath):
    name = "join"
    actor = "dan"
    done = ("joined",)
    audience = ("anna", "bo", "cia", "mette")
    told = "presence"

    def frame(self, world: World) -> dict[str, Any]:
        return {"action": "join", "group_id": "g1"}

    def check(self, world: World) -> None:
        joined = world.frames("dan", "joined")[-1]
        assert [m["text"] for m in joined["messages"]] == ["jeg hader mandage", "hej med jer"]
        assert "Dan" in {p["pseudonym"] for p in joined["present"]}
        for connection_id in reachable(world, self.audience):
            told = [f for f in world.frames(connection_id, "presence") if f["member"]["pseudonym"] == "Dan"]
            assert [f["event"] for f in told] == ["joined"], f"{connection_id}: {told}"
        counted = storage.get_session(world.session.session_id).attendees or set()
        assert attendance_tag("g1", world.ids["dan"]) in counted  # counted once, by a one-way tag


class CatchUp(SocketPath):
    name = "catch up"
    done = ("history",)
    audience = ("anna",)
    told = "history"
    bystander = "anna"  # the only one told is the one asking

    def frame(self, world: World) -> dict[str, Any]:
        return {"action": "catch_up", "after": world.said["anna"]}

    def check(self, world: World) -> None:
        if not reachable(world, ("anna",)):
            return  # her client asks again once it has reconnected
        history = world.frames("anna", "history")[-1]
        assert [m["text"] for m in history["messages"]] == ["hej med jer"]


class Leave(SocketPath):
    name = "leave"
    actor = "cia"
    done = ("left",)
    audience = ("anna", "bo", "mette")
    told = "presence"
    bystander = "bo"

    def frame(self, world: World) -> dict[str, Any]:
        return {"action": "leave"}

    def finished(self, world: World) -> bool:
        return super().finished(world) or world.frames("cia")[-1].get("code") == "not_joined"

    def check(self, world: World) -> None:
        assert storage.get_connection("cia").session_id is None
        _everyone_got(
            world, "presence", self.audience, lambda f: f["event"] == "left" and f["member"]["pseudonym"] == "Cia"
        )


class Disconnect(Path):
    """The socket closes; API Gateway calls ``$disconnect`` once and never again."""

    name = "$disconnect"
    audience = ("anna", "bo", "mette")
    told = "presence"
    bystander = "bo"

    def act(self, world: World) -> None:
        world.sockets.fail("cia", GONE)  # closed: a later post to it answers 410
        websocket.on_disconnect(world.chat, SimpleNamespace(connection_id="cia"))

    def recover(self, world: World) -> None:
        # Nobody calls $disconnect again: the next post to the room finds the socket gone.
        world.say(
            "bo", {"action": "send", "text": "er du der, Cia?", "client_id": "k-after"}, NOW + timedelta(seconds=30)
        )

    def check(self, world: World) -> None:
        assert storage.get_connection("cia") is None
        _everyone_got(
            world, "presence", self.audience, lambda f: f["event"] == "left" and f["member"]["pseudonym"] == "Cia"
        )


class Report(SocketPath):
    name = "report"
    actor = "bo"
    done = ("reported",)
    audience = ("mette",)
    told = "report"
    bystander = "mette"  # the only staff in the room

    def frame(self, world: World) -> dict[str, Any]:
        return {"action": "report", "message_id": world.said["anna"], "reason": "ondt"}

    def check(self, world: World) -> None:
        queued = [r for r in storage.open_reports("org-a") if r.message_id == world.said["anna"]]
        assert queued, "the report never reached the queue"
        for mentor in reachable(world, ("mette",)):
            assert {f["report"]["id"] for f in world.frames(mentor, "report")} >= {queued[-1].report_id}


# --- moderation: a mentor clicks; on a 5xx answer they click again ----------------------------------


class MentorPath(Path):
    """A moderation action through the REST edge. ``effect`` says whether it took effect as stored;
    ``audited`` how many audit entries it has; after every answer, an effect has its audit."""

    action = ""
    audience = IN_ROOM
    told = ""

    def call(self, world: World) -> Any:
        raise NotImplementedError

    def act(self, world: World) -> Any:
        return world.rest(lambda: self.call(world))

    def after(self, world: World) -> None:
        assert world.answers[-1].status in (200, 500), world.answers[-1].body
        self.assert_audited(world)

    def recover(self, world: World) -> None:
        if world.answers[-1].status >= 500:
            self.act(world)
            self.after(world)
        assert world.answers[-1].status == 200, world.answers[-1].body

    def effect(self, world: World) -> int:
        """How many times the action took effect, as stored (0 or 1 for most)."""
        raise NotImplementedError

    def assert_audited(self, world: World) -> None:
        effects, entries = self.effect(world), len(world.audit(self.action))
        assert entries >= effects, f"{self.action}: {effects} effects, {entries} audit entries"

    def check(self, world: World) -> None:
        assert self.effect(world) >= 1
        self.assert_audited(world)
        if self.told:
            _everyone_got(world, self.told, self.audience, lambda f: True)


class Remove(MentorPath):
    name = action = "remove"
    told = "message_removed"

    def call(self, world: World) -> Any:
        return world.moderation.remove_message(world.mentor, world.session.session_id, world.said["bo"], "grimt", NOW)

    def effect(self, world: World) -> int:
        return int(storage.get_message(world.session.session_id, world.said["bo"]).state == storage.REMOVED)


class Mute(MentorPath):
    name = action = "mute"
    audience = ("cia",)
    told = "muted"
    bystander = "bo"

    def call(self, world: World) -> Any:
        return world.moderation.mute(world.mentor, world.session.session_id, "Cia", 10, "ro på", NOW)

    def effect(self, world: World) -> int:
        return int(storage.get_restriction(f"session#{world.session.session_id}", world.ids["cia"]) is not None)

    def check(self, world: World) -> None:
        super().check(world)
        world.say("cia", {"action": "send", "text": "hallo?", "client_id": "k-muted"}, NOW + timedelta(minutes=1))
        assert world.frames("cia")[-1]["code"] == "muted", "a muted teen could still write"


class Kick(MentorPath):
    name = action = "kick"
    audience = ("cia",)
    told = "kicked"
    bystander = "bo"

    def call(self, world: World) -> Any:
        return world.moderation.kick(world.mentor, world.session.session_id, "Cia", "ud", NOW)

    def effect(self, world: World) -> int:
        return int(storage.get_connection("cia") is None or "cia" in world.sockets.closed)

    def check(self, world: World) -> None:
        super().check(world)
        assert storage.get_connection("cia") is None and "cia" in world.sockets.closed
        _everyone_got(
            world, "presence", ("anna", "mette"), lambda f: f["event"] == "left" and f["member"]["pseudonym"] == "Cia"
        )


class Ban(Kick):
    name = action = "ban"
    told = "banned"

    def call(self, world: World) -> Any:
        return world.moderation.ban(world.mentor, "g1", "Cia", 7, "ud", NOW)

    def effect(self, world: World) -> int:
        return int(storage.get_restriction("group#g1", world.ids["cia"]) is not None)

    def check(self, world: World) -> None:
        super().check(world)
        world.chat.connect(world.caller("cia2"), Identity(world.ids["cia"], "Cia", PARTICIPANT), NOW)
        world.say("cia2", {"action": "join", "group_id": "g1"})
        assert world.frames("cia2")[-1]["code"] == "banned"


class Topic(MentorPath):
    name = action = "topic"
    told = "topic"

    def call(self, world: World) -> Any:
        return world.moderation.set_topic(world.mentor, world.session.session_id, "Skole", NOW)

    def effect(self, world: World) -> int:
        return int(storage.get_session(world.session.session_id).topic == "Skole")


class Pin(MentorPath):
    name = action = "pin"
    told = "pinned"

    def call(self, world: World) -> Any:
        return world.moderation.pin(world.mentor, world.session.session_id, world.said["bo"], NOW)

    def effect(self, world: World) -> int:
        return int(storage.get_session(world.session.session_id).pinned_message_id == world.said["bo"])


class Announce(MentorPath):
    name = action = "announce"
    told = "message"

    def call(self, world: World) -> Any:
        return world.moderation.announce(world.mentor, world.session.session_id, "Pause om 5 minutter", NOW)

    def effect(self, world: World) -> int:
        return sum(m.kind == "announcement" for m in storage.recent_messages(world.session.session_id, 50))

    def assert_audited(self, world: World) -> None:
        # Every announcement has its own entry, naming it.
        announced = {
            m.message_id for m in storage.recent_messages(world.session.session_id, 50) if m.kind == "announcement"
        }
        assert announced <= {entry.target for entry in world.audit("announce")}


class SlowMode(MentorPath):
    name = action = "slow_mode"
    told = "slow_mode"

    def call(self, world: World) -> Any:
        return world.moderation.slow_mode(world.mentor, world.session.session_id, 30, NOW)

    def effect(self, world: World) -> int:
        return int(storage.get_session(world.session.session_id).slow_mode_s == 30)

    def check(self, world: World) -> None:
        super().check(world)
        assert all(int(c.slow_mode_s or 0) == 30 for c in storage.session_connections(world.session.session_id))


def _g2_sessions() -> list[storage.Session]:
    return list(storage.Session.by_group.query("g2"))


class OpenEarly(MentorPath):
    name = action = "open"
    audience = ()

    def call(self, world: World) -> Any:
        return world.moderation.open_early(world.mentor, "g2", NOW)

    def effect(self, world: World) -> int:
        return sum(s.status == storage.OPEN for s in _g2_sessions())

    def check(self, world: World) -> None:
        super().check(world)
        assert self.effect(world) == 1, "two clicks open one session"


def assert_settled(session_id: str, far: datetime) -> storage.Session:
    """Nothing left to do: no steps pending, and out of the due index unless a transition is ahead."""
    session = storage.get_session(session_id)
    assert not session.pending_steps, f"steps still pending: {session.pending_steps}"
    due = {s.session_id for s in storage.due_sessions(far)}
    if session.status in (storage.CLOSED, storage.CANCELLED):
        assert session_id not in due, "a finished session is still due"
    return session


def check_closed(world: World, now: datetime) -> None:
    """Members told and disconnected, messages counted, summary written, next meeting planned, out of the due index."""
    session = assert_settled(world.session.session_id, now + timedelta(days=30))
    assert session.status == storage.CLOSED
    _everyone_got(world, "session_closed", IN_ROOM, lambda f: True)
    for connection_id in IN_ROOM:
        assert storage.get_connection(connection_id) is None, f"{connection_id} is still connected"
    for connection_id in reachable(world, IN_ROOM):
        assert connection_id in world.sockets.closed, f"{connection_id}'s socket was never closed"
    assert session.message_count == 2
    assert session.summary is not None, "the handover summary for next week's mentors was not written"
    following = [s for s in storage.Session.by_group.query("g1") if s.starts_at > session.ends_at]
    assert [s.status for s in following] == [storage.SCHEDULED], "the next meeting was not planned"


class Close(MentorPath):
    name = action = "close"
    told = ""
    next_tick = NOW + timedelta(minutes=1)

    def call(self, world: World) -> Any:
        return world.moderation.close(world.mentor, world.session.session_id, NOW)

    def recover(self, world: World) -> None:
        if world.answers[-1].status >= 500 and storage.get_session(world.session.session_id).status == storage.OPEN:
            self.act(world)
            self.after(world)
        world.keeper.tick(self.next_tick)

    def effect(self, world: World) -> int:
        return int(storage.get_session(world.session.session_id).status == storage.CLOSED)

    def check(self, world: World) -> None:
        super().check(world)
        check_closed(world, self.next_tick)


class Extend(MentorPath):
    name = action = "extend"
    told = "session_extended"

    def call(self, world: World) -> Any:
        return world.moderation.extend(world.mentor, world.session.session_id, 15, NOW)

    def effect(self, world: World) -> int:
        added = storage.get_session(world.session.session_id).ends_at - world.session.ends_at
        return added // timedelta(minutes=15)

    def check(self, world: World) -> None:
        super().check(world)
        ends = storage.get_session(world.session.session_id).ends_at
        assert all(c.session_ends_at == ends for c in storage.session_connections(world.session.session_id))
        world.say(
            "bo",
            {"action": "send", "text": "lidt mere tid!", "client_id": "k-late"},
            world.session.ends_at + timedelta(minutes=1),
        )
        assert answered(world, "bo", "k-late") == "confirmed", "after an extension the room can still write"


CANCEL_DAY = "2026-11-29"


class Cancel(MentorPath):
    name = action = "cancel"
    audience = ()
    next_tick = NOW + timedelta(minutes=1)

    def prepare(self, world: World) -> None:
        starts = datetime.fromisoformat("2026-11-29T18:00:00+00:00")  # Sunday 19:00 in Copenhagen
        storage.Session(
            "g2:20261129T1800Z",
            group_id="g2",
            org_id="org-a",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
            status=storage.SCHEDULED,
            due_bucket=storage.PENDING,
            due_at=starts,
        ).save()

    def call(self, world: World) -> Any:
        return world.moderation.cancel(world.mentor, "g2", CANCEL_DAY, NOW)

    def recover(self, world: World) -> None:
        super().recover(world)
        world.keeper.tick(self.next_tick)

    def effect(self, world: World) -> int:
        cancelled = storage.get_group("g2").cancelled or set()
        return int(CANCEL_DAY in cancelled or storage.get_session("g2:20261129T1800Z").status == storage.CANCELLED)

    def check(self, world: World) -> None:
        super().check(world)
        assert_settled("g2:20261129T1800Z", NOW + timedelta(days=30))
        assert storage.get_session("g2:20261129T1800Z").status == storage.CANCELLED
        assert [s.starts_at.date().isoformat() for s in _g2_sessions() if s.status == storage.SCHEDULED] == [
            "2026-12-06"
        ], "the meeting after the cancelled one was not planned"


class Resolve(MentorPath):
    name = "resolve"
    action = "resolve_report"
    audience = ()

    def prepare(self, world: World) -> None:
        world.say("bo", {"action": "report", "message_id": world.said["anna"], "reason": "ondt"})
        world.notes["report"] = world.frames("mette", "report")[-1]["report"]["id"]
        world.sockets.clear()

    def call(self, world: World) -> Any:
        return world.moderation.resolve(world.mentor, world.notes["report"], "talt med dem", NOW)

    def effect(self, world: World) -> int:
        return int(storage.get_report("org-a", world.notes["report"]).status == "resolved")

    def check(self, world: World) -> None:
        super().check(world)
        assert storage.open_reports("org-a") == []


# --- the minute tick: a fault now, the next tick a minute later ----------------------------------------


class TickPath(Path):
    when = NOW

    def act(self, world: World) -> None:
        world.keeper.tick(self.when)  # never raises; what failed stays due

    def recover(self, world: World) -> None:
        world.keeper.tick(self.when + timedelta(minutes=1))


class TickOpen(TickPath):
    name = "tick: open"
    when = NOW + timedelta(minutes=10)

    def prepare(self, world: World) -> None:
        storage.Session(
            "g2:20261125T1840Z",
            group_id="g2",
            org_id="org-a",
            starts_at=self.when,
            ends_at=self.when + timedelta(minutes=90),
            status=storage.SCHEDULED,
            due_bucket=storage.PENDING,
            due_at=self.when,
        ).save()

    def check(self, world: World) -> None:
        session = assert_settled("g2:20261125T1840Z", self.when)
        assert session.status == storage.OPEN
        assert session.due_at == session.ends_at - CLOSING_WARNING, "it would never be warned or closed"
        world.chat.connect(world.caller("eva"), Identity("p-eva", "Eva", PARTICIPANT), self.when)
        world.say("eva", {"action": "join", "group_id": "g2"}, self.when + timedelta(minutes=1))
        assert world.frames("eva", "joined"), "the opened session cannot be joined"


class TickWarn(TickPath):
    name = "tick: warn"
    when = NOW + timedelta(minutes=56)  # the last five minutes
    audience = IN_ROOM
    told = "session_closing"

    def check(self, world: World) -> None:
        session = assert_settled(world.session.session_id, self.when)
        assert session.warned and session.status == storage.OPEN
        assert session.due_at == session.ends_at, "it would never be closed"
        _everyone_got(world, "session_closing", IN_ROOM, lambda f: True)


class TickClose(TickPath):
    name = "tick: close"
    when = NOW + timedelta(minutes=60)
    audience = IN_ROOM
    told = "session_closed"

    def check(self, world: World) -> None:
        check_closed(world, self.when + timedelta(minutes=1))


# --- leaving for good ------------------------------------------------------------------------------------


class DeleteAccount(MentorPath):
    name = "delete account"
    action = ""
    audience = ("bo", "cia", "mette")
    told = "message_removed"

    def call(self, world: World) -> Any:
        return accounts.delete_account(Identity(world.ids["anna"], "Anna", PARTICIPANT), PASSWORD, world.delivery)

    def after(self, world: World) -> None:
        assert world.answers[-1].status in (200, 500), world.answers[-1].body

    def recover(self, world: World) -> None:
        if world.answers[-1].status >= 500:
            self.act(world)

    def check(self, world: World) -> None:
        # A retry after the account went (the answer lost) finds no account: 401, and nothing left.
        assert world.answers[-1].status in (200, 401), world.answers[-1].body
        assert storage.find_participant("anna") is None
        assert storage.messages_by(world.ids["anna"]) == []
        for connection_id in reachable(world, self.audience):
            removed = {f["message_id"] for f in world.frames(connection_id, "message_removed")}
            assert world.said["anna"] in removed, f"{connection_id} still shows Anna's message"


PATHS: tuple[Path, ...] = (
    Send(),
    CrisisSend(),
    HeldBackCrisis(),
    Join(),
    CatchUp(),
    Leave(),
    Disconnect(),
    Report(),
    Remove(),
    Mute(),
    Kick(),
    Ban(),
    Topic(),
    Pin(),
    Announce(),
    SlowMode(),
    OpenEarly(),
    Close(),
    Extend(),
    Cancel(),
    Resolve(),
    TickOpen(),
    TickWarn(),
    TickClose(),
    DeleteAccount(),
)
