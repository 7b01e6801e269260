"""Translate Lambda events into domain calls, and domain answers back into responses.

The only module that knows Chalice's request and event shapes besides ``app.py``.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from functools import wraps
from urllib.parse import unquote
from typing import Any, Callable

from chalice import Response

from chalicelib.accounts import participants as accounts

from chalicelib.organisation import admin

from chalicelib.organisation import figures

from chalicelib.organisation import catalogue as groups

from chalicelib.accounts import mentors
from chalicelib.chat.service import Caller, ChatService
from chalicelib.config import token_secret
from chalicelib.errors import ChatError
from chalicelib.sessions.keeper import SessionKeeper
from chalicelib.moderation.actions import Moderation
from chalicelib.accounts.tokens import Identity, verify

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
        if identity.is_staff and not mentors.still_active(identity):
            raise ChatError("unauthorized")
        if not identity.is_staff and not accounts.still_exists(identity):
            # A deleted account's pseudonym may already belong to someone else.
            raise ChatError("unauthorized")
        chat.connect(caller_of(event), identity, now, lang=query.get("lang", "da"), group_id=query.get("group_id"))
    except ChatError as error:
        return {"statusCode": error.status, "body": json.dumps(error.as_body())}
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
                ChatError("internal").as_body(), 500
            )
        if isinstance(result, tuple):
            return json_response(result[0], result[1])
        return json_response(result)

    return wrapper


def json_body(request: Any) -> dict[str, Any]:
    try:
        body = json.loads(request.raw_body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ChatError("bad_json") from None
    if not isinstance(body, dict):
        raise ChatError("bad_request", field="body")
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


# --- mentors: the authorizer and the moderation and admin routes ---------------------------------------


class Unauthorized(Exception):
    """API Gateway turns an authorizer's exception with exactly this message into a 401."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


def bearer_identity(header: str | None) -> Identity:
    """The identity in an ``Authorization: Bearer`` header, or the authorizer's 401."""
    raw = (header or "").strip()
    token = raw[7:].strip() if raw.lower().startswith("bearer ") else raw
    try:
        return verify(token, token_secret(), utcnow())
    except ChatError:
        raise Unauthorized() from None


def authorize_mentor(auth_request: Any) -> Any:
    """Verify a mentor's bearer token: 401 when missing, tampered or expired, 403 when not staff."""
    from chalice import AuthResponse

    identity = bearer_identity(auth_request.token)
    if not identity.is_staff or not mentors.still_active(identity):
        return AuthResponse(routes=[], principal_id=identity.user_id or "nobody")
    return AuthResponse(
        routes=["*"],
        principal_id=identity.user_id,
        context={
            "mentor_id": identity.user_id,
            "name": identity.name,
            "role": identity.role,
            "org_id": identity.org_id or "",
            "username": identity.username or "",
        },
    )


def mentor_of(request: Any) -> Identity:
    context = (request.context or {}).get("authorizer") or {}
    if not context.get("mentor_id") or not context.get("org_id"):
        raise ChatError("unauthorized")
    return Identity(context["mentor_id"], context.get("name", ""), context.get("role", ""),
                    context["org_id"], context.get("username"))


@rest
def mentor_log_in(request: Any) -> dict[str, Any]:
    body = json_body(request)
    return mentors.log_in(body.get("username"), body.get("password"), utcnow()).as_body()


@rest
def moderate(request: Any, moderation: Moderation, action: str, **ids: str) -> Any:
    """One entry for every moderation route: who acts, on what, with which body."""
    ids = _decoded(ids)
    mentor = mentor_of(request)
    now = utcnow()
    body = json_body(request) if request.method in ("POST", "PUT") and request.raw_body else {}
    if action == "sessions":
        return moderation.live_sessions(mentor, now)
    if action == "groups":
        return admin.list_groups(mentor, now)
    if action == "remove":
        return moderation.remove_message(mentor, ids["session_id"], ids["message_id"], body.get("reason"), now)
    if action == "mute":
        return moderation.mute(mentor, ids["session_id"], body.get("pseudonym"), body.get("minutes"),
                               body.get("reason"), now)
    if action == "kick":
        return moderation.kick(mentor, ids["session_id"], body.get("pseudonym"), body.get("reason"), now)
    if action == "ban":
        return moderation.ban(mentor, ids["group_id"], body.get("pseudonym"), body.get("days"), body.get("reason"),
                              now)
    if action == "topic":
        return moderation.set_topic(mentor, ids["session_id"], body.get("topic"), now)
    if action == "pin":
        return moderation.pin(mentor, ids["session_id"], body.get("message_id"), now)
    if action == "announce":
        return moderation.announce(mentor, ids["session_id"], body.get("text"), now)
    if action == "slow_mode":
        return moderation.slow_mode(mentor, ids["session_id"], body.get("seconds"), now)
    if action == "open":
        return moderation.open_early(mentor, ids["group_id"], now)
    if action == "close":
        return moderation.close(mentor, ids["session_id"], now)
    if action == "extend":
        return moderation.extend(mentor, ids["session_id"], body.get("minutes"), now)
    if action == "cancel":
        return moderation.cancel(mentor, ids["group_id"], body.get("date"), now)
    if action == "reports":
        return moderation.reports(mentor, (request.query_params or {}).get("status"))
    if action == "resolve":
        return moderation.resolve(mentor, ids["report_id"], body.get("note"), now)
    if action == "audit":
        return moderation.audit(mentor)
    raise ChatError("not_found")


@rest
def administer(request: Any, action: str, **ids: str) -> Any:
    ids = _decoded(ids)
    mentor = mentor_of(request)
    now = utcnow()
    if action == "groups":
        return admin.list_groups(mentor, now) if mentor.role == "admin" else _admin_only()
    if action == "create_group":
        return admin.create_group(mentor, json_body(request), now), 201
    if action == "update_group":
        return admin.update_group(mentor, ids["group_id"], json_body(request), now)
    if action == "mentors":
        return admin.list_mentors(mentor)
    if action == "add_mentor":
        return admin.add_mentor(mentor, json_body(request), now), 201
    if action == "deactivate":
        return admin.deactivate_mentor(mentor, ids["mentor_id"])
    if action == "figures":
        return figures.figures(mentor, _int_param(request, "weeks", 8), now)
    raise ChatError("not_found")


def authorize_participant(auth_request: Any) -> Any:
    """A participant's bearer token for their own account routes (my groups, delete)."""
    from chalice import AuthResponse

    identity = bearer_identity(auth_request.token)
    if identity.role != "participant":
        return AuthResponse(routes=[], principal_id=identity.user_id or "nobody")
    return AuthResponse(routes=["*"], principal_id=identity.user_id,
                        context={"participant_id": identity.user_id, "pseudonym": identity.name})


def participant_of(request: Any) -> Identity:
    context = (request.context or {}).get("authorizer") or {}
    if not context.get("participant_id"):
        raise ChatError("unauthorized")
    return Identity(context["participant_id"], context.get("pseudonym", ""), "participant")


@rest
def my_account(request: Any, sender: Any, action: str, **ids: str) -> Any:
    ids = _decoded(ids)
    me = participant_of(request)
    now = utcnow()
    if action == "groups":
        return accounts.my_groups(me, now)
    if action == "follow":
        return accounts.follow(me, ids["group_id"], now)
    if action == "unfollow":
        return accounts.unfollow(me, ids["group_id"], now)
    if action == "delete":
        return accounts.delete_account(me, json_body(request).get("password"), sender)
    raise ChatError("not_found")


def _admin_only() -> Any:
    raise ChatError("forbidden")


def _int_param(request: Any, name: str, default: int) -> int:
    value = (request.query_params or {}).get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ChatError("bad_request", field=name) from None


def _decoded(ids: dict[str, str]) -> dict[str, str]:
    """Session ids hold a ':'; a client may send it percent-encoded."""
    return {key: unquote(value) for key, value in ids.items()}
