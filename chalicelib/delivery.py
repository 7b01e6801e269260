"""The one place that talks to the API Gateway Management API (``@connections``).

Wraps ``app.websocket_api`` so handlers, REST routes and the scheduled function can all send.
Chalice configures the endpoint only inside WebSocket handlers (chalice issue #1991); outside
them we configure it from the ``api_id`` and ``stage`` each connection recorded at ``$connect``,
so no second deploy with a hand-edited endpoint is ever needed.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Iterable, Protocol

from chalice.app import WebsocketAPI, WebsocketDisconnectedError

log = logging.getLogger("gruppechat.gateway")


class Recipient(Protocol):
    connection_id: str
    api_id: str
    stage: str


class Sender(Protocol):
    """What the domain needs from the gateway. Tests pass fakes that record or fail."""

    def send(self, recipient: Recipient, frame: dict[str, Any]) -> bool: ...

    def close(self, recipient: Recipient) -> None: ...


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), default=str)


class Gateway:
    """Posts frames to connections; reports a gone connection instead of raising."""

    def __init__(self, websocket_api: WebsocketAPI) -> None:
        self._api = websocket_api

    def _configure(self, recipient: Recipient) -> None:
        # Sticky in Chalice: a no-op once the endpoint is known (always the case locally).
        self._api.configure_from_api_id(recipient.api_id, recipient.stage)

    def send(self, recipient: Recipient, frame: dict[str, Any]) -> bool:
        """True when delivered, False when the connection is gone (410)."""
        self._configure(recipient)
        try:
            self._api.send(recipient.connection_id, encode(frame))
        except WebsocketDisconnectedError:
            return False
        return True

    def close(self, recipient: Recipient) -> None:
        self._configure(recipient)
        try:
            self._api.close(recipient.connection_id)
        except WebsocketDisconnectedError:
            pass


def broadcast(sender: Sender, recipients: Iterable[Recipient], frame: dict[str, Any]) -> list[Recipient]:
    """Send one frame to many; returns the recipients whose connection was gone."""
    gone = []
    for recipient in recipients:
        if not sender.send(recipient, frame):
            gone.append(recipient)
    return gone
