"""Crisis signals: self-harm and suicide wording in Danish and English.

A match does not block anything. It flags the message to the mentor at once with high
priority and sends the teen the help lines privately (``help_lines()``). Missing a real
signal is far worse than a mentor glancing at a false one, so the phrase lists lean
inclusive; what they deliberately leave out (Danish "kys" = kiss, "jeg dør af grin")
is documented in the data files themselves.

Phrase syntax (``data/crisis_da.txt``, ``data/crisis_en.txt``, organisation extras):
one phrase per line, ``#`` starts a comment, ``word*`` matches any continuation of the
word, ``..`` between words allows up to two filler words. Text and phrases go through
the same normalisation (:func:`normalise`), so spelling variation is handled once, there.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any

__all__ = ["CrisisDetector", "help_lines", "normalise"]

_DATA = Path(__file__).parent / "data"
_DEFAULT_FILES = ("crisis_da.txt", "crisis_en.txt")

# Combining marks except U+030A, the ring that keeps å distinct from a.
_ACCENTS = re.compile("[\u0300-\u0309\u030b-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_APOSTROPHES = re.compile("['’‘`´]")
_LEET = str.maketrans("013457@$", "oieastas")
_WORD = re.compile(r"[^\W_]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
# A word with digits/@/$ in it; leet-read when it also has letters ("s3lvm0rd", "$elvmord").
_LEETABLE = re.compile(r"[\w@$]*[\d@$][\w@$]*")
_HAS_LEET_CHAR = re.compile(r"[\d@$]")
# Three or more single letters in a row: "k m s", "k.m.s".
_SPELLED_OUT = re.compile(r"(?<!\S)[^\W\d_](?: [^\W\d_]){2,}(?!\S)")


def normalise(text: str) -> str:
    """Fold ``text`` to space-separated lower-case words for phrase matching.

    Casefolded; accents stripped except the ring of å (æ, ø, å keep their meaning:
    "dø" is not "do"); apostrophes dropped ("don't" -> "dont"); everything else
    that is not a letter or digit separates words, so "vil.ikke-leve" reads as
    three words; digits, @ and $ inside words read as leetspeak ("s3lvm0rd");
    three or more single letters in a row join up ("k m s" -> "kms"). Stretched
    letters are handled by the phrase patterns (see ``_token_pattern``), not
    here, so "cute" never turns into "cutte".
    """
    folded = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).casefold())
    if not folded.isascii():
        # Swedish/German keyboards and old habits: ö/ä are the same letters as ø/æ here.
        folded = folded.replace("ö", "ø").replace("ä", "æ")
        folded = unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFD", folded)))
    if _HAS_LEET_CHAR.search(folded):
        folded = _LEETABLE.sub(_unleet, folded)
    joined = " ".join(_WORD.findall(folded))
    if " " in joined:
        joined = _SPELLED_OUT.sub(lambda m: m.group().replace(" ", ""), joined)
    return joined


def _unleet(match: re.Match[str]) -> str:
    word = match.group()
    return word.translate(_LEET) if _HAS_LETTER.search(word) else word


_FIRST_UNIT = re.compile(r"(\\?[^\\(])(\+|\{\d+,\})")


def _alternation(patterns: Iterable[str]) -> str:
    """One alternation, grouped by first letter: the engine tries a handful of
    branches at each word instead of every phrase (~10x faster on chat text)."""
    groups: dict[str, list[str]] = {}
    loose: list[str] = []
    for pattern in patterns:
        m = _FIRST_UNIT.match(pattern)
        if m:
            groups.setdefault(m.group(0), []).append(pattern[m.end():])
        else:
            loose.append(pattern)
    branches = [f"{unit}(?:{'|'.join(rests)})" for unit, rests in groups.items()]
    return "|".join(branches + loose)


def _token_pattern(token: str) -> str:
    """Each letter may be stretched ("selvmoord", "diiie") but never shortened:
    "cutte" needs the double t, so "cute" is not a match."""
    parts = []
    for char, run in groupby(token):
        n = len(list(run))
        parts.append(re.escape(char) + ("+" if n == 1 else f"{{{n},}}"))
    return "".join(parts)


def _phrase_pattern(phrase: str) -> str | None:
    """Regex source for one phrase in the normalised token space, or None if empty."""
    parts: list[str] = []
    for word in phrase.split():
        if word == "..":
            parts.append(r"(?:\S+ ){0,2}")
            continue
        wildcard = word.endswith("*")
        tokens = normalise(word.rstrip("*")).split()
        if not tokens:
            continue
        source = " ".join(map(_token_pattern, tokens))
        parts.append(source + (r"\S*" if wildcard else "") + " ")
    if not parts or all(p.startswith("(?:") for p in parts):
        return None
    # Tokens are joined by single spaces; each part carries its trailing space and
    # the text is matched with one appended, so whole words are guaranteed.
    return "".join(parts)


def _read_phrases(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [s for line in lines if (s := line.split("#", 1)[0].strip())]


class CrisisDetector:
    """Finds crisis phrases in a message. Immutable; build once and reuse across messages."""

    def __init__(self, phrases: Iterable[str]) -> None:
        seen: dict[str, str] = {}  # pattern -> first phrase that produced it
        for phrase in phrases:
            phrase = phrase.split("#", 1)[0].strip()
            pattern = _phrase_pattern(phrase) if phrase else None
            if pattern is not None and pattern not in seen:
                seen[pattern] = phrase
        self._phrases: tuple[str, ...] = tuple(seen.values())
        self._patterns: tuple[re.Pattern[str], ...] = tuple(re.compile(r"(?<!\S)" + p) for p in seen)
        # The letter each phrase must start a word with (None: starts with a gap).
        self._initials: tuple[str | None, ...] = tuple(
            m.group(1).lstrip("\\") if (m := _FIRST_UNIT.match(p)) else None for p in seen
        )
        # One alternation answers the common question ("anything at all?") in a
        # single pass; the per-phrase patterns run only when it says yes.
        self._any = re.compile(r"(?<!\S)(?:" + _alternation(seen) + ")") if seen else None

    @classmethod
    def default(cls) -> CrisisDetector:
        """The detector built from the shipped Danish and English lists (loaded once)."""
        return _default_detector()

    def with_extra(self, phrases: Iterable[str]) -> CrisisDetector:
        """A new detector that also knows an organisation's own phrases."""
        return CrisisDetector([*self._phrases, *phrases])

    @property
    def phrases(self) -> tuple[str, ...]:
        return self._phrases

    def find(self, text: str) -> tuple[str, ...]:
        """The phrases found in ``text``, in list order; empty when there are none."""
        if self._any is None:
            return ()
        normalised = normalise(text) + " "
        if not self._any.search(normalised):
            return ()
        initials = {word[0] for word in normalised.split()}
        return tuple(
            phrase
            for phrase, initial, pattern in zip(self._phrases, self._initials, self._patterns)
            if (initial is None or initial in initials) and pattern.search(normalised)
        )


@cache
def _default_detector() -> CrisisDetector:
    return CrisisDetector(phrase for name in _DEFAULT_FILES for phrase in _read_phrases(_DATA / name))


@cache
def help_lines() -> dict[str, Any]:
    """Help-line data from ``data/helplines.json``: intro, emergency and lines, each in da/en."""
    return json.loads((_DATA / "helplines.json").read_text(encoding="utf-8"))


def help_text(lang: str = "da") -> str:
    """The private message a teen receives when their message carried crisis signals."""
    data = help_lines()

    def pick(texts: dict[str, str]) -> str:
        return texts.get(lang, texts["da"])

    lines = [pick(data["intro"]), *(f"• {pick(line['text'])}" for line in data["lines"]), pick(data["emergency"])]
    return "\n".join(lines)


def __getattr__(name: str) -> Any:
    # ``HELP_LINES`` reads like a constant but loads on first access, so importing
    # the module never touches the file system.
    if name == "HELP_LINES":
        return help_lines()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
