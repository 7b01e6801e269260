"""Crisis signals: suicide, self-harm and danger from others, in Danish and English.

A signal never blocks anything. It flags the message to the mentors at once and sends
the teen help lines privately (``help_lines(severity, kind)``). Missing a real signal
is far worse than a mentor glancing at a false one, but a detector that cries wolf
at "jeg døde af grin" teaches mentors to ignore it, so harmless idioms are explicit
rules too.

How a message is read (all in this module, data in ``data/``):

1. **Clauses and words.** Casefolded, accents stripped (æ, ø, å kept), apostrophes
   dropped ("dont"), leetspeak read ("s3lvm0rd"), spelled-out letters joined
   ("k m s"). Clauses end at , ; ! ? : a full stop before a space, and at "men"/"but".
2. **Word classes** (``data/crisis_words.txt``): each word is looked up by its
   Snowball stem, ae/oe/aa spelling and one-typo tolerance (see :mod:`.lexicon`).
3. **Concepts** (``data/crisis_rules.txt``): a rule names word classes or words that
   must all occur in one clause, in any order, within a few words of each other, so
   "i aften vil jeg ikke leve mere" (verb second) and "jeg vil bare egentlig dø"
   (inserted adverbs) read like the plain phrase. ``~@NEG`` keeps a negation from
   turning "jeg vil ikke dø" into a wish; ``-word`` excludes a clause with that word.
4. **Idioms** (``[idiom]`` rules) match first and use up their words: in "jeg døde af
   grin, jeg vil bare dø" the first "døde" is spent on laughing, the second "dø" flags.
5. **Severity**: the highest level among the concepts found, one of ``SEVERITIES``:
   ``concern`` (passive wishes, past self-harm), ``ideation`` (wish to die, self-harm
   now), ``plan`` (means, a method, a goodbye letter) and ``acute`` (taken, standing
   there, right now). **Kind**: ``crisis`` (the teen's own life) or ``danger`` (someone
   else hurts or threatens them), from the highest concept; crisis wins a tie.

6. **Second stage**: when no rule and no idiom spoke, a small n-gram scorer
   (:mod:`.ngrams`, trained offline on the tuning lines) may still flag the message
   ("unforeseen_wording"): wording nobody wrote a rule for. Its level model names the
   level, so an unforeseen "har slugt dem alle" still reaches the mentors as acute.

Organisations extend the lists with their own terms (``CrisisDetector(extra_terms)``
or ``detector.with_extra(terms)``): one phrase per line, words in that order with a
few words allowed between, ``word*`` for any ending, optionally led by a level
("plan: har købt reb"); without one a term is a ``concern``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise, product
from pathlib import Path
from typing import Any

from .lexicon import Lexicon
from .ngrams import default_scorer

__all__ = ["KINDS", "SEVERITIES", "CrisisDetector", "Signal", "clauses", "help_lines"]

SEVERITIES: tuple[str, ...] = ("concern", "ideation", "plan", "acute")
KINDS: tuple[str, ...] = ("crisis", "danger")
_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

_DATA = Path(__file__).parent / "data"
_WINDOW = 7  # default: a rule's words lie within this many words of each other
_NEAR = 2  # a "~" exclusion counts this many words before the match, and inside it

# --- reading text -----------------------------------------------------------------------

# Combining marks except U+030A, the ring that keeps å distinct from a.
_ACCENTS = re.compile("[\u0300-\u0309\u030b-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_APOSTROPHES = re.compile("['’‘`´]")
_LEET = str.maketrans("013457@$", "oieastas")
_LEETABLE = re.compile(r"[\w@$]*[\d@$][\w@$]*")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_LEET_CHAR = re.compile(r"[\d@$]")
# Three or more single letters in a row, by spaces or dots: "k m s", "k.m.s".
_SPELLED_OUT = re.compile(r"(?<![^\W_])[^\W\d_](?:[ .][^\W\d_]){2,}(?![^\W_])")
# "kill my self" is "kill myself"; "dig selv" (yourself) is not "mig selv" (myself).
_SPLIT_SELF = re.compile(r"\b(my|your|ur|him|her|dig|sig|jer|os)\s+(self|selv)\b")
_CLAUSE_END = re.compile(r"[,;!?:\n]+|\.+(?=\s|$)|\.{2,}")
_WORD = re.compile(r"[^\W_]+")
_CLAUSE_WORDS = frozenset({"men", "but"})


def _unleet(match: re.Match[str]) -> str:
    word = match.group()
    return word.translate(_LEET) if _HAS_LETTER.search(word) and word[-1:] not in "@$" else word


def fold(text: str) -> str:
    """Casefold, strip accents but keep æ/ø/å, drop apostrophes, read leetspeak."""
    folded = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).casefold())
    if not folded.isascii():
        # Swedish/German keyboards and old habits: ö/ä are the same letters as ø/æ here.
        folded = folded.replace("ö", "ø").replace("ä", "æ")
        folded = unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFD", folded)))
    if _HAS_LEET_CHAR.search(folded):
        folded = _LEETABLE.sub(_unleet, folded)
    folded = _SPELLED_OUT.sub(lambda m: re.sub(r"[ .]", "", m.group()), folded)
    return _SPLIT_SELF.sub(r"\1\2", folded) if "sel" in folded else folded


def clauses(text: str) -> list[list[str]]:
    """The message as clauses of folded words: the unit within which a concept must lie."""
    result: list[list[str]] = []
    for part in _CLAUSE_END.split(fold(text)):
        words: list[str] = []
        for word in _WORD.findall(part):
            if word in _CLAUSE_WORDS:
                if words:
                    result.append(words)
                words = []
            else:
                words.append(word)
        if words:
            result.append(words)
    return result


# --- rules --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: each rule is one object
class _Rule:
    concept: str
    severity: str | None  # None: an idiom
    kind: str
    slots: tuple[str, ...]  # class names, one word each
    ordered: bool = False
    window: int = _WINDOW
    exclude: frozenset[str] = frozenset()  # classes that may not occur in the clause
    near: frozenset[str] = frozenset()  # classes that may not occur just before or inside
    with_crisis: bool = False  # counts only next to another signal
    with_any: bool = False  # ... which may itself be one that needs company ("took them" + "goodbye all")
    source: str = ""  # the rule as written, for explaining a match
    required: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", frozenset(self.slots))


@dataclass(frozen=True)
class Signal:
    """What the detector found in one message."""

    severity: str  # one of SEVERITIES
    kind: str  # one of KINDS
    concepts: tuple[str, ...]  # names of the concepts found, highest first


def _literal_class(slot: str) -> str:
    return f"'{slot}'"


@dataclass
class _Rulebook:
    lexicon: Lexicon = field(default_factory=Lexicon)
    rules: list[_Rule] = field(default_factory=list)
    idioms: list[_Rule] = field(default_factory=list)
    unions: dict[str, set[str]] = field(default_factory=dict)  # member class -> unions it is part of
    _literals: set[str] = field(default_factory=set)

    def slot_class(self, slot: str) -> str:
        """The class a slot stands for; literal words and unions become classes of their own."""
        if slot == "$" or slot.startswith("#"):
            return slot
        if slot.startswith("@") and "|" not in slot:
            return slot[1:]
        parts = slot.split("|")
        named = [p for p in parts if p.startswith(("@", "#"))]
        words = [p for p in parts if not p.startswith(("@", "#"))]
        if not named:
            name = _literal_class(slot)
            if name not in self._literals:
                self._literals.add(name)
                # A rule's own words are exact forms ("word*" for any ending): the
                # stemmed, typo-tolerant reading belongs to the word classes.
                self.lexicon.add(name, [w if w.endswith("*") or w.startswith("=") else f"={w}" for w in words], "any")
            return name
        members = [p.removeprefix("@") for p in named]
        if words:
            members.append(self.slot_class("|".join(words)))
        name = f"({slot})"
        for member in members:
            self.unions.setdefault(member, set()).add(name)
        return name

    def add_words(self, text: str) -> None:
        """``NAME.lang = entry entry ...`` lines (lang: da, en or any)."""
        for line in _lines(text):
            head, _, entries = line.partition("=")
            name, _, lang = head.strip().partition(".")
            if not entries.strip() and not line.rstrip().endswith("="):
                raise ValueError(f"word list line without '=': {line!r}")
            self.lexicon.add(name.strip(), entries.split(), lang.strip() or "any")

    def add_rules(self, text: str) -> None:
        """``[concept] severity [kind] [with-crisis]`` headers, then one rule per line."""
        header: list[str] | None = None
        for line in _lines(text):
            if line.startswith("["):
                concept, _, rest = line[1:].partition("]")
                header = [concept.strip(), *rest.split()]
                continue
            if header is None:
                raise ValueError(f"rule before any [concept] header: {line!r}")
            self.add_rule(header, line)

    def add_rule(self, header: Sequence[str], line: str) -> None:
        concept, *flags = header
        idiom = concept == "idiom"
        severity = next((f for f in flags if f in _RANK), None)
        if not idiom and severity is None:
            raise ValueError(f"[{concept}] names no severity")
        kind = next((f for f in flags if f in KINDS), "crisis")
        slots: list[str] = []
        exclude: set[str] = set()
        near: set[str] = set()
        ordered, window = False, _WINDOW
        for part in line.split():
            if part == ">":
                ordered = True
            elif part == "..":
                window += 2
            elif re.fullmatch(r"\{\d+\}", part):
                window = int(part[1:-1])
            elif part.startswith("-"):
                exclude.add(self.slot_class(part[1:]))
            elif part.startswith("~"):
                near.add(self.slot_class(part[1:]))
            else:
                slots.append(self.slot_class(part))
        if not slots:
            return
        rule = _Rule(
            concept,
            severity,
            kind,
            tuple(slots),
            ordered,
            max(window, len(slots) - 1),
            frozenset(exclude),
            frozenset(near),
            "with-crisis" in flags or "with-any" in flags,
            "with-any" in flags,
            line,
        )
        (self.idioms if idiom else self.rules).append(rule)

    def add_terms(self, terms: Iterable[str]) -> list[str]:
        """Organisation terms: ordered phrases, optionally led by a level ("plan: ...")."""
        added = []
        for line in terms:
            term = line.split("#", 1)[0].strip()
            if not term:
                continue
            level, sep, phrase = term.partition(":")
            if sep and level.strip() in _RANK:
                severity, words = level.strip(), phrase.strip()
            else:
                severity, words = "concern", term
            slots = [w for w in words.split() if w == ".." or _WORD.search(w.rstrip("*"))]
            slots = [
                w if w == ".." else "|".join(fold(w.rstrip("*")).split()) + ("*" if w.endswith("*") else "")
                for w in slots
            ]
            if not [s for s in slots if s != ".."]:
                continue
            self.add_rule([term, severity], " ".join([">", *slots, f"{{{len(slots) + 1}}}"]))
            added.append(term)
        return added


def _lines(text: str) -> list[str]:
    return [s for line in text.splitlines() if (s := line.split("#", 1)[0].strip())]


def _find(rule: _Rule, where: dict[str, list[int]], every: dict[str, list[int]]) -> tuple[int, ...] | None:
    """Positions (one per slot) of the tightest match of ``rule`` in a clause, or None."""
    if rule.exclude and any(c in every for c in rule.exclude):
        return None
    choices = [where[c] for c in rule.slots]
    candidates: list[tuple[int, tuple[int, ...]]] = []
    for combo in product(*choices):
        if len(set(combo)) < len(combo):
            continue
        if rule.ordered and any(b <= a for a, b in pairwise(combo)):
            continue
        span = max(combo) - min(combo)
        if span <= rule.window:
            candidates.append((span, combo))
    candidates.sort()
    for _span, combo in candidates:
        start, end = min(combo), max(combo)
        if rule.near and any(start - _NEAR <= p <= end for c in rule.near for p in every.get(c, ())):
            continue
        return combo
    return None


class CrisisDetector:
    """Finds crisis and danger signals in a message. Immutable; build once and reuse.

    ``CrisisDetector()`` knows the shipped lists; ``CrisisDetector(extra_terms)`` also an
    organisation's own terms (see the module docstring for their syntax).
    """

    def __init__(self, extra_terms: Iterable[str] = (), use_scorer: bool = True) -> None:
        self._use_scorer = use_scorer
        book = _Rulebook()
        book.add_words((_DATA / "crisis_words.txt").read_text(encoding="utf-8"))
        book.add_rules((_DATA / "crisis_rules.txt").read_text(encoding="utf-8"))
        self._extra = tuple(book.add_terms(extra_terms))
        self._book = book
        self._lexicon = book.lexicon
        # Rules by their rarest class: a clause only tries rules whose anchor it has.
        sizes = book.lexicon.sizes()
        self._by_anchor: dict[str, list[_Rule]] = {}
        self._idioms_by_anchor: dict[str, list[_Rule]] = {}
        for rules, index in ((book.rules, self._by_anchor), (book.idioms, self._idioms_by_anchor)):
            for rule in rules:
                anchor = min(rule.slots, key=lambda c: _class_size(c, sizes, book.unions))
                index.setdefault(anchor, []).append(rule)
        self._features_cache: dict[str, tuple[frozenset[str], tuple[_Rule, ...], tuple[_Rule, ...]]] = {}

    @classmethod
    def default(cls) -> CrisisDetector:
        """The detector built from the shipped lists (built once, on first use)."""
        return _default_detector()

    def with_extra(self, terms: Iterable[str]) -> CrisisDetector:
        """A new detector that also knows an organisation's own terms."""
        return CrisisDetector([*self._extra, *terms], use_scorer=self._use_scorer)

    @property
    def extra_terms(self) -> tuple[str, ...]:
        return self._extra

    @property
    def phrases(self) -> tuple[str, ...]:
        """Concept names and organisation terms this detector knows (for figures and admin views)."""
        return tuple(dict.fromkeys(rule.concept for rule in self._book.rules))

    def assess(self, text: str) -> Signal | None:
        """The signal in ``text``: highest severity, its kind and the concepts; None when there is none."""
        found: dict[str, _Rule] = {}
        parts = clauses(text)
        idiom = False
        for words in parts:
            rules, spent = self._clause_rules(words)
            idiom = idiom or spent
            for rule in rules:
                found.setdefault(rule.concept, rule)
        if not found:
            return self._second_stage(parts, idiom)
        hits = list(found.values())
        if not any(r.kind == "crisis" and not r.with_crisis for r in hits):
            # Context alone ("on the platform") is no signal, unless two contexts meet
            # ("took them already" + "goodbye everyone").
            if not (sum(r.with_crisis for r in hits) > 1 and any(r.with_any for r in hits)):
                hits = [r for r in hits if not r.with_crisis]
            if not hits:
                return self._second_stage(parts, idiom)
        hits.sort(key=lambda r: (-_RANK[r.severity or "concern"], r.kind != "crisis"))
        top = hits[0]
        return Signal(top.severity or "concern", top.kind, tuple(r.concept for r in hits))

    def _second_stage(self, parts: list[list[str]], idiom: bool) -> Signal | None:
        """No rule spoke: the n-gram scorer may still flag wording nobody wrote a rule for."""
        if idiom or not self._use_scorer:
            return None
        scorer = default_scorer()
        level = scorer.assess([w for words in parts for w in words]) if scorer is not None else None
        if level is None:
            return None
        if level == "danger":
            return Signal("concern", "danger", ("unforeseen_wording",))
        return Signal(level, "crisis", ("unforeseen_wording",))

    def idiom_in(self, text: str) -> bool:
        """True when an idiom rule recognised part of ``text`` ("døde af grin")."""
        return any(self._clause_rules(words)[1] for words in clauses(text))

    def find(self, text: str) -> tuple[str, ...]:
        """Names of the concepts found in ``text``, highest first; empty when there are none."""
        signal = self.assess(text)
        return signal.concepts if signal else ()

    def _features(self, word: str) -> tuple[frozenset[str], tuple[_Rule, ...], tuple[_Rule, ...]]:
        """The classes ``word`` belongs to (unions included) and the rules and idioms it anchors; cached."""
        found = self._features_cache.get(word)
        if found is None:
            names = set(self._lexicon.classes(word))
            if word.isdecimal():  # "❶" and "²" are digits to isdigit() but not to int()
                names.add("NUMBER")
                if len(word) <= 3 and int(word) >= 5:
                    names.add("COUNT")
            unions = self._book.unions
            for name in [n for n in names if n in unions]:
                names |= unions[name]
            rules = tuple(r for n in names for r in self._by_anchor.get(n, ()))
            idioms = tuple(r for n in names for r in self._idioms_by_anchor.get(n, ()))
            if len(self._features_cache) > 50_000:
                self._features_cache.clear()
            found = self._features_cache[word] = (frozenset(names), rules, idioms)
        return found

    def _clause_rules(self, words: list[str]) -> tuple[list[_Rule], bool]:
        """The rules that match one clause, and whether an idiom used up some of its words."""
        every: dict[str, list[int]] = {}
        candidates: list[_Rule] = []
        idioms: list[_Rule] = []
        for position, word in enumerate(words):
            names, rules, word_idioms = self._features(word)
            for name in names:
                every.setdefault(name, []).append(position)
            candidates.extend(rules)
            idioms.extend(word_idioms)
        if not candidates and not idioms:
            return [], False
        every["$"] = [len(words)]
        where = every
        spent: set[int] = set()
        for rule in dict.fromkeys(idioms):
            while rule.required <= where.keys():
                combo = _find(rule, where, every)
                if combo is None:
                    break
                spent.update(combo)
                where = {c: kept for c, ps in where.items() if (kept := [p for p in ps if p not in spent])}
        hits = [
            rule
            for rule in dict.fromkeys(candidates)
            if rule.required <= where.keys() and _find(rule, where, every) is not None
        ]
        return hits, bool(spent)


def _class_size(name: str, sizes: dict[str, int], unions: dict[str, set[str]]) -> int:
    """How many entries a class has; a union counts its members (rare classes anchor best)."""
    if name.startswith("("):
        return sum(sizes.get(member, 1) for member, parts in unions.items() if name in parts)
    return sizes.get(name, 1 if name.startswith("'") else 10_000 if name in ("$", "NUMBER", "COUNT") else 50)


@cache
def _default_detector() -> CrisisDetector:
    return CrisisDetector()


# --- help lines -------------------------------------------------------------------------------


@cache
def _help_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_DATA / "helplines.json").read_text(encoding="utf-8"))
    return data


def help_lines(severity: str | None = None, kind: str = "crisis") -> dict[str, Any]:
    """Help lines for a teen whose message carried a signal, most urgent first: ``{"lines": [...]}``.

    Each line is data (``id``, ``name``, ``organisation``, ``phone``, ``url``); the client holds
    what it is for and when it is open, by ``id``. For ``acute`` the lines lead with 112; for
    ``danger`` only the lines meant for a child in danger are listed (not a suicide line).
    """
    data = _help_data()
    lines = [line for line in data["lines"] if kind in line.get("kinds", KINDS)]
    if severity == "acute":
        return {"lines": [data["emergency_line"], *lines]}
    return {"lines": lines}


def __getattr__(name: str) -> Any:
    # ``HELP_LINES`` reads like a constant but loads on first access, so importing
    # the module never touches the file system.
    if name == "HELP_LINES":
        return help_lines()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
