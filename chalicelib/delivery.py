"""Delivery: the one module that posts frames to ``@connections``, and the one delivery path.

Every frame the server sends goes through :class:`Delivery`: a reply to one connection or a
frame for a room. Each recipient is treated on its own, so one bad socket never costs the
others their message:

* 410 Gone: the connection is removed, and the room hears that the member left;
* 429, 5xx and time-outs: retried with jittered back-off inside a budget well below the
  function's time-out;
* anything else (403 Forbidden, a budget spent): counted and logged, without personal data.

It never raises because of one recipient, and it says what happened to each. A room is posted
to concurrently through one bounded thread pool per Lambda container (botocore clients are
thread-safe). :class:`ManagementApi` is the real poster, with a client per endpoint built once
per container, a connection pool matching the thread pool, short time-outs and no retries of
its own (retries are ours, so they share one budget). Tests pass a fake :class:`Poster`.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from chalicelib import frames, storage

log = logging.getLogger("gruppechat.delivery")

POOL_SIZE = 64  # a 50-member room is posted in one wave
RETRY_BUDGET_S = 4.0
FIRST_BACKOFF_S = 0.05
MAX_BACKOFF_S = 1.0
CONNECT_TIMEOUT_S = 1.0
READ_TIMEOUT_S = 2.0


class Recipient(Protocol):
    """Where a frame goes: a connection and the API it belongs to."""

    @property
    def connection_id(self) -> str: ...

    @property
    def api_id(self) -> str: ...

    @property
    def stage(self) -> str: ...


class ConnectionGone(Exception):
    """410: the socket is closed; drop the connection."""


class PostFailed(Exception):
    """The post did not land; ``retryable`` for throttling, server errors and time-outs."""

    def __init__(self, code: str, retryable: bool) -> None:
        super().__init__(code)
        self.code = code
        self.retryable = retryable


class Poster(Protocol):
    """One post to one connection; raises :class:`ConnectionGone` or :class:`PostFailed`."""

    def post(self, recipient: Recipient, data: bytes) -> None: ...

    def close(self, recipient: Recipient) -> None: ...


def encode(frame: frames.Frame) -> bytes:
    """JSON in UTF-8. Text that cannot be encoded (a lone surrogate) becomes U+FFFD, never a crash."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8", "replace")


DELIVERED, GONE, FAILED = "delivered", "gone", "failed"


@dataclass
class Outcome:
    """What happened to each recipient of one frame, by connection id."""

    results: dict[str, str] = field(default_factory=dict)

    def _with(self, result: str) -> list[str]:
        return [connection_id for connection_id, value in self.results.items() if value == result]

    @property
    def delivered(self) -> list[str]:
        return self._with(DELIVERED)

    @property
    def gone(self) -> list[str]:
        return self._with(GONE)

    @property
    def failed(self) -> list[str]:
        return self._with(FAILED)


class Delivery:
    """Sends frames to connections; cleans up gone ones; never raises for one recipient."""

    def __init__(
        self,
        poster: Poster,
        *,
        workers: int = POOL_SIZE,
        budget_s: float = RETRY_BUDGET_S,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.poster = poster
        self._workers = workers
        self._budget_s = budget_s
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    # --- sending ------------------------------------------------------------------------------

    def send(self, recipient: Recipient, frame: frames.Frame) -> bool:
        """A private frame to one connection (a reply, a notice). True when it landed."""
        return self.send_all([recipient], frame).results.get(recipient.connection_id) == DELIVERED

    def send_all(self, recipients: Sequence[Recipient], frame: frames.Frame) -> Outcome:
        """One frame to many, concurrently; gone members are removed and the room told."""
        outcome = self._post_all(recipients, encode(frame))
        if outcome.gone:
            self._forget(recipients, outcome)
        if outcome.failed:
            log.warning("posts failed", extra={"failed": len(outcome.failed), "recipients": len(recipients)})
        return outcome

    def close(self, recipient: Recipient) -> None:
        """Close a socket (kick, session over). Best effort: a gone socket is already closed."""
        try:
            self.poster.close(recipient)
        except ConnectionGone:
            pass
        except PostFailed as failure:
            log.warning("close failed", extra={"code": failure.code})

    # --- inside -------------------------------------------------------------------------------

    def _post_all(self, recipients: Sequence[Recipient], data: bytes) -> Outcome:
        deadline = self._clock() + self._budget_s
        unique = list({recipient.connection_id: recipient for recipient in recipients}.values())
        if len(unique) <= 1:
            results = [self._post_one(recipient, data, deadline) for recipient in unique]
        else:
            results = list(self._executor().map(lambda r: self._post_one(r, data, deadline), unique))
        return Outcome({recipient.connection_id: result for recipient, result in zip(unique, results, strict=True)})

    def _post_one(self, recipient: Recipient, data: bytes, deadline: float) -> str:
        attempt = 0
        while True:
            try:
                self.poster.post(recipient, data)
                return DELIVERED
            except ConnectionGone:
                return GONE
            except PostFailed as failure:
                if not failure.retryable:
                    return FAILED
                attempt += 1
                # Full jitter: concurrent posters that were throttled together spread out.
                delay = min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2**attempt) * self._jitter()
                if self._clock() + delay >= deadline:
                    return FAILED
                self._sleep(delay)
            except Exception:  # an unexpected error in one post must not stop the room
                log.exception("post raised")
                return FAILED

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="post")
            return self._pool

    def _forget(self, recipients: Sequence[Recipient], outcome: Outcome) -> None:
        """Drop gone connections; tell the rest of the room about members who are now absent."""
        gone_ids = set(outcome.gone)
        gone = [r for r in recipients if r.connection_id in gone_ids]
        for recipient in gone:
            try:
                storage.delete_connection(recipient.connection_id)
            except Exception:  # the TTL removes it later; the others still got their frame
                log.exception("could not remove a gone connection")
        live = [r for r in recipients if r.connection_id in set(outcome.delivered)]
        members = [r for r in live if isinstance(r, storage.Connection)]
        still_here = {member.user_id for member in members}
        for recipient in gone:
            if (
                isinstance(recipient, storage.Connection)
                and recipient.session_id
                and recipient.user_id not in still_here
            ):
                still_here.add(recipient.user_id)
                # One level only: whoever is gone in this round is removed without a further notice.
                left = self._post_all(members, encode(frames.presence("left", recipient)))
                for connection_id in left.gone:
                    try:
                        storage.delete_connection(connection_id)
                    except Exception:  # as above: never raise because of one recipient
                        log.exception("could not remove a gone connection")


# --- the real poster ------------------------------------------------------------------------------


class ManagementApi:
    """Posts through the API Gateway Management API, one reused client per endpoint.

    In AWS the endpoint comes from the ``api_id`` and ``stage`` each connection recorded at
    ``$connect`` (Chalice configures it only inside WebSocket handlers, chalice issue #1991).
    ``CONNECTIONS_ENDPOINT`` overrides it: the local stack serves ``@connections`` over HTTP.
    """

    def __init__(self, region: str, endpoint: str | None = None, pool_size: int = POOL_SIZE) -> None:
        self._region = region
        self._endpoint = endpoint
        self._pool_size = pool_size
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> ManagementApi:
        from chalicelib.config import settings

        return cls(settings().region)

    def _client(self, recipient: Recipient) -> Any:
        endpoint = (
            self._endpoint
            or os.environ.get("CONNECTIONS_ENDPOINT")
            or (f"https://{recipient.api_id}.execute-api.{self._region}.amazonaws.com/{recipient.stage}")
        )
        client = self._clients.get(endpoint)
        if client is not None:
            return client
        with self._lock:
            if endpoint not in self._clients:
                import boto3
                from botocore.config import Config

                config = Config(
                    max_pool_connections=self._pool_size,
                    connect_timeout=CONNECT_TIMEOUT_S,
                    read_timeout=READ_TIMEOUT_S,
                    retries={"total_max_attempts": 1, "mode": "standard"},
                )
                self._clients[endpoint] = boto3.session.Session().client(
                    "apigatewaymanagementapi", endpoint_url=endpoint, region_name=self._region, config=config
                )
            return self._clients[endpoint]

    def post(self, recipient: Recipient, data: bytes) -> None:
        self._call(recipient, "post_to_connection", Data=data)

    def close(self, recipient: Recipient) -> None:
        self._call(recipient, "delete_connection")

    def _call(self, recipient: Recipient, operation: str, **kwargs: Any) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        client = self._client(recipient)
        try:
            getattr(client, operation)(ConnectionId=recipient.connection_id, **kwargs)
        # GoneException subclasses ClientError: it must come first.
        except client.exceptions.GoneException:
            raise ConnectionGone(recipient.connection_id) from None
        except ClientError as error:
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            code = str(error.response.get("Error", {}).get("Code") or status)
            if status == 410:
                raise ConnectionGone(recipient.connection_id) from None
            raise PostFailed(code, retryable=status == 429 or status >= 500 or "Limit" in code) from None
        except BotoCoreError as error:  # time-outs, refused connections
            raise PostFailed(type(error).__name__, retryable=True) from None
