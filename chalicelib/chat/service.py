"""The live group chat: what a connection can say, and the answer it always gets.

Plain Python over :mod:`chalicelib.storage` and :class:`~chalicelib.delivery.Delivery`; the
Lambda edge only translates events into these calls. ``now`` always comes in as an argument.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib import frames, storage
from chalicelib.abuse import limiter
from chalicelib.accounts.tokens import PARTICIPANT, Identity
from chalicelib.chat import alerts, checkins, messages, presence, private, room, rounds, typing
from chalicelib.chat.inbound import Caller, client_id_of, parse_frame
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError

log = logging.getLogger("gruppechat.chat")

Action = Callable[[Delivery, Caller, dict[str, Any], datetime], None]


def _ping(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """Keep-alive; a mentor's ping is also the heartbeat that says they are still in the room."""
    me = storage.get_connection(caller.connection_id)
    if me is None or (me.role in frames.STAFF_ROLES and not presence.mentor_seen(delivery, me, now)):
        raise ChatError("not_connected")  # forgotten (expired, or a vanished mentor's): connect again
    delivery.send(caller, frames.pong(now))


def _join(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """Joining is limited per participant (every tab counts): join spam floods the room's presence."""
    me = room.connection_of(caller)
    if me.role == PARTICIPANT:
        limiter.hit("join_per_person", limiter.person(me.user_id, now), now)
    room.join(delivery, caller, frame, now)


def _leave(delivery: Delivery, caller: Caller, frame: dict[str, Any], now: datetime) -> None:
    """A teen who leaves the group leaves their private talk with a mentor too."""
    private.end_on_leave(delivery, caller, now)
    room.leave(delivery, caller, frame, now)


ACTIONS: dict[str, Action] = {
    "join": _join,
    "leave": _leave,
    "send": messages.send,
    "catch_up": messages.catch_up,
    "report": alerts.report,
    "ping": _ping,
    **private.ACTIONS,  # talk to a mentor alone
    "checkin": checkins.answer,
    "round_start": rounds.start,
    "round_pass": rounds.pass_turn,
    "round_skip": rounds.skip,
    "round_end": rounds.end,
    "typing": typing.typing,
}


class ChatService:
    """Handles what a connection says. Every refusal becomes an ``error`` frame to the caller."""

    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery

    def connect(
        self, caller: Caller, identity: Identity, now: datetime, lang: str = "da", group_id: str | None = None
    ) -> None:
        room.connect(caller, identity, now, lang, group_id)

    def disconnect(self, connection_id: str, now: datetime) -> None:
        room.disconnect(self.delivery, connection_id, now)

    def handle(self, caller: Caller, body: str | None, now: datetime) -> None:
        """Dispatch one frame; never raises, the caller always hears back on a refusal."""
        frame: dict[str, Any] = {}
        try:
            frame = parse_frame(body)
            action = ACTIONS.get(frame["action"])
            if action is None:
                raise ChatError("unknown_action")
            action(self.delivery, caller, frame, now)
        except ChatError as error:
            self._refuse(caller, error, frame)
        except Exception:  # a bug must not cost the user their connection
            log.exception("frame failed")
            self._refuse(caller, ChatError("internal"), frame)

    def _refuse(self, caller: Caller, error: ChatError, frame: dict[str, Any]) -> None:
        answer = error.as_frame()
        client_id = client_id_of(frame)
        if client_id is not None:
            answer["client_id"] = client_id  # which of the sender's messages it concerns
        self.delivery.send(caller, answer)
