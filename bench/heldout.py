"""Score the safety screen on a labelled file, printing aggregate figures only.

    .venv/bin/python bench/heldout.py [PATH]        # default tests/data/safety_heldout.tsv

The held-out file is kept apart from tuning: whoever tunes the detector must never
read its lines, so this script prints counts and ratios, never a line or a word of one.
It works on any file in the corpus format (``label<TAB>lang<TAB>text``, optional
``previous`` column with the sender's previous message), so it can be checked on
tests/data/safety_corpus.tsv first.

Labels: ``pass``; ``flag`` or ``flag:<level>`` with level one of concern, ideation,
plan, acute, danger; ``block:<reason>``. Figures:

* crisis recall — flag lines the screen flags at all (any severity, any kind);
* level accuracy — flag lines with a level whose severity (or kind ``danger``) matches;
* false flags — pass lines flagged, as a share of pass lines;
* guard recall — block lines held back (for any reason); reason accuracy alongside;
* false blocks — pass lines held back, as a share of pass lines.
"""

from __future__ import annotations

import argparse
import csv
import inspect
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.safety import CrisisDetector, screen_message

ROOT = Path(__file__).resolve().parents[1]

DEFAULT = ROOT / "tests" / "data" / "safety_heldout.tsv"
LEVELS = ("concern", "ideation", "plan", "acute", "danger")


@dataclass
class Figures:
    """Aggregate figures for one labelled file; no text is kept."""

    labels: Counter[str] = field(default_factory=Counter)
    flag_lines: int = 0
    flags_caught: int = 0
    levelled_lines: int = 0
    levels_right: int = 0
    pass_lines: int = 0
    false_flags: int = 0
    false_blocks: int = 0
    block_lines: int = 0
    blocks_caught: int = 0
    reasons_right: int = 0
    caught_by_label: Counter[str] = field(default_factory=Counter)

    @property
    def crisis_recall(self) -> float:
        return _ratio(self.flags_caught, self.flag_lines)

    @property
    def level_accuracy(self) -> float:
        return _ratio(self.levels_right, self.levelled_lines)

    @property
    def false_flag_rate(self) -> float:
        return _ratio(self.false_flags, self.pass_lines, empty=0.0)

    @property
    def guard_recall(self) -> float:
        return _ratio(self.blocks_caught, self.block_lines)

    @property
    def false_block_rate(self) -> float:
        return _ratio(self.false_blocks, self.pass_lines, empty=0.0)


def _ratio(part: int, whole: int, empty: float = 1.0) -> float:
    return part / whole if whole else empty


def _level_of(verdict: object) -> str | None:
    """The verdict's level in the labels' words; None for a detector that has no levels."""
    if getattr(verdict, "kind", None) == "danger":
        return "danger"
    return getattr(verdict, "severity", None)


def score_file(path: Path, detector: CrisisDetector | None = None) -> Figures:
    detector = detector or CrisisDetector.default()
    takes_previous = "previous_text" in inspect.signature(screen_message).parameters
    figures = Figures()
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            label, text = row["label"].strip(), row["text"]
            previous = (row.get("previous") or "").strip() or None
            if takes_previous:
                verdict = screen_message(text, detector, previous_text=previous)
            else:
                verdict = screen_message(text, detector)
            flagged, held = bool(verdict.crisis), verdict.held_back is not None
            figures.labels[label] += 1
            kind, _, detail = label.partition(":")
            if kind == "pass":
                figures.pass_lines += 1
                figures.false_flags += flagged
                figures.false_blocks += held
            elif kind == "flag":
                figures.flag_lines += 1
                figures.flags_caught += flagged
                figures.caught_by_label[label] += flagged
                if detail in LEVELS:
                    figures.levelled_lines += 1
                    figures.levels_right += flagged and _level_of(verdict) == detail
            elif kind == "block":
                figures.block_lines += 1
                figures.blocks_caught += held
                figures.reasons_right += verdict.held_back == detail
                figures.caught_by_label[label] += held
            else:
                raise ValueError(f"unknown label kind {kind!r} in {path.name}")
    return figures


def report(figures: Figures) -> list[str]:
    f = figures
    level = f"{f.level_accuracy:6.3f}" if f.levelled_lines else "   n/a"
    lines = [
        f"crisis recall   {f.crisis_recall:6.3f}  ({f.flags_caught} of {f.flag_lines} flag lines flagged)",
        f"level accuracy  {level}  ({f.levels_right} of {f.levelled_lines} levelled flag lines at their level)",
        f"false flags     {f.false_flag_rate:6.3%}  ({f.false_flags} of {f.pass_lines} pass lines)",
        (
            f"guard recall    {f.guard_recall:6.3f}  ({f.blocks_caught} of {f.block_lines} block lines held back;"
            f" {f.reasons_right} with the labelled reason)"
        ),
        f"false blocks    {f.false_block_rate:6.3%}  ({f.false_blocks} of {f.pass_lines} pass lines)",
        "",
        f"{'label':<22}{'lines':>6}{'caught':>8}",
    ]
    for label, n in sorted(f.labels.items()):
        caught = "" if label == "pass" else str(f.caught_by_label[label])
        lines.append(f"{label:<22}{n:>6}{caught:>8}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    print(f"{args.path.name}:")
    print("\n".join(report(score_file(args.path))))


if __name__ == "__main__":
    main()
