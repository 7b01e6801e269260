"""Words as a teen types them, read as the words they mean.

The crisis rules speak of word classes (``@DIE``, ``@WANT``, ``@PILLS``); this module
decides which classes a typed word belongs to. A class entry matches a token when

* the token is the entry's word (``=word`` entries match nothing else);
* its Snowball stem equals the entry's stem in the entry's language, so
  "skærer", "skære" and "skær" are one word, as are "pills" and "pill";
* it starts with a ``word*`` prefix entry ("selvmord*" -> "selvmordstanker");
* it is one typo (a letter wrong, missing, extra or two letters swapped) away from
  an entry of six letters or more: "selvmrod", "overdoiss", "sucidal" (``~word``
  entries: the word and its typos, but no stem).

Tokens are also read with ae/oe/aa as æ/ø/å ("skaere", "doe", "paa") and with
stretched letters squeezed ("diiie"), so each spelling costs one table entry at
most. Results are cached per token: chat vocabulary repeats, and a warm Lambda
answers most words from the cache.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["Lexicon", "stem"]

FUZZY_MIN = 6  # an entry this long or longer tolerates one typo
_CACHE_LIMIT = 50_000

_STEMMERS: dict[str, Any] = {}


def _stemmer(lang: str) -> Any:
    """Snowball stemmer for ``lang`` ('da' or 'en'), imported on first use."""
    found = _STEMMERS.get(lang)
    if found is None:
        if lang == "da":
            from snowballstemmer.danish_stemmer import DanishStemmer as Stemmer
        else:
            from snowballstemmer.english_stemmer import EnglishStemmer as Stemmer
        found = _STEMMERS[lang] = Stemmer()
    return found


def stem(word: str, lang: str) -> str:
    return str(_stemmer(lang).stemWord(word))


_STRETCH = re.compile(r"(.)\1{2,}")
_DOUBLE = re.compile(r"(.)\1")
_DANISH_DIGRAPHS = (("aa", "å"), ("ae", "æ"), ("oe", "ø"))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one edit (a transposition counts as one)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


class Lexicon:
    """Word classes and how typed tokens map onto them. Build once; ``classes`` is cached."""

    def __init__(self) -> None:
        self._exact: dict[str, set[str]] = {}
        self._stems: dict[str, dict[str, set[str]]] = {"da": {}, "en": {}}
        self._prefixes: dict[str, set[str]] = {}
        self._prefix_lengths: set[int] = set()
        # Fuzzy: deletion neighbourhoods of long entries -> (entry form, classes).
        self._fuzzy: dict[str, set[str]] = {}
        self._fuzzy_forms: dict[str, set[str]] = {}
        self._fuzzy_prefix: dict[str, set[str]] = {}
        self._cache: dict[str, frozenset[str]] = {}
        self._sizes: dict[str, int] = {}

    def sizes(self) -> dict[str, int]:
        """Entries per class: how often a class can be expected to match."""
        return dict(self._sizes)

    def add(self, name: str, entries: Iterable[str], lang: str) -> None:
        """Add ``entries`` (``word``, ``word*``, ``=word``) to class ``name``; ``lang`` 'da', 'en' or 'any'."""
        self._cache.clear()
        langs = ("da", "en") if lang == "any" else (lang,)
        for raw in entries:
            entry = raw.strip().casefold()
            if not entry:
                continue
            self._sizes[name] = self._sizes.get(name, 0) + 1
            if entry.startswith("="):
                self._exact.setdefault(entry[1:], set()).add(name)
                continue
            if entry.startswith("~"):  # the word and its near misses, but no stem
                entry = entry[1:]
                self._exact.setdefault(entry, set()).add(name)
                self._add_fuzzy(name, entry)
                continue
            if entry.endswith("*"):
                prefix = entry[:-1]
                self._prefixes.setdefault(prefix, set()).add(name)
                self._prefix_lengths.add(len(prefix))
                if len(prefix) >= FUZZY_MIN:
                    self._fuzzy_prefix.setdefault(prefix, set()).add(name)
                continue
            self._exact.setdefault(entry, set()).add(name)
            for code in langs:
                self._stems[code].setdefault(stem(entry, code), set()).add(name)
            self._add_fuzzy(name, entry)

    def _add_fuzzy(self, name: str, entry: str) -> None:
        if len(entry) >= FUZZY_MIN:
            self._fuzzy_forms.setdefault(entry, set()).add(name)
            for variant in _deletes(entry) | {entry}:
                self._fuzzy.setdefault(variant, set()).add(entry)

    def classes(self, token: str) -> frozenset[str]:
        """The classes ``token`` (casefolded, normalised) belongs to; empty for most words."""
        found = self._cache.get(token)
        if found is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            found = self._cache[token] = frozenset(self._lookup(token))
        return found

    def _variants(self, token: str) -> list[str]:
        variants = [token]
        squeezed = _STRETCH.sub(r"\1", token)
        if squeezed != token:
            variants.append(squeezed)
        single = _DOUBLE.sub(r"\1", squeezed)  # doubled letters typed by accident: "leeve", "baare"
        if single != squeezed:
            variants.append(single)
        for word in list(variants):
            danish = word
            for digraph, letter in _DANISH_DIGRAPHS:
                danish = danish.replace(digraph, letter)
            if danish != word:
                variants.append(danish)
        return variants

    def _lookup(self, token: str) -> set[str]:
        found: set[str] = set()
        variants = self._variants(token)
        for word in variants:
            found |= self._exact.get(word, set())
            for code in ("da", "en"):
                found |= self._stems[code].get(stem(word, code), set())
            for length in self._prefix_lengths:
                if len(word) >= length:
                    found |= self._prefixes.get(word[:length], set())
        if found:
            return found
        for word in variants:
            if len(word) >= FUZZY_MIN - 1:
                found |= self._fuzzy_match(word)
        return found

    def _fuzzy_match(self, word: str) -> set[str]:
        found: set[str] = set()
        for variant in _deletes(word) | {word}:
            for entry in self._fuzzy.get(variant, ()):
                if within_one(word, entry):
                    found |= self._fuzzy_forms[entry]
        for prefix, names in self._fuzzy_prefix.items():
            if (
                len(word) >= len(prefix) - 1
                and word[:2] == prefix[:2]
                and any(within_one(word[:n], prefix) for n in (len(prefix) - 1, len(prefix), len(prefix) + 1))
            ):
                found |= names
        return found
