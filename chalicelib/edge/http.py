"""REST plumbing: a handler's result becomes JSON, a refusal becomes ``{"error": {...}}`` + status."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, ParamSpec
from urllib.parse import unquote

from chalice.app import Response

from chalicelib.chat.inbound import encodable
from chalicelib.errors import ChatError

log = logging.getLogger("gruppechat.edge")

P = ParamSpec("P")


def utcnow() -> datetime:
    return datetime.now(UTC)


def json_response(body: Any, status: int = 200) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"},
    )


def rest[**P](handler: Callable[P, Any]) -> Callable[P, Response]:
    """Render a handler's result as JSON (a ``(body, status)`` tuple sets the status)."""

    @wraps(handler)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Response:
        try:
            result = handler(*args, **kwargs)
        except ChatError as error:
            return json_response(error.as_body(), error.status)
        except Exception:
            log.exception("request failed")
            return json_response(ChatError("internal").as_body(), 500)
        if isinstance(result, Response):  # a file, such as a calendar
            return result
        if isinstance(result, tuple):
            return json_response(result[0], result[1])
        return json_response(result)

    return wrapper


def json_body(request: Any) -> dict[str, Any]:
    """The request's JSON object; text that cannot be encoded is refused before anything else."""
    try:
        body = json.loads(request.raw_body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ChatError("bad_json") from None
    if not isinstance(body, dict):
        raise ChatError("bad_request", field="body")
    if not encodable(body):
        raise ChatError("bad_request", field="encoding")
    return body


def optional_body(request: Any) -> dict[str, Any]:
    """Moderation routes may come without a body."""
    return json_body(request) if request.method in ("POST", "PUT") and request.raw_body else {}


def int_param(request: Any, name: str, default: int) -> int:
    value = (request.query_params or {}).get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ChatError("bad_request", field=name) from None


def path_id(value: str) -> str:
    """Session ids hold a ':'; a client may send it percent-encoded."""
    return unquote(value)
