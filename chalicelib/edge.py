"""Translate Lambda events into domain calls, and domain answers back into responses.

The only module that knows Chalice's request and event shapes besides ``app.py``.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from functools import wraps
from typing import Any, Callable

from chalice import Response

from . import accounts, groups
from .chat import Caller, ChatService
from .config import token_secret
from .errors import ChatError
from .sessions import SessionKeeper
from .tokens import verify

log = logging.getLogger("gruppechat.edge")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def caller_of(event: Any) -> Caller:
    context = event.to_dict()["requestContext"]
    return Caller(event.connection_id, context["apiId"], context["stage"])


def on_connect(chat: ChatService, event: Any) -> dict[str, Any]:
    query = event.to_dict().get("queryStringParameters") or {}
    now = utcnow()
    try:
        identity = verify(query.get("token"), token_secret(), now)
    except ChatError as error:
        return {"statusCode": error.status, "body": json.dumps(error.as_body())}
    chat.connect(caller_of(event), identity, now)
    return {"statusCode": 200}


def on_disconnect(chat: ChatService, event: Any) -> None:
    chat.disconnect(event.connection_id)


def on_message(chat: ChatService, event: Any) -> None:
    chat.handle(caller_of(event), event.body, utcnow())


def on_tick(keeper: SessionKeeper, event: Any) -> dict[str, int]:
    """The minute tick. "now" is the clock, not the event's time: a late retry acts on the present."""
    report = keeper.tick(utcnow())
    counts = report.counts()
    if any(counts.values()):
        log.info("tick", extra={"transitions": counts})
    return counts


# --- REST ------------------------------------------------------------------------------------


def json_response(body: Any, status: int = 200) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"},
    )


def rest(handler: Callable[..., tuple[Any, int] | Any]) -> Callable[..., Response]:
    """Render a handler's result as JSON, and any refusal as ``{"error": {...}}`` + status."""

    @wraps(handler)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            result = handler(*args, **kwargs)
        except ChatError as error:
            return json_response(error.as_body(), error.status)
        except Exception:
            log.exception("request failed")
            return json_response(
                ChatError("internal", "Noget gik galt hos os.", status=500).as_body(), 500
            )
        if isinstance(result, tuple):
            return json_response(result[0], result[1])
        return json_response(result)

    return wrapper


def json_body(request: Any) -> dict[str, Any]:
    try:
        body = json.loads(request.raw_body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ChatError("bad_json", "Forespørgslen var ikke gyldig JSON.") from None
    if not isinstance(body, dict):
        raise ChatError("bad_request", "Forespørgslen skal være et JSON-objekt.")
    return body


@rest
def sign_up(request: Any) -> tuple[dict[str, Any], int]:
    body = json_body(request)
    signed_in = accounts.sign_up(body.get("pseudonym"), body.get("password"), utcnow())
    return signed_in.as_body(), 201


@rest
def log_in(request: Any) -> dict[str, Any]:
    body = json_body(request)
    return accounts.log_in(body.get("pseudonym"), body.get("password"), utcnow()).as_body()


@rest
def list_groups(request: Any) -> dict[str, Any]:
    return {"groups": groups.list_groups(utcnow())}
