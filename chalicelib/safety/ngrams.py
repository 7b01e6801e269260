"""Second stage: a small n-gram scorer for crisis wording no rule foresaw.

The rules (``crisis_rules.txt``) know the concepts; they miss phrasings nobody wrote
down ("i think about offing myself", "vil bare ikke være til mere"). This scorer is two
logistic regressions over the words, Danish stems, stem pairs and character 3- and
4-grams of a message, trained offline by ``bench/train_ngrams.py`` on the tuning lines
(``tests/data/safety_corpus.tsv`` and ``safety_extra.tsv``) and shipped as
``data/crisis_ngrams.tsv``. Scoring is plain Python: a dictionary lookup per feature.

* The **flag** model (one weight per feature) says whether a message carries a signal
  at all. Its threshold is chosen at training time on lines the model never saw, so
  that about one in a hundred must-pass lines the rules leave alone would reach it.
* The **level** model (a weight per level and feature, softmax) is consulted only for a
  message the flag model flags, and names its level: concern, ideation, plan, acute,
  or danger (someone else hurts the teen: kind ``danger``, severity ``concern``).

Character grams are taken of each word spelled the way a hurried teen might: æ, ø, å as
ae, oe, aa and runs of a letter as one ("døde", "doede", "dooode" share most grams), so a
spelling no list foresaw still lands near the words it means.

It only speaks when no rule did and no idiom was recognised ("jeg døde af grin" is
settled by the idiom rules, not by a score).
"""

from __future__ import annotations

import math
import re
from functools import cache
from itertools import pairwise
from pathlib import Path

from .lexicon import stem

__all__ = ["LEVELS", "NgramScorer", "features"]

_DATA = Path(__file__).parent / "data" / "crisis_ngrams.tsv"

# The level model's classes, in the order of the weight columns.
LEVELS: tuple[str, ...] = ("concern", "ideation", "plan", "acute", "danger")

_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_RUN = re.compile(r"(.)\1+")


def spelling_key(word: str) -> str:
    """The word as typed without æ/ø/å and with letter runs squeezed: "døøøde" -> "doede"."""
    return _RUN.sub(r"\1", word.translate(_ASCII))


def features(words: list[str]) -> set[str]:
    """The features of a message's folded words (the same at training and scoring time)."""
    found: set[str] = set()
    stems = [_stem(w) for w in words]
    for word, root in zip(words, stems, strict=False):
        found.add("w:" + word)
        found.add("s:" + root)
        padded = f" {spelling_key(word)} "
        for n in (3, 4):
            for i in range(len(padded) - n + 1):
                found.add("c:" + padded[i : i + n])
    for first, second in pairwise(stems):
        found.add(f"b:{first}_{second}")
    return found


_STEMS: dict[str, str] = {}


def _stem(word: str) -> str:
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) > 50_000:
            _STEMS.clear()
        found = _STEMS[word] = stem(word, "da")
    return found


class NgramScorer:
    """Weights read from ``data/crisis_ngrams.tsv``.

    Header rows ``#bias``, ``#threshold`` and ``#level_bias`` (one value per level),
    then one row per feature: ``feature<TAB>flag weight[<TAB>level weights]``, where
    the level weights are space-separated in the order of ``LEVELS`` (absent: zero).
    """

    def __init__(
        self,
        weights: dict[str, float],
        bias: float,
        threshold: float,
        level_weights: dict[str, tuple[float, ...]] | None = None,
        level_bias: tuple[float, ...] = (0.0,) * len(LEVELS),
    ) -> None:
        self.weights, self.bias, self.threshold = weights, bias, threshold
        self.level_weights = level_weights or {}
        self.level_bias = level_bias

    @classmethod
    def load(cls, path: Path = _DATA) -> NgramScorer:
        weights: dict[str, float] = {}
        levels: dict[str, tuple[float, ...]] = {}
        bias = threshold = 0.0
        level_bias = (0.0,) * len(LEVELS)
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, rest = line.partition("\t")
            flag, _, level = rest.partition("\t")
            if name == "#bias":
                bias = float(flag)
            elif name == "#threshold":
                threshold = float(flag)
            elif name == "#level_bias":
                level_bias = tuple(float(v) for v in flag.split())
            elif name:
                if flag:
                    weights[name] = float(flag)
                if level:
                    levels[name] = tuple(float(v) for v in level.split())
        return cls(weights, bias, threshold, levels, level_bias)

    def score(self, words: list[str]) -> float:
        """The flag model's log-odds that the message carries a signal."""
        return self._flag_score(features(words))

    def flags(self, words: list[str]) -> bool:
        return bool(words) and self.score(words) >= self.threshold

    def assess(self, words: list[str]) -> str | None:
        """The level (one of ``LEVELS``) of a message the flag model flags, else None."""
        if not words:
            return None
        found = features(words)
        if self._flag_score(found) < self.threshold:
            return None
        totals = self._level_scores(found)
        return LEVELS[max(range(len(LEVELS)), key=totals.__getitem__)]

    def level_probabilities(self, words: list[str]) -> dict[str, float]:
        """Softmax over the level model's scores (for figures and tests)."""
        totals = self._level_scores(features(words))
        top = max(totals)
        exps = [math.exp(t - top) for t in totals]
        return {name: e / sum(exps) for name, e in zip(LEVELS, exps, strict=True)}

    def _flag_score(self, found: set[str]) -> float:
        weights = self.weights
        return self.bias + sum(weights.get(f, 0.0) for f in found)

    def _level_scores(self, found: set[str]) -> list[float]:
        totals = list(self.level_bias)
        rows = self.level_weights
        for feature in found:
            row = rows.get(feature)
            if row is not None:
                for i, weight in enumerate(row):
                    totals[i] += weight
        return totals


@cache
def default_scorer() -> NgramScorer | None:
    """The shipped scorer, loaded on first use; None when no weights are shipped."""
    return NgramScorer.load() if _DATA.exists() else None
