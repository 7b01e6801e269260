"""Flood control: one sender cannot drown the group, and a refusal costs nothing."""

from __future__ import annotations

import pytest

from chalicelib.safety import FloodLimits, FloodState, admit

T0 = 1_700_000_000.0


DEFAULT_LIMITS = FloodLimits()


def send_many(texts, *, start: float = T0, every: float = 0.0, limits: FloodLimits = DEFAULT_LIMITS):
    state, decisions = None, []
    for i, text in enumerate(texts):
        decision, state = admit(state, text, start + i * every, limits)
        decisions.append(decision)
    return decisions, state


class TestFloodControl:
    def test_a_burst_up_to_the_limit_is_allowed_then_refused(self) -> None:
        decisions, _ = send_many([f"besked {i}" for i in range(6)], limits=FloodLimits(burst=5))
        assert [d.allowed for d in decisions] == [True] * 5 + [False]
        assert decisions[-1].code == "rate_limited"
        assert decisions[-1].retry_after_s == pytest.approx(3.0)  # 20/min -> one token per 3 s

    def test_sustained_sending_at_the_refill_rate_is_allowed(self) -> None:
        decisions, _ = send_many(
            [f"besked {i}" for i in range(100)], every=3.0, limits=FloodLimits(burst=1, per_minute=20)
        )
        assert all(d.allowed for d in decisions)

    def test_sending_faster_than_the_refill_rate_is_limited(self) -> None:
        decisions, _ = send_many(
            [f"besked {i}" for i in range(60)], every=1.0, limits=FloodLimits(burst=5, per_minute=20)
        )
        allowed = sum(d.allowed for d in decisions)
        assert 5 + 59 // 3 - 1 <= allowed <= 5 + 59 // 3 + 1

    def test_the_same_text_again_within_the_window_is_refused(self) -> None:
        limits = FloodLimits(repeat_window_s=30)
        first, state = admit(None, "Hej alle", T0, limits)
        again, _ = admit(state, "  hej   ALLE ", T0 + 10, limits)
        later, _ = admit(state, "hej alle", T0 + 31, limits)
        assert first.allowed and not again.allowed and later.allowed
        assert again.code == "repeated" and again.retry_after_s == pytest.approx(20)

    def test_slow_mode_allows_one_message_per_period(self) -> None:
        limits = FloodLimits(slow_mode_s=60)
        _, state = admit(None, "en", T0, limits)
        early, same_state = admit(state, "to", T0 + 45, limits)
        on_time, _ = admit(state, "to", T0 + 60, limits)
        assert early.code == "slow_mode" and early.retry_after_s == pytest.approx(15)
        assert same_state == state and on_time.allowed

    def test_too_long_is_refused_and_waiting_would_not_help(self) -> None:
        decision, _ = admit(None, "x" * 1001, T0, FloodLimits(max_length=1000))
        assert decision.code == "too_long" and decision.retry_after_s is None
        assert admit(None, "x" * 1000, T0, FloodLimits(max_length=1000))[0].allowed

    def test_a_refused_message_consumes_nothing(self) -> None:
        limits = FloodLimits(burst=2, max_length=10)
        _, state = admit(None, "en", T0, limits)
        for text in ("x" * 11, "en"):  # too long, repeated
            decision, after = admit(state, text, T0 + 1, limits)
            assert not decision.allowed and after == state
        assert admit(state, "to", T0 + 1, limits)[0].allowed

    def test_refused_while_rate_limited_does_not_delay_recovery(self) -> None:
        limits = FloodLimits(burst=1, per_minute=60)
        _, state = admit(None, "a", T0, limits)
        for i in range(5):
            decision, state = admit(state, f"spam {i}", T0 + 0.1 * (i + 1), limits)
            assert decision.code == "rate_limited"
        assert admit(state, "b", T0 + 1.0, limits)[0].allowed

    def test_a_clock_that_steps_back_does_not_refill_or_crash(self) -> None:
        limits = FloodLimits(burst=1)
        _, state = admit(None, "a", T0, limits)
        decision, _ = admit(state, "b", T0 - 100, limits)
        assert decision.code == "rate_limited" and decision.retry_after_s > 0

    def test_the_state_keeps_a_digest_never_the_text(self) -> None:
        _, state = admit(None, "min hemmelighed", T0, FloodLimits())
        assert "hemmelighed" not in repr(state)
        assert isinstance(state, FloodState) and state.last_sent_at == T0

    @pytest.mark.parametrize("bad", [{"burst": 0}, {"per_minute": 0}, {"max_length": 0}, {"slow_mode_s": -1}])
    def test_nonsense_limits_are_refused_loudly(self, bad) -> None:
        with pytest.raises(ValueError):
            FloodLimits(**bad)
