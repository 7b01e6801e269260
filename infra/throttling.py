"""API Gateway throttling, set by the deploy after `chalice deploy` (which creates the stages).

Public routes get small limits of their own, so a flood of sign-ups or log-ins is refused by
API Gateway (429) before it reaches a Lambda; mentor and admin routes share the stage default.
The REST function's reserved concurrency is sized so that every public route bursting at the
same instant still leaves room for moderation: see :func:`concurrency` and docs/abuse.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    rate: float  # requests per second, steady
    burst: int  # requests at once (API Gateway's token bucket)
    seconds: float = 0.1  # a request's duration in the REST function, for the concurrency arithmetic


# (method, path) -> its own limit. A route not named here is a mentor or admin route and gets the
# stage default: a test fails if a route without the mentor authorizer is missing from this table.
PUBLIC: dict[tuple[str, str], Limit] = {
    ("GET", "/participants/challenge"): Limit(10, 5, 0.01),  # one HMAC
    # One scrypt hash at N=2^17 takes ~0.7 s on the 1,024 MB function (python -m bench.passwords).
    ("POST", "/participants"): Limit(2, 3, 0.7),  # one scrypt hash (the recovery code is an HMAC)
    ("POST", "/participants/login"): Limit(5, 5, 0.7),  # one scrypt hash
    ("POST", "/mentors/login"): Limit(2, 3, 0.7),
    ("GET", "/groups"): Limit(20, 10, 0.05),
    ("GET", "/groups/{group_id}/calendar.ics"): Limit(10, 5, 0.05),  # calendar apps refresh twice a day
    ("GET", "/connect-check"): Limit(10, 5, 0.05),
    ("GET", "/me/groups"): Limit(10, 3, 0.05),
    ("PUT", "/me/groups/{group_id}"): Limit(5, 3, 0.05),
    ("DELETE", "/me/groups/{group_id}"): Limit(5, 3, 0.05),
    # Reminders: the page renews a subscription once per visit; the first call of a container
    # loads the VAPID key (SSM) and derives its public half.
    ("GET", "/me/reminders"): Limit(5, 3, 0.1),
    ("PUT", "/me/groups/{group_id}/reminder"): Limit(5, 3, 0.05),
    ("DELETE", "/me/groups/{group_id}/reminder"): Limit(2, 2, 0.05),
    ("DELETE", "/me"): Limit(1, 2, 1.0),  # deletes every message the account wrote
    ("POST", "/participants/recover"): Limit(2, 2, 0.7),  # an HMAC; one scrypt hash when the code is right
    ("POST", "/me/password"): Limit(1, 1, 1.4),  # two scrypt hashes
    ("POST", "/me/recovery-code"): Limit(1, 1, 0.7),  # one scrypt hash
    ("GET", "/me/export"): Limit(1, 1, 0.5),  # reads every message the account wrote
}
# Mentor and admin routes: a few mentors per session, at most a click or two a second each.
MODERATION = Limit(50, 30, 0.2)
# Executions the REST function keeps for moderation when every public route bursts at once:
# as many as moderation's own burst, so mentors are never the ones throttled by Lambda.
MODERATION_RESERVE = MODERATION.burst

# WebSocket routes. Their functions are separate, each with its own reserved concurrency, so the
# burst never exceeds the function's reservation (.chalice/config.json, prod).
WEBSOCKET: dict[str, Limit] = {
    "$connect": Limit(20, 25, 0.05),  # a class arriving at once; reconnect storms are limited per person too
    "$disconnect": Limit(20, 25, 0.05),
    "$default": Limit(200, 100, 0.15),  # messages: fan-out to a room of 15
}
WEBSOCKET_DEFAULT = WEBSOCKET["$connect"]  # every route has its own; this covers one added later


def patch_path(method: str, path: str, setting: str) -> str:
    """A method setting's patch path: ``/`` in the resource path is written ``~1``."""
    return f"/{path.replace('/', '~1')}/{method}/throttling/{setting}"


def rest_patch_operations() -> list[str]:
    """The stage default (moderation), then every public route's own limits."""
    operations = [
        f"op=replace,path=/*/*/throttling/rateLimit,value={MODERATION.rate}",
        f"op=replace,path=/*/*/throttling/burstLimit,value={MODERATION.burst}",
    ]
    for (method, path), limit in PUBLIC.items():
        operations.append(f"op=replace,path={patch_path(method, path, 'rateLimit')},value={limit.rate}")
        operations.append(f"op=replace,path={patch_path(method, path, 'burstLimit')},value={limit.burst}")
    return operations


def websocket_route_settings() -> str:
    """``--route-settings`` for ``aws apigatewayv2 update-stage``, as JSON."""
    return json.dumps(
        {
            route: {"ThrottlingRateLimit": limit.rate, "ThrottlingBurstLimit": limit.burst}
            for route, limit in WEBSOCKET.items()
        },
        separators=(",", ":"),
    )


def concurrency() -> dict[str, float]:
    """The REST function's arithmetic (Little's law: executions in flight = rate x duration).

    ``public_worst`` assumes every public route empties its burst bucket at the same instant,
    each request then taking its full duration: the most executions public traffic can hold.
    """
    steady = sum(limit.rate * limit.seconds for limit in PUBLIC.values())
    worst = sum(max(limit.burst, limit.rate * limit.seconds) for limit in PUBLIC.values())
    return {
        "public_steady": round(steady, 2),
        "public_worst": worst,
        "moderation_steady": MODERATION.rate * MODERATION.seconds,
        "needed": worst + MODERATION_RESERVE,
    }
