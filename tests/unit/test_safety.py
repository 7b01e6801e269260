"""Safety, built in: the screen every participant message goes through, judged on labelled lines.

Two labelled files hold teen lines in Danish and English: ``safety_corpus.tsv`` is tuned
on; ``safety_heldout.tsv`` was written apart and is never read line by line while tuning
(bench/heldout.py prints aggregates only). The held-out targets are the issue's: crisis
recall >= 0.95 with false flags <= 2% of must-pass lines, guard recall >= 0.97 with false
blocks <= 0.5%; they are not all reached yet (an expected failure that must start passing
strictly), and a floor keeps the figures reached from slipping. Focused behaviour lives in test_safety_guard.py, test_safety_crisis.py and
test_safety_flood.py.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.heldout import Figures, score_file
from chalicelib.safety import (
    REASONS,
    SEVERITIES,
    CrisisDetector,
    Verdict,
    screen_message,
)

ROOT = Path(__file__).resolve().parents[2]

CORPUS = ROOT / "tests" / "data" / "safety_corpus.tsv"
HELDOUT = ROOT / "tests" / "data" / "safety_heldout.tsv"
LABELS = {"pass", *(f"flag:{level}" for level in (*SEVERITIES, "danger")), *(f"block:{r}" for r in REASONS)}


def load_corpus() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def tuning() -> Figures:
    return score_file(CORPUS)


class TestTuningCorpus:
    def test_corpus_is_labelled_in_both_languages_with_every_label(self) -> None:
        rows = load_corpus()
        labels = Counter(r["label"] for r in rows)
        assert set(labels) == LABELS
        assert {r["lang"] for r in rows} == {"da", "en"}
        assert all(r["text"].strip() for r in rows)
        assert labels["pass"] >= 400 and sum(n for label, n in labels.items() if label.startswith("flag")) >= 350

    def test_crisis_lines_are_caught_without_flagging_ordinary_chat(self, tuning: Figures) -> None:
        assert tuning.crisis_recall >= 0.98
        assert tuning.false_flag_rate <= 0.01
        assert tuning.level_accuracy >= 0.9

    def test_identifying_lines_are_held_back_for_the_right_reason_and_ordinary_chat_is_not(
        self, tuning: Figures
    ) -> None:
        assert tuning.guard_recall >= 0.99
        assert tuning.reasons_right >= 0.98 * tuning.block_lines
        assert tuning.false_blocks == 0


@pytest.fixture(scope="module")
def heldout() -> Figures:
    if not HELDOUT.exists():
        pytest.skip("held-out file not merged yet")
    return score_file(HELDOUT)


@pytest.mark.xfail(
    strict=True,
    reason="not all reached yet: after the fifth round of issue 12 the held-out figures are crisis recall 0.955, "
    "false flags 1.52%, guard recall 0.947 (125 of 132; phone lines 24 of 30), false blocks 0.38%: only guard "
    "recall is short of its target; when this passes, drop the mark",
)
def test_held_out_targets_are_met(heldout: Figures) -> None:
    """The issue's targets on lines nobody tuned on."""
    assert heldout.crisis_recall >= 0.95
    assert heldout.false_flag_rate <= 0.02
    assert heldout.guard_recall >= 0.97
    assert heldout.false_block_rate <= 0.005


def test_held_out_figures_do_not_fall_below_what_was_reached(heldout: Figures) -> None:
    """A regression floor at the figures measured after the fifth round of issue 12 (guard recall's target is above)."""
    assert heldout.crisis_recall >= 0.95
    assert heldout.false_flag_rate <= 0.016
    assert heldout.guard_recall >= 0.946
    assert heldout.false_block_rate <= 0.004


HELDOUT_2 = ROOT / "tests" / "data" / "safety_heldout2.tsv"


def test_second_held_out_guard_figures_do_not_fall() -> None:
    """A second file of guard lines, by a writer who saw neither the guard nor any corpus, scored only in
    aggregate: 0.916 of its block lines were held back before the fifth round, 0.963 after, and no pass line."""
    figures = score_file(HELDOUT_2)
    assert figures.guard_recall >= 0.96
    assert figures.false_blocks == 0


class TestScreenMessage:
    def test_a_message_held_back_still_alerts_the_mentors(self) -> None:
        verdict = screen_message("jeg vil ikke leve mere, ring 22334455")
        assert verdict.held_back == "phone"
        assert verdict.crisis and not verdict.deliver
        assert verdict.severity == "ideation" and verdict.kind == "crisis"

    def test_an_ordinary_message_is_delivered_with_no_signal(self) -> None:
        verdict = screen_message("vi ses på torsdag", CrisisDetector.default())
        assert verdict == Verdict(held_back=None)
        assert verdict.deliver and not verdict.crisis and verdict.severity is None and verdict.kind is None

    def test_an_acute_message_says_so(self) -> None:
        verdict = screen_message("jeg har lige taget alle mine piller")
        assert verdict.acute and verdict.crisis_terms


class TestImportCost:
    def test_importing_safety_does_no_work(self) -> None:
        """Lambdas that never screen text must not pay for phonenumbers, stemmers or word lists."""
        probe = (
            "import sys, chalicelib.safety as s, chalicelib.safety.crisis as c;"
            "assert 'phonenumbers' not in sys.modules;"
            "assert not any(m.startswith('snowballstemmer') for m in sys.modules);"
            "import chalicelib.safety.ngrams as n;"
            "assert c._default_detector.cache_info().currsize == 0;"
            "assert n.default_scorer.cache_info().currsize == 0"
        )
        subprocess.run([sys.executable, "-c", probe], check=True, cwd=ROOT)
