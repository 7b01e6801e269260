"""Second stage: a small n-gram scorer for crisis wording no rule foresaw.

The rules (``crisis_rules.txt``) know the concepts; they miss phrasings nobody wrote
down ("i think about offing myself", "vil bare ikke være til mere"). This scorer is a
logistic regression over the words, Danish stems, stem pairs and character 3- and
4-grams of a message, trained offline on the tuning corpus by ``bench/train_ngrams.py``
and shipped as ``data/crisis_ngrams.tsv`` (feature, weight). Scoring is plain Python: a
dictionary lookup per feature.

It only speaks when no rule did and no idiom was recognised ("jeg døde af grin" is
settled by the idiom rules, not by a score), and then at ``concern``: a mentor should
look, but the scorer cannot tell a plan from a wish. The threshold is chosen at training
time so that at most about half a percent of the tuning corpus's must-pass lines would be
flagged by the scorer alone.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path

from .lexicon import stem

__all__ = ["NgramScorer", "features"]

_DATA = Path(__file__).parent / "data" / "crisis_ngrams.tsv"


def features(words: list[str]) -> set[str]:
    """The features of a message's folded words (the same at training and scoring time)."""
    found: set[str] = set()
    stems = [_stem(w) for w in words]
    for word, root in zip(words, stems, strict=False):
        found.add("w:" + word)
        found.add("s:" + root)
        padded = f" {word} "
        for n in (3, 4):
            for i in range(len(padded) - n + 1):
                found.add("c:" + padded[i:i + n])
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
    """Weights read from ``data/crisis_ngrams.tsv``: ``#bias``, ``#threshold``, then feature rows."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float) -> None:
        self.weights, self.bias, self.threshold = weights, bias, threshold

    @classmethod
    def load(cls, path: Path = _DATA) -> NgramScorer:
        weights: dict[str, float] = {}
        bias = threshold = 0.0
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, value = line.rpartition("\t")
            if name == "#bias":
                bias = float(value)
            elif name == "#threshold":
                threshold = float(value)
            elif name:
                weights[name] = float(value)
        return cls(weights, bias, threshold)

    def score(self, words: list[str]) -> float:
        weights = self.weights
        return self.bias + sum(weights.get(f, 0.0) for f in features(words))

    def flags(self, words: list[str]) -> bool:
        return bool(words) and self.score(words) >= self.threshold


@cache
def default_scorer() -> NgramScorer | None:
    """The shipped scorer, loaded on first use; None when no weights are shipped."""
    return NgramScorer.load() if _DATA.exists() else None
