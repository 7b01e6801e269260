"""The one error type of the product.

Domain code raises :class:`ChatError` with a stable ``code`` and a human message; the edge
renders it as a socket frame (``{"type": "error", ...}``) or as a JSON response with ``status``.
"""
from __future__ import annotations

from typing import Any


class ChatError(Exception):
    """A refusal the user should see, never a crash."""

    def __init__(self, code: str, message: str, status: int = 400, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = details

    def as_frame(self) -> dict[str, Any]:
        return {"type": "error", "code": self.code, "message": self.message, **self.details}

    def as_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.details}}
