"""Anonymity guard: hold back messages and pseudonyms that could reveal who someone is.

Anonymity is half of what makes the groups feel safe, so a message carrying a phone
number, e-mail address, street address, CPR number, social-media handle or profile link
is never delivered; the sender alone gets a kind notice (``NOTICE``). Everything here is
pure: text in, reason code out. Nothing is logged, because the text is the secret.

Reason codes, checked in this order (the first hit wins):
``cpr``, ``email``, ``profile_link``, ``phone``, ``handle``, ``address``.

Precision matters as much as recall: a guard that blocks "kl. 19.30" or "jeg er 15"
teaches teens that the chat is broken. The corpus in ``tests/data/safety_corpus.tsv``
holds the must-pass lines that keep it honest.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any, Callable

__all__ = ["REASONS", "check_text", "check_pseudonym", "notice", "notices"]

REASONS: tuple[str, ...] = ("cpr", "email", "profile_link", "phone", "handle", "address")

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


# Invisible characters people (and keyboards) slip between digits or letters.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def _normalise(text: str) -> str:
    """NFKC folds full-width digits and look-alike letters; invisible characters go."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


# --- CPR ---------------------------------------------------------------------------

_CPR = _Regex(r"(?<!\d)(?<!\d[.,/:-])(\d{2})(\d{2})(\d{2})[ -]?(\d{4})(?!\d|[.,/:-]\d)")
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
_AT_WORD = r"(?:\(at\)|\[at\]|\{at\}|\bat\b|snabel-?a)"
# A spelled-out dot may have spaces around it; a real "." may not ("at school. No").
_DOT_WORD = r"(?:\.|\s*(?:\(dot\)|\[dot\]|\bdot\b|\bpunktum\b|\bprik\b)\s*)"
_EMAIL = _Regex(
    rf"""
      (?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{{2,}}\b          # plain address
    | (?<![\w.+-])[\w.+-]+\s*{_AT_WORD}\s*[\w-]+{_DOT_WORD}{_TLD}\b   # sofie (at) gmail dot com
    | (?<![\w.+-])[\w.+-]+\s*(?:@|{_AT_WORD})\s*{_MAIL_PROVIDERS}\b     # sofie@gmail, sofie snabel-a hotmail
    | \b(?:min|my)\s+(?:e-?)?mail(?:adresse|\s+address)?\s+(?:er|is|=|:)\s*\S*[@\d]  # min mail er sofie09
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Every e-mail form has one of these; plain substring tests rule out almost every
# message far faster than the full pattern could.
_EMAIL_HINTS = (
    "@", "mail", "snabel", "(at)", "[at]", "{at}", "dot", "punktum", "prik",
    ".com", ".dk", ".net", ".org", ".se", ".no", ".de", ".eu", ".info", ".me", ".io", ".nu", ".uk",
)  # fmt: skip


def _mentions_email(text: str) -> bool:
    lower = text.casefold()
    return any(h in lower for h in _EMAIL_HINTS)


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


# "2o 3o 4o 5o": the letter o standing in for zero, only where it touches a digit.
_O_FOR_ZERO = _Regex(r"(?<=\d)[oO]|[oO](?=\d)")
# Exotic separators between digits ("22_33_44_55", "22*33*44*55") become spaces
# so the phone-number matcher sees an ordinary spaced number.
_ODD_SEPARATOR = _Regex(r"(?<=\d)\s*[_*|·•~]+\s*(?=\d)")
_DATE = _Regex(r"(\d{1,2})[./-](\d{1,2})[./-](?:\d{2}|\d{4})|(?:19|20)\d\d[./-]\d{1,2}[./-]\d{1,2}")
_TIME_RANGE = _Regex(r"\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}")
_YEAR_RANGE = _Regex(r"(?:19|20)\d\d\s*[-–/ ]\s*(?:19|20)\d\d")
_THOUSANDS = _Regex(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_LONG_DIGIT_RUN = _Regex(r"\d(?:[\s().-]?\d){8,}")
# Numbers written without country code in the national format of a nearby country.
_FOREIGN_REGIONS = ("SE", "NO", "GB", "DE", "US")


def _not_a_phone(raw: str) -> bool:
    """Dates, time ranges, year ranges and amounts look like numbers to the matcher."""
    raw = raw.strip()
    m = _DATE.fullmatch(raw)
    if m and (m.group(1) is None or (1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(2)) <= 12)):
        return True
    if _TIME_RANGE.fullmatch(raw) or _YEAR_RANGE.fullmatch(raw) or _THOUSANDS.fullmatch(raw):
        return True
    # Counting out loud ("1 2 3 4 5 6 7 8", "10 9 8 ... 1") is nobody's number.
    groups = [int(g) for g in re.findall(r"\d+", raw)]
    steps = {b - a for a, b in zip(groups, groups[1:])}
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


def _has_phone(text: str) -> bool:
    # No phone number anywhere has fewer than 7 digits; "2o 3o 4o 5o" has 4 plus o's.
    digits = _digit_count(text)
    if digits < 4 or (digits < 7 and "o" not in text.casefold()):
        return False
    prepared = _O_FOR_ZERO.sub("0", text)
    if _digit_count(prepared) < 7:
        return False
    pn = _phonenumbers()
    prepared = _ODD_SEPARATOR.sub(" ", prepared)
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

_PLATFORM = r"""(?:snap+(?:chat)?|sc|insta+(?:gram)?|ig|tik\s?tok|tt|discord|dc|facebook|fb|messenger
    |twitter|telegram|whats\s?app|kik|be\s?real|threads|twitch|steam|roblox|youtube|yt|pinterest
    |vsco|signal|skype|viber|wechat|reddit|tumblr|bluesky|bsky|spotify)"""
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
    dit din et er is was var nok enough hemmelig hemmeligt secret anonym anonymt anonymous""".split()
)

_HANDLE_FORMS = _Regex(
    rf"""
      \b(?:add+|tilføj|følg|follow|dm|pm|message|msg|text|hmu|hit\s+me\s+up|find|friend|skriv|send|snap
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
    | \b(?:skal\s+vi|vil\s+du|wanna|want\s+to|shall\s+we|lets|let's)\s+(?:\w+\s+)?(?:snappe|adde|add|følge|follow|skrive|text)\s+(?:på|on)\s+{_PLATFORM}\b
    | \b{_PLATFORM}\s+@[\w.]{{2,}}
    | @[\w.]{{2,}}\s+(?:på|on|i|in)\s+{_PLATFORM}\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "mit snap er sofie09", "my insta is @x", "sc: sofie", "snap - sofie_h".
_HANDLE_SHARED = _Regex(
    rf"""
      \b(?:mit|min|mine|my|mi)\s+{_PLATFORM}(?:\s*(?:navn|name|username|brugernavn|user|handle|tag|id))?
         \s*(?:er|is|=|:|-|hedder|'s)\s*@?(?P<a>[\w.]+)
    | \b{_PLATFORM}(?:\s*(?:navn|name|username|brugernavn|user|handle|tag|id))?\s*[:=]\s*@?(?P<b>[\w.]+)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_DISCORD_TAG = _Regex(r"(?<!\w)\w{2,32}#\d{4}\b")  # luna#1234
# Every other handle form names a platform or has an "@". Plain substring tests
# rule out most messages far faster than the patterns below could.
_PLATFORM_HINTS = tuple(
    """snap insta tik discord facebook messenger twitter telegram whats kik real threads twitch steam roblox
    youtube pinterest vsco signal skype viber wechat reddit tumblr bluesky bsky spotify""".split()
)
_SHORT_PLATFORMS = ("sc", "ig", "tt", "dc", "fb", "yt")
_SHORT_PLATFORM = _Regex(r"\b(?:sc|ig|tt|dc|fb|yt)\b")  # searched in casefolded text


def _mentions_platform(text: str) -> bool:
    lower = text.casefold()
    if "@" in lower or any(h in lower for h in _PLATFORM_HINTS):
        return True
    return any(h in lower for h in _SHORT_PLATFORMS) and bool(_SHORT_PLATFORM.search(lower))


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


def _has_handle(text: str) -> bool:
    if "#" in text and _DISCORD_TAG.search(text):
        return True
    if not _mentions_platform(text):
        return False
    if _HANDLE_FORMS.search(text):
        return True
    for m in _HANDLE_SHARED.finditer(text):
        if _could_be_username((m.group("a") or m.group("b") or "").strip(".")):
            return True
    return any(_HANDLE_SHAPE.search(m.group(1).strip(".")) for m in _AT_HANDLE.finditer(text))


# --- street addresses ----------------------------------------------------------------

# Endings of Danish street names ("Nørregade", "Rosenvænget"); only a compound counts,
# the bare word ("vej 2", "alle 3") is ordinary speech.
_STREET_SUFFIXES = tuple(
    """vej gade allé alle stræde boulevard boulevarden plads pladsen vænge vænget parken have torv torvet
    bakke bakken høj toften stien vang vangen løkke marken engen dalen lund hegn""".split()
)
_STREET_SUFFIXES_LIVED_ON = ("vej", "gade", "allé", "stræde", "vænge", "vænget")
_NOT_A_HOUSE_NUMBER = r"""(?:gange?|timer?|min|minutter|sek|sekunder|dage?|døgn|uger?|måneder|år|kr|kroner
    |procent|km|m|meter|stk|personer|mennesker|point|klasse|x)"""
# A word followed by a house number; whether the word is a street is decided on its ending.
_WORD_THEN_HOUSE_NUMBER = _Regex(
    rf"(?<![\w.])([a-zæøåé]+)\.?\s+\d{{1,3}}[a-z]?\b(?!\s*(?:{_NOT_A_HOUSE_NUMBER}\b|%|[.,:]\d))",
    re.IGNORECASE | re.VERBOSE,
)
_LIVES_ON = _Regex(r"\bbor\s+(?:på|i|ved)\s+([a-zæøåé]+)", re.IGNORECASE)


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
    if not _ANY_DIGIT.search(text) and "bor" not in text.casefold():
        return False  # every address form has a number, except "jeg bor på Xvej"
    if any(_is_street_name(m.group(1), _STREET_SUFFIXES) for m in _WORD_THEN_HOUSE_NUMBER.finditer(text)):
        return True
    if any(_is_street_name(m.group(1), _STREET_SUFFIXES_LIVED_ON) for m in _LIVES_ON.finditer(text)):
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


# --- public API ----------------------------------------------------------------------

_CHECKS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("cpr", _has_cpr),
    ("email", lambda t: _mentions_email(t) and bool(_EMAIL.search(t))),
    ("profile_link", lambda t: "/" in t and bool(_PROFILE_LINK.search(t))),
    ("phone", _has_phone),
    ("handle", _has_handle),
    ("address", _has_address),
)


def check_text(text: str, previous_text: str | None = None) -> str | None:
    """Return the reason code for holding ``text`` back, or ``None`` when it may be sent."""
    prepared = _normalise(text)
    for reason, found in _CHECKS:
        if found(prepared):
            return reason
    return None


_PSEUDONYM_PLATFORM = _Regex(
    r"snap|insta|tik\s?tok|discord|facebook|twitter|telegram|whats\s?app|youtube|\b(?:sc|ig|tt|fb|dc)\b",
    re.IGNORECASE,
)
_PSEUDONYM_HANDLE_SHAPE = _Regex(r"[^\W_][._][^\W_]|^[._]|[._]$|\d{4}")


def check_pseudonym(name: str) -> str | None:
    """Like :func:`check_text`, but stricter: a pseudonym is shown next to every message.

    A pseudonym shaped like an outside username ("sofie.h", "x_maja_x", "Luna2009")
    or naming a platform could lead others to the teen's real profile; those are
    also what the guard treats as a handle after an ``@`` in chat, so mentioning
    any accepted pseudonym with ``@`` always passes the guard.
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
    return None


# --- notices -------------------------------------------------------------------------


def _load_json(name: str) -> Any:
    return json.loads((_DATA / name).read_text(encoding="utf-8"))


def _load_lines(name: str) -> list[str]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return [s for line in text.splitlines() if (s := line.split("#", 1)[0].strip())]


@cache
def notices() -> dict[str, dict[str, str]]:
    """Reason code -> {"da": ..., "en": ...}, read once from ``data/notices.json``."""
    data = _load_json("notices.json")
    return {reason: dict(data[reason]) for reason in REASONS}


def notice(reason: str, lang: str = "da") -> str:
    """The kind notice for ``reason`` in ``lang``; Danish when the language is unknown."""
    texts = notices()[reason]
    return texts.get(lang, texts["da"])


def __getattr__(name: str) -> Any:
    # ``NOTICE`` reads like a constant but loads on first access, so importing
    # the module never touches the file system.
    if name == "NOTICE":
        return notices()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
