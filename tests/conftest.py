"""Shared fixtures: a moto-backed DynamoDB, a recording sender, and small builders."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Before anything imports chalicelib: fake credentials, a test table prefix, a test secret.
os.environ.update(
    {
        "AWS_DEFAULT_REGION": "eu-north-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "TABLE_PREFIX": "test-",
        "TOKEN_SECRET": "test-secret-not-for-production-0123456",
        # Light password hashing (N=2^10): the real cost (2^17, ~0.4 s) is measured by bench/passwords.py.
        "PASSWORD_SCRYPT_LOG2_N": "10",
        # Tests lower the sign-up's proof of work: a few hundred hashes instead of half a million.
        "CHALLENGE_MAX_NUMBER": "500",
    }
)
os.environ.pop("DYNAMODB_ENDPOINT", None)

import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from chalicelib import storage  # noqa: E402
from chalicelib.accounts import participants as accounts  # noqa: E402
from chalicelib.accounts.participants import SignedIn  # noqa: E402
from chalicelib.accounts.tokens import PARTICIPANT, Identity  # noqa: E402
from chalicelib.chat.inbound import Caller  # noqa: E402
from chalicelib.chat.service import ChatService  # noqa: E402
from chalicelib.delivery import ConnectionGone, Delivery  # noqa: E402
from local.moto_atomic import make_writes_atomic  # noqa: E402

NOW = datetime(2026, 11, 25, 18, 30, tzinfo=UTC)


make_writes_atomic()  # DynamoDB serialises writes to an item; moto alone does not


@pytest.fixture
def tables():
    with mock_aws():
        storage.create_tables()
        yield


class RecordingSender:
    """A poster that collects frames per connection; connections listed in ``gone`` answer 410."""

    def __init__(self) -> None:
        self.frames: dict[str, list[dict[str, Any]]] = {}
        self.gone: set[str] = set()
        self.closed: list[str] = []

    def post(self, recipient: Any, data: bytes) -> None:
        if recipient.connection_id in self.gone:
            raise ConnectionGone(recipient.connection_id)
        self.frames.setdefault(recipient.connection_id, []).append(json.loads(data))

    def close(self, recipient: Any) -> None:
        self.closed.append(recipient.connection_id)

    def of(self, connection_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        frames = self.frames.get(connection_id, [])
        return [f for f in frames if kind is None or f["type"] == kind]

    def last(self, connection_id: str) -> dict[str, Any]:
        return self.frames[connection_id][-1]

    def clear(self) -> None:
        self.frames.clear()


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def chat(tables, sender) -> ChatService:
    return ChatService(Delivery(sender))


def make_org(org_id: str = "org-a", retention_days: int = 30) -> storage.Organisation:
    org = storage.Organisation(org_id, name=f"Forening {org_id}", retention_days=retention_days)
    org.save()
    return org


def make_group(group_id: str = "g1", org_id: str = "org-a", capacity: int = 15) -> storage.Group:
    group = storage.Group(
        group_id,
        org_id=org_id,
        name=f"Gruppe {group_id}",
        description="Til dig der vil snakke",
        rules=["Vær sød ved hinanden"],
        capacity=capacity,
    )
    group.save()
    return group


def make_session(
    group_id: str = "g1",
    status: str = storage.OPEN,
    starts_at: datetime = NOW - timedelta(minutes=30),
    minutes: int = 90,
    org_id: str = "org-a",
) -> storage.Session:
    session = storage.Session(
        f"{group_id}:{starts_at:%Y%m%dT%H%MZ}",
        group_id=group_id,
        org_id=org_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        status=status,
        topic="Venskaber",
        live_bucket=storage.LIVE if status == storage.OPEN else None,
        presence_since=starts_at if status == storage.OPEN else None,
    )
    session.save()
    return session


@pytest.fixture
def room(tables):
    """An organisation with one group whose session is open at NOW."""
    make_org()
    make_group()
    return make_session()


def caller(connection_id: str) -> Caller:
    return Caller(connection_id, "local", "test")


def connect(
    chat: ChatService, connection_id: str, name: str | None = None, role: str = PARTICIPANT, org_id: str | None = None
) -> Caller:
    who = caller(connection_id)
    name = name or f"Navn{connection_id}"
    chat.connect(who, Identity(f"user-{name}", name, role, org_id), NOW)
    return who


def signed_up(
    pseudonym: str, password: str = "hemmelig-kode", now: datetime = NOW, source: str | None = None
) -> SignedIn:
    """A sign-up as the page makes it: a solved challenge, from a device of its own (unless ``source``)."""
    from chalicelib.abuse import challenge

    solved = challenge.solve(challenge.new_challenge(now))
    return accounts.sign_up(pseudonym, password, solved, source or f"device-{uuid.uuid4()}", now)


def logged_in(
    pseudonym: str, password: str = "hemmelig-kode", now: datetime = NOW, source: str = "own-device"
) -> SignedIn:
    return accounts.log_in(pseudonym, password, source, now)


def join(chat: ChatService, who: Caller, group_id: str = "g1", now: datetime = NOW) -> None:
    chat.handle(who, f'{{"action":"join","group_id":"{group_id}"}}', now)


def mentor_joins(
    chat: ChatService,
    connection_id: str = "m0",
    name: str = "Mette",
    group_id: str = "g1",
    org_id: str = "org-a",
    now: datetime = NOW,
) -> Caller:
    """A mentor in the room: teens can write only while one is there."""
    who = connect(chat, connection_id, name, role="mentor", org_id=org_id)
    join(chat, who, group_id, now)
    return who
