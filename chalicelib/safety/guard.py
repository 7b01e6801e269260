"""Anonymity guard: hold back messages and pseudonyms that could reveal who someone is.

Anonymity is half of what makes the groups feel safe, so a message carrying a phone
number, e-mail address, street address, CPR number, social-media handle or profile link
is never delivered; the sender alone is told why, by the reason code (the client holds the words). Everything here is
pure: text in, reason code out. Nothing is logged, because the text is the secret.

Reason codes, checked in this order (the first hit wins):
``cpr``, ``email``, ``profile_link``, ``phone``, ``handle``, ``address``, ``name``.

Beyond the plain forms the guard reads numbers written in words ("to to tre tre ...",
"twenty two"), digits split by words ("22 og så 33 44 55"), North American numbers
(555-867-5309), a handle given after naming the platform ("på snap hedder jeg ...") in
the same message or the sender's previous one (``previous_text``), and a real name:
a first name with a surname ("Sofie Nielsen"), or a name with a school or town
("jeg hedder Sofie og går på Rosenlundskolen"). Mentions of staff (``@mentor_sofie``)
stay allowed.

Precision matters as much as recall: a guard that blocks "kl. 19.30" or "jeg er 15"
teaches teens that the chat is broken. The corpus in ``tests/data/safety_corpus.tsv``
holds the must-pass lines that keep it honest.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

__all__ = ["REASONS", "check_pseudonym", "check_text", "may_finish_previous"]

REASONS: tuple[str, ...] = ("cpr", "email", "profile_link", "phone", "handle", "address", "name")

# Next to the code so Chalice packages it with chalicelib/.
_DATA = Path(__file__).parent / "data"


class _Regex:
    """A regex compiled on first use.

    The guard's patterns take ~30 ms to compile; Lambdas that import the package
    but never screen text (scheduler, admin) should not pay that at cold start.
    After the first call the bound methods of the compiled pattern replace the
    lookup, so the steady state costs nothing extra.
    """

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags

    def __getattr__(self, name: str) -> Any:  # reached only until the first compile
        compiled = re.compile(self._source, self._flags)
        for method in ("search", "finditer", "fullmatch", "match", "sub", "findall"):
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def _any_of(hints: tuple[str, ...]) -> _Regex:
    """One pattern of literal hints: a search in C beats a Python loop of ``in`` tests
    (measured on the corpus: 1.8 -> 0.4 µs for the e-mail hints, 2.6 -> 1.6 µs for platforms)."""
    return _Regex("|".join(re.escape(h) for h in sorted(hints, key=len, reverse=True)))


# Invisible characters people (and keyboards) slip between digits or letters: soft hyphens,
# zero-width and joiner characters, direction marks and overrides, variation selectors, and
# the combining marks of "strike-through" and "underline" text generators (2̶8̶, 2̲8̲) and
# keycaps (2️⃣). NFKC has already composed every accented letter, so marks left are decoration.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufe00-\ufe0f"
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
# Any character with a digit's value that NFKC leaves alone: dingbat circled digits (❷ ➁ ⓶),
# and digits of other scripts (٢ ۲ २), so every later pattern can read plain 0-9.
_UNUSUAL = re.compile(r"[^\x00-\x7fæøåÆØÅéÉèüÜöÖäÄ]")  # beyond Danish letters: emoji, other scripts, dingbats
_OTHER_DIGIT = re.compile(r"(?![0-9])\d|[\u24f5-\u24ff\u2776-\u2793]")  # other scripts' digits, ⓵ ❶ ➀ ➊
_KEYCAP_TEN = "\U0001f51f"  # 🔟
_EMOJI_O = str.maketrans({"\U0001f17e": "O", "\U0001f15e": "O"})  # 🅾️, a letter O, so a zero by digits


def _ascii_digit(m: re.Match[str]) -> str:
    char = m.group()
    value = unicodedata.digit(char, None)
    return char if value is None else str(value)


# "t o - f i r e - s e k s", "s n a p c h a t : r y a n _ 0 9", "a d d   m i g": typed a character
# at a time so that no word matches. Three or more single characters with one space between them,
# mostly letters (so "1 2 3 4 5" stays a count), are joined back into words.
_SPACED_OUT = re.compile(r"(?<!\S)\S(?: \S){2,}(?!\S)")
_WIDE_GAP = re.compile(r"(?<=\S) {2,}(?=\S)")


def _joined(m: re.Match[str]) -> str:
    run = m.group()
    letters = sum(c.isalpha() for c in run)
    chars = len(run) - run.count(" ")
    if letters < 3 or 2 * letters <= chars:
        return run  # "3 x 3 x 3 x 3" is a sum, "i 8 b" a class
    return run.replace(" ", "")


def _normalise(text: str) -> str:
    """NFKC folds full-width digits and look-alike letters; invisible characters and decoration
    go; text spaced out a character at a time is joined back into words."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    if not (text.isascii() or not _UNUSUAL.search(text)):
        text = _OTHER_DIGIT.sub(_ascii_digit, text.replace(_KEYCAP_TEN, "10").translate(_EMOJI_O))
    if " " in text:
        joined = _SPACED_OUT.sub(_joined, text)
        if joined != text:
            text = _WIDE_GAP.sub(" ", joined)  # "c e c i l i e   b r a n d t": the wide gap was a space
    return text


# --- CPR ---------------------------------------------------------------------------

_CPR = _Regex(r"(?<!\d)(?<!\d[.,/:-])(\d{2})[./ ]?(\d{2})[./ ]?(\d{2})\s*[ -]?\s*(\d{4})(?!\d|[.,/:-]\d)")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _has_cpr(text: str) -> bool:
    if _digit_count(text) < 10:
        return False
    for m in _CPR.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        # A plausible birth date is what separates a CPR number from ten random digits.
        if 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]:
            return True
    return False


# --- e-mail ------------------------------------------------------------------------

_TLD = r"(?:com|dk|net|org|se|no|de|eu|info|me|io|nu|co\.uk|uk)"
_MAIL_PROVIDERS = r"(?:gmail|googlemail|hotmail|outlook|yahoo|icloud|protonmail|proton|gmx|yandex|live\.dk|live\.com)"
_AT_WORD = r"(?:\(at\)|\[at\]|\{at\}|\bat\b|snabel[\s-]?a)"
# A spelled-out dot may have spaces around it; a real "." may not ("at school. No").
_DOT_WORD = r"(?:\.|\s*(?:\(dot\)|\[dot\]|\bdot\b|\bpunktum\b|\bprik\b)\s*)"
_EMAIL = _Regex(
    rf"""
      (?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{{2,}}\b          # plain address
    | (?<![\w.+-])[\w.+-]+\s*{_AT_WORD}\s*[\w-]+{_DOT_WORD}{_TLD}\b   # sofie (at) gmail dot com
    | (?<![\w.+-])[\w.+-]+\s*(?:@|{_AT_WORD})\s*{_MAIL_PROVIDERS}\b     # sofie@gmail, sofie snabel-a hotmail
    | \b(?:min|my)\s+(?:e-?mail|mail|gmail|hotmail|outlook|icloud)(?:adresse|\s+address)?\s+(?:er|is|=|:)\s*\S*[@\d]  # min mail er sofie09
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Every e-mail form has one of these; plain substring tests rule out almost every
# message far faster than the full pattern could.
_EMAIL_HINTS = (
    "@", "mail", "snabel", "(at)", "[at]", "{at}", "dot", "punktum", "prik",
    ".com", ".dk", ".net", ".org", ".se", ".no", ".de", ".eu", ".info", ".me", ".io", ".nu", ".uk",
)  # fmt: skip


_EMAIL_HINT = _any_of(_EMAIL_HINTS)


def _mentions_email(text: str) -> bool:
    lower = text.casefold()
    return _EMAIL_HINT.search(lower) is not None


# --- profile links -------------------------------------------------------------------

_PROFILE_LINK = _Regex(
    r"""
    (?<![\w.-])(?:https?://)?(?:www\.|m\.|vm\.|vt\.|web\.|mobile\.)?
    (?: instagram\.com | instagr\.am | ig\.me | tiktok\.com | snapchat\.com
      | facebook\.com | fb\.com | fb\.me | m\.me | messenger\.com
      | discord\.gg | discord(?:app)?\.com(?=/(?:invite|users)/) | twitter\.com | x\.com
      | t\.me | telegram\.me | wa\.me | chat\.whatsapp\.com | linktr\.ee | threads\.net
      | bsky\.app | twitch\.tv | bereal\.com | reddit\.com(?=/u(?:ser)?/) | steamcommunity\.com
      | roblox\.com(?=/users/) | youtube\.com(?=/(?:@|c/|channel/|user/)) | youtu\.be(?=/@)
      | pinterest\.[a-z]{2,3} | tumblr\.com | vsco\.co | open\.spotify\.com(?=/user/) | kik\.me
    )
    /[\w@.%-]+           # a path: the bare domain names the app, not a person
    """,
    re.IGNORECASE | re.VERBOSE,
)

# --- phone numbers -------------------------------------------------------------------

_ANY_DIGIT = _Regex(r"\d")


def _digit_count(text: str) -> int:
    return sum(map(str.isdigit, text))


# "2o 3o 4o 5o", "2l 3l", "28 I9": o for zero and l/I for one, only where they touch a digit.
# "4 2 1 8 9 O 7 3": a lone o between spaced digits is a zero too.
_O_FOR_ZERO = _Regex(r"(?<=\d)[oOøØ]|[oOøØ](?=\d)|(?<=\d )[oO](?= \d)")  # a Danish keyboard's Ø too
_L_FOR_ONE = _Regex(r"(?<=\d)[lI](?![^\W\d_])|(?<![^\W\d_])[lI](?=\d)")
# Four pairs of digits with one repeated separator ("28/19/46/73", "28,19,46,73",
# "3 0 ... 7 4 ... 1 9"): the way a number is grouped, never a date, time or amount.
_PAIRED = _Regex(r"(?<![\d.,/])(\d\s?\d)\s*([/,.;:]+|\.{2,}|…)\s*(\d\s?\d)\s*\2\s*(\d\s?\d)\s*\2\s*(\d\s?\d)(?![\d])")
# Exotic separators between digits ("22_33_44_55", "22*33*44*55") become spaces
# so the phone-number matcher sees an ordinary spaced number.
_ODD_SEPARATOR = _Regex(
    r"(?<=\d)\s*(?:(?:-+>|=>|>+|<+|[)\]}]\s*[(\[{]?|[(\[{]|[_*|·•~&#'\x22`^°§¤\u2018-\u201f\u2190-\u21ff\u2600-\u27bf"
    r"\u2b00-\u2bff\U0001f000-\U0001faff])\s*)+(?=\d)|(?<=\d)[×÷=!?@]+(?=\d)"
)  # "28 🙂 19 🙂 46 🙂 73", "28 -> 19", "28#19#46#73", "28'19'46'73", "(28)(19)(46)(73)"
# "28=19=46=73", "28@19@46@73", "2×8×1×9...": marks pressed between the digits, without the
# spaces of sums ("28 × 19 = 532") and of lists that shout ("28!!! 19!!!").
# "28+19+46+73": a plus between groups strings a number together unless the message does sums.
_PLUS_BETWEEN = _Regex(r"(?<=\d)\s*\+\s*(?=\d)")
# "mit nr er 28 19 46 70+3", "ring 28194674-1", "mit nr 2x14 19 46 73": a sum to work out.
_SUM = _Regex(r"(?<![\d+*×x-])(\d{1,8})\s*([+*×x-])\s*(\d{1,4})(?![\d+*×x-])")


def _worked_out(m: re.Match[str]) -> str:
    left, sign, right = int(m.group(1)), m.group(2), int(m.group(3))
    value = left + right if sign == "+" else left - right if sign == "-" else left * right
    if value < 0:
        return m.group()
    return f"0{value}" if m.group(1) == "0" and value < 10 else str(value)  # "0+7" is the pair 07


_ARITHMETIC = _Regex(
    r"[=?]|\b(?:giver|gange|minus|plus|regn|regne|hvad\s+er|what\s+is|what'?s|equals|lig\s+med|sum|summen|facit|mat|matematik|math|maths)\b",
    re.IGNORECASE,
)
# Single digits or groups with one repeated separator: "2,8,1,9,4,6,7,3", "28 ; 1946 ; 73".
_SEPARATED = _Regex(r"(?<![\d.,/:;-])\d{1,4}\s*([,;/:.-])\s*\d{1,4}(?:\s*\1\s*\d{1,4}){1,6}(?![\d]|[.,/:;-]\d)")
_DATE = _Regex(r"(\d{1,2})[./-](\d{1,2})[./-](?:\d{2}|\d{4})|(?:19|20)\d\d[./-]\d{1,2}[./-]\d{1,2}")
_TIME_RANGE = _Regex(r"\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}")
_YEAR_RANGE = _Regex(r"(?:19|20)\d\d\s*[-–/ ]\s*(?:19|20)\d\d")
_THOUSANDS = _Regex(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_LONG_DIGIT_RUN = _Regex(r"\d(?:[\s()./-]?\d){8,}")  # "0151/2345678" too
# Numbers written without country code in the national format of a nearby country.
_FOREIGN_REGIONS = ("SE", "NO", "GB", "DE", "US")


# The Danish grade scale: "12 10 7 4 02 10" is a report card, not a number.
_GRADES = frozenset({"-3", "00", "02", "4", "7", "10", "12"})


def _grades(raw: str) -> bool:
    groups = re.findall(r"-?\d+", raw)
    return len(groups) >= 4 and all(g in _GRADES for g in groups)


def _not_a_phone(raw: str) -> bool:
    """Dates, time ranges, year ranges, amounts and grades look like numbers to the matcher."""
    raw = raw.strip()
    if _grades(raw):
        return True
    m = _DATE.fullmatch(raw)
    if m and (m.group(1) is None or (1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(2)) <= 12)):
        return True
    if _TIME_RANGE.fullmatch(raw) or _YEAR_RANGE.fullmatch(raw) or _THOUSANDS.fullmatch(raw):
        return True
    # Counting out loud ("1 2 3 4 5 6 7 8", "10 9 8 ... 1") is nobody's number.
    groups = [int(g) for g in re.findall(r"\d+", raw)]
    steps = {b - a for a, b in itertools.pairwise(groups)}
    return len(groups) >= 5 and len(steps) == 1 and steps <= {1, -1}


@cache
def _phonenumbers() -> Any:
    # Imported on first use: the library costs ~60 ms to import, and most
    # messages never need it (they have too few digits).
    import phonenumbers

    return phonenumbers


@cache
def _helpline_numbers() -> frozenset[str]:
    """National significant numbers of public help lines; teens may share those."""
    numbers = {re.sub(r"\D", "", line["phone"]) for line in _load_json("helplines.json")["lines"]}
    return frozenset(numbers | {"112", "114"})


# Asking another teen for their number, or offering one's own, moves the talk off the platform as
# surely as giving it: "hvad er dit nr", "må jeg få dit nummer", "send me ur number", "vil du have
# mit nummer", "i'll text you my number". A number of something else ("dit nummer på holdet") and
# what happened ("jeg gav ham mit nummer og nu skriver han hele tiden") are talk.
_NUMBER_NOUN = r"""(?:tlf\.?\s?nr|telefon\s?nummer|tlf|mobil\s?nummer|mobilnr|nummer|nr
      |phone\s+number|phone\s?\#|number|digits|cell(?:\s+number)?|num|\#)(?!\w)
    (?!\s+(?:på|i|on|in|at|til|for)\s+(?:holdet|trøjen|køen|listen|the\s+team|the\s+list|the\s+queue|line))"""
_YOUR_OR_MY = _Regex(r"\b(?:dit|din|jeres|your|ur|yo|mit|min|my)\b", re.IGNORECASE)
_ASKS_FOR_NUMBER = _Regex(
    rf"""(?:
        \b(?:hvad|hvd|hva|what|wat)(?:\s+er|'?s|\s+is|s)?\s+(?:så\s+)?
      | \b(?:send|sende|giv|give|gimme|drop|del|share|skriv|write|text|dm|pm|sms)\s+(?:mig|me|os|us)?\s*
      | \b(?:må|kan|can|could|may)\s+(?:jeg|i|vi|we)\s+(?:(?:ikke|bare|lige|not|just)\s+){{0,2}}(?:få|get|have|ha)\s+
    )(?:dit|din|jeres|your|ur|yo)\s+{_NUMBER_NOUN}""",
    re.IGNORECASE | re.VERBOSE,
)
# An offer to the reader: "vil du have mit snap", "skal jeg sende dig mit nr", "want my number?".
_OFFERS = r"""(?:
        \b(?:vil|ville|gider)\s+(?:du|i)\s+(?:ikke\s+)?(?:have|ha|få)
      | \b(?:do\s+)?(?:you|u)\s+want | \b(?:you|u)\s+wanna\s+have
      | \b(?:skal|kan|må)\s+jeg\s+(?:ikke\s+)?(?:give|sende|skrive|sms'e)\s+(?:dig|jer)
      | \bjeg\s+(?:sender|giver|skriver|smser|kan\s+sende|kan\s+give)\s+(?:dig|jer)
      | \b(?:i'?ll|i\s+will|i\s+can|i\s+could|shall\s+i|should\s+i|can\s+i)\s+(?:send|give|text|dm)\s+(?:you|u)
    )\s+(?:lige\s+|bare\s+|just\s+)?(?:mit|min|my)\s+"""
_OFFERS_NUMBER = _Regex(_OFFERS + _NUMBER_NOUN, re.IGNORECASE | re.VERBOSE)


def _asks_or_offers_number(text: str) -> bool:
    return _YOUR_OR_MY.search(text) is not None and bool(_ASKS_FOR_NUMBER.search(text) or _OFFERS_NUMBER.search(text))


def _has_phone(text: str) -> bool:
    if _digit_count(text) >= 7 and (_NANP.search(text) or _cued_nanp(text) or _spaced_nanp(text)):
        return True
    if _has_plain_phone(text):
        return True
    if _words_read_as_phone(text, _MENDED):
        return True
    # Mended words are extra readings, never the only one: "… three oh nine right now" must
    # not become eleven digits ("right" ~ "eight"). So the words are read again with only the
    # sure misspellings put right, and as written.
    read = _read_numbers(text, _MENDED, False)  # the same arguments as the reading above: one cache entry
    if (
        read is not None
        and read[2]
        and (_words_read_as_phone(text, _SPELLED) or _words_read_as_phone(text, _AS_WRITTEN))
    ):
        return True
    return _has_split_phone(text)


# How far the number words are mended: by their neighbours too, misspellings only, not at all.
_MENDED, _SPELLED, _AS_WRITTEN = 2, 1, 0


def _words_read_as_phone(text: str, context: int) -> bool:
    # Danish says the unit first ("seksogtyve"), but a teen may write "tyve seks" for 26 the
    # English way: a Danish tens word before a unit is read both ways.
    for pairs in (False, True):
        if pairs and not any(t in text.casefold() for t in _DANISH_TENS_HINTS):
            break
        spoken = _digits_from_words(text, context, pairs)
        if spoken is None:
            return False
        if _has_plain_phone(spoken) or _has_split_phone(spoken) or _spoken_number(spoken, _cued(text)):
            return True
        if _has_split_phone(_numbers_in_place(text, context, pairs) or ""):  # "22 og så treogtredive 44 55"
            return True
    return False


_DANISH_TENS_HINTS = ("tyve", "tredive", "tredve", "fyrre", "halvt", "tres", "treds", "halvf", "firs")


# North American numbers: 555-867-5309, (555) 867-5309, +1 555.867.5309. The separators
# are required: ten bare digits are as often an order number.
_NANP = _Regex(
    r"""(?<![\d+])(?:\+?1\s?[.\-–—/]?\s?)?
    (?:\(\s?[2-9]\d{2}\s?\)\s?[.\-–—/]?\s?|[2-9]\d{2}(?:\s?[.\-–—/_]\s?|\s))   # 555- / (555) / 555 -
    [2-9]\d{2}(?:\s?[.\-–—/_]\s?|\s)?\d{4}(?![\d])""",
    re.VERBOSE,
)
# Ten digits typed one by one or in odd groups ("5 5 5 8 6 7 5 3 0 9"): compacted, a North
# American number's shape. A bare run of ten is left alone (an order number, as often).
_SPACED_TEN = _Regex(r"(?<![\d+])(?:1\s?[\s.-]\s?)?\d(?:\s?[\s.\-–_]?\s?\d){9}(?!\d)")
# With a word that asks to call or text: ten bare digits ("call me 5558675309") and the
# seven of a local number ("text me 867-5309").
_NANP_BARE = _Regex(r"(?<![\d+.,])(?:\+?1)?[2-9]\d{2}[2-9]\d{6}(?![\d]|[.,]\d)")
_NANP_LOCAL = _Regex(r"(?<![\d+.,:/-])[2-9]\d{2}[\s.-]\d{4}(?![\d]|[.,:/-]\d)")


_MORE_GROUPS = _Regex(r"\s?[\s.\-–_]\s?\d")


def _spaced_nanp(text: str) -> bool:
    for m in _SPACED_TEN.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if not digits.isdigit() or len(digits) == len(m.group()):
            continue  # no separator at all
        if _MORE_GROUPS.match(text, m.end()):
            continue  # ten digits cut from a longer row: "lotto med 3 7 12 19 24 31 33"
        if re.fullmatch(r"1?[2-9]\d{2}[2-9]\d{6}", digits) and not _not_a_phone(m.group()):
            return True
    return False


@lru_cache(maxsize=4)  # asked by several readings of the same message
def _cued(text: str) -> bool:
    return bool(_PHONE_CUES.search(text))


@lru_cache(maxsize=4)  # asked by several readings of the same message
def _counts_things(text: str) -> bool:
    """A word for time, units, results or a list: the numbers count something ("21, 14, 30, 12 i de
    fire kampe", "kl 20 30"), so groups of digits in it are read as a number only with a cue."""
    return bool(_TIME_WORDS.search(text) or _LIST_WORDS.search(text))


# "jenny 867-5309": a local number with its dash, not a range of amounts or years.
_NANP_DASHED = _Regex(r"(?<![\d+.,:/-])[2-9]\d{2}\s?[-–]\s?(?!19\d\d|20\d\d)\d{4}(?![\d]|[.,:/-]\d)")


_SEVEN_DIGITS = _Regex(r"(?<![\d+.,:/-])[2-9](?:[\s.-]?\d){6}(?![\d]|[.,:/-]\d)")


def _cued_nanp(text: str) -> bool:
    if any(not _not_a_phone(m.group()) for m in _NANP_DASHED.finditer(text)) and not _counts_things(text):
        return True
    if not _cued(text):
        return False
    if _NANP_BARE.search(text):
        return True
    # Seven digits where the message speaks of a number: a digit lost in typing ("mit nr er
    # 2819467") still reaches the person by trying ten endings. Number words get the same reading.
    if any(
        not _not_a_phone(m.group()) and _DIGITS_ONLY.sub("", m.group()) not in _helpline_numbers()
        for m in _SEVEN_DIGITS.finditer(text)
    ) and not _counts_things(text):
        return True
    return any(not _not_a_phone(m.group()) for m in _NANP_LOCAL.finditer(text))


def _spoken_number(spoken: str, cued: bool) -> bool:
    """A run of number words that spells a whole number by itself.

    "five five five eight six seven five three oh nine" reads as ten digits no
    matcher groups; eight digits are a Danish number and ten a North American one.
    """
    for run in spoken.split(" , "):
        digits = re.sub(r"\D", "", run)
        if digits in _helpline_numbers() or _not_a_phone(run):
            continue
        if len(digits) == 8 and digits[0] in "23456789":
            return True
        if len(digits) in (10, 11) and re.fullmatch(r"1?[2-9]\d{2}[2-9]\d{6}", digits):
            return True
        if cued and len(digits) == 7 and digits[0] in "23456789":
            return True
    return False


# --- numbers in words ---------------------------------------------------------------

_UNITS = {
    "nul": 0,
    "zero": 0,
    "oh": 0,
    "nought": 0,
    "en": 1,
    "et": 1,
    "een": 1,
    "one": 1,
    "to": 2,
    "two": 2,
    "tre": 3,
    "three": 3,
    "fire": 4,
    "four": 4,
    "fem": 5,
    "five": 5,
    "seks": 6,
    "six": 6,
    "syv": 7,
    "seven": 7,
    "otte": 8,
    "eight": 8,
    "ni": 9,
    "nine": 9,
}
_TEENS = {
    "ti": 10,
    "ten": 10,
    "elleve": 11,
    "eleven": 11,
    "tolv": 12,
    "twelve": 12,
    "tretten": 13,
    "thirteen": 13,
    "fjorten": 14,
    "fourteen": 14,
    "femten": 15,
    "fifteen": 15,
    "seksten": 16,
    "sixteen": 16,
    "sytten": 17,
    "seventeen": 17,
    "atten": 18,
    "eighteen": 18,
    "nitten": 19,
    "nineteen": 19,
}
_TENS = {
    "tyve": 20,
    "twenty": 20,
    "tredive": 30,
    "tredve": 30,
    "thirty": 30,
    "fyrre": 40,
    "fyrretyve": 40,
    "forty": 40,
    "halvtreds": 50,
    "fifty": 50,
    "tres": 60,
    "sixty": 60,
    "halvfjerds": 70,
    "seventy": 70,
    "firs": 80,
    "eighty": 80,
    "halvfems": 90,
    "ninety": 90,
    # The old long forms, still written for fun: "halvtredsindstyve" is 50.
    "halvtredsindstyve": 50,
    "tresindstyve": 60,
    "halvfjerdsindstyve": 70,
    "firsindstyve": 80,
    "halvfemsindstyve": 90,
}
_ENGLISH_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"})
_ENGLISH_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_DANISH_UNITS = ("to", "tre", "fire", "fem", "seks", "syv", "otte", "ni")
_NUMBER_WORD = _Regex(
    r"[a-zæøå]+(?:og(?:tyve|tredive|tredve|fyrre|halvtreds|tres|halvfjerds|firs|halvfems))?|\d+",
    re.IGNORECASE,
)
_REPEAT = {"double": 2, "dobbelt": 2, "triple": 3, "tripple": 3, "treble": 3, "tredobbelt": 3}
_HUNDRED = frozenset({"hundred", "hundrede"})
_COMPOUND = re.compile(r"([a-z]+)og([a-zæø]+)")
_NUMBER_HINTS = ("to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "tyve", "two", "three", "four", "five",
                 "six", "seven", "eight", "nine", "zero", "nul", "one", "ty", "teen", "double", "dobbelt", "nought", "treble", "trip",
                 "syw", "syu", "ote", "fir", "sex", "sek", "halv", "tw")  # fmt: skip

# Number words as teens misspell them, read wherever they stand: none is a word of its own.
_SPELLINGS = {
    "syw": "syv", "syu": "syv", "siv": "syv", "sekss": "seks", "sexs": "seks", "sekz": "seks", "ote": "otte",
    "otteh": "otte", "åtte": "otte", "fjre": "fire", "fiir": "fire", "fier": "fire", "nuul": "nul", "nol": "nul", "nuel": "nul", "noll": "nul",
    "tretn": "tretten", "nittn": "nitten", "nitn": "nitten", "sekstn": "seksten", "sytn": "sytten",
    "tyeve": "tyve", "tuve": "tyve", "treve": "tredive", "tredieve": "tredive", "tredve": "tredive",
    "halvtres": "halvtreds", "halvtrads": "halvtreds", "halvtræds": "halvtreds", "halvtrez": "halvtreds",
    "halvfjers": "halvfjerds", "halvfjerts": "halvfjerds", "halvfjærds": "halvfjerds", "halfjerds": "halvfjerds",
    "halvfjes": "halvfjerds", "halvfjerz": "halvfjerds", "halvfemds": "halvfems", "halfems": "halvfems",
    "halvfæms": "halvfems", "treds": "tres",
    "twenny": "twenty", "twinty": "twenty", "tweny": "twenty", "thirdy": "thirty", "thurty": "thirty",
    "fourty": "forty", "fourdy": "forty", "fivety": "fifty", "fitty": "fifty", "fiddy": "fifty", "sixdy": "sixty",
    "sevendy": "seventy", "sevnty": "seventy", "eigthy": "eighty", "eighdy": "eighty", "ninty": "ninety",
    "ninedy": "ninety", "sevn": "seven", "sevin": "seven", "eigth": "eight", "eigt": "eight", "eihgt": "eight",
    "thre": "three", "fiv": "five", "nineh": "nine", "zerow": "zero",
}  # fmt: skip
# Spellings that are words too ("for", "ate", "sex", "tree"): read as numbers only next to a number.
_SOUND_ALIKES = {
    "tu": "to", "too": "two", "toe": "two", "tew": "two", "ate": "eight", "ait": "eight", "won": "one",
    "wan": "one", "for": "four", "fore": "four", "fo": "four", "tree": "three", "free": "three", "sex": "seks",
    "sicks": "six", "siks": "six", "fir": "fire", "tyv": "tyve", "fyr": "fyrre", "fyre": "fyrre", "o": "oh",
    "nil": "zero", "nein": "nine", "nie": "ni", "nii": "ni", "sy": "syv",
}  # fmt: skip
_EVERYDAY_SOUND_ALIKES = frozenset({"for", "fore", "fo", "too", "tu", "won", "ate", "free", "tree", "sex", "o"})
# Only the rarer ones: a message with "for" or "to" and digits is everyday talk far more often.
_SOUND_ALIKE_HINTS = ("ate", "ait", "won", "wan", "tree", "free", "sex", "sicks", "siks", "tyv", "nil", "nein", "nii",
                      "too", "tew")  # fmt: skip
_NUMBER_HINT, _SOUND_ALIKE_HINT = _any_of(_NUMBER_HINTS), _any_of(_SOUND_ALIKE_HINTS)
# "tw0 eight 0ne", "f0ur", "s3ven": digits standing in for the letters of a number word.
_LEET = str.maketrans("013457", "oieast")
_LEET_HINT = re.compile(r"[a-zæøå][013457]|[013457][a-zæøå]")
_LEET_WORD = re.compile(r"\b(?=[a-zæøå]*\d)(?=\d*[a-zæøå])[a-zæøå\d]{2,}\b")


@lru_cache(maxsize=8192)  # per word: a chat repeats its words, and a miss costs a few look-ups
def _number_value(word: str) -> str | None:
    """Digits for one number word ("toogtyve" -> "22", "fem" -> "5"), else None.

    Typed as teens type: stretched ("tooogtyve", "fiiire"), doubled by accident
    ("fiire"), tens and unit run together ("twentyeight", "tyveotte"), and words
    written as one ("ninezero", "toottefem" -> "9 0", "2 8 5").
    """
    found = _plain_number_value(word)
    if found is None and len(word) >= 4:
        squeezed = _STRETCHED.sub(r"\1\1", word)
        single = _DOUBLED.sub(r"\1", squeezed)
        found = (
            _plain_number_value(squeezed)
            or _plain_number_value(single)
            # stretched and misspelt at once: "ottteee" -> "ote" -> "otte", "nuuul" -> "nul"
            or (None if word == squeezed else _plain_number_value(_SPELLINGS.get(single, "")))
        )
        if found is None and word not in _NOT_NUMBER_CONCATENATIONS:
            parts = _split_number_words(word)
            if parts and len(parts) >= 2:
                found = " ".join(parts)
    return found


def _plain_number_value(word: str) -> str | None:
    return _number_words().get(word)


@cache
def _number_words() -> dict[str, str]:
    """Every number word and tens compound -> its digits: "fem" 5, "toogtyve" 22, "twentyeight" 28.

    One table, so reading a word is one look-up however many words the message has.
    """
    table = {word: str(value) for group in (_UNITS, _TEENS, _TENS) for word, value in group.items()}
    for tens, tens_value in _TENS.items():
        for unit, unit_value in _UNITS.items():
            table.setdefault(f"{unit}og{tens}", str(tens_value + unit_value))  # "toogtyve"
            if unit_value > 0 and unit not in ("en", "et", "oh"):
                table.setdefault(f"{tens}{unit}", str(tens_value + unit_value))  # "twentyeight", "tyveotte"
    return table


_STRETCHED = re.compile(r"(.)\1{2,}")
_DOUBLED = re.compile(r"(.)\1")
# Words that happen to be spelled with number words only.
_NOT_NUMBER_CONCATENATIONS = frozenset({"enten", "tien", "tito", "nien", "toen", "often", "tenten"})
# Whole number words, and the compounds teens glue together too ("femogtredivefireogfyrre",
# "twentyfivefortyseven"): longest first, so "niogtres" is 69 before it is 9 og 60.
_PIECES = sorted(
    {*_UNITS, *_TEENS, *_TENS}
    | {f"{unit}og{tens}" for unit, value in _UNITS.items() if value and unit not in ("et", "oh") for tens in _TENS}
    | {f"{tens}{unit}" for tens in _ENGLISH_TENS for unit in _ENGLISH_UNITS}
    | {f"{tens}{unit}" for tens in _TENS.keys() - _ENGLISH_TENS for unit in _DANISH_UNITS}  # "fyrreseks"
    - {"een"},
    key=len,
    reverse=True,
)


_MADE_OF_PIECES = _Regex("(?:" + "|".join(_PIECES) + ")+")


def _split_number_words(word: str) -> list[str] | None:
    """``word`` cut into whole number words, longest first, or None when it will not cut."""
    if word and not _MADE_OF_PIECES.fullmatch(word):
        return None
    if not word:
        return []
    for piece in _PIECES:
        if word.startswith(piece):
            rest = _split_number_words(word[len(piece) :])
            if rest is not None:
                return [str(_plain_number_value(piece)), *rest]
    return None


def _digits_from_words(text: str, context: int = 2, pairs: bool = False) -> str | None:
    """``text`` with every run of number words (and digits) read as digit groups, or None.

    "to to tre tre fire fire fem fem" -> "2 2 3 3 4 4 5 5"; "to og tyve" and
    "twenty two" -> "22"; "eight hundred sixty seven" -> "867". Only runs with at least
    two number words are read, so the Danish articles "en"/"et" and English "to" stay words.
    """
    read = _read_numbers(text, context, pairs)
    return " , ".join(read[0]) if read is not None and read[0] else None


def _numbers_in_place(text: str, context: int = 2, pairs: bool = False) -> str | None:
    """``text`` with its runs of number words written as digits and every other word kept.

    "22 og så treogtredive 44 55" -> "22 og så 33 44 55", so a number split by words is
    found whichever of its groups were spelled out.
    """
    read = _read_numbers(text, context, pairs)
    return " ".join(read[1]) if read is not None and read[0] else None


_ACCENTED = str.maketrans("éèêëáàâíìîóòôúùû", "eeeeaaaiiiooouuu")
_ACCENT = _Regex("[éèêëáàâíìîóòôúùû]")


@lru_cache(maxsize=8)  # the same message is read for its digit groups and for its words in place
def _read_numbers(text: str, context: int = 2, pairs: bool = False) -> tuple[list[str], list[str], bool] | None:
    """(runs of number words as digit groups, the text's words with those runs as digits,
    whether a word was mended); ``context``: 2 mends misspellings and words by their
    neighbours, 1 misspellings only, 0 reads the words as written; ``pairs``: a Danish tens
    word and the unit after it make one number ("tyve seks" 26), as in English."""
    lower = text.casefold()
    if _ACCENT.search(lower):  # a translate over the whole text costs more than looking first
        lower = lower.translate(_ACCENTED)  # "to otte én ni"
    digits = _ANY_DIGIT.search(lower) is not None
    written = lower
    if context and digits and _LEET_HINT.search(lower):
        lower = _LEET_WORD.sub(_unleet, lower)
    # A sound-alike ("ate", "for") is read only next to a number: a number word, itself a
    # hint, or a digit group.
    if not _NUMBER_HINT.search(lower) and not (digits and _SOUND_ALIKE_HINT.search(lower)):
        return None
    tokens, values, by_context = _mend_number_words(_NUMBER_WORD.findall(lower), context)
    # A word of several number words run together ("seksnulnulsyv") counts for each of them.
    spoken = sum(
        len(v.split()) if v is not None and not t.isdigit() else t in _REPEAT
        for t, v in zip(tokens, values, strict=True)
    )
    if spoken < 2 and not (spoken and _digit_count(text) >= 4):
        return None
    reader = _NumberReader(tokens, values, pairs)
    i = 0
    while i < len(tokens):
        i = reader.step(i)
    reader.flush()
    return reader.out, reader.in_place, by_context or lower != written


def _unleet(m: re.Match[str]) -> str:
    token = m.group()
    letters = token.strip("0123456789")
    if letters != token and _plain_number_value(letters) is not None:
        return token  # "tre5", "to8": a number word and a digit, not "tres"
    word = token.translate(_LEET)
    return word if _plain_number_value(word) is not None else token


# Short number words that are everyday words as well; they vouch for no neighbour.
_AMBIGUOUS_NUMBER_WORDS = frozenset({"to", "en", "et", "one", "oh", "ti", "ni"})


def _mend_number_words(tokens: list[str], context: int = 2) -> tuple[list[str], list[str | None], bool]:
    """``tokens`` with misspelt number words put right: "syw" -> "syv", "treoghalvfjers" -> 73.

    A spelling that is a word of its own ("for", "ate", "sex") or a word one typo from a number
    word ("fine", "mine") is read as a number only next to a digit group or a number word that
    is no everyday word as well, so "two for one" stays talk but "two ate one nine" is 2819.
    Returns the mended tokens, each one's digits (None for a word that is no number), and
    whether any word was mended. ``context`` 1 puts misspellings right only, 0 nothing.
    """
    values = [t if t.isdigit() else _number_value(t) for t in tokens]
    mended = list(tokens)
    if not context:
        return mended, values, False
    by_context = False
    for i, token in enumerate(tokens):
        if values[i] is None and (fixed := _SPELLINGS.get(token) or _compound_with_typo(token)) is not None:
            mended[i], values[i], by_context = fixed, _number_value(fixed), True
    if context < 2:
        return mended, values, by_context
    # Twice: a word put right vouches for its neighbours in turn ("nie sex nuel" after "fiire").
    pending: Iterable[int] = range(len(tokens))
    for _ in range(2):
        vouches = [v is not None and t not in _AMBIGUOUS_NUMBER_WORDS for t, v in zip(mended, values, strict=True)]
        put_right: list[int] = []
        for i in pending:
            token = tokens[i]
            before, after = i > 0 and vouches[i - 1], i + 1 < len(tokens) and vouches[i + 1]
            if token in _EVERYDAY_SOUND_ALIKES and not (before and after):
                # "12.4 for the test": a digit on one side does not make "for" a four; a number
                # word does ("too fiire"), or numbers on both sides ("2 ate 1 9").
                before = before and not mended[i - 1].isdigit()
                after = after and not mended[i + 1].isdigit()
            if values[i] is None and (before or after):
                fixed = _SOUND_ALIKES.get(token) or _one_typo_from_number(token)
                if fixed is not None:
                    mended[i], values[i], by_context = fixed, _number_value(fixed), True
                    put_right.append(i)
        pending = sorted({j for i in put_right for j in (i - 1, i + 1) if 0 <= j < len(tokens) and values[j] is None})
        if not pending:
            break
    return mended, values, by_context


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


@cache
def _number_vocabulary() -> dict[str, tuple[str, ...]]:
    """Number words long enough that one typo cannot make them another word by chance, filed
    under themselves and every one-letter deletion: two words one typo apart share a key."""
    index: dict[str, tuple[str, ...]] = {}
    for word in (*_UNITS, *_TEENS, *_TENS):
        if len(word) >= 4:
            for key in _deletions(word):
                index[key] = (*index.get(key, ()), word)
    return index


def _one_typo(word: str, target: str) -> bool:
    """One letter added, dropped, changed, or two neighbours swapped."""
    if abs(len(word) - len(target)) > 1 or word == target:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diff) != 2:
            return len(diff) == 1
        i, j = diff
        return j == i + 1 and word[i] == target[j] and word[j] == target[i]
    short, long = (word, target) if len(word) < len(target) else (target, word)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _one_typo_from_number(word: str) -> str | None:
    if len(word) < 3 or not word.isalpha():
        return None
    index = _number_vocabulary()
    candidates = {w for key in _deletions(word) for w in index.get(key, ())}
    return next((w for w in sorted(candidates) if _one_typo(word, w)), None)


def _typo_unit(word: str) -> str | None:
    if word in _UNITS:
        return word
    fixed = _SPELLINGS.get(word)
    if fixed in _UNITS:
        return fixed
    return next((u for u in _UNITS if len(u) >= 4 and _one_typo(word, u)), None)


def _typo_tens(word: str) -> str | None:
    if word in _TENS:
        return word
    fixed = _SPELLINGS.get(word)
    if fixed in _TENS:
        return fixed
    return next((t for t in _TENS if len(t) >= 4 and _one_typo(word, t)), None)


@lru_cache(maxsize=8192)
def _compound_with_typo(word: str) -> str | None:
    """A tens compound with one slip in a part: "treoghalvfjers", "ottogtyve", "halvfjerstre"."""
    if len(word) < 7:
        return None
    m = _COMPOUND.fullmatch(word) if "og" in word else None
    if m:
        unit, tens = _typo_unit(m.group(1)), _typo_tens(m.group(2))
        if tens is not None and unit is not None and _UNITS[unit] > 0:
            return f"{unit}og{tens}"
    if word[-2:] not in _UNIT_ENDING_TAILS:
        return None
    for ending, unit in _UNIT_ENDINGS:
        if word.endswith(ending):
            tens = _typo_tens(word[: -len(ending)])
            if tens is not None:
                return f"{tens}{unit}"  # "halvfjerstre" -> "halvfjerdstre", "fyrresex" -> "fyrreseks"
    return None


# Units as they end a tens word ("tyveotte", "fyrresex"), spelt right or as teens spell them.
_UNIT_ENDINGS = tuple(
    (ending, unit)
    for ending, unit in (
        *((u, u) for u in _UNITS),
        *((k, v) for k, v in {**_SPELLINGS, **_SOUND_ALIKES}.items() if v in _UNITS),
    )
    if _UNITS[unit] > 0 and unit not in ("en", "et", "oh") and len(ending) >= 2
)
_UNIT_ENDING_TAILS = frozenset(ending[-2:] for ending, _ in _UNIT_ENDINGS)


class _NumberReader:
    """Reads a message's tokens left to right, gathering runs of number words into digit groups."""

    def __init__(self, tokens: list[str], values: list[str | None], pairs: bool = False) -> None:
        self.tokens, self.values = tokens, values  # values[i]: the digits of tokens[i], or None
        self.tens_before_unit = _TENS.keys() if pairs else _ENGLISH_TENS
        self.out: list[str] = []
        self.in_place: list[str] = []
        self.run: list[str] = []
        self.words: list[str] = []  # the run's own tokens, kept if it turns out to be no number
        self.words_in_run = 0
        self.hundreds = False  # the last group was "eight hundred ...": tens and units add to it

    def flush(self) -> None:
        run, words = self.run, self.words
        if self.words_in_run >= 2 or (self.words_in_run and len(run) > self.words_in_run):
            self.out.append(" ".join(run))
        # In place only a run of two or more number words, or a lone group that cannot be a
        # word: "21 to 14" keeps its English "to", "treogtredive" becomes 33.
        lone_group = self.words_in_run == 1 and any(
            not w.isdigit() and (v := _number_value(w)) is not None and " " not in v and len(v) >= 2 for w in words
        )
        self.in_place.extend(run if self.words_in_run >= 2 or lone_group else words)
        self.run, self.words, self.words_in_run, self.hundreds = [], [], 0, False

    def step(self, i: int) -> int:
        """Read the token at ``i``; the index of the next one to read."""
        tokens, run = self.tokens, self.run
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in _REPEAT and (following in _UNITS or (following.isdigit() and len(following) == 1)):
            digit = following if following.isdigit() else str(_UNITS[following])
            run.extend(digit * _REPEAT[token])  # "double two" / "dobbelt to" / "double 2" -> 22
            self.words.extend((token, following))
            self.words_in_run += 2
            return i + 2
        if token in _HUNDRED and run and len(run[-1]) == 1 and not tokens[i - 1].isdigit():
            run[-1] = str(int(run[-1]) * 100)  # "eight hundred" -> 800, filled in below
            self.words.append(token)
            self.hundreds = True
            return i + 1
        value = self.values[i]
        if value is None:
            return self._not_a_number(i, token, following)
        self._add(i, token, value)
        self.words.append(token)
        self.words_in_run += 0 if token.isdigit() else len(value.split())  # "seksnulnul" is three words
        return i + 1

    def _not_a_number(self, i: int, token: str, following: str) -> int:
        run = self.run
        if token == "og" and run and following in _TENS and len(run[-1]) == 1:
            run[-1] = str(_TENS[following] + int(run[-1]))  # "to og tyve" (2 and 20 = 22)
            self.words.extend((token, following))
            self.words_in_run += 1
            return i + 2
        if (
            token in ("og", "and")
            # after two number words, or between two digits ("two and eight and one ..."); not
            # between pairs ("toogtredive og halvfems" are two groups of a number split by "og")
            and (self.words_in_run >= 2 or (bool(run) and len(run[-1]) == 1 and following in _UNITS))
            and following
            and not following.isdigit()
            and _number_value(following) is not None
        ):
            self.words.append(token)  # "... seksogfyrre og treoghalvfjerds": the last group
            return i + 1
        self.flush()
        self.in_place.append(token)
        return i + 1

    def _add(self, i: int, token: str, value: str) -> None:
        run = self.run
        spelled = not token.isdigit()
        if self.hundreds and spelled and " " not in value and int(value) < 100 and int(run[-1]) % 100 == 0:
            run[-1] = str(int(run[-1]) + int(value))  # "eight hundred sixty" -> 860
            self.hundreds = int(value) % 10 == 0 and int(value) >= 20  # "... sixty seven"
        elif self.hundreds and spelled and token in _UNITS and int(run[-1]) % 10 == 0:
            run[-1] = str(int(run[-1]) + _UNITS[token])  # "... sixty seven" -> 867
            self.hundreds = False
        elif run and token in _UNITS and _UNITS[token] and self.tokens[i - 1] in self.tens_before_unit:
            # "twenty two" -> 22. Danish says the unit first ("toogtyve"), so "tres ni nul" is 60 9 0,
            # and no language says "fifty zero".
            run[-1] = str(int(run[-1]) + _UNITS[token])
            self.hundreds = False
        else:
            run.append(value)
            self.hundreds = False


# --- digits split by words ------------------------------------------------------------

# "22 og så 33 44 55", "22 33 hmm 44 55": filler between the groups of one number.
_FILLER = frozenset(
    """og så so and then hov ups oops vent wait lol haha xd plus derefter bagefter after øh øhm hmm hm eh um uh altså bare
    ja yes lige just nå ok okay hehe jk ehm mm like også nej no nope måske maybe
    streg bindestreg mellemrum komma punktum prik dash dot space""".split()  # separators said in words too
)
_PHONE_CUES = _Regex(
    r"""\b(?:nummer|nummeret|numre|nr|tlf|telefon|mobil|mobilnummer|mobilnr|ring|sms|skriv|number|phone|call|text|cell|whatsapp
    |hit\s+me|hmu|cifre|digits|første\s+del|anden\s+del|sidste\s+del|first\s+part|second\s+part|last\s+part|resten|the\s+rest
    |første\s+(?:to|tre|fire|2|3|4)|sidste\s+(?:to|tre|fire|2|3|4)|first\s+(?:two|three|four|2|3|4)
    |last\s+(?:two|three|four|2|3|4)|(?:første|anden|sidste)\s+halvdel|(?:first|second|last|other)\s+half)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_TIME_WORDS = _Regex(
    r"""\b(?:kl|klokken|tid|timer?|min|minutter|sek|o'?clock|am|pm|uge|år|kr|kroner
    |grader|degrees|cm|kg|km|mål|goals|point|points|procent|sider|pages|skridt|steps|kampe|sekunder|seconds)\b""",
    re.IGNORECASE | re.VERBOSE,
)
# Words next to a comma-separated list of numbers that make it a list ("21, 14, 30, 12 i de fire kampe").
_LIST_WORDS = _Regex(
    r"""\b(?:side|sider|page|pages|kampe|kampene|games|sekunder|seconds|score|scores|scoren|resultat|resultater
    |resultaterne|results|minutter|minutes|timer|hours|point|points|mål|goals|grader|degrees|kr|år|years
    |januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december
    |january|february|march|june|july|october)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_QUESTIONED_GROUP = _Regex(r"\d\s?\?")
_WORKED_SUM = _Regex(r"\d\s*[+*×x/-]\s*\d[\d,.]*\s*=")
_COUNT_OF_DIGITS = _Regex(r"\b(første|sidste|first|last|næste|next|resterende|remaining)\s+\d\b", re.IGNORECASE)
_GROUPS_AND_WORDS = _Regex(r"\d+|[^\W\d_]+")


def _has_split_phone(text: str) -> bool:
    """Digit groups of one Danish (or North American) number with a word or two between them."""
    if _digit_count(text) < 8:
        return False
    cued = bool(_PHONE_CUES.search(text))
    if not cued and (_TIME_WORDS.search(text) or len(_QUESTIONED_GROUP.findall(text)) >= 2 or _WORKED_SUM.search(text)):
        return False  # "kl 20 30 og så 21 15" is two times, "28? 19? 46? nej 73?" guesses, "2,4 + 3,8 = 6,2" sums
    if cued:
        text = _COUNT_OF_DIGITS.sub(r"\1 n", text)  # "de sidste 4 er 4673": the 4 counts digits
    if "(" in text:
        text = _ASIDE.sub(" og ", text)  # "22 (det er starten) 33 44 55": an aside is filler
    tokens = [m.group() for m in _GROUPS_AND_WORDS.finditer(text)]
    groups: list[str] = []
    gap: list[str] = []
    # Without a cue, one gap of filler words ("22 og så 33 44 55"), or filler between every
    # pair or every digit ("28 og 19 og 46 og 73", "28 hmm 19 øh 46 nå 73", "2 og 8 og 1 og 9 ...").
    worded_gaps = 0
    gap_words: set[str] = set()
    for token in [*tokens, "."]:
        if token.isdigit() and len(token) <= 4:
            if groups and gap:
                worded_gaps += 1
                gap_words.add(" ".join(gap).casefold())
                filler = all(w.casefold() in _FILLER for w in gap)
                # Groups of one size may have any filler between them; groups of mixed sizes
                # ("40 og 83 og 5879") the same word every time ("250 og så 300 og 45" is prices).
                same_size = len({len(g) for g in (*groups, token)}) == 1 and len(token) <= 2
                pairs = (
                    (len(gap_words) == 1 or (filler and same_size))
                    and len(gap) <= (3 if same_size else 1)
                    and not all(g.endswith("0") for g in (*groups, token))  # "20 og 30 og 40 og 50"
                    # "25 og så 30 og så 40": a count that rises is a list, not a number; so is
                    # "28 og 29 og 30 og 31", counting by one
                    and not (len(gap) > 1 and all(int(a) < int(b) for a, b in itertools.pairwise((*groups, token))))
                    and not all(int(b) - int(a) == 1 for a, b in itertools.pairwise((*groups, token)))
                )
                if len(gap) > (8 if cued else 5 if filler else 2) or not (
                    cued or (filler and (worded_gaps == 1 or pairs))
                ):
                    groups, worded_gaps, gap_words = [], 0, set()
            groups.append(token)
            gap = []
            joined = "".join(groups)
            if worded_gaps and _split_groups_are_a_number(groups, joined, cued):
                return True
            if len(joined) > 8 and not (cued and joined[0] == "0" and len(joined) < 11):
                groups, worded_gaps, gap_words = [token], 0, set()
        elif token.isdigit():
            groups, gap, worded_gaps, gap_words = [], [], 0, set()
        else:
            gap.append(token)
    return False


def _split_groups_are_a_number(groups: list[str], joined: str, cued: bool) -> bool:
    """Whether digit groups read with words between them make a whole number."""
    if (
        len(joined) == 8
        and joined[0] in "23456789"
        and not _not_a_phone(" ".join(groups))
        and not all(int(b) - int(a) == 1 for a, b in itertools.pairwise(groups))  # "28, nej 29, 30, 31"
        and joined not in _helpline_numbers()
    ):
        return True
    if [len(g) for g in groups] == [3, 3, 4] and _NANP_DIGITS.fullmatch(joined):
        return True  # "call 555 then 867 then 5309"
    # "it starts with 07" … "958 221 406": a British mobile
    return cued and joined[0] == "0" and len(joined) in (10, 11) and _foreign(groups)


_ASIDE = _Regex(r"(?<=\d)\s*[(\[][^()\[\]\d]{1,40}[)\]]\s*(?=\d)")
_NANP_DIGITS = _Regex(r"[2-9]\d{2}[2-9]\d{6}")


def _foreign(groups: list[str]) -> bool:
    """Whether the groups, in a row, are a valid number of a neighbouring country or Britain."""
    pn = _phonenumbers()
    return any(
        any(True for _ in pn.PhoneNumberMatcher(" ".join(groups), region, leniency=pn.Leniency.VALID))
        for region in _FOREIGN_REGIONS
    )


# Digit groups joined by one kind of separator, optionally after a country code:
# "2819, 4673", "+4528/19/46/73", "555, 867, 5309", "555867 - 5309".
_GROUP_RUN = _Regex(
    r"(?<![\d.,/:;|_-])(?:\(?\+\s?|00)?\d{1,6}(?:\)?(?:\s*[,.;:/|_–—-]\s*|\s+)\d{1,7}){1,9}(?![\d]|[.,/:;-]\d)"
)
_GROUP_SEPARATOR = _Regex(r"\s*([,.;:/|_–—-])\s*|\s+")
_YEAR = _Regex(r"(?:19|20)\d\d")


def _grouped_number(text: str) -> bool:
    """Eight Danish or ten North American digits in groups, one kind of separator between them.

    Lists of numbers look alike ("21, 14, 30, 12"), so without a cue the groups may not
    count up evenly ("12, 15, 18, 21"), be all tens, all years, or sit next to a unit or a time.
    """
    cued: bool | None = None
    for m in _GROUP_RUN.finditer(text):
        raw = m.group()
        body = re.sub(r"^(?:\(?\+\s?|00)", "", raw)
        groups = re.findall(r"\d+", body)
        if len(groups) < 2:
            continue
        digits = "".join(groups)
        for code, rest in (("0045", 8), ("45", 8), ("001", 10), ("1", 10)):
            if digits.startswith(code) and len(digits) - len(code) == rest:
                digits = digits[len(code) :]
                if groups[0] == code:  # "+45 2819, 4673": the code may stand apart
                    body = body[body.index(code) + len(code) :].lstrip(" ,.;:/|_–—-)")
                    groups = groups[1:]
                break
        danish = len(digits) == 8 and digits[0] in "23456789"
        american = len(digits) == 10 and re.fullmatch(r"[2-9]\d{2}[2-9]\d{6}", digits) is not None
        if not (danish or american) or digits in _helpline_numbers() or len(groups) < 2:
            continue
        kinds = {
            (sep.group(1) or " ") for sep in _GROUP_SEPARATOR.finditer(re.sub(r"^\)?\s*", "", body)) if sep.group()
        }
        kinds = {k.replace("–", "-").replace("—", "-") for k in kinds}
        if len(kinds) > 1 or _not_a_phone(body):
            continue
        if cued is None:
            cued = _cued(text)
        if not cued:
            values = [int(g) for g in groups]
            steps = {b - a for a, b in itertools.pairwise(values)}
            if (
                (len(values) >= 4 and len(steps) == 1 and kinds != {" "})
                or all(v % 10 == 0 for v in values)
                or all(_YEAR.fullmatch(g) for g in groups)
                or _TIME_WORDS.search(text)
                or _LIST_WORDS.search(text)
            ):
                continue
        return True
    return False


def _separated_number(prepared: str, text: str) -> bool:
    """Pairs or groups behind one repeated separator: "28/19/46/73", "2,8,1,9,4,6,7,3"."""
    allowed = _helpline_numbers()

    def a_list(separator: str) -> bool:
        # "21, 14, 30, 12 i de fire kampe": with a comma and a word for results, a list.
        return separator == "," and not _cued(text) and _counts_things(text)

    for m in _SEPARATED.finditer(prepared):
        joined = re.sub(r"\D", "", m.group())
        if (
            len(joined) == 8
            and joined[0] in "23456789"
            and joined not in allowed
            and not _not_a_phone(m.group())
            and not a_list(m.group(1))
        ):
            return True
    for m in _PAIRED.finditer(prepared):
        paired = re.sub(r"\D", "", m.group())
        if (
            paired[0] in "23456789"
            and paired not in allowed
            and not _not_a_phone(m.group())
            and not a_list(m.group(2).strip())
        ):
            return True
    return False


def _has_plain_phone(text: str) -> bool:
    # No phone number anywhere has fewer than 7 digits; "2o 3o 4o 5o" has 4 plus o's.
    digits = _digit_count(text)
    if digits < 4:
        return False
    prepared = _O_FOR_ZERO.sub("0", text)
    if "l" in prepared or "I" in prepared:
        prepared = _L_FOR_ONE.sub("1", prepared)
    if _digit_count(prepared) >= 7 and (
        _reads_as_phone(prepared, text) or (prepared != text and _has_split_phone(prepared))
    ):
        return True
    return any(
        _reads_as_phone(variant, text) or _has_split_phone(variant) for variant in _disguised_readings(prepared, text)
    )


# "2B 1g 4b 7E", "Z8 19 A6 73", "2819467T": letters that look like digits, in a word that is
# otherwise digits (at least as many digits as letters), so "8B" or "bus 5C" stay words.
_LOOKALIKE_DIGITS = str.maketrans("OoDlIiZzEASsGbTBgq", "000111223455667899")
_LOOKALIKE_TOKEN = _Regex(r"(?<![^\W_])(?=[OoDlIZzEASsGbTBgq]*\d)[\dOoDlIZzEASsGbTBgq]{2,}(?![^\W_])")
# "2 8 I 9 4 6 7 3", "8/5/o/2/5/8/9/7", "69 55 ll 74": o and l standing alone as a group, next to digits.
_LONE_LOOKALIKE = _Regex(r"(?<![^\W\d_])([oOlI])\1{0,3}(?![^\W\d_])")  # one letter, repeated: "lol" is a word
_ZERO_ONE = str.maketrans("oOlI", "0011")


def _lone_lookalike(m: re.Match[str]) -> str:
    text, start, end = m.string, m.start(), m.end()
    near = text[max(0, start - 4) : start] + text[end : end + 4]
    return m.group().translate(_ZERO_ONE) if _ANY_DIGIT.search(near) else m.group()


# "2a8b1c9d4e6f7g3", "28x19x46x73": one or two digits at a time with a letter or two between.
_INTERLEAVED = _Regex(r"(?<![^\W_])\d{1,2}(?:[^\W\d_]{1,3}\d{1,2}){3,}(?![^\W_])")
# "2 x 8 x 1 x 9 ...", "28 banan 19 banan 46 banan 73", "2 a 8 b 1 c 9 ...": the same word
# between every group, or a lone letter.
_SPACED_INTERLEAVED = _Regex(
    r"(?<![^\W_])\d{1,2}(?:(\s+[^\W\d_]{1,12}\s+)\d{1,2}(?:\1\d{1,2}){2,}|(?:\s[^\W\d_]\s\d{1,2}){3,})(?![^\W_])"
)
# "2 emma 8 sofie 4 laura 6 ida …": one digit at a time with a word, any word, between.
_DIGIT_BY_WORD = _Regex(r"(?<![^\W_])\d(?:\s+[^\W\d_]{2,12}\s+\d){7,10}(?![^\W_])")
_LETTERS = _Regex(r"[^\W\d_]+")
_CUE_JUST_BEFORE = _Regex(
    r"""\b(?:nummer|nummeret|nr|tlf|telefon|mobil|mobilnummer|mobilnr|ring|sms|skriv|number|phone|call|text|cell
    |whatsapp|hmu)\b\.?(?:\s*(?:er|is|=|:|-|på|on|til|mig|me|at|'s))*\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# "ring 28.194.673": eight digits grouped like an amount, in a message that speaks of a number.
_EIGHT_IN_THOUSANDS = _Regex(
    r"(?<![\d.,])[2-9]\d(?:\.\d{3}){2}(?![\d]|[.,]\d)|(?<![\d.,])[2-9]\d(?:,\d{3}){2}(?![\d]|[.,]\d)"
)


def _ungrouped(m: re.Match[str]) -> str:
    """ "ring 28.194.673" without its dots, when the word for calling comes just before it
    ("videoen er nummer 1 med 28.194.673 views" counts views)."""
    before = m.string[max(0, m.start() - 30) : m.start()]
    return m.group().replace(".", "").replace(",", "") if _CUE_JUST_BEFORE.search(before) else m.group()


_DIGITS_ONLY = re.compile(r"\D")
_GROUPS = re.compile(r"\d+")


def _unspaced(m: re.Match[str]) -> str:
    """The digits alone, unless the word between them follows the last one too: a count
    ("28 likes 19 likes 46 likes 73 likes"), where "28 banan 19 banan 46 banan 73" hides a number."""
    word = (m.group(1) or "").strip().casefold()
    counted = bool(word) and m.string[m.end() :].casefold().lstrip().startswith(word)
    groups = [int(g) for g in _GROUPS.findall(m.group())]
    steps = {b - a for a, b in itertools.pairwise(groups)}
    if counted or len(set(_DIGITS_ONLY.sub("", m.group()))) == 1 or steps in ({1}, {-1}):
        return m.group()  # "3 x 3 x 3 x 3 ..." multiplies, "28 og 29 og 30 og 31" counts
    return str(_LETTERS.sub(" ", m.group()))


def _unworded(m: re.Match[str]) -> str:
    """The digits alone, unless a word follows the last one too ("2 brødre 3 søstre … 8 høns"
    counts things) or the digits count up or down by one."""
    counted = bool(_LETTERS.match(m.string[m.end() :].lstrip()))
    digits = [int(d) for d in _GROUPS.findall(m.group())]
    if counted or {b - a for a, b in itertools.pairwise(digits)} in ({1}, {-1}):
        return m.group()
    return " ".join(map(str, digits))


def _lookalike(m: re.Match[str]) -> str:
    token = m.group()
    letters = sum(1 for c in token if not c.isdigit())
    return token.translate(_LOOKALIKE_DIGITS) if letters and letters <= len(token) - letters else token


def _disguised_readings(prepared: str, text: str) -> list[str]:
    """Other readings of ``prepared`` when a number is disguised, each only if it differs.

    Look-alike letters ("2B 1g 4b 7E"), letters between the digits ("2a8b1c9d4e6f7g3"),
    and plus signs: as separators ("28+19+46+73") when the message does no sums, and as
    sums ("mit nr er 20+8 19 46 73") when it speaks of a number.
    """
    readings: list[str] = []
    looked = _LOOKALIKE_TOKEN.sub(_lookalike, prepared)
    # Codes and room names are letters and digits too ("koden er 2B4G8E1A", "2B 3A 4E 5S"): more
    # than two letters read as digits only where the message speaks of a number.
    if _digit_count(looked) - _digit_count(prepared) > 2 and not _cued(text):
        looked = prepared
    looked = _LONE_LOOKALIKE.sub(_lone_lookalike, looked)
    if looked != prepared and _digit_count(looked) >= 7:
        readings.append(looked)
    if _digit_count(prepared) < 7:
        return readings
    unlettered = _INTERLEAVED.sub(lambda m: _LETTERS.sub(" ", m.group()), prepared)
    if _SPACED_INTERLEAVED.search(unlettered) and (
        _cued(text) or not (_counts_things(text) or _ARITHMETIC.search(text))
    ):
        unlettered = _SPACED_INTERLEAVED.sub(_unspaced, unlettered)
    if _DIGIT_BY_WORD.search(unlettered) and not _counts_things(text):
        unlettered = _DIGIT_BY_WORD.sub(_unworded, unlettered)
    if unlettered != prepared:
        readings.append(unlettered)
    if ("." in prepared or "," in prepared) and _cued(text):
        ungrouped = _EIGHT_IN_THOUSANDS.sub(_ungrouped, prepared)
        if ungrouped != prepared:
            readings.append(ungrouped)  # "ring 28.194.673"
    if (
        "+" in prepared
        and _PLUS_BETWEEN.search(prepared)
        and not _ARITHMETIC.search(text)
        and (_cued(text) or not _LETTERS.search(text))  # "28+19+46+73" alone; "hvad … 22+33+44+55" sums
    ):
        readings.append(_PLUS_BETWEEN.sub(" ", prepared))
    if _SUM.search(prepared) and _cued(text):
        readings.append(_SUM.sub(_worked_out, prepared))
    return readings


def _reads_as_phone(prepared: str, text: str) -> bool:
    """Whether ``prepared`` (``text`` with disguises undone) holds a phone number."""
    prepared = _ODD_SEPARATOR.sub(" ", prepared)
    if prepared != text and _NANP.search(prepared):
        return True  # "555 867 53O9"
    if _separated_number(prepared, text) or _grouped_number(prepared):
        return True
    pn = _phonenumbers()
    allowed = _helpline_numbers()

    def found(region: str, leniency: Any) -> bool:
        for match in pn.PhoneNumberMatcher(prepared, region, leniency=leniency):
            if _not_a_phone(match.raw_string):
                continue
            if str(match.number.national_number) in allowed:
                continue
            return True
        return False

    # POSSIBLE (not VALID) on purpose: "12 34 56 78" is not an issued Danish number,
    # but it is exactly how a teen would write theirs, so it must not get through.
    if found("DK", pn.Leniency.POSSIBLE):
        return True
    # A long run of digits the Danish reading rejected may be e.g. "070-123 45 67";
    # VALID keeps the foreign retry from catching arbitrary digit strings.
    if _LONG_DIGIT_RUN.search(prepared):
        return any(found(region, pn.Leniency.VALID) for region in _FOREIGN_REGIONS)
    return False


# --- social-media handles ------------------------------------------------------------

_PLATFORM = r"""(?:sna*p+(?:\s?chat)?|sc|s\sc|insta+(?:\s?gram)?|ig|tik\s?tok|tt|discord|dc|facebook|fb|messenger
    |twitter|telegram|whats\s?app|kik|be\s?real|threads|twitch|steam|roblox|youtube|yt|pinterest
    |vsco|signal|skype|viber|wechat|reddit|tumblr|bluesky|bsky|spotify|psn|xbox|playstation|epic|fortnite
    |minecraft|socials|sociale\s+medier)"""
_PLATFORM_LONG = r"""(?:snap+(?:chat)?|insta+(?:gram)?|tik\s?tok|discord|facebook|messenger|twitter
    |telegram|whats\s?app|kik|be\s?real|twitch|roblox|youtube|pinterest|vsco|skype|wechat|reddit
    |tumblr|bluesky|bsky)"""

# Words that can follow "mit snap er ..." without being a username ("min insta er privat").
_NOT_A_USERNAME = frozenset(
    """privat private slettet deleted lukket closed død dødt dead dum dumt dumb kedelig kedeligt
    boring hacket hacked væk gone nede down ikke not også also bare just helt totally fyldt full
    ødelagt broken weird mærkelig mærkeligt nyt new ny gammel gammelt old bedre better værre worse
    det den the a an en et så so really virkelig meget very mega fake offentlig offentligt public
    dårlig dårligt god godt bad good weak svag svagt elendig elendigt fuld
    tom tomt empty på on off pause inaktiv inaktivt inactive blokeret blocked lidt kind sort lige
    til to for too sjov sjovt fun træls annoying cringe pinlig pinligt embarrassing mit min my your
    dit din et er is was var nok enough hemmelig hemmeligt secret anonym anonymt anonymous
    mest mostly kun only mainly primært billeder pics pictures photos videoer videos memes om about med with
    af of fra from fyldt filled sjovt funny trist sad aktivt active død dødt fint fine okay ok""".split()
)

_HANDLE_FORMS = _Regex(
    rf"""
      \b(?:(?<!to\s)|(?=\w+(?:\s+(?:til|to))?\s+(?:mig|me|os|us)\b))   # "anyone to add on snap" is talk
         (?:add+|tilføj|følg|follow|dm|pm|message|msg|text|hmu|hit\s+me\s+up|find|friend|skriv|send|snap
         |write|call|ring|chat|kontakt|contact)                       # imperative: "skriv på snap"
         (?:\s+(?:til|to))?(?:\s+(?:mig|me|os|us))?\s+(?:on|at|via|over|in|på|gennem|i)\s+{_PLATFORM}\b
    | \b(?:add+e|add+er|add+ede|tilføje|følge|skrive|sende|finde|snappe|chatte|kontakte)
         (?:\s+(?:til|to))?\s+(?:mig|os)\s+(?:på|over|via|gennem|i)\s+{_PLATFORM}\b  # "at skrive på snap" is just talk
    | \b(?:hedder|heder|called|name\s+is|navn\s+er)\s+@?(?:[a-z][\w.]*\d[\w.]*|[a-z]\w*[._]\w+)\s+(?:på|on)\s+{_PLATFORM}\b
    | \b{_PLATFORM}\s+@?(?:[a-z][\w.]*\d[\w.]*|[a-z]\w*[._]\w+)    # "snap lunaaa09"
    | \b(?:har|have|got|do)\s+(?:du|you|u|i)\s+(?:have\s+|også\s+|et\s+|en\s+|a\s+)?{_PLATFORM_LONG}\s*(?:\?|$)
    | \b(?:hvad|hvd|hva|what|wat)(?:\s+er|'?s|\s+is|s)?\s+(?:dit|din|jeres|your|ur|yo|u)\s+{_PLATFORM}\b
    | \b(?:hvad\s+hedder\s+du|hvem\s+er\s+du|what\s+are\s+you|what\s+r\s+u)\s+(?:på|on)\s+{_PLATFORM}\b
    | \b(?:send|giv\s+mig|give\s+me|drop|del|share|sende)\s+(?:dit|din|jeres|your|ur|yo)\s+{_PLATFORM}\b
    | \b(?:må|kan|can|could|may)\s+(?:jeg|i)\s+(?:få|get|have|ha)\s+(?:dit|din|your|ur|yo)\s+{_PLATFORM_LONG}\b
    | {_OFFERS}{_PLATFORM_LONG}\b
    | \b(?:skal\s+vi|vil\s+du|wanna|want\s+to|shall\s+we|lets|let's)\s+(?:\w+\s+)?(?:snappe|adde|add|følge|follow|skrive|text)\s+(?:på|on)\s+{_PLATFORM}\b
    | \b{_PLATFORM}\s+@[\w.]{{2,}}
    | \b(?:add+|tilføj|følg|follow|søg\s+efter|search\s+for|search)\s+@?(?:[a-z][\w.]*\d[\w.]*|[a-z]\w*[._]\w+|[a-z]{{3,}}(?<!mig)(?<!me))\s+(?:på|on|i|in)\s+{_PLATFORM}\b
    | @[\w.]{{2,}}\s+(?:på|on|i|in)\s+{_PLATFORM}\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "xbox gamertag: SilentWolf", "min youtube kanal: ...": more labels for one's name on a platform.
_LABEL_MORE = r"gamer\s?tag|kanal|kanalnavn|channel|konto|account"
# "mit snap er sofie09", "my insta is @x", "sc: sofie", "snap - sofie_h".
_HANDLE_SHARED = _Regex(
    rf"""
      \b(?:mit|min|mine|my|mi)\s+{_PLATFORM}(?:\s*(?:navn|name|username|brugernavn|user|handle|tag|id|{_LABEL_MORE}))?
         \s*(?:er|is|=|:|-|hedder|'s)\s*@?(?P<a>[\w.]+)
    | \b{_PLATFORM}(?:\s*(?:navn|name|username|brugernavn|user|handle|tag|id|{_LABEL_MORE}))?\s*[:=]\s*@?(?P<b>[\w.]+)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_DISCORD_TAG = _Regex(r"(?<!\w)\w{2,32}#\d{4}\b")  # luna#1234
# Every other handle form names a platform or has an "@". Plain substring tests
# rule out most messages far faster than the patterns below could.
_PLATFORM_HINTS = tuple(
    """snap insta tik discord facebook messenger twitter telegram whats kik real threads twitch steam roblox
    youtube pinterest vsco signal skype viber wechat reddit tumblr bluesky bsky spotify snp psn xbox playstation
    epic fortnite minecraft social""".split()
)
_PLATFORM_HINT = _any_of(_PLATFORM_HINTS)
_SHORT_PLATFORMS = ("sc", "ig", "tt", "dc", "fb", "yt")
_SHORT_PLATFORM = _Regex(r"\b(?:sc|ig|tt|dc|fb|yt)\b")  # searched in casefolded text


@lru_cache(maxsize=4)  # asked by several readings of the same message
def _mentions_platform(text: str) -> bool:
    lower = text.casefold()
    if "@" in lower or _PLATFORM_HINT.search(lower):
        return True
    return (any(h in lower for h in _SHORT_PLATFORMS) and bool(_SHORT_PLATFORM.search(lower))) or "s c" in lower


# "@sofie.h", "@sofie_2009": mentioning a pseudonym ("@Luna") is normal group chat,
# but dots, underscores or a year-like digit run make it an outside username.
_AT_HANDLE = _Regex(r"(?<![\w@.])@([A-Za-z0-9_.æøåÆØÅ]{2,30})")
_HANDLE_SHAPE = _Regex(r"[\w][._][\w]|\d{4}")
_WORD_ENDINGS = ("ing", "ed", "et", "lig", "ligt", "igt")


def _could_be_username(token: str) -> bool:
    """Separate "min insta er privat"/"my tiktok is blowing up" from "mit snap er sofie"."""
    if not token:
        return False
    if any(c.isdigit() or c in "._" for c in token):
        return True
    word = token.casefold()
    return word not in _NOT_A_USERNAME and not word.endswith(_WORD_ENDINGS)


# Staff are mentioned by their chat names ("@mentor_sofie"); those are no outside handles.
_STAFF_MENTION = _Regex(
    r"(?:mentor|mentors|admin|staff|moderator|mod|frivillig|guide|team)(?:[._-]\w+)?", re.IGNORECASE
)

# After the platform is named: "på snap hedder jeg luna_k", "insta? søg efter sofiehh".
_NAMED_AFTER_PLATFORM = _Regex(
    rf"""\b{_PLATFORM}\b[^.!\n]{{0,40}}?\b(?:(?P<strong>hedder\s+jeg|jeg\s+hedder|heder\s+jeg|name\s+is|names
        |navn\s+er|er\s+mit\s+(?:bruger)?navn|is\s+my\s+(?:user)?name|søg(?:\s+efter)?|search(?:\s+for)?|find\s+mig\s+som|find\s+me\s+as|add|tilføj|som|as
        |kalder\s+jeg\s+mig|jeg\s+kalder\s+mig|i\s+go\s+by|go\s+by|i\s+call\s+myself)
        |er\s+jeg|jeg\s+er|i'?m|i\s+am|it'?s|its|det\s+er|er|is)(?:\s+(?:bare|just|simply|egentlig|lige|kun|only))?\s+@?(?P<u>[\w.]+)(?P<end>\W*$)?""",
    re.IGNORECASE | re.VERBOSE,
)
# "på snap er jeg lunakristensen", "on snap im jakeyboy": the platform first, then who one is.
_ON_PLATFORM_AS = _Regex(
    rf"""\b(?:på|paa|on|i|in)\s+{_PLATFORM}\s*,?\s*(?:er\s+jeg|jeg\s+er|i'?m|im|i\s+am)(?:\s+(?:bare|just|egentlig|lige))?
        \s+@?(?P<u>(?:[a-z][\w.]*\d[\w.]*|[a-z]\w*[._]\w+))""",
    re.IGNORECASE | re.VERBOSE,
)
# "jeg er sofiehh på snap", "im jakeyboy on tiktok": who one is, then the platform.
_ME_ON_PLATFORM = _Regex(
    rf"\b(?:jeg\s+er|er\s+jeg|i'?m|im|i\s+am)\s+@?(?P<u>[^\W\d_][\w.]{{3,}})\s+(?:på|paa|on)\s+{_PLATFORM}\b",
    re.IGNORECASE,
)
# "add mig sofiehh på snap", "søg sofiehh på insta": a made-up word between the verb and the platform.
_VERB_NAME_PLATFORM = _Regex(
    rf"\b(?:add+|adde|tilføj|følg|follow|søg|search|find)(?:\s+(?:mig|me))?\s+@?(?P<u>[^\W\d_]\w{{3,}})\s+(?:på|paa|on|i|in)\s+{_PLATFORM}\b",
    re.IGNORECASE,
)
# "jeg hedder lunaxo på alt", "im jakeyboy on everything": a name for every app at once.
_NAMED_EVERYWHERE = _Regex(
    r"""\b(?:jeg\s+hedder|hedder\s+jeg|jeg\s+er|i'?m|im|my\s+name\s+is|i\s+go\s+by)\s+@?(?P<u>[^\W\d_][\w.]{3,})
        \s+(?:på|on)\s+(?:alt|alle\s+apps|alle\s+sociale|everything|all\s+apps|all\s+socials|socials|sociale\s+medier)\b""",
    re.IGNORECASE | re.VERBOSE,
)
# "se min pinterest sofiesboards", "my insta lunaxoxo": a made-up word right after one's own platform.
_MY_PLATFORM_NAME = _Regex(
    rf"\b(?:mit|min|my)\s+{_PLATFORM}\s+@?(?P<u>[^\W\d_][\w.]{{3,}})", re.IGNORECASE | re.VERBOSE
)
# A whole message that is a platform and a name: "snap? sofiehhh", "sc sofiehhh".
_PLATFORM_THEN_NAME = _Regex(rf"{_PLATFORM}\s*[?:!-]*\s*@?(?P<u>[^\W\d_][\w.]{{3,}})\W*", re.IGNORECASE | re.VERBOSE)
# "min snap er", "på snap hedder jeg": an offer left open for the next message to finish.
_OPEN_OFFER = _Regex(
    rf"""\b(?:(?:mit|min|my)\s+{_PLATFORM}(?:\s*(?:navn|name|username|brugernavn|user|handle))?\s*(?:er|is|hedder|=|:)?
        |{_PLATFORM}\s*(?:navn|name|username|brugernavn)?\s*[:=]
        |(?:på|paa|on)\s+{_PLATFORM}\s+(?:hedder\s+jeg|er\s+jeg|jeg\s+hedder|i'?m|im|i\s+am|it'?s|its|er\s+det|det\s+er)
        |(?:jeg\s+hedder|i'?m|my\s+name\s+is)\s+(?:på|paa|on)\s+{_PLATFORM})\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
_COMMON_ENDINGS = ("ere", "est", "este", "ende", "ing", "ed", "ly", "lig", "ligt", "igt", "isk", "iskt", "tion", "ness")
_MADE_UP_ENDINGS = ("hh", "xx", "xo", "aa", "ii", "yy", "zz", "boy", "girl", "gamer", "gaming", "official", "dk", "xd")


def _made_up(word: str) -> bool:
    """A word shaped like an invented name: "sofiehh", "jakeyboy", "lunakristensen", "emilxo".

    Used where a name is expected after a platform, so ordinary words ("aktiv",
    "privat") must fail: they are neither stretched nor built on a first name.
    """
    lower = word.casefold().strip(".")
    squeezed = re.sub(r"(.)\1+", r"\1", lower)  # "nooo", "jaaa", "whaaat" are replies, stretched
    if len(squeezed) < 4 or {lower, squeezed} & (_NOT_A_USERNAME | _ORDINARY_REPLY) or lower.endswith(_COMMON_ENDINGS):
        return False
    if _HANDLE_SHAPE.search(lower) or any(c.isdigit() for c in lower):
        return True
    if any(lower.endswith(e) and len(lower) >= len(e) + 3 for e in _MADE_UP_ENDINGS) or re.search(r"(.)\1\1", lower):
        return True
    first, *_ = _name_lists()
    # A first name with letters added ("lunakristensen", "sofieh"); one added "s" is a genitive.
    return lower not in first and any(
        lower[:n] in first and (len(lower) >= n + 2 or lower[n:] != "s") for n in range(4, len(lower))
    )


# The sender's previous message asked for or offered a handle; this one gives it.
_GIVEN_NAME = _Regex(
    r"""^\W*(?:(?:ja|jep|yes|yeah|yep|ok|okay|sure|klart|selvfølgelig)\W+)?(?:(?P<verb>jeg\s+hedder|hedder|add\s+mig|add\s+me|tilføj\s+mig|add|tilføj|søg
        |search|find\s+mig\s+som|my\s+name\s+is|name\s+is)\s+|(?:det\s+er|den\s+er|it'?s|its|i'?m|im|er)\s+)?@?(?P<u>[\w.]+)\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
_ORDINARY_REPLY = frozenset(
    """ja nej jo jep nope yes no yeah yep ok okay okey sure måske maybe hvorfor why hvad what haha hahaha lol
    tak thanks fedt nice cool godt fint hej hi hey glem forget det that it den""".split()
)


# "mit brugernavn er luna_x", "my username is lunaxx": a username needs no platform named.
_USERNAME_GIVEN = _Regex(
    r"""\b(?:mit|min|my)\s+(?:brugernavn|username|user\s?name|gamertag|gamer\s?tag)\s*(?:er|is|=|:|-)\s*@?(?P<a>[\w.]{3,})
      | \b(?:brugernavn|username|user\s?name|user|gamertag|gamer\s?tag)\s*[:=]\s*@?[^\W\d_]\w*(?:[._]\w+|\d{2,})""",
    re.IGNORECASE | re.VERBOSE,
)
# "jeg hedder majak på insta", "mit navn på snap er majak", "min profil på insta hedder majak".
_NAMED_ON_PLATFORM = _Regex(
    rf"""\b(?:jeg\s+hedder|hedder\s+jeg|jeg\s+heder|i'?m\s+called|my\s+name\s+is)\s+@?(?P<a>[\w.]+)\s+(?:på|on)\s+{_PLATFORM}\b
      | \b(?:mit|min|my)\s+(?:navn|name|profil|profile|konto|account|brugernavn|username|user\s?name)\s+(?:på|on)\s+{_PLATFORM}
         \s*(?:er|is|hedder|=|:)\s*@?(?P<b>[\w.]+)""",
    re.IGNORECASE | re.VERBOSE,
)
# "adder du mig? maja_k": an outside app's verb and a username-shaped word.
_ADD_VERB = _Regex(r"\b(?:add+|add+e|add+er|tilføj|tilføje|følg|følge|follow)\b", re.IGNORECASE)
# "dm @lunaxx", "følg @sofie": verbs of the outside apps, not of this chat.
# "add mig sofie2010": a username-shaped word after an outside app's verb.
_ADD_ME_NAME = _Regex(
    r"\b(?:add+|adde|tilføj|følg|follow)\s+(?:mig|me)\s*:?\s+@?(?:[a-z][\w.]*\d[\w.]*|[a-z]\w*[._]\w+)", re.IGNORECASE
)
# "sofiehh er mit snap": the name first; "roblox brugernavn lunablx": the label without a colon.
_IS_MY_PLATFORM = _Regex(rf"\s(?:er|is)\s+(?:mit|min|my)\s+{_PLATFORM}\b", re.I | re.X)
_LAST_WORD = _Regex(r"@?(?P<u>[^\W\d_][\w.]{2,})\s*$")
_PLATFORM_LABEL_NAME = _Regex(
    rf"\b{_PLATFORM}\s+(?:brugernavn|username|user\s?name|gamertag|navn|name|id)\s+@?(?P<u>[^\W\d_][\w.]{{2,}})",
    re.I | re.X,
)
# "insta sofie punktum h", "snap luna underscore k": the dot or underscore spelled out.
_SPELLED_HANDLE = _Regex(
    r"\b[^\W\d_]{2,}\s+(?:punktum|prik|dot|underscore|understreg|bundstreg)\s+\w{1,12}\W*$", re.IGNORECASE
)
# "add mig lunadance": a made-up name, the message's last word, after an outside app's verb.
_ADD_ME_MADE_UP = _Regex(r"\b(?:add+|adde|tilføj)\s+(?:mig|me)\s*:?\s+@?(?P<u>[^\W\d_]{4,})\W*$", re.IGNORECASE)
_ADD_AT = _Regex(
    r"\b(?:dm|pm|add|adde|follow|følg|tilføj)\s+(?:mig\s+|me\s+)?(?:på|on|at)?\s*@[\w.]{2,}", re.IGNORECASE
)


# A word shaped like a username: letters with a dot or underscore inside ("luna.k",
# "emil_dk2009", "sofie_"), or letters then a year ("lunaxx09", "maja2010").
_USERNAME_TOKEN = _Regex(
    r"(?<![\w@.])@?((?:[^\W\d_][\w]*(?:[._][\w]+)+_*|_*[^\W\d_]\w*_+\w*|[^\W\d_]{3,}(?:\d{2}|\d{4})))(?![\w@]|\.\w)"
)
# Shapes that are not usernames: abbreviations, web addresses, products with a number.
_NOT_A_HANDLE_TOKEN = _Regex(
    r"""(?:f\.eks|bl\.a|m\.m|o\.l|o\.s\.v|osv|t\.o\.m|d\.v\.s|dvs|p\.t|a\.k\.a|e\.g|i\.e|ca|kl|nr|evt|inkl|etc)
      | .*\.(?:com|dk|net|org|io|me|gg|tv|app|se|no|de)
      | (?:fifa|iphone|ipad|galaxy|ps|gta|cod|mw|pes|nba|nhl|madden|sims|top|covid|windows|android|ios|level|lvl|season
         |sæson|chapter|kapitel|uge|week|klasse|grade|mp|gen|version)\d+""",
    re.IGNORECASE | re.VERBOSE,
)
# The platform as a verb: "snap mig sofie_hh", "whatsapp mig lunagirl", "snap me at lunaa.x".
_PLATFORM_VERB = _Regex(
    rf"\b(?:{_PLATFORM}|snappe|instagramme)\s+(?:mig|me)\s*(?:på|on|at|@)?\s*[:\-]?\s*@?(?P<u>[\w.]+)(?P<end>\W*$)?",
    re.IGNORECASE | re.VERBOSE,
)
# "mit youtube er @emilgaming": an @-name given as what the outside account is.
_PLATFORM_IS_AT = _Regex(
    rf"\b{_PLATFORM}\b[^.!?\n]{{0,30}}?(?:\ber|\bis|\bits|\bhedder|=|:)\s*@(?P<u>[\w.]{{2,30}})",
    re.IGNORECASE | re.VERBOSE,
)
_NOT_AFTER_VERB = frozenset("nu now senere later plz pls please tak thanks asap igen again hvis if når when".split())


def _shaped_usernames(text: str) -> list[str]:
    """Username-shaped words not written as a chat mention ("@Luna07" names someone in this chat)."""
    return [
        m.group(1)
        for m in _USERNAME_TOKEN.finditer(text)
        if not m.group().startswith("@")
        and not _NOT_A_HANDLE_TOKEN.fullmatch(m.group(1))
        and not _STAFF_MENTION.fullmatch(m.group(1))
    ]


def _platform_as_verb(text: str) -> bool:
    """ "snap mig sofie_hh", "whatsapp mig lunagirl" (a plain word only when it ends the message)."""
    for m in _PLATFORM_VERB.finditer(text):
        name = m.group("u").strip(".")
        if _HANDLE_SHAPE.search(name) or (
            m.group("end") is not None
            and _could_be_username(name)
            and len(name) >= 3
            and name.casefold() not in _NOT_AFTER_VERB | _ORDINARY_REPLY
        ):
            return True
    return False


def _mentions_add(text: str) -> bool:
    lower = text.casefold()
    return "add" in lower or "tilføj" in lower or "følg" in lower or "follow" in lower


def _names_platform(text: str) -> bool:
    """An outside app is named (an "@" alone is a mention in this chat)."""
    lower = text.casefold()
    return _PLATFORM_HINT.search(lower) is not None or (
        any(h in lower for h in _SHORT_PLATFORMS) and bool(_SHORT_PLATFORM.search(lower))
    )


# "tiktok f.eks den med hunden": abbreviations with dots are no usernames.
_ABBREVIATION = _Regex(r"\b(?:f\.eks|bl\.a|m\.m|o\.l|t\.o\.m|d\.v\.s|p\.t|a\.k\.a|e\.g|i\.e)\b\.?", re.IGNORECASE)


# Other ways to write a platform's name: spelled out ("s n a p"), in leet ("sn4p", "1nsta"),
# in the definite form ("snappen", "instaen"), or as its emoji (👻 is Snapchat's ghost,
# 📸 📷 stand for Instagram). Rewritten to the plain name before the handle forms are read.
_PLATFORM_ALIASES = _Regex(
    r"""(?<![\w@])(?:s[\s.]n[\s.]a[\s.]p|i[\s.]n[\s.]s[\s.]t[\s.]a|t[\s.]i[\s.]k[\s.]t[\s.]o[\s.]k|sn[4@]p|[1!]nsta|inst[4@]
      |t[1!]kt[o0]k|tikt0k|d[1!]sc[o0]rd|disc0rd|snappen|snapen|instaen|insta'en|tiktokken|discorden|s\.c
      |(?:det|den)\s+gule\s+app|the\s+yellow\s+app|spøgelset|spøgelsesappen|the\s+ghost\s+app)(?!\w)
      |\U0001f47b|\U0001f4f8|\U0001f4f7""",
    re.IGNORECASE | re.VERBOSE,
)
_ALIAS_HINTS = ("s n", "s.n", "sn4", "sn@", "1ns", "!ns", "inst4", "inst@", "t1k", "t!k", "t0k", "d1s", "d!s", "c0rd",
                "\U0001f47b", "\U0001f4f8", "\U0001f4f7", "snappen", "snapen", "instaen", "insta'en", "tiktokken",
                "discorden", "s.c", "gule app", "yellow app", "spøgelse", "ghost app")  # fmt: skip


_ALIAS_HINT = _any_of(_ALIAS_HINTS)


def _platform_alias(m: re.Match[str]) -> str:
    word = m.group().casefold()
    if word in ("\U0001f4f8", "\U0001f4f7"):
        return " insta "
    if word == "\U0001f47b":
        return " snap "
    if "gul" in word or "yellow" in word or "spøgelse" in word or "ghost" in word or word == "s.c":
        return "snap"
    squeezed = re.sub(r"[\s.']", "", word)
    for plain in ("snap", "insta", "tiktok", "discord"):
        if squeezed[:2] == plain[:2] or squeezed.translate(_LEET)[:3] == plain[:3]:
            return plain
    return m.group()


def _has_handle(text: str, previous_text: str | None = None) -> bool:
    lower = text.casefold()
    if _ALIAS_HINT.search(lower):  # literal hints first: far cheaper than the pattern of every alias
        text = _PLATFORM_ALIASES.sub(_platform_alias, text)
    if "." in text:
        text = _ABBREVIATION.sub(lambda m: m.group().replace(".", ""), text)
    if "#" in text and _DISCORD_TAG.search(text):
        return True
    if previous_text and (
        (_mentions_platform(previous_text) and _gives_username(text))
        or (_OPEN_OFFER.search(previous_text) and _finishes_offer(text))
    ):
        return True
    if (
        any(m.group("a") is None or _could_be_username(m.group("a")) for m in _USERNAME_GIVEN.finditer(text))
        or _ADD_AT.search(text)
        or _ADD_ME_NAME.search(text)
        or (_mentions_add(text) and _ADD_VERB.search(text) and _shaped_usernames(text))
        or any(_made_up(m.group("u")) and _could_be_username(m.group("u")) for m in _NAMED_EVERYWHERE.finditer(text))
        or (
            _mentions_add(text)
            and any(_made_up(m.group("u")) and _could_be_username(m.group("u")) for m in _ADD_ME_MADE_UP.finditer(text))
        )
    ):
        return True
    if not _mentions_platform(text):
        return False
    if _HANDLE_FORMS.search(text):
        return True
    # A platform named and a username-shaped word in the same message: "sc? noah.v",
    # "mit psn er emil_dk2009", "ny snap!! ida_hh2".
    if any(
        _could_be_username(name := (m.group("a") or m.group("b") or "").strip("."))
        and name.casefold() not in _ORDINARY_REPLY
        for m in _NAMED_ON_PLATFORM.finditer(text)
    ):
        return True
    if (
        (_names_platform(text) and _shaped_usernames(text))
        or _platform_as_verb(text)
        or any(not _STAFF_MENTION.fullmatch(m.group("u")) for m in _PLATFORM_IS_AT.finditer(text))
        or any(
            _could_be_username((m.group("a") or m.group("b") or "").strip(".")) for m in _HANDLE_SHARED.finditer(text)
        )
    ):
        return True
    for m in _NAMED_AFTER_PLATFORM.finditer(text):
        name = m.group("u").strip(".")
        # "hedder jeg luna" names a user; after a plain "er"/"it's" only a handle-shaped word
        # does, or a made-up word that ends the message ("på snap er jeg lunakristensen").
        named = _could_be_username(name) and name.casefold() not in _ORDINARY_REPLY and len(name) >= 3
        if named and (
            m.group("strong")
            or _HANDLE_SHAPE.search(name)
            or any(c.isdigit() for c in name)
            or (m.group("end") is not None and _made_up(name))
        ):
            return True
    if _made_up_name_by_platform(text):
        return True
    # A bare "@name" is a mention in this chat unless it has a profile name's dot ("@sofie.h"):
    # the same shapes check_pseudonym refuses, so every accepted pseudonym can be mentioned.
    return any(
        _PSEUDONYM_HANDLE_SHAPE.search(name) and not _STAFF_MENTION.fullmatch(name)
        for m in _AT_HANDLE.finditer(text)
        if (name := m.group(1).rstrip("."))
    )


def _made_up_name_by_platform(text: str) -> bool:
    """A made-up name next to a platform: "på snap er jeg lunakristensen", "snap? sofiehhh",
    "im jakeyboy on tiktok", "jeg hedder lunaxo på alt", "sofiehh er mit snap"."""
    if _ON_PLATFORM_AS.search(text) or _SPELLED_HANDLE.search(text):
        return True
    named_before = (  # "sofiehh er mit snap": the word before
        _LAST_WORD.search(text, max(0, m.start() - 40), m.start() + 1) for m in _IS_MY_PLATFORM.finditer(text)
    )
    if any(
        m is not None and (_made_up(name := m.group("u")) or _HANDLE_SHAPE.search(name)) and _could_be_username(name)
        for m in itertools.chain(named_before, _PLATFORM_LABEL_NAME.finditer(text))
    ):
        return True
    if any(
        _made_up(m.group("u")) and _could_be_username(m.group("u"))
        for m in itertools.chain(
            _ME_ON_PLATFORM.finditer(text),
            _VERB_NAME_PLATFORM.finditer(text),
            _MY_PLATFORM_NAME.finditer(text),
        )
    ):
        return True
    m = _PLATFORM_THEN_NAME.fullmatch(text.strip())
    return m is not None and _could_be_username(m.group("u")) and _made_up(m.group("u"))


def _finishes_offer(text: str) -> bool:
    """The first word after an open offer ("min snap er" / "sofiehh") is the name."""
    m = _GIVEN_NAME.match(text.strip())
    if not m:
        return False
    name = m.group("u").strip(".")
    return (
        len(name) >= 3
        and _could_be_username(name)
        and name.casefold() not in _ORDINARY_REPLY | _NOT_AFTER_VERB
        and not _STAFF_MENTION.fullmatch(name)
    )


def _gives_username(text: str) -> bool:
    """A short reply that is a username: "lunaxx09", "ja det er sofie_h"."""
    m = _GIVEN_NAME.match(text.strip())
    if not m:
        return False
    name = m.group("u").strip(".")
    if name.casefold() in _ORDINARY_REPLY or _STAFF_MENTION.fullmatch(name) or len(name) < 3:
        return False
    shaped = (
        bool(_HANDLE_SHAPE.search(name))
        or (any(c.isdigit() for c in name) and any(c.isalpha() for c in name))
        or _made_up(name)
    )
    # Without a username's shape only a naming verb counts: "jeg hedder sofiehh", not "det er sejt".
    return shaped or (bool(m.group("verb")) and _could_be_username(name))


# --- street addresses ----------------------------------------------------------------

# Endings of Danish street names ("Nørregade", "Rosenvænget"); only a compound counts,
# the bare word ("vej 2", "alle 3") is ordinary speech.
_STREET_SUFFIXES = tuple(
    """vej vejen gade gaden allé alle stræde strædet boulevard boulevarden plads pladsen vænge vænget parken have torv torvet
    bakke bakken høj toften stien vang vangen løkke marken engen dalen lund hegn""".split()
)
_STREET_SUFFIXES_LIVED_ON = (
    "vej",
    "vejen",
    "gade",
    "allé",
    "alle",
    "stræde",
    "vænge",
    "vænget",
    "parken",
    "bakken",
    "toften",
    "stien",
    "vangen",
    "løkke",
    "haven",
    "plads",
    "pladsen",
    "boulevard",
)
_NOT_A_HOUSE_NUMBER = r"""(?:gange?|timer?|min|minutter|sek|sekunder|dage?|døgn|uger?|måneder|år|kr|kroner
    |procent|km|m|meter|stk|personer|mennesker|point|klasse|x)"""
# A word followed by a house number; whether the word is a street is decided on its ending.
_WORD_THEN_HOUSE_NUMBER = _Regex(
    rf"(?<![\w.])([a-zæøåé]+)\.?\s*(?:nr\.?\s*|nummer\s+)?\d{{1,3}}[a-z]?\b(?!\s*(?:{_NOT_A_HOUSE_NUMBER}\b|%|[.,:]\d))",
    re.IGNORECASE | re.VERBOSE,
)
# "mit hus er nr 12 på egevej", "i live on baker street number 12": the number before the street,
# or named as one after it.
_NUMBER_ON_STREET = _Regex(
    r"\b(?:nr|nummer|number|no)\.?\s*\d{1,3}[a-z]?\s+(?:på|paa|on|in|i)\s+([a-zæøåé]+)", re.IGNORECASE
)
_STREET_NUMBER_AFTER = _Regex(
    r"\b(?:street|road|avenue|lane|drive|close|way)\s+(?:number|no\.?|nr\.?|#)\s*\d{1,4}\b", re.IGNORECASE
)
_LIVES_ON = _Regex(r"\bbor\s+(?:på|i|ved)\s+([a-zæøåé]+)", re.IGNORECASE)
_LIVES_ON_STREET = _Regex(r"\bbor\s+på\s+([a-zæøåé]+)", re.IGNORECASE)
# "jeg bor i hus nummer 7 på strandvejen": the street further on in the sentence.
_LIVES = _Regex(r"\b(?:bor|boede)\b", re.IGNORECASE)
_ON_WORD = _Regex(r"\b(?:på|paa)\s+([a-zæøåé]+)", re.IGNORECASE)
_STREET_SUFFIXES_NAMED = ("vej", "vejen", "gade", "allé", "alle", "stræde", "vænge", "vænget")
# "jeg bor lige ved Netto på Algade": a capitalised street name anywhere in a "bor" message.
_CAPITALISED = _Regex(r"\b[A-ZÆØÅ][a-zæøåé]+\b")
_LIVES_IN_POSTCODE = _Regex(r"\b(?:bor|live|lives)\s+(?:i|in)\s+[1-9]\d{3}\b", re.IGNORECASE)
_ENGLISH_LIVES_ON = _Regex(
    r"\b(?:live|lives|living|address\s+is)\s+(?:on|at|in)\s+(?:[A-Z][\w'-]+\s+){1,2}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Drive|Close|Crescent|Way|Court|Terrace|Grove|Place)\b"
)


def _is_street_name(word: str, suffixes: tuple[str, ...]) -> bool:
    word = word.casefold()
    return any(word.endswith(s) and len(word) > len(s) for s in suffixes)


# "Frederiksberg Allé 12", "H.C. Andersens Boulevard 12": the name is a separate,
# capitalised word, so case matters (lower-case "på plads 2" is second place, not an address).
_DANISH_STREET_SPLIT = _Regex(
    r"\b[A-ZÆØÅ][\wæøå.]+\s+(?:Allé|Alle|Boulevard|Plads|Torv|Have|Vej|Gade|Stræde|Vænge)\s+\d{1,3}[a-zA-Z]?\b"
)
_POSTCODE_DISTRICT = _Regex(r"\b[1-9]\d{3}\s+[A-ZÆØÅ][a-zæøå]+\s+(?:C|K|V|N|S|Ø|NV|NØ|SV|SØ)\b")
_POSTCODE_WORD = _Regex(r"\b(?:postnummer|postnr|post\s?nr)\.?\s*(?:er|is|:)?\s*[1-9]\d{3}\b", re.IGNORECASE)
_ENGLISH_STREET = _Regex(
    r"""\b\d{1,4}[a-z]?\s+((?:[a-z][a-z'-]+\s+){1,2})
    (?:street|st|road|rd|avenue|ave|lane|ln|drive|close|crescent|terrace|boulevard|blvd|square|way|place|grove)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_ENGLISH_NOT_A_STREET_NAME = frozenset(
    """the a an my your his her our their more other of to in on at down up across minutes mins hours
    days weeks months years times people friends kids girls boys big small long short whole only just
    very different same new old last first next better worse way ways more much many good bad
    and or but so with without for from by all some any few""".split()
)


@cache
def _postcode_town() -> re.Pattern[str]:
    towns = _load_lines("towns_da.txt")
    alternation = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(towns, key=len, reverse=True))
    return re.compile(rf"\b[1-9]\d{{3}}\s+(?:{alternation})\b", re.IGNORECASE)


def _has_address(text: str) -> bool:
    if not _ANY_DIGIT.search(text) and "bor" not in text.casefold() and "live" not in text.casefold():
        return False  # every address form has a number, except "jeg bor på Xvej"
    if any(_is_street_name(m.group(1), _STREET_SUFFIXES) for m in _WORD_THEN_HOUSE_NUMBER.finditer(text)):
        return True
    # "bor på Solbakken" names a street; "bor ved Fælledparken" only a neighbourhood.
    if any(_is_street_name(m.group(1), _STREET_SUFFIXES_NAMED) for m in _LIVES_ON.finditer(text)):
        return True
    if any(_is_street_name(m.group(1), _STREET_SUFFIXES_LIVED_ON) for m in _LIVES_ON_STREET.finditer(text)):
        return True
    lives = _LIVES.search(text)
    if lives and any(
        _is_street_name(m.group(1), _STREET_SUFFIXES_NAMED)
        for m in _ON_WORD.finditer(text, lives.end(), lives.end() + 60)
    ):
        return True
    if (
        "bor" in text.casefold()
        and re.search(r"\bbor\b", text, re.IGNORECASE)
        and any(_is_street_name(m.group(), _STREET_SUFFIXES_NAMED) for m in _CAPITALISED.finditer(text))
    ):
        return True
    if (
        _LIVES_IN_POSTCODE.search(text)
        or _ENGLISH_LIVES_ON.search(text)
        or _STREET_NUMBER_AFTER.search(text)
        or any(_is_street_name(m.group(1), _STREET_SUFFIXES_NAMED) for m in _NUMBER_ON_STREET.finditer(text))
    ):
        return True
    if _DANISH_STREET_SPLIT.search(text):
        return True
    if _POSTCODE_DISTRICT.search(text) or _POSTCODE_WORD.search(text):
        return True
    if _postcode_town().search(text):
        return True
    for m in _ENGLISH_STREET.finditer(text):
        if not any(w.casefold() in _ENGLISH_NOT_A_STREET_NAME for w in m.group(1).split()):
            return True
    return False


# --- names -----------------------------------------------------------------------------


@cache
def _name_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """(first names, first names that are also words, surnames, surnames that are words, public names)."""

    def split(name: str) -> tuple[frozenset[str], frozenset[str]]:
        lines = _load_lines(name)
        return frozenset(n for n in lines if not n.startswith("!")), frozenset(
            n[1:] for n in lines if n.startswith("!")
        )

    first, first_words = split("names_first.txt")
    last, last_words = split("names_last.txt")
    return first, first_words, last, last_words, frozenset(_load_lines("names_public.txt"))


_NAME_TOKEN = _Regex(r"[^\W\d_]+(?:-[^\W\d_]+)?")
_SURNAME_ENDINGS = ("sen", "gaard", "gård", "strup", "holm", "borg", "bjerg", "skov", "lund", "berg")
# A named school: "Rosenlundskolen", "Viborg Katedralskole", "Nørre Gymnasium". The
# kinds of school alone ("efterskolen", "gymnasiet") name no place.
_SCHOOL_WORD = _Regex(r"\b([^\W\d_]{3,})(?:skolen?|gymnasium|gymnasiet)\b", re.IGNORECASE)
_SCHOOL_KINDS = frozenset(
    """efter fri privat folke ungdoms musik kost sprog køre aften danse svømme idræts sommer weekend real kunst
    fag grund høj handels teknisk tekniske erhvervs produktions ride kor film teater high""".split()
)
_SCHOOL_NAMED = _Regex(
    r"""\b[A-ZÆØÅ][\wæøå]+\s+(?:Skole|Skolen|Gymnasium|Gymnasiet|Gymnasie|Efterskole|Friskole|Privatskole
        |Katedralskole|Statsskole|Akademi|School|High\s+School|Academy|College)\b
      | \b[a-zæøå]+\s+(?:katedralskole|statsskole)\b""",
    re.VERBOSE,
)


_GOES_TO_SCHOOL = _Regex(
    r"\b(?:går\s+på|går\s+i|goes\s+to|go\s+to|from)\s+([^\W\d_]+)\s+(?:skole|skolen|school|gymnasium)\b", re.IGNORECASE
)
_NOT_A_SCHOOL_NAME = frozenset(
    "en den min mit samme ny nye anden stor lille god dårlig a the my same new big small".split()
)


def _names_school(text: str) -> bool:
    if _SCHOOL_NAMED.search(text):
        return True
    if any(m.group(1).casefold() not in _NOT_A_SCHOOL_NAME | _SCHOOL_KINDS for m in _GOES_TO_SCHOOL.finditer(text)):
        return True
    return any(m.group(1).casefold() not in _SCHOOL_KINDS for m in _SCHOOL_WORD.finditer(text))


# Giving one's name, as opposed to "jeg er Luna" (a pseudonym) -- that counts only with "fra".
_SELF_INTRO = _Regex(
    r"""\b(?:jeg\s+hedder|jeg\s+heder|mit\s+(?:rigtige\s+)?navn\s+er|my\s+(?:real\s+)?name\s+is|hedder\s+jeg
        |heder\s+jeg|call\s+me|kald\s+mig)\s+([^\W\d_]+)""",
    re.IGNORECASE | re.VERBOSE,
)
_INTRO = _Regex(r"\b(?:jeg\s+er|i'?m|i\s+am|det\s+er|it'?s|this\s+is|hedder)\s+([^\W\d_]+)", re.IGNORECASE)
_FROM_PLACE = _Regex(r"^\s*(?:fra|from|i|in|på|at|,)\s+([^\W\d_]+)", re.IGNORECASE)


def _is_first_name(word: str) -> bool:
    first, first_words, *_ = _name_lists()
    lower = word.casefold()
    return lower in first or (lower in first_words and word[:1].isupper())


def _is_surname(word: str) -> bool:
    _, _, last, last_words, _ = _name_lists()
    lower = word.casefold()
    if lower in last or (lower in last_words and word[:1].isupper()):
        return True
    return word[:1].isupper() and len(word) >= 6 and lower.endswith(_SURNAME_ENDINGS) and not _is_first_name(word)


@cache
def _towns() -> frozenset[str]:
    return frozenset(_load_lines("towns_da.txt"))


# "my real name is Emma Thompson": a famous name given as one's own is still one's own.
_REAL_NAME_BEFORE = _Regex(
    r"\b(?:jeg\s+hedder|mit\s+(?:rigtige\s+|fulde\s+)?navn\s+er|my\s+(?:real\s+|full\s+)?name\s+is|i'?m\s+really)\s+\S+$",
    re.IGNORECASE,
)


@lru_cache(maxsize=2)  # asked again by identity.has_name for the same message
def _name_tokens(text: str) -> frozenset[str]:
    """The message's words, lower-case: one set to test against every name list."""
    return frozenset(_NAME_TOKEN.findall(text.casefold()))


def _has_name(text: str) -> bool:
    """A first name with a surname, or a name tied to a school or town."""
    first, first_words, *_ = _name_lists()
    lowered = _name_tokens(text)
    if first.isdisjoint(lowered) and first_words.isdisjoint(lowered):
        return False  # every form below needs a first name
    tokens = [(m.group(), m.end()) for m in _NAME_TOKEN.finditer(text)]
    _, _, last, _, public = _name_lists()
    for i, (word, end) in enumerate(tokens[:-1]):
        after = tokens[i + 1][0]
        if not (_is_first_name(word) and _is_surname(after)):
            continue
        spoken = f"{word} {after}".casefold()
        longer = f"{spoken} {tokens[i + 2][0].casefold()}" if i + 2 < len(tokens) else ""
        if (spoken in public or longer in public) and not _REAL_NAME_BEFORE.search(text[:end]):
            continue
        # Two first names ("Sofie Emma") are two people, unless the second is also a
        # listed surname and both are capitalised ("Emma Thomas").
        if not _is_first_name(after) or (after.casefold() in last and word[:1].isupper() and after[:1].isupper()):
            return True
    school = _names_school(text)
    intro = next((m for m in _SELF_INTRO.finditer(text) if _is_first_name(m.group(1))), None)
    if intro and (school or any(w.casefold() in _towns() for w, _ in tokens)):
        return True
    # "jeg er Luna" may be a pseudonym; with a named school it is a person all the same.
    if school and any(_is_first_name(m.group(1)) for m in _INTRO.finditer(text)):
        return True
    # "Sofie fra Viborg", "Emma på Rosenlundskolen"
    for word, end in tokens:
        if not _is_first_name(word):
            continue
        m = _FROM_PLACE.match(text[end : end + 40])
        if m and (m.group(1).casefold() in _towns() or _names_school(text[end + m.start(1) : end + m.end(1) + 20])):
            return True
    return False


# --- public API ----------------------------------------------------------------------

# identity.py builds its second readings on the helpers above, so it is imported once they exist.
from . import identity as _identity  # noqa: E402

# Each reason but phone has a second reading in identity.py, for the shapes teens reach for
# when the plain one is refused; it runs only when the plain reading found nothing.
_CHECKS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("cpr", lambda t: _has_cpr(t) or _identity.has_cpr(t)),
    ("email", lambda t: (_mentions_email(t) and bool(_EMAIL.search(t))) or _identity.has_email(t)),
    ("profile_link", lambda t: ("/" in t and bool(_PROFILE_LINK.search(t))) or _identity.has_profile_link(t)),
    ("phone", lambda t: _has_phone(t) or _asks_or_offers_number(t)),
    ("handle", lambda t: _has_handle(t) or _identity.has_handle(t)),
    ("address", lambda t: _has_address(t) or _identity.has_address(t)),
    ("name", lambda t: _has_name(t) or _identity.has_name(t)),
)


def check_text(text: str, previous_text: str | None = None) -> str | None:
    """Return the reason code for holding ``text`` back, or ``None`` when it may be sent.

    ``previous_text``: the sender's previous message, if any; a handle may be given
    in two steps ("har du snap?" then "luna_x09").
    """
    prepared = _normalise(text)
    for reason, found in _CHECKS:
        if found(prepared):
            return reason
    if previous_text:
        previous = _normalise(previous_text)
        if _has_handle(prepared, previous):
            return "handle"
        if (two_step := _identity.with_previous(prepared, previous)) is not None:
            return two_step
        # "mit nr starter med 28 19" then "og resten er 46 73": one number over two messages.
        if (
            (_ANY_DIGIT.search(prepared) or _digits_from_words(f"{previous} {prepared}") is not None)
            and not _has_phone(previous)
            and _has_phone(f"{previous} og {prepared}")
        ):
            return "phone"
    return None


def may_finish_previous(text: str) -> bool:
    """Whether ``text`` could finish what the sender's previous message began.

    Only a message with digits (the rest of a number) or a lone word shaped like a reply
    ("sofiehh", "det er luna_k") can; the chat looks the previous message up for those alone,
    so most sends cost no extra read.
    """
    prepared = _normalise(text).strip()
    if _ANY_DIGIT.search(prepared):
        return True
    m = _GIVEN_NAME.match(prepared)
    return m is not None and len(m.group("u")) >= 3 and m.group("u").casefold() not in _ORDINARY_REPLY


_PSEUDONYM_PLATFORM = _Regex(
    r"snap|insta|tik\s?tok|discord|facebook|twitter|telegram|whats\s?app|youtube|\b(?:sc|ig|tt|fb|dc)\b",
    re.IGNORECASE,
)
# "sofie.h", ".luna", "luna.": a dot is how Instagram and e-mail names are built. Digits and
# underscores are not refused: "Luna2009" and "skater_boy_12" are what teens pick.
_PSEUDONYM_HANDLE_SHAPE = _Regex(r"[^\W_]\.[^\W_]|^[._]|\.$")
_PSEUDONYM_PARTS = _Regex(r"[A-ZÆØÅ]?[a-zæøåéüö]+|[A-ZÆØÅ]+(?![a-zæøå])")
_SCHOOL_ENDING = ("skole", "skolen", "gymnasium", "gymnasiet", "school", "academy", "college")


def _pseudonym_parts(name: str) -> list[str]:
    """The words of a pseudonym, split at spaces, underscores, digits and capitals ("SofieAarhus")."""
    return [str(part) for part in _PSEUDONYM_PARTS.findall(name)]


def _pseudonym_is_a_person(name: str) -> bool:
    """A first name with a surname, a town or a school: "Sofie Nielsen", "emma_odense", "SofieRosenlundskolen".

    A first name alone ("Luna", "Luna2009") is a pseudonym like any other.
    """
    parts = _pseudonym_parts(name)
    firsts = [i for i, word in enumerate(parts) if _is_first_name(word) or word.casefold() in _name_lists()[0]]
    if not firsts:
        return False
    for i, word in enumerate(parts):
        if i in firsts and len(firsts) == 1:
            continue
        lower = word.casefold()
        if lower in _towns() or (lower.endswith(_SCHOOL_ENDING) and lower not in _SCHOOL_ENDING):
            return True
        if _is_surname(word) or (lower in _name_lists()[2] and i not in firsts):
            return True
    return False


def check_pseudonym(name: str) -> str | None:
    """Like :func:`check_text`, but stricter: a pseudonym is shown next to every message.

    Refused, with the rule as the reason: contact details (a phone number, an e-mail address,
    a street address, a CPR number, a profile link), anything shaped like a profile name on
    another app ("sofie.h", "snapqueen", "@luna"), and a real person's name: a first name with
    a surname, a town or a school. The chat's ``@`` rule follows the same shapes, so mentioning
    an accepted pseudonym with ``@`` always passes the guard.
    """
    prepared = _normalise(name).strip()
    reason = check_text(prepared)
    if reason is not None:
        return reason
    if "@" in prepared:
        return "email" if re.search(r"@[\w-]+\.\w", prepared) else "handle"
    if _digit_count(prepared) >= 6:
        return "phone"
    if _PSEUDONYM_HANDLE_SHAPE.search(prepared) or _PSEUDONYM_PLATFORM.search(prepared):
        return "handle"
    if _pseudonym_is_a_person(prepared):
        return "name"
    return None


# --- data --------------------------------------------------------------------------------


def _load_json(name: str) -> Any:
    return json.loads((_DATA / name).read_text(encoding="utf-8"))


def _load_lines(name: str) -> list[str]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return [s for line in text.splitlines() if (s := line.split("#", 1)[0].strip())]
