"""The proof of work a sign-up costs: the ALTCHA protocol, with no third party and no tracking.

The server hands out a challenge: a random salt (with its expiry), the SHA-256 of the salt and
a secret number below ``maxNumber``, and an HMAC signature of that hash. The browser finds the
number by trying them in turn (half of ``maxNumber`` hashes on average, in a Web Worker, with
progress shown) and sends it with the sign-up. The server checks the hash and the signature
(no storage), that the challenge has not expired, and spends it: a solved challenge creates at
most one account. A script pays the same work per account as a browser, and the per-source
limit caps how many accounts the work buys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from altcha import v1 as altcha

from chalicelib import storage
from chalicelib.config import token_secret
from chalicelib.errors import ChatError
from chalicelib.limits import CHALLENGE_LIFETIME_S, challenge_max_number

ALGORITHM: Final = "SHA-256"
MAX_PAYLOAD_CHARS = 2000


def _key() -> bytes:
    """The signing key, derived from the token secret so there is no second secret to manage."""
    return hmac.new(token_secret().encode(), b"altcha-challenge", hashlib.sha256).digest()


def new_challenge(now: datetime) -> dict[str, Any]:
    """A fresh challenge, as the ALTCHA widget (or our own worker) expects it."""
    options = altcha.ChallengeOptions(
        algorithm=ALGORITHM,
        max_number=challenge_max_number(),
        salt_length=12,
        hmac_key=_key(),
        expires=now + timedelta(seconds=CHALLENGE_LIFETIME_S),
    )
    challenge: dict[str, Any] = altcha.create_challenge(options).to_dict()
    return challenge


def _payload(raw: object) -> altcha.Payload:
    """The solution as a JSON object, or as the widget's base64 of one."""
    if isinstance(raw, str) and len(raw) <= MAX_PAYLOAD_CHARS:
        try:
            raw = json.loads(base64.b64decode(raw, validate=True))
        except ValueError:
            raise ChatError("challenge_required") from None
    if not isinstance(raw, dict) or len(json.dumps(raw, default=str)) > MAX_PAYLOAD_CHARS:
        raise ChatError("challenge_required")
    fields = {"algorithm": str, "challenge": str, "number": int, "salt": str, "signature": str}
    if any(not isinstance(raw.get(name), kind) or isinstance(raw.get(name), bool) for name, kind in fields.items()):
        raise ChatError("challenge_required")
    return altcha.Payload(raw["algorithm"], raw["challenge"], raw["number"], raw["salt"], raw["signature"])


def spend(raw: object, now: datetime) -> None:
    """Accept a solved, unexpired challenge once; refuse anything else before any work is done."""
    payload = _payload(raw)
    if payload.algorithm != ALGORITHM:
        raise ChatError("challenge_required")
    solved, _ = altcha.verify_solution(payload, _key(), False)  # the expiry is checked against ``now`` below
    if not solved:
        raise ChatError("challenge_required")
    # The salt (with its expiry) is covered by the signature: a verified one is as we made it.
    expires = payload.parse_salt()[1]
    if expires is None:
        raise ChatError("challenge_required")
    expires_at = datetime.fromtimestamp(expires, UTC)
    if expires_at <= now:
        raise ChatError("challenge_expired")
    if not storage.claim_mark(f"challenge#{payload.challenge}", expires_at + timedelta(minutes=5)):
        raise ChatError("challenge_expired")  # solved before, and spent: solve a new one


def solve(challenge: dict[str, Any]) -> dict[str, Any]:
    """What a browser does, in Python: for tests and for ``tools/`` scripts against the local stack."""
    solution = altcha.solve_challenge(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], int(challenge["maxNumber"]), 0
    )
    if solution is None:
        raise ValueError("no solution below maxNumber")
    return {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
