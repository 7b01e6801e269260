"""Train the crisis detector's second stage (n-gram logistic regressions) on the tuning lines.

    .venv/bin/python -m bench.train_ngrams [--pass-rate 0.01] [--no-typos]

Reads the tuning lines only: tests/data/safety_corpus.tsv and tests/data/safety_extra.tsv
(never safety_dev.tsv, which is for choosing settings, nor the held-out file). Trains in
plain Python, deterministically (fixed seeds, sorted output), and writes
chalicelib/safety/data/crisis_ngrams.tsv:

* the flag model: flag lines against pass and block lines (binary logistic regression);
  its threshold comes from 5-fold cross-validation: the score that at most
  ``--pass-rate`` of the must-pass lines the rules leave alone reach when scored by a
  model that never saw them;
* the level model: a softmax over the levels of the flag lines (concern, ideation, plan,
  acute, danger), consulted only for a message the flag model flags.

Every tuning line is also learnt once more with typos a hurried teen makes (a letter
dropped, doubled or swapped, "ikke" as "ik"), so the scorer leans on no single spelling.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from pathlib import Path

from chalicelib.safety.crisis import CrisisDetector, clauses
from chalicelib.safety.ngrams import LEVELS, features

ROOT = Path(__file__).resolve().parents[1]

TUNING = (ROOT / "tests" / "data" / "safety_corpus.tsv", ROOT / "tests" / "data" / "safety_extra.tsv")
OUT = ROOT / "chalicelib" / "safety" / "data" / "crisis_ngrams.tsv"

# (features, label, text): label "pass" or a level from LEVELS.
Example = tuple[set[str], str, str]

_SHORT_FORMS = {
    "ikke": ("ik", "ikk", "ik"),
    "jeg": ("ej", "jg"),
    "det": ("d",),
    "mere": ("mer",),
    "bare": ("bar",),
    "want": ("wnt",),
    "dont": ("dnt", "don"),
    "really": ("rly",),
    "just": ("jus",),
}


def _typo(word: str, rng: random.Random) -> str:
    if word in _SHORT_FORMS and rng.random() < 0.5:
        return rng.choice(_SHORT_FORMS[word])
    if len(word) < 4 or word.isdigit():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def with_typos(words: list[str], rng: random.Random) -> list[str]:
    """The words with a typo in about one word of four (at least one)."""
    out = [_typo(w, rng) if rng.random() < 0.25 else w for w in words]
    if out == words and words:
        i = rng.randrange(len(words))
        out[i] = _typo(words[i], rng)
    return out


def _label(raw: str) -> str:
    kind, _, detail = raw.partition(":")
    if kind != "flag":
        return "pass"
    return detail if detail in LEVELS else "concern"


def load(paths: tuple[Path, ...] = TUNING) -> list[tuple[list[str], str, str]]:
    """(folded words, label, text) per tuning line."""
    rows = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                rows.append(([w for c in clauses(r["text"]) for w in c], _label(r["label"]), r["text"]))
    return rows


def examples(rows: list[tuple[list[str], str, str]], typos: bool, seed: int = 0) -> list[Example]:
    rng = random.Random(seed)
    out: list[Example] = []
    for words, label, text in rows:
        out.append((features(words), label, text))
        if typos:
            out.append((features(with_typos(words, rng)), label, text))
    return out


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def train_flag(
    data: list[Example], epochs: int = 15, rate: float = 0.2, l2: float = 1e-4
) -> tuple[dict[str, float], float]:
    weights: dict[str, float] = {}
    bias = 0.0
    ys = [int(label != "pass") for _, label, _ in data]
    positives = sum(ys)
    balance = {1: 0.5 * len(data) / max(positives, 1), 0: 0.5 * len(data) / max(len(data) - positives, 1)}
    order = list(range(len(data)))
    for epoch in range(epochs):
        random.Random(epoch).shuffle(order)
        for i in order:
            feats, y = data[i][0], ys[i]
            p = _sigmoid(bias + sum(weights.get(k, 0.0) for k in feats))
            gradient = (p - y) * balance[y]
            for k in feats:
                w = weights.get(k, 0.0)
                weights[k] = w - rate * (gradient + l2 * w)
            bias -= rate * gradient
    return weights, bias


def train_levels(
    data: list[Example], epochs: int = 15, rate: float = 0.1, l2: float = 1e-4
) -> tuple[dict[str, list[float]], list[float]]:
    """Softmax regression over LEVELS on the flag lines."""
    k = len(LEVELS)
    rows = [(feats, LEVELS.index(label)) for feats, label, _ in data if label != "pass"]
    weights: dict[str, list[float]] = {}
    bias = [0.0] * k
    order = list(range(len(rows)))
    for epoch in range(epochs):
        random.Random(100 + epoch).shuffle(order)
        for i in order:
            feats, y = rows[i]
            z = bias[:]
            for f in feats:
                row = weights.get(f)
                if row is not None:
                    for j in range(k):
                        z[j] += row[j]
            top = max(z)
            exps = [math.exp(v - top) for v in z]
            total = sum(exps)
            gradient = [e / total - (j == y) for j, e in enumerate(exps)]
            for f in feats:
                row = weights.setdefault(f, [0.0] * k)
                for j in range(k):
                    row[j] -= rate * (gradient[j] + l2 * row[j])
            for j in range(k):
                bias[j] -= rate * gradient[j]
    return weights, bias


def flag_score(model: tuple[dict[str, float], float], feats: set[str]) -> float:
    weights, bias = model
    return bias + sum(weights.get(k, 0.0) for k in feats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pass-rate", type=float, default=0.01)
    parser.add_argument("--no-typos", dest="typos", action="store_false")
    parser.add_argument("--keep", type=float, default=0.03, help="drop flag weights smaller than this")
    parser.add_argument("--keep-level", type=float, default=0.08, help="drop level rows whose weights are all smaller")
    args = parser.parse_args()

    OUT.unlink(missing_ok=True)  # the rules alone decide what "left alone" means below
    detector = CrisisDetector()
    rows = load()
    folds = [rows[i::5] for i in range(5)]
    pass_scores, flag_scores = [], []
    for i, held in enumerate(folds):
        model = train_flag(examples([r for j, fold in enumerate(folds) if j != i for r in fold], args.typos))
        for words, label, text in held:
            if detector.assess(text) is None and not detector.idiom_in(text):
                (flag_scores if label != "pass" else pass_scores).append(flag_score(model, features(words)))
    pass_scores.sort()
    threshold = pass_scores[min(len(pass_scores) - 1, int(len(pass_scores) * (1 - args.pass_rate)))] + 1e-6
    caught = sum(s >= threshold for s in flag_scores)
    print(
        f"cross-validated: threshold {threshold:.2f}; of {len(flag_scores)} flag lines the rules leave alone "
        f"{caught} reach it; {sum(s >= threshold for s in pass_scores)} of {len(pass_scores)} pass lines do"
    )

    data = examples(rows, args.typos)
    weights, bias = train_flag(data)
    level_weights, level_bias = train_levels(data)
    flag_rows = {k: round(w, 2) for k, w in weights.items() if abs(w) >= args.keep}
    level_rows = {
        k: [round(w, 2) for w in ws] for k, ws in level_weights.items() if max(abs(w) for w in ws) >= args.keep_level
    }
    lines = [
        f"#bias\t{bias:.4f}",
        f"#threshold\t{threshold:.4f}",
        f"#level_bias\t{' '.join(f'{b:.3f}' for b in level_bias)}",
    ]
    for name in sorted(flag_rows.keys() | level_rows.keys()):
        flag = _number(flag_rows[name]) if name in flag_rows else ""
        level = " ".join(_number(w) for w in level_rows[name]) if name in level_rows else ""
        lines.append(f"{name}\t{flag}\t{level}" if level else f"{name}\t{flag}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"wrote {OUT.relative_to(ROOT)}: {len(flag_rows)} flag features of {len(weights)}, "
        f"{len(level_rows)} level rows of {len(level_weights)}, {OUT.stat().st_size / 1024:.0f} KiB"
    )


def _number(value: float) -> str:
    """Short decimal form: 0.5 -> ".5", -0.25 -> "-.25", 0.0 -> "0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text or "0"


if __name__ == "__main__":
    main()
