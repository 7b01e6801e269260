"""Functional tests: API Gateway's own event shapes, fed through the Lambda entry points in ``app.py``.

Nothing here calls ``chalicelib`` directly. The product is driven the way AWS drives it:

* WebSocket ``$connect``, ``$disconnect``, ``$default`` and the minute ``tick`` go through
  ``chalice.test.Client(app).lambda_.invoke(name, event)`` (``app.handler_map``);
* REST goes through ``app(event, context)`` (the ``api_handler`` function). For an authorized route
  the authorizer's own entry point gets API Gateway's TOKEN event first, and its answer is applied as
  API Gateway applies it: an ``Unauthorized`` error is 401, a policy that does not allow the method
  ARN is 403, otherwise ``principalId`` and the context land in ``requestContext.authorizer``;
* the ``@connections`` Management API is :class:`ConnectionsApi`, answering at botocore's HTTP
  boundary (a ``before-send`` handler), so whichever boto3 client the product builds is covered;
* DynamoDB is moto.

The events in ``tests/events/`` are written from captured API Gateway events published in
aws/aws-lambda-rust-runtime (``lambda-events/src/fixtures``: WebSocket connect and disconnect, the
EventBridge scheduled event, REST proxy and TOKEN authorizer requests), aws-powertools'
``tests/events`` (REST proxy v1) and AWS's developer guide (``$connect`` carries the query string and
the handshake headers; ``$disconnect`` carries ``disconnectStatusCode`` and ``disconnectReason``,
e.g. 1000 "Connection Closed Normally" after a server close, 1001 "Going away" at the idle
time-out; only ``MESSAGE`` events carry ``messageId``). The 1006 reason text is not documented;
it is left empty. Addresses are from the documentation ranges.

``{{name}}`` placeholders are filled by :func:`load_event`: a string that is exactly one
placeholder becomes the value itself (any JSON type), a placeholder inside a longer string is
replaced by the value's text.

Seams that name the product's internals, each in one place, are marked ``SEAM``.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import botocore.handlers
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]
EVENTS_DIR = ROOT / "tests" / "events"
API_ID = "k3n7q2w9xa"
STAGE = "dev"
ADMIN_PASSWORD = "admin-password-long-1"
MENTOR_PASSWORD = "mentor-password-long-1"
TEEN_PASSWORD = "hemmelig-kode"

os.environ.setdefault("AWS_DEFAULT_REGION", "eu-north-1")
os.environ.setdefault("TOKEN_SECRET", "test-secret-not-for-production-0123456")
os.environ.setdefault("TABLE_PREFIX", "test-")
os.environ.setdefault("PASSWORD_SCRYPT_LOG2_N", "10")


# --- the @connections Management API -------------------------------------------------------------


class _Body:
    """The raw stream botocore reads a response from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


@dataclass
class Post:
    connection_id: str
    data: bytes

    def frame(self) -> Any:
        """The frame as the browser's ``JSON.parse(event.data)`` would see it."""
        return json.loads(self.data.decode("utf-8"))


@dataclass
class ConnectionsApi:
    """API Gateway's ``@connections`` as the product sees it.

    A connection exists once its ``$connect`` answered 200 and until it is deleted or disconnected;
    anything else gets 410 GoneException, as on AWS (a post from inside ``$connect`` included).
    Posts are recorded as the bytes that went over the wire.
    """

    active: bool = False
    open: set[str] = field(default_factory=set)
    posts: list[Post] = field(default_factory=list)
    refused: list[Post] = field(default_factory=list)  # tried on a connection that is gone: 410
    deleted: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.open.clear()
        self.clear()
        self.deleted.clear()

    def clear(self) -> None:
        """Forget what was posted so far (the connections stay)."""
        self.posts.clear()
        self.refused.clear()

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        if not self.active:
            return None
        path = urlsplit(request.url).path
        if "/@connections/" not in path:
            return None
        connection_id = unquote(path.rsplit("/@connections/", 1)[1])
        data = request.body if isinstance(request.body, bytes) else (request.body or b"")
        if connection_id not in self.open:
            if request.method == "POST":
                self.refused.append(Post(connection_id, bytes(data)))
            body = json.dumps({"message": None}).encode()
            return AWSResponse(request.url, 410, {"x-amzn-ErrorType": "GoneException"}, _Body(body))
        if request.method == "POST":
            self.posts.append(Post(connection_id, bytes(data)))
            return AWSResponse(request.url, 200, {}, _Body(b""))
        if request.method == "DELETE":
            self.open.discard(connection_id)
            self.deleted.append(connection_id)
            return AWSResponse(request.url, 204, {}, _Body(b""))
        info = {
            "connectedAt": "2026-11-25T18:00:00.000Z",
            "lastActiveAt": "2026-11-25T18:00:00.000Z",
            "identity": {"sourceIp": "198.51.100.23", "userAgent": "test"},
        }
        return AWSResponse(request.url, 200, {}, _Body(json.dumps(info).encode()))

    def to(self, connection_id: str) -> list[Post]:
        return [post for post in self.posts if post.connection_id == connection_id]

    def frames_to(self, connection_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        frames = [post.frame() for post in self.to(connection_id)]
        return [f for f in frames if kind is None or (isinstance(f, dict) and f.get("type") == kind)]


CONNECTIONS = ConnectionsApi()
# Every botocore session created from now on answers @connections here. The app (and so its
# boto3 session and any client it builds) is imported below, after this line.
botocore.handlers.BUILTIN_HANDLERS.append(("before-send.apigatewaymanagementapi", CONNECTIONS))

from chalice.local import LambdaContext  # noqa: E402
from chalice.test import Client  # noqa: E402

from app import app  # noqa: E402

# --- events ----------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_counter = itertools.count(1)


def _fill(node: Any, values: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, values) for value in node]
    if isinstance(node, str):
        whole = _PLACEHOLDER.fullmatch(node)
        if whole:
            if whole.group(1) not in values:
                raise KeyError(f"no value for {{{{{whole.group(1)}}}}}")
            return copy.deepcopy(values[whole.group(1)])

        def text(match: re.Match[str]) -> str:
            if match.group(1) not in values:
                raise KeyError(f"no value for {{{{{match.group(1)}}}}}")
            return str(values[match.group(1)])

        return _PLACEHOLDER.sub(text, node)
    return node


def new_connection_id() -> str:
    """API Gateway's connection ids: 16 characters of base64 ending in '='."""
    return secrets.token_urlsafe(11)[:15] + "="


def load_event(name: str, **values: Any) -> dict[str, Any]:
    """``tests/events/<name>.json`` with its placeholders filled; sensible defaults for ids and times."""
    now = datetime.now(UTC)
    now_ms = int(now.timestamp() * 1000)
    request_id = f"Rq{next(_counter):010d}A="
    defaults = {
        "api_id": API_ID,
        "stage": STAGE,
        "now_ms": now_ms,
        "connected_ms": now_ms - 60_000,
        "request_id": request_id,
        "message_id": request_id.replace("Rq", "Ms"),
        "request_time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "event_id": f"{secrets.token_hex(4)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}-"
        f"{secrets.token_hex(2)}-{secrets.token_hex(6)}",
        "resource_id": "a1b2c3",
    }
    raw = json.loads((EVENTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return _fill(raw, {**defaults, **values})


# --- the Lambda entry points --------------------------------------------------------------------------


@dataclass
class Rest:
    """What API Gateway hands back to the browser for one REST request."""

    status: int
    text: str  # the Lambda's answer; may hold what cannot be encoded
    headers: dict[str, str]

    @property
    def body(self) -> bytes:
        return self.text.encode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class Lambda:
    """API Gateway in front of the app: builds the events it would send and calls the entry points."""

    def __init__(self, connections: ConnectionsApi) -> None:
        self.connections = connections
        # No project directory: the deployed stages' environment (table prefix, SSM secret) stays out.
        self.client = Client(app, stage_name="functional-tests", project_dir=str(ROOT / "tests" / "functional"))

    # WebSocket ----------------------------------------------------------------------------

    def connect(
        self,
        token: str | None = None,
        *,
        group_id: str | None = None,
        lang: str | None = None,
        connection_id: str | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """``$connect``; the connection exists afterwards only when the answer was 200."""
        connection_id = connection_id or new_connection_id()
        if token is None and group_id is None and lang is None:
            event = load_event("ws_connect", connection_id=connection_id)
        elif group_id is None and lang is None:
            event = load_event("ws_connect_token", connection_id=connection_id, token=token)
        else:
            event = load_event(
                "ws_connect_query", connection_id=connection_id, token=token, group_id=group_id or "", lang=lang or "da"
            )
        answer = self.client.lambda_.invoke("connect", event).payload
        if answer.get("statusCode") == 200:
            self.connections.open.add(connection_id)
        return connection_id, answer

    def send(self, connection_id: str, body: str | dict[str, Any]) -> dict[str, Any]:
        """One text frame on ``$default``; ``body`` is the frame's text exactly as the browser sent it."""
        text = body if isinstance(body, str) else json.dumps(body)
        event = load_event("ws_message", connection_id=connection_id, body=text)
        return self.client.lambda_.invoke("message", event).payload

    def disconnect(self, connection_id: str, status_code: int = 1001) -> dict[str, Any]:
        self.connections.open.discard(connection_id)
        event = load_event(f"ws_disconnect_{status_code}", connection_id=connection_id)
        return self.client.lambda_.invoke("disconnect", event).payload

    def tick(self) -> Any:
        return self.client.lambda_.invoke("tick", load_event("schedule_tick")).payload

    # REST -----------------------------------------------------------------------------------

    def _call_api(self, event: dict[str, Any]) -> Rest:
        answer = app(event, LambdaContext("api_handler", 1024))
        body = answer.get("body") or ""
        if answer.get("isBase64Encoded"):
            body = base64.b64decode(body).decode("utf-8", errors="replace")
        return Rest(answer["statusCode"], body, dict(answer.get("headers") or {}))

    def post(self, fixture: str, body: Any) -> Rest:
        """A public POST route; ``body`` is sent as given when it is text, else as JSON."""
        text = body if isinstance(body, str) or body is None else json.dumps(body)
        return self._call_api(load_event(fixture, body=text))

    def groups(self) -> Rest:
        return self._call_api(load_event("rest_groups"))

    def authorized(
        self,
        method: str,
        resource: str,
        token: str | None,
        body: Any = None,
        query: dict[str, str] | None = None,
        authorizer: str = "mentor_auth",
        **path_ids: str,
    ) -> Rest:
        """An authorized route: API Gateway's TOKEN authorizer first, then the route."""
        path = resource.format(**path_ids)
        if token is None:  # API Gateway answers 401 itself when the header is missing
            return Rest(401, '{"message":"Unauthorized"}', {"Content-Type": "application/json"})
        auth_event = load_event("authorizer_token", token=token, method=method, path=path)
        try:
            policy = self.client.lambda_.invoke(authorizer, auth_event).payload
        except Exception as error:  # the authorizer's "Unauthorized" is API Gateway's 401
            if str(error) == "Unauthorized":
                return Rest(401, '{"message":"Unauthorized"}', {"Content-Type": "application/json"})
            return Rest(500, '{"message": null}', {"Content-Type": "application/json"})
        if not _allows(policy, auth_event["methodArn"]):
            return Rest(
                403,
                '{"Message":"User is not authorized to access this resource"}',
                {"Content-Type": "application/json"},
            )
        context = {"principalId": policy["principalId"], "integrationLatency": 12, **(policy.get("context") or {})}
        text = body if isinstance(body, str) or body is None else json.dumps(body)
        event = load_event(
            "rest_mentor_route",
            method=method,
            resource=resource,
            path=path,
            body=text,
            token=token,
            path_parameters=path_ids or None,
            query=query,
            multi_query={k: [v] for k, v in query.items()} if query else None,
            authorizer=context,
        )
        return self._call_api(event)


def _allows(policy: dict[str, Any], method_arn: str) -> bool:
    """IAM evaluation as API Gateway does it for a method ARN: an explicit Deny wins, '*' matches anything."""
    allowed = False
    for statement in policy.get("policyDocument", {}).get("Statement", []):
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if any(re.fullmatch(re.escape(r).replace(r"\*", ".*").replace(r"\?", "."), method_arn) for r in resources):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


# --- the fuzz report ------------------------------------------------------------------------------

# (corpus, inputs, {problem kind: count}, {problem kind: shortest input}), filled by test_fuzz.py.
FUZZ_SUMMARY: list[tuple[str, int, dict[str, int], dict[str, str]]] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FUZZ_SUMMARY:
        return
    terminalreporter.section("fuzz (issue 10)")
    for title, inputs, kinds, examples in FUZZ_SUMMARY:
        found = ", ".join(f"{kind}: {count}" for kind, count in sorted(kinds.items())) or "no problems"
        terminalreporter.write_line(f"{title}: {inputs} inputs; {found}")
        for kind, example in sorted(examples.items()):
            terminalreporter.write_line(f"    shortest '{kind}': {example}")


# --- fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture
def connections() -> Iterator[ConnectionsApi]:
    CONNECTIONS.reset()
    CONNECTIONS.active = True
    yield CONNECTIONS
    CONNECTIONS.active = False
    CONNECTIONS.reset()


@contextmanager
def product_tables() -> Iterator[None]:
    """moto's DynamoDB holding the product's tables.

    SEAM: the one call into chalicelib besides the entry points; the tables are the product's to define.
    (The root conftest sets the environment and makes moto's writes atomic.)
    """
    from chalicelib import storage

    with mock_aws():
        storage.create_tables()
        yield


@pytest.fixture
def aws(connections) -> Iterator[ConnectionsApi]:
    """moto's DynamoDB with the product's tables, and the fake @connections."""
    with product_tables():
        yield connections


@pytest.fixture(scope="module")
def shared_aws() -> Iterator[tuple[Lambda, pytest.MonkeyPatch]]:
    """Like ``aws`` + ``gateway``, for a module whose tests share worlds (the fuzz corpora)."""
    with product_tables(), pytest.MonkeyPatch.context() as monkeypatch:
        CONNECTIONS.reset()
        CONNECTIONS.active = True
        try:
            yield Lambda(CONNECTIONS), monkeypatch
        finally:
            CONNECTIONS.active = False
            CONNECTIONS.reset()


@pytest.fixture
def gateway(aws) -> Lambda:
    return Lambda(aws)


_orgs = itertools.count(1)


def bootstrap_organisation(monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The first organisation and its admin, the way operations create them (``tools.bootstrap``).

    A fresh organisation id per test keeps per-container caches from leaking between tests.
    """
    from tools import bootstrap

    org_id = f"forening-{next(_orgs)}-{secrets.token_hex(3)}"
    admin = f"anna-{org_id}"[:40]
    monkeypatch.setenv("BOOTSTRAP_PASSWORD", ADMIN_PASSWORD)
    assert bootstrap.main(["--org-id", org_id, "--org-name", "Forening", "--admin", admin, "--admin-name", "Anna"]) == 0
    return org_id, admin


def meeting_in_progress(minutes_ago: int = 2, duration: int = 90) -> dict[str, Any]:
    """A weekly schedule whose meeting started ``minutes_ago`` (UTC wall clock, whole minutes)."""
    start = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)
    return {"weekday": start.weekday(), "start_time": f"{start:%H:%M}", "duration_minutes": duration, "tz": "UTC"}


def solved_challenge() -> dict[str, Any]:
    """The sign-up's proof of work, solved as the page's worker would (tests lower its difficulty)."""
    from chalicelib.abuse import challenge

    return challenge.solve(challenge.new_challenge(datetime.now(UTC)))


def sign_up_body(pseudonym: str, password: str = TEEN_PASSWORD) -> dict[str, Any]:
    return {"pseudonym": pseudonym, "password": password, "challenge": solved_challenge()}


@dataclass
class World:
    """One organisation with a group whose weekly meeting is open now, staff, and two teens."""

    gateway: Lambda
    connections: ConnectionsApi
    org_id: str
    group_id: str
    admin_token: str
    mentor_token: str
    teens: dict[str, str]  # pseudonym -> token

    def sign_up(self, pseudonym: str) -> str:
        answer = self.gateway.post("rest_sign_up", sign_up_body(pseudonym))
        assert answer.status == 201, answer.body
        token = answer.json()["token"]
        self.teens[pseudonym] = token
        return token

    def joined(self, token: str, **connect: Any) -> str:
        """Connect and join the group; returns the connection id."""
        connection_id, answer = self.gateway.connect(token, **connect)
        assert answer["statusCode"] == 200, answer
        self.gateway.send(connection_id, {"action": "join", "group_id": self.group_id})
        assert self.connections.frames_to(connection_id, "joined"), self.connections.frames_to(connection_id)
        return connection_id

    def mentor_in_room(self) -> str:
        """The mentor joins the group: teens can write only while a mentor is there (issue 17)."""
        return self.joined(self.mentor_token)


def _mentor_log_in(gateway: Lambda, username: str, password: str) -> str:
    answer = gateway.post("rest_mentor_log_in", {"username": username, "password": password})
    assert answer.status == 200, answer.body
    return answer.json()["token"]


def build_world(
    gateway: Lambda, connections: ConnectionsApi, monkeypatch: pytest.MonkeyPatch, open_now: bool = True
) -> World:
    org_id, admin = bootstrap_organisation(monkeypatch)
    admin_token = _mentor_log_in(gateway, admin, ADMIN_PASSWORD)
    added = gateway.authorized(
        "POST",
        "/admin/mentors",
        admin_token,
        {"username": f"mads-{org_id}"[:40], "display_name": "Mads", "password": MENTOR_PASSWORD, "role": "mentor"},
    )
    assert added.status == 201, added.body
    mentor_token = _mentor_log_in(gateway, added.json()["mentor"]["username"], MENTOR_PASSWORD)
    schedule = meeting_in_progress() if open_now else meeting_in_progress(minutes_ago=-120)
    created = gateway.authorized(
        "POST",
        "/admin/groups",
        admin_token,
        {"name": "Torsdagsgruppen", "description": "Vi snakker om alt", **schedule},
    )
    assert created.status == 201, created.body
    group_id = created.json()["id"]
    if open_now:
        gateway.tick()
    return World(gateway, connections, org_id, group_id, admin_token, mentor_token, {})


@pytest.fixture
def world(gateway, aws, monkeypatch) -> World:
    return build_world(gateway, aws, monkeypatch)
