"""Revocation reaches live sockets: a person whose access ends is disconnected before the call returns.

Deactivating a mentor or deleting an account closes every socket of that person at once (found
through the ``by_user`` index): they are told why, the socket is closed through the Management
API, the connection is forgotten, and the room hears that they left. A token alone is not
enough afterwards either: ``$connect`` and every mentor route check that the account still
stands (see :mod:`chalicelib.edge.auth`).
"""

from __future__ import annotations

from chalicelib import storage
from chalicelib.chat.room import announce_left
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError


def close_connections(delivery: Delivery, user_id: str, reason: str) -> int:
    """Close every live socket of ``user_id``; returns how many were open."""
    closed = 0
    for listed in storage.user_connections(user_id):
        connection = storage.get_connection(listed.connection_id)
        if connection is None:  # it went away by itself meanwhile
            continue
        delivery.send(connection, ChatError("account_revoked", reason=reason).as_frame())
        delivery.close(connection)
        storage.delete_connection(connection.connection_id)
        closed += 1
        if connection.session_id:
            announce_left(delivery, connection.session_id, [connection])
    return closed
