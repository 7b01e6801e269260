"""The local stack as a subprocess on a free loopback port, shared by the end-to-end tests."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from altcha import v1 as altcha

ROOT = Path(__file__).resolve().parents[2]


def connect(uri: str, **options: Any):
    """A WebSocket to the stack, used with or without ``with`` (websockets 17.1 wants that said)."""
    from websockets.sync.client import connect as open_socket

    return open_socket(uri, legacy=True, **options)


@dataclass
class Stack:
    url: str
    log: Path
    data_dir: Path | None = None

    @property
    def api(self) -> str:
        return self.url + "api"

    @property
    def ws(self) -> str:
        return self.url.replace("http://", "ws://") + "ws"

    def store(self):
        """A boto3 DynamoDB client on the stack's embedded store, to look behind the API."""
        import boto3

        endpoint = (self.data_dir / "dynamodb-endpoint").read_text()
        return boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="eu-north-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def table(self, name: str) -> str:
        return f"gruppechat-local-{name}"

    def challenge(self) -> dict:
        """A solved sign-up challenge, as the page's worker would send it."""
        fresh = requests.get(f"{self.api}/participants/challenge", timeout=10).json()
        found = altcha.solve_challenge(fresh["challenge"], fresh["salt"], fresh["algorithm"], fresh["maxNumber"])
        assert found is not None
        return {key: fresh[key] for key in ("algorithm", "challenge", "salt", "signature")} | {"number": found.number}

    def post_sign_up(
        self, pseudonym: str, password: str = "hemmelig-kode", source: str | None = None, challenge: dict | None = None
    ) -> requests.Response:
        """A sign-up from a device of its own (``source``: the test-only header, honoured on loopback)."""
        body = {"pseudonym": pseudonym, "password": password, "challenge": challenge or self.challenge()}
        headers = {"X-Test-Source": source or f"device-of-{pseudonym}"}
        return requests.post(f"{self.api}/participants", json=body, headers=headers, timeout=10)

    def sign_up(self, pseudonym: str, password: str = "hemmelig-kode") -> dict:
        response = self.post_sign_up(pseudonym, password)
        assert response.status_code == 201, response.text
        return response.json()


def start_stack(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, Stack]:
    log = tmp_path / "stack.log"
    env = {k: v for k, v in os.environ.items() if k not in ("DYNAMODB_ENDPOINT", "TABLE_PREFIX", "TOKEN_SECRET")}
    process = subprocess.Popen(
        [sys.executable, "-m", "local.stack", "--port", "0", "--data-dir", str(tmp_path / "data"), *extra],
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text()
        found = re.search(r"open (http://127\.0\.0\.1:\d+/)", text)
        if found:
            return process, Stack(found.group(1), log, tmp_path / "data")
        if process.poll() is not None:
            raise RuntimeError("local stack exited:\n" + text)
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("local stack did not start:\n" + log.read_text())


def stop_stack(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    process, running = start_stack(tmp_path_factory.mktemp("stack"), "--no-persist")
    yield running
    stop_stack(process)


def frames_until(ws, predicate, timeout: float = 10.0) -> list[dict]:
    """Read frames until one satisfies ``predicate``; returns all read, that one last."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no matching frame within {timeout}s; got {seen}")
        frame = json.loads(ws.recv(timeout=remaining))
        seen.append(frame)
        if predicate(frame):
            return seen


DEMO_GROUP = "demo-torsdag"
DEMO_MENTOR = ("mentor", "demo-mentor-1")


def mentor_token(stack: Stack, username: str = DEMO_MENTOR[0], password: str = DEMO_MENTOR[1]) -> str:
    response = requests.post(
        f"{stack.api}/mentors/login", json={"username": username, "password": password}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


class MentorOnDuty:
    """The demo mentor in a group for as long as a test needs, as the mentor page would be: it reads
    every frame and pings every 20 s (the heartbeat that says a mentor is still in the room), and
    comes back if the socket is lost. Teens can write only while a mentor is there."""

    def __init__(self, stack: Stack, group_id: str = DEMO_GROUP, ping_every_s: float = 20.0) -> None:
        self._connect = lambda: connect(f"{stack.ws}?token={mentor_token(stack)}")
        self.group_id = group_id
        self.ping_every_s = ping_every_s
        self.stopped = threading.Event()
        self.ws = self._enter()
        self.thread = threading.Thread(target=self._keep, name="mentor-on-duty", daemon=True)
        self.thread.start()

    def _enter(self):
        ws = self._connect()
        ws.send(json.dumps({"action": "join", "group_id": self.group_id}))
        joined = frames_until(ws, lambda f: f["type"] in ("joined", "error"))[-1]
        assert joined["type"] == "joined", joined
        return ws

    def _keep(self) -> None:
        from websockets.exceptions import ConnectionClosed

        while not self.stopped.is_set():
            try:
                self.ws.recv(timeout=self.ping_every_s)
            except TimeoutError:
                with contextlib.suppress(ConnectionClosed):
                    self.ws.send('{"action":"ping"}')
            except ConnectionClosed:
                if self.stopped.is_set():
                    return
                try:
                    self.ws = self._enter()
                except Exception:
                    time.sleep(1)

    def stop(self) -> None:
        self.stopped.set()
        self.ws.close()
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def on_duty(stack):
    """The demo mentor in the demo group for the whole session of tests on the shared stack."""
    mentor = MentorOnDuty(stack)
    yield mentor
    mentor.stop()
