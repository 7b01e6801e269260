"""What a connection says, parsed and checked before anything else happens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ulid import ULID

from chalicelib.errors import ChatError
from chalicelib.limits import MAX_CLIENT_ID, MAX_FRAME_BYTES, MAX_MESSAGE_CHARS

MAX_ID_CHARS = 200


@dataclass(frozen=True)
class Caller:
    """The connection a frame came from, as the gateway event names it."""

    connection_id: str
    api_id: str
    stage: str


def encodable(value: Any) -> bool:
    """True when every string in ``value`` can be sent as UTF-8 (no lone surrogates)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


def parse_frame(body: str | None) -> dict[str, Any]:
    """A JSON object with a string ``action`` whose text can be stored and sent on."""
    if body is None or body == "None":
        raise ChatError("bad_frame", field="body")
    if len(body.encode("utf-8", errors="replace")) > MAX_FRAME_BYTES:
        raise ChatError("frame_too_large", max_bytes=MAX_FRAME_BYTES)
    try:
        frame = json.loads(body)
    except (ValueError, RecursionError):
        raise ChatError("bad_json") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("action"), str):
        raise ChatError("bad_frame", field="action")
    if not encodable(frame):
        raise ChatError("bad_frame", field="text")
    return frame


def client_id_of(frame: dict[str, Any]) -> str | None:
    """The sender's own id for a message, echoed with any answer about it (if it is sane)."""
    value = frame.get("client_id")
    return value if isinstance(value, str) and 0 < len(value) <= MAX_CLIENT_ID else None


def required_str(frame: dict[str, Any], key: str) -> str:
    value = frame.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_CHARS:
        raise ChatError("bad_frame", field=key)
    return value


def message_text(frame: dict[str, Any]) -> tuple[str, str | None]:
    """The text of a ``send`` and its client id, or the refusal the sender should see."""
    text = frame.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ChatError("empty_message")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ChatError("message_too_long", max_length=MAX_MESSAGE_CHARS)
    client_id = frame.get("client_id")
    if client_id is not None and client_id_of(frame) is None:
        raise ChatError("bad_client_id")
    return text, client_id


def is_ulid(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 26:
        return False
    try:
        ULID.from_str(value)
    except ValueError:
        return False
    return True
