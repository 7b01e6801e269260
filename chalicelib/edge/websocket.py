"""WebSocket and schedule events in, domain calls out."""

from __future__ import annotations

import json
import logging
from typing import Any

from chalicelib.abuse import door, sources
from chalicelib.accounts.tokens import ANY_AUDIENCE, verify
from chalicelib.chat.inbound import Caller
from chalicelib.chat.service import ChatService
from chalicelib.config import token_secret
from chalicelib.edge.http import utcnow
from chalicelib.errors import ChatError
from chalicelib.sessions.keeper import SessionKeeper

log = logging.getLogger("gruppechat.edge")


def caller_of(event: Any) -> Caller:
    context = event.to_dict()["requestContext"]
    return Caller(event.connection_id, context["apiId"], context["stage"])


def on_connect(chat: ChatService, event: Any) -> dict[str, Any]:
    """Refusals come back as a status the browser cannot read: the page asks ``/connect-check`` why."""
    raw = event.to_dict()
    query = raw.get("queryStringParameters") or {}
    now = utcnow()
    try:
        identity = verify(query.get("token"), token_secret(), now, ANY_AUDIENCE)
        door.admit_socket(identity, sources.socket_source(raw, now), now)
        chat.connect(caller_of(event), identity, now, lang=query.get("lang", "da"), group_id=query.get("group_id"))
    except ChatError as error:
        return {"statusCode": error.status, "body": json.dumps(error.as_body())}
    return {"statusCode": 200}


def on_disconnect(chat: ChatService, event: Any) -> None:
    """Best effort, as ``$disconnect`` itself: a failure is logged; the row expires or a 410 removes it."""
    try:
        chat.disconnect(event.connection_id, utcnow())
    except Exception:
        log.exception("disconnect failed")


def on_message(chat: ChatService, event: Any) -> None:
    chat.handle(caller_of(event), event.body, utcnow())


def on_tick(keeper: SessionKeeper, event: Any) -> dict[str, int]:
    """The minute tick. "now" is the clock, not the event's time: a late retry acts on the present."""
    counts = keeper.tick(utcnow()).counts()
    if any(counts.values()):
        log.info("tick", extra={"transitions": counts})
    return counts
