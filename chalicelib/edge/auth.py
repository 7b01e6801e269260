"""Who is calling: the bearer token of a REST request, checked by the authorizers."""

from __future__ import annotations

from typing import Any

from chalice.app import AuthResponse

from chalicelib.accounts import mentors
from chalicelib.accounts.tokens import MENTOR_AUDIENCE, PARTICIPANT_AUDIENCE, Identity, verify
from chalicelib.config import token_secret
from chalicelib.edge.http import utcnow
from chalicelib.errors import ChatError


class Unauthorized(Exception):
    """API Gateway turns an authorizer's exception with exactly this message into a 401."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


def bearer_token(header: str | None) -> str:
    """The token in an ``Authorization: Bearer`` header (or the bare header)."""
    raw = header.strip() if isinstance(header, str) else ""
    return raw[7:].strip() if raw.lower().startswith("bearer ") else raw


def bearer_identity(header: str | None, audience: str) -> Identity:
    """The identity in an ``Authorization: Bearer`` header for ``audience``, or the authorizer's 401.

    A token of the other kind (a participant's on a mentor route) is a 401 as well: it was never
    meant for this door.
    """
    try:
        return verify(bearer_token(header), token_secret(), utcnow(), audience)
    except ChatError:
        raise Unauthorized() from None


def authorize_mentor(auth_request: Any) -> AuthResponse:
    """Verify a mentor's bearer token: 401 when missing, tampered, expired or a participant's; 403 when
    the mentor has been deactivated."""
    identity = bearer_identity(auth_request.token, MENTOR_AUDIENCE)
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


def authorize_participant(auth_request: Any) -> AuthResponse:
    """A participant's bearer token for their own account routes (my groups, export, delete)."""
    identity = bearer_identity(auth_request.token, PARTICIPANT_AUDIENCE)
    if identity.role != "participant":
        return AuthResponse(routes=[], principal_id=identity.user_id or "nobody")
    return AuthResponse(
        routes=["*"],
        principal_id=identity.user_id,
        context={"participant_id": identity.user_id, "pseudonym": identity.name},
    )


def mentor_of(request: Any) -> Identity:
    """The mentor the authorizer let in, if they are still active *now*.

    API Gateway caches the authorizer's answer (``ttl_seconds`` in app.py); this one read makes
    a deactivation take effect on the very next request instead of when the cache runs out.
    """
    context = (request.context or {}).get("authorizer") or {}
    if not context.get("mentor_id") or not context.get("org_id"):
        raise ChatError("unauthorized")
    identity = Identity(
        context["mentor_id"],
        context.get("name", ""),
        context.get("role", ""),
        context["org_id"],
        context.get("username"),
    )
    if not mentors.still_active(identity):
        raise ChatError("account_revoked")
    return identity


def participant_of(request: Any) -> Identity:
    context = (request.context or {}).get("authorizer") or {}
    if not context.get("participant_id"):
        raise ChatError("unauthorized")
    return Identity(context["participant_id"], context.get("pseudonym", ""), "participant")
