"""Flood control: keep one sender from drowning the group, as a pure function.

State in, state out: the caller loads ``FloodState`` (e.g. from the participant's
connection item in DynamoDB), calls :func:`admit` with the current time, and writes
the returned state back only when it changed. No clock is read here, so every rule
can be tested at any instant.

Rules, checked in this order, the first refusal wins:
``too_long`` (over ``max_length``) -> ``slow_mode`` (one message per ``slow_mode_s``) ->
``repeated`` (same text again within ``repeat_window_s``) -> ``rate_limited`` (token
bucket: ``burst`` messages at once, refilled at ``per_minute``). A refused message
consumes nothing, so a teen who is told to wait is not punished further for trying.

The state keeps a short digest of the last text, never the text itself: the flood
state may be stored, and message text must not end up anywhere but the message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

__all__ = ["FloodDecision", "FloodLimits", "FloodState", "admit", "digest"]


@dataclass(frozen=True)
class FloodLimits:
    """Per-sender limits; organisations or mentors may tighten them (slow mode)."""

    burst: int = 5
    per_minute: int = 20
    max_length: int = 1000
    repeat_window_s: int = 30
    slow_mode_s: int = 0  # 0 = off

    def __post_init__(self) -> None:
        if self.burst < 1:
            raise ValueError("burst must be at least 1")
        if self.per_minute <= 0:
            raise ValueError("per_minute must be positive")
        if self.max_length < 1:
            raise ValueError("max_length must be at least 1")
        if self.repeat_window_s < 0 or self.slow_mode_s < 0:
            raise ValueError("repeat_window_s and slow_mode_s must not be negative")

    @property
    def refill_per_s(self) -> float:
        return self.per_minute / 60.0


@dataclass(frozen=True)
class FloodState:
    """What flood control remembers about one sender between messages."""

    tokens: float
    updated_at: float  # epoch seconds when ``tokens`` was last computed
    last_digest: str | None = None
    last_sent_at: float | None = None

    @classmethod
    def fresh(cls, now: float, limits: FloodLimits) -> FloodState:
        """A sender never seen before starts with a full bucket."""
        return cls(tokens=float(limits.burst), updated_at=now)


@dataclass(frozen=True)
class FloodDecision:
    allowed: bool
    code: str | None = None  # 'too_long' | 'rate_limited' | 'repeated' | 'slow_mode'
    retry_after_s: float | None = None  # None when waiting would not help (too_long)


_ALLOWED = FloodDecision(allowed=True)


def digest(text: str) -> str:
    """Short fingerprint of the text as a reader sees it: case and spacing don't matter."""
    canonical = " ".join(text.casefold().split())
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=8).hexdigest()


def admit(state: FloodState | None, text: str, now: float, limits: FloodLimits) -> tuple[FloodDecision, FloodState]:
    """Decide whether ``text`` may be sent at ``now``; return the decision and the new state.

    On refusal the state comes back unchanged (or fresh, for an unknown sender), so
    nothing is consumed and the caller can skip the write.
    """
    current = state if state is not None else FloodState.fresh(now, limits)

    if len(text) > limits.max_length:
        return FloodDecision(False, "too_long", None), current

    since_last = None if current.last_sent_at is None else max(0.0, now - current.last_sent_at)

    if limits.slow_mode_s and since_last is not None and since_last < limits.slow_mode_s:
        return FloodDecision(False, "slow_mode", limits.slow_mode_s - since_last), current

    fingerprint = digest(text)
    if (
        limits.repeat_window_s
        and since_last is not None
        and since_last < limits.repeat_window_s
        and fingerprint == current.last_digest
    ):
        return FloodDecision(False, "repeated", limits.repeat_window_s - since_last), current

    # A clock that steps backwards (another Lambda, a skewed host) must not drain the bucket.
    elapsed = max(0.0, now - current.updated_at)
    tokens = min(float(limits.burst), current.tokens + elapsed * limits.refill_per_s)
    if tokens < 1.0:
        return FloodDecision(False, "rate_limited", (1.0 - tokens) / limits.refill_per_s), current

    return _ALLOWED, FloodState(
        tokens=tokens - 1.0,
        updated_at=max(now, current.updated_at),
        last_digest=fingerprint,
        last_sent_at=now,
    )
