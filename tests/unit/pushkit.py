"""A push service on loopback, and a browser's subscription to it, for the reminder tests.

Debian's Chromium has no push service, so the server side is tested against this one: it
answers each POST with the status chosen for that endpoint, records what came, and checks the
VAPID header as a real push service would (RFC 8292): the JWT's ES256 signature with the key
in ``k``, ``aud`` the endpoint's origin, ``exp`` at most 24 hours ahead. The signature is checked
with ``cryptography`` (dev only), an implementation independent of the one that signed it.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def browser_subscription(endpoint: str) -> dict[str, Any]:
    """What ``PushSubscription.toJSON()`` gives: the endpoint, a P-256 public key and an auth secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    p256dh = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": b64(p256dh), "auth": b64(secrets.token_bytes(16))},
    }


@dataclass
class Vapid:
    """A checked ``Authorization: vapid t=…, k=…`` header."""

    claims: dict[str, Any]
    public_key: str


def check_vapid(header: str, origin: str, now: datetime) -> Vapid:
    """Raise AssertionError unless the header is a valid VAPID token for ``origin`` at ``now``."""
    assert header.startswith("vapid "), header[:20]
    parts = dict(part.strip().split("=", 1) for part in header[len("vapid ") :].split(","))
    token, key = parts["t"], parts["k"]
    head, body, signature = token.split(".")
    assert json.loads(unb64(head)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64(signature)
    assert len(raw) == 64, "ES256 in a JWS is r || s, 64 bytes"
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the VAPID signature does not verify with its own public key") from None
    claims = json.loads(unb64(body))
    assert claims["aud"] == origin, claims
    assert now.timestamp() < claims["exp"] <= now.timestamp() + 24 * 3600, claims
    assert claims["sub"].startswith(("mailto:", "https:")), claims
    return Vapid(claims, key)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    """``http://127.0.0.1:<port>/push/<name>``: answers ``status[name]`` (201 unless told otherwise)."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def to(self, name: str) -> list[Received]:
        return [r for r in self.received if r.path == f"/push/{name}"]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_push_service() -> PushService:
    service: PushService

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            name = self.path.rsplit("/", 1)[-1]
            self.send_response(service.status.get(name, 201))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service = PushService(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service
