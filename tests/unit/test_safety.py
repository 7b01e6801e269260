"""Safety, built in: anonymity guard, crisis signals, flood control.

The labelled corpus (tests/data/safety_corpus.tsv) is the guard's contract: every
must-pass line passes, and at least 95% of must-block / must-flag lines are caught.
Run with ``-s`` to see the precision/recall table.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from chalicelib.safety import (
    REASONS,
    CrisisDetector,
    FloodLimits,
    FloodState,
    Verdict,
    admit,
    check_pseudonym,
    check_text,
    help_lines,
    help_text,
    notice,
    notices,
    screen_message,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "safety_corpus.tsv"
CATEGORIES = (*REASONS, "flag")
MIN_RECALL = 0.95


def load_corpus() -> list[tuple[str, str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["label"], r["lang"], r["text"]) for r in rows]


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector.default()


@pytest.fixture(scope="module")
def screened(detector: CrisisDetector) -> list[tuple[str, str, Verdict]]:
    return [(label, text, screen_message(text, detector)) for label, _lang, text in load_corpus()]


def score(screened: list[tuple[str, str, Verdict]]) -> dict[str, tuple[int, int, int]]:
    """Per category: (true positives, predicted, labelled)."""
    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    labelled: Counter[str] = Counter()
    for label, _text, verdict in screened:
        want = label.removeprefix("block:")
        got = set()
        if verdict.held_back:
            got.add(verdict.held_back)
        if verdict.crisis_terms:
            got.add("flag")
        labelled[want] += 1
        for category in got:
            predicted[category] += 1
            tp[category] += category == want
    return {c: (tp[c], predicted[c], labelled[c]) for c in CATEGORIES}


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


# --- the corpus --------------------------------------------------------------------------


class TestCorpus:
    def test_corpus_has_enough_labelled_lines_in_both_languages(self) -> None:
        rows = load_corpus()
        assert len(rows) >= 180
        assert {label for label, _, _ in rows} <= {"pass", "flag", *(f"block:{r}" for r in REASONS)}
        assert {lang for _, lang, _ in rows} == {"da", "en"}
        assert all(text.strip() for _, _, text in rows)

    def test_every_category_is_represented(self) -> None:
        labels = Counter(label for label, _, _ in load_corpus())
        for reason in REASONS:
            assert labels[f"block:{reason}"] >= 5, reason
        assert labels["flag"] >= 30
        assert labels["pass"] >= 100

    def test_must_pass_lines_are_never_held_back_or_flagged(self, screened) -> None:
        wrongly_stopped = [
            (text, verdict) for label, text, verdict in screened if label == "pass" and (verdict.held_back or verdict.crisis_terms)
        ]
        assert wrongly_stopped == []

    @pytest.mark.parametrize("category", CATEGORIES)
    def test_recall_is_at_least_95_percent(self, screened, category: str) -> None:
        tp, _predicted, labelled = score(screened)[category]
        missed = [text for label, text, v in screened if label.removeprefix("block:") == category and not _caught(v, category)]
        assert ratio(tp, labelled) >= MIN_RECALL, missed

    @pytest.mark.parametrize("category", CATEGORIES)
    def test_held_back_messages_name_the_right_reason(self, screened, category: str) -> None:
        tp, predicted, _labelled = score(screened)[category]
        assert ratio(tp, predicted) >= MIN_RECALL

    def test_print_precision_and_recall(self, screened, capsys) -> None:
        table = score(screened)
        with capsys.disabled():
            print(f"\n{'category':<14}{'precision':>10}{'recall':>8}{'n':>5}")
            for category, (tp, predicted, labelled) in table.items():
                print(f"{category:<14}{ratio(tp, predicted):>10.3f}{ratio(tp, labelled):>8.3f}{labelled:>5}")


def _caught(verdict: Verdict, category: str) -> bool:
    return bool(verdict.crisis_terms) if category == "flag" else verdict.held_back == category


# --- anonymity guard ---------------------------------------------------------------------


class TestAnonymityGuard:
    @pytest.mark.parametrize(
        "text",
        [
            "12345678",
            "12 34 56 78",
            "1234 5678",
            "12-34-56-78",
            "12.34.56.78",
            "+45 12 34 56 78",
            "0045 12345678",
            "+4512345678",
            "9 1 8 2 7 3 6 4",
            "2 2 3 3 4 4 5 5",
            "2o 3o 4o 5o",
            "２２３３４４５５",  # full-width digits
            "22\u200b33\u200b44\u200b55",  # zero-width spaces between the pairs
            "+44 7911 123456",
            "+1 (415) 555-2671",
        ],
    )
    def test_phone_numbers_in_every_common_spelling_are_held_back(self, text: str) -> None:
        assert check_text(f"ring til mig {text}") == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "kl. 19.30",
            "19:30",
            "kl 19.30-21.00",
            "d. 12/3",
            "12.03.2025",
            "2025-03-12",
            "i 2019",
            "fra 2019-2023",
            "jeg er 15",
            "200 kr",
            "10.000.000 kr",
            "8. klasse",
            "10 gange",
            "1 2 3 4 5 6 7 8 9 10",
            "10 9 8 7 6 5 4 3 2 1",
        ],
    )
    def test_times_dates_years_ages_and_prices_pass(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize("text", ["ring til Livslinien på 70 201 201", "Børnetelefonen 116 111", "ring 112"])
    def test_public_help_line_numbers_may_be_shared(self, text: str) -> None:
        assert check_text(text) is None

    def test_mentioning_someone_in_the_group_with_at_passes(self) -> None:
        assert check_text("@Luna hvordan gik det?") is None
        assert check_text("ses @ 19") is None

    @pytest.mark.parametrize("handle", ["@sofie_h", "@maja.k", "@luna2009"])
    def test_at_handles_shaped_like_usernames_are_held_back(self, handle: str) -> None:
        assert check_text(f"skriv til {handle}") == "handle"

    @pytest.mark.parametrize("text", ["snap er dumt", "min insta er privat", "mit snap er dødt", "my tiktok is blowing up"])
    def test_talking_about_social_media_passes(self, text: str) -> None:
        assert check_text(text) is None

    def test_cpr_needs_a_plausible_birth_date(self) -> None:
        assert check_text("010203-1234") == "cpr"
        assert check_text("0102031234") == "cpr"
        assert check_text("ordrenr 9913991234") != "cpr"  # month 13 is no date

    def test_the_first_reason_in_order_wins(self) -> None:
        assert check_text("mail sofie@gmail.com eller ring 22334455") == "email"


class TestImportCost:
    def test_importing_safety_does_no_work(self) -> None:
        """Lambdas that never screen text must not pay for phonenumbers or phrase lists."""
        probe = (
            "import sys, chalicelib.safety as s, chalicelib.safety.crisis as c;"
            "assert 'phonenumbers' not in sys.modules;"
            "assert c._default_detector.cache_info().currsize == 0"
        )
        subprocess.run([sys.executable, "-c", probe], check=True, cwd=Path(__file__).resolve().parents[2])


class TestNotices:
    def test_every_reason_has_a_kind_notice_in_danish_and_english(self) -> None:
        texts = notices()
        assert set(texts) == set(REASONS)
        for reason in REASONS:
            assert texts[reason]["da"] and texts[reason]["en"]
            assert "anonym" in texts[reason]["da"] and "anonymous" in texts[reason]["en"]

    def test_notice_falls_back_to_danish(self) -> None:
        assert notice("phone", "xx") == notice("phone", "da")

    def test_notice_constant_loads_lazily(self) -> None:
        from chalicelib.safety import guard

        assert guard.NOTICE == notices()


# --- pseudonyms --------------------------------------------------------------------------


class TestPseudonyms:
    @pytest.mark.parametrize("name", ["Luna", "Stjerne", "Maja", "Lille My", "Sommerfugl7", "Nordlys", "Kiki", "Luna07"])
    def test_ordinary_pseudonyms_are_accepted(self, name: str) -> None:
        assert check_pseudonym(name) is None

    @pytest.mark.parametrize(
        "name, reason",
        [
            ("22334455", "phone"),
            ("22 33 44 55", "phone"),
            ("luna123456", "phone"),
            ("sofie@gmail.com", "email"),
            ("@sofie", "handle"),
            ("sofie.h", "handle"),
            ("x_maja_x", "handle"),
            ("Luna2009", "handle"),
            ("snapqueen", "handle"),
            ("sc sofie", "handle"),
            ("Nørregade 12", "address"),
        ],
    )
    def test_pseudonyms_that_could_lead_to_a_real_person_are_rejected(self, name: str, reason: str) -> None:
        assert check_pseudonym(name) == reason

    @pytest.mark.parametrize("name", ["Luna", "Luna07", "Kiki", "Nordlys"])
    def test_an_accepted_pseudonym_can_always_be_mentioned_with_at(self, name: str) -> None:
        assert check_text(f"@{name} tak for i dag") is None


# --- crisis signals ----------------------------------------------------------------------


class TestCrisisSignals:
    def test_default_detector_is_built_once(self) -> None:
        assert CrisisDetector.default() is CrisisDetector.default()

    def test_ordinary_text_finds_nothing(self, detector) -> None:
        assert detector.find("vi ses på torsdag") == ()

    def test_danish_kys_means_kiss_and_is_not_flagged(self, detector) -> None:
        assert detector.find("kys") == ()
        assert detector.find("kys og kram") == ()
        assert detector.find("just kys") == ("just kys",)

    @pytest.mark.parametrize(
        "text",
        ["selvmoord", "SELVMORD", "s3lvm0rd", "vil.ikke-leve", "i wanna diiiie", "k m s", "I don't want to live", "dont want to live"],
    )
    def test_spelling_variation_is_tolerated(self, detector, text: str) -> None:
        assert detector.find(text) != ()

    def test_stretching_never_shortens_a_word(self, detector) -> None:
        assert detector.find("jeg cutter igen") == ("cutter",)
        assert detector.find("she is so cute") == ()

    def test_wildcards_cover_inflections(self, detector) -> None:
        assert "selvmord*" in detector.find("jeg har selvmordstanker")

    def test_organisation_phrases_extend_without_changing_the_default(self, detector) -> None:
        extended = detector.with_extra(["vil væk for altid", "# a comment", "", "mørke* tanker"])
        assert extended.find("jeg vil væk for altid") == ("vil væk for altid",)
        assert extended.find("jeg har mørke tanker") == ("mørke* tanker",)
        assert detector.find("jeg vil væk for altid") == ()
        assert len(extended.phrases) == len(detector.phrases) + 2

    def test_a_message_held_back_still_alerts_the_mentor(self, detector) -> None:
        verdict = screen_message("jeg vil ikke leve mere, ring 22334455", detector)
        assert verdict.held_back == "phone"
        assert verdict.crisis and not verdict.deliver

    def test_help_lines_name_both_numbers_in_both_languages(self) -> None:
        phones = {line["phone"] for line in help_lines()["lines"]}
        assert phones == {"116 111", "70 201 201"}
        for lang in ("da", "en"):
            assert "116 111" in help_text(lang) and "70 201 201" in help_text(lang)


# --- flood control -----------------------------------------------------------------------

T0 = 1_700_000_000.0


def send_many(texts, *, start: float = T0, every: float = 0.0, limits: FloodLimits = FloodLimits()):
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
        decisions, _ = send_many([f"besked {i}" for i in range(100)], every=3.0, limits=FloodLimits(burst=1, per_minute=20))
        assert all(d.allowed for d in decisions)

    def test_sending_faster_than_the_refill_rate_is_limited(self) -> None:
        decisions, _ = send_many([f"besked {i}" for i in range(60)], every=1.0, limits=FloodLimits(burst=5, per_minute=20))
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
