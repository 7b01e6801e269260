"""Faults the local gateway injects into ``@connections`` posts, so failure paths can be exercised.

In AWS a ``PostToConnection`` can fail for reasons that have nothing to do with the recipient's
phone: the account's Management API throttle (429 ``LimitExceededException``), a service error
(500), a refused signature or a post to another API's connection (403 ``ForbiddenException``), or
simply a slow answer. Locally these never happen by themselves, so the gateway can be told to
make a chosen share of posts fail, like this::

    python -m local.stack --post-faults 429:0.05,500:0.05 --fault-seed 7
    python -m local.stack --post-faults slow:0.2 --post-delay-ms 1500

Each post draws one number from a generator seeded with ``--fault-seed``: the n-th post of a run
always meets the same fate, so a run with sequential posts is reproducible (concurrent posts take
their draws in arrival order).

The error answers have the shape of the Management API's (``rest-json``): the error's name in the
``x-amzn-ErrorType`` header and a JSON body with a ``message``. botocore takes the name from that
header, so boto3 raises the modelled ``LimitExceededException``/``ForbiddenException`` classes as
it does against AWS, and retries 429 and 500 by itself as it does there (botocore's own retry
rules, before the caller sees anything).
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from dataclasses import dataclass, field

# kind -> (HTTP status, x-amzn-ErrorType, message); "slow" answers normally, late.
ERRORS: dict[str, tuple[int, str, str]] = {
    "429": (429, "LimitExceededException", "Limit Exceeded"),
    "500": (500, "InternalServerErrorException", "Internal server error"),
    "403": (403, "ForbiddenException", "Forbidden"),
}
SLOW = "slow"
KINDS = (*ERRORS, SLOW)


def error_answer(status: int, error_type: str, message: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a Management API error, as API Gateway sends them."""
    headers = {
        "Content-Type": "application/json",
        "x-amzn-ErrorType": error_type,
        "x-amzn-RequestId": str(uuid.uuid4()),
    }
    return status, headers, json.dumps({"message": message}).encode()


@dataclass
class PostFaults:
    """Which share of ``@connections`` posts fails, and how; thread-safe, seeded."""

    shares: dict[str, float] = field(default_factory=dict)
    delay_ms: int = 1000
    seed: int | None = None
    posts: int = 0
    injected: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.shares) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown post fault {sorted(unknown)}; choose from {', '.join(KINDS)}")
        if any(not 0 <= share <= 1 for share in self.shares.values()) or sum(self.shares.values()) > 1 + 1e-9:
            raise ValueError("post fault shares must be between 0 and 1 and add up to at most 1")
        if self.delay_ms < 0:
            raise ValueError("the post delay must not be negative")
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    @classmethod
    def parse(cls, spec: str | None, delay_ms: int = 1000, seed: int | None = None) -> PostFaults:
        """``"429:0.1,500:0.05,slow:0.2"`` -> shares per kind (a kind alone means every post)."""
        shares: dict[str, float] = {}
        for part in (spec or "").replace(" ", "").split(","):
            if not part:
                continue
            kind, _, share = part.partition(":")
            shares[kind] = float(share) if share else 1.0
        return cls(shares, delay_ms, seed)

    @property
    def active(self) -> bool:
        return any(share > 0 for share in self.shares.values())

    def draw(self) -> str | None:
        """The fate of the next post: a kind from :data:`KINDS`, or None for a normal answer."""
        with self._lock:
            self.posts += 1
            if not self.active:
                return None
            roll = self._random.random()
            for kind in KINDS:
                share = self.shares.get(kind, 0.0)
                if roll < share:
                    self.injected[kind] = self.injected.get(kind, 0) + 1
                    return kind
                roll -= share
            return None

    def describe(self) -> dict[str, object]:
        with self._lock:
            return {
                "shares": dict(self.shares),
                "delay_ms": self.delay_ms,
                "seed": self.seed,
                "posts": self.posts,
                "injected": dict(self.injected),
            }


@dataclass
class DisconnectLoss:
    """``$disconnect`` is best effort in AWS: a chosen share of closes never reaches the handler."""

    share: float = 0.0
    seed: int | None = None
    skipped: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 1:
            raise ValueError("the share of skipped $disconnect events must be between 0 and 1")
        self._random = random.Random(None if self.seed is None else self.seed + 1)
        self._lock = threading.Lock()

    def skip(self) -> bool:
        with self._lock:
            if self.share <= 0 or self._random.random() >= self.share:
                return False
            self.skipped += 1
            return True
