"""More ways of giving oneself away: the anonymity guard's second reading of names, handles, addresses,
e-mail addresses, profile links and CPR numbers (phone numbers are read in ``guard.py`` alone).

``guard.py`` reads the plain shapes; this module reads the shapes teens reach for when the plain
one is refused, or that they never thought of as sharing: a real name with a middle name, an
initial or a spelling without æ/ø/å ("mikkel noergaard"); a name tied to a class and a school
("Oliver fra 8.b på Nørrebro Park Skole"); a surname given on its own ("efternavn holm"); a handle
built from the chat's own pseudonym ("det samme som mit navn herinde bare med 07"), found through a
search field ("skriv mollymus i søgefeltet") or described by its ends ("starter med isa og slutter med
.bell"); an address with its floor ("7 2 th", "19 st mf"), its block and stairway ("blok 6 opgang 3")
or its number in words ("birkevej nummer fjorten"); an e-mail address with the "@" said in Danish
("hos", "ætt", "(snabel a)"); a profile link with spaces or words for its dots and slashes
("discord punktum gg skråstreg ulvene"); a CPR number with "dash" between its halves.

Every check here runs only after ``guard.py`` found nothing, so the ordinary message (no digit,
no platform, no first name) must be ruled out by plain substring tests before any pattern runs.
"""

from __future__ import annotations

import re
from functools import cache

from . import guard as _guard

__all__ = ["has_address", "has_cpr", "has_email", "has_handle", "has_name", "has_profile_link", "with_previous"]

_Regex = _guard._Regex
_ANY_DIGIT = _Regex(r"\d")

# --- CPR ---------------------------------------------------------------------------------

# "04 11 09 dash 6657", "041109 streg 6657": the dash said in a word.
# Exactly ten digits, each apart: a date and four digits (a Danish phone number has eight).
_DIGIT_BY_DIGIT = _Regex(r"(?<![\d.,-])\d(?:\s?[ .-]\s?\d){9}(?![\d]|\s?[.,-]?\s?\d)")
_NOT_DIGIT = _Regex(r"\D")
_DIGIT = _Regex(r"\d")
_DASH_WORDS = frozenset({"dash", "streg", "bindestreg", "minus", "hyphen"})
_DASH_WORD = _Regex(r"\s*\b(?:dash|streg|bindestreg|minus|hyphen)\b\s*", re.IGNORECASE)


def has_cpr(text: str) -> bool:
    """A CPR number whose dash is written as a word, or typed digit by digit ("2 1 0 7 0 8 - 3 3 9 2")."""
    if _guard._digit_count(text) < 10:
        return False
    if not _guard._name_tokens(text).isdisjoint(_DASH_WORDS) and _guard._has_cpr(_DASH_WORD.sub("-", text)):
        return True
    return any(_cpr_by_digit(m.group()) for m in _DIGIT_BY_DIGIT.finditer(text))


def _cpr_by_digit(run: str) -> bool:
    """Ten digits apart read as a CPR number if a dash or dot, if any, stands where a CPR number's does
    ("2 1 0 7 0 8 - 3 3 9 2"); "3 1 0 - 5 5 8 - 2 0 4 7" is grouped like a North American phone number."""
    gaps = _DIGIT.split(run)[1:-1]
    if any(g.strip() for i, g in enumerate(gaps) if i != 5):
        return False
    return bool(_guard._has_cpr(_NOT_DIGIT.sub("", run)))


# --- e-mail --------------------------------------------------------------------------------

# Hints are literal alternations searched in the casefolded text: cheaper than a loop of "in" tests.
# Words one of which every form here has; the message's word set (shared by every check) is tested first.
_PROVIDER_WORDS = frozenset(
    """gmail googlemail hotmail outlook yahoo icloud proton protonmail gmx live yandex mail email e-mail
    mailadresse emailadresse g-mail""".split()
)
# "@" said as a word, in brackets or not: "hos", "ætt", "(snabel a)", "[at]".
# "hos" and "at" are words too ("en konto hos gmail"), so after them the address needs its ending.
_AT_SAID = r"(?:[(\[{]\s*)?(?:ætt|æt|snabel\s*-?\s*a|@)(?:\s*[)\]}])?"
_AT_WORD_SAID = r"(?:[(\[{]\s*)?(?:hos|at)(?:\s*[)\]}])?"
_EMAIL_SAID = _Regex(
    rf"""(?<![\w.+-])(?P<local>[\w.+-]{{2,}})\s*
    (?: {_AT_SAID}\s*{_guard._MAIL_PROVIDERS}\b                                     # bibi_bo ætt hotmail
      | {_AT_WORD_SAID}\s*{_guard._MAIL_PROVIDERS}\s*(?:\.|\s|\s*(?:dot|punktum|prik)\s*)\s*{_guard._TLD}\b  # hos gmail com
      | [(\[{{]\s*(?:snabel\s*-?\s*a|at)\s*[)\]}}]\s*[\w-]+(?:\.|\s+(?:dot|punktum|prik)\s+){_guard._TLD}\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# "en konto hos gmail.com", "support hos gmail.com": words, not the part before an "@".
_NOT_A_LOCAL_PART = frozenset(
    """konto kontoen account support profil profilen bruger job arbejde ansat mail email e-mail adresse en et den
    det er jeg mig du dig vi os de dem the a an my your me you us them""".split()
)
# "gmail: noahvlog07", "mail = luna.k": the provider as a label.
_MAIL_LABEL = _Regex(
    r"\b(?:g-?mail|hotmail|outlook|icloud|e-?mail|mail|mailadresse)\s*[:=]\s*@?(?P<u>[\w.+-]{3,})", re.IGNORECASE
)
# "emil.dk09 og så gmail.com bagefter", "skriv på gmail, det er noah.b.2008": the domain or the
# provider on its own, the part before the "@" elsewhere in the message.
_BARE_DOMAIN = _Regex(
    rf"""(?<![\w.@-])@?{_guard._MAIL_PROVIDERS}\s*(?:\.|\s+(?:dot|punktum|prik)\s+)\s*(?:com|dk)\b
    | \b(?:på|on|via|min|mit|my)\s+(?:g-?mail|hotmail|outlook|icloud|yahoo)\b""",
    re.IGNORECASE | re.VERBOSE,
)


def has_email(text: str) -> bool:
    """An e-mail address with its "@" in words, its provider as a label, or its domain apart."""
    if _guard._name_tokens(text).isdisjoint(_PROVIDER_WORDS):
        return False
    if any(m.group("local").casefold() not in _NOT_A_LOCAL_PART for m in _EMAIL_SAID.finditer(text)):
        return True
    if any(_username_shaped(m.group("u")) for m in _MAIL_LABEL.finditer(text)):
        return True
    domain = _BARE_DOMAIN.search(text)
    return domain is not None and any(
        _username_shaped(w) for w in re.findall(r"[\w.+-]{3,}", text[: domain.start()] + " " + text[domain.end() :])
    )


def _username_shaped(word: str) -> bool:
    """Letters with digits, a dot or an underscore inside: "noahvlog07", "emil.dk09", "luna_k"."""
    word = word.strip(".")
    return (
        any(c.isalpha() for c in word)
        and (any(c.isdigit() for c in word) or bool(re.search(r"[^\W_][._][^\W_]", word)))
        and not _guard._NOT_A_HANDLE_TOKEN.fullmatch(word)
    )


# --- profile links ---------------------------------------------------------------------------

_LINK_WORDS = frozenset(
    """discord instagram instagr insta tiktok snapchat facebook fb twitter t telegram youtube youtu twitch linktr wa
    whatsapp threads bsky x m ig tik snap face you dis""".split()
)
_SPOKEN_SEPARATOR_HINT = _Regex(r" [./]|[./] |punktum|prik|dot|skråstreg|slash")
# "discord . gg / ulvene", "discord punktum gg skråstreg ulvene": dots and slashes said or spaced.
_SPOKEN_DOT = _Regex(
    r"\s*(?:\bpunktum\b|\bprik\b|\bdot\b|\(dot\)|\[dot\])\s*|\s+\.\s*|(?<=\w)\.\s+(?=[a-z]{2,4}\b)", re.I
)
_SPOKEN_SLASH = _Regex(r"\s*(?:\bskråstreg\b|\bslash\b|/)\s*", re.IGNORECASE)
# A link's start that a next message may finish: "discord.gg/" then "ulvene".
_LINK_START = _Regex(
    r"""(?:instagram\.com|tiktok\.com|snapchat\.com|facebook\.com|discord\.gg|t\.me|twitter\.com|x\.com|twitch\.tv
    |youtube\.com|linktr\.ee|wa\.me)\s*/?\s*@?$""",
    re.IGNORECASE | re.VERBOSE,
)
_LONE_PATH = _Regex(r"^\s*/?\s*@?[\w.-]{3,40}\s*$")


# "insta gram . com", "tik tok": a site's name typed in two.
_SPACED_SITE = _Regex(r"\b(?:insta\s+gram|tik\s+tok|snap\s+chat|face\s+book|you\s+tube|dis\s+cord)\b", re.IGNORECASE)


def _site_joined(m: re.Match[str]) -> str:
    return m.group().replace(" ", "")


def has_profile_link(text: str) -> bool:
    """A profile link whose dots and slashes are spaced or said in words."""
    if _guard._name_tokens(text).isdisjoint(_LINK_WORDS) or not _SPOKEN_SEPARATOR_HINT.search(text.casefold()):
        return False
    rewritten = _SPOKEN_SLASH.sub("/", _SPOKEN_DOT.sub(".", _SPACED_SITE.sub(_site_joined, text)))
    return bool(_guard._PROFILE_LINK.search(rewritten))


# --- handles --------------------------------------------------------------------------------

# Leet and letter-by-letter spellings of the big platforms: "5n4p", "i5ta", "s-n-a-p", "1n$ta".
_LEET_PLATFORM = _Regex(
    r"""(?<![\w@])(?:[s5$]\W?n\W?[a4@]\W?p|[i1!|]\W?n\W?[s5$]\W?t\W?[a4@]|[i1!|][s5$]t[a4@]|t\W?[i1!]\W?k\W?t\W?[o0]\W?k
    |d\W?[i1!]\W?[s5$]\W?c\W?[o0]\W?r\W?d)(?:chat|gram)?(?![\w@])""",
    re.IGNORECASE | re.VERBOSE,
)
# Every such spelling has one of these pairs; most messages with digits have none.
_LEET_CHAR = _Regex(r"[0-9$!|@-]")
_LEET_MAP = str.maketrans("1!|5$4@0-", "iiissaao ")
# "mit x navn er", "på tg", "wickr me": platforms the plain forms do not know by these names.
_OTHER_PLATFORM = _Regex(
    r"""\b(?:(?<=mit\s)|(?<=min\s)|(?<=my\s)|(?<=på\s)|(?<=on\s))(?:x|kick)
        (?=\s*(?:navn|name|brugernavn|username|handle|profil|profile|konto|account|kanal|channel|:))
    |^\s*x(?=\s*:\s*@)|\b(?:tg|telegrm)\b|\bwickr\b|\bps[2-5]\b""",
    re.IGNORECASE | re.VERBOSE,
)


# The words of those platforms as the message's word set holds them ("ps5" is "ps" there).
_OTHER_PLATFORM_WORDS = frozenset({"x", "kick", "tg", "telegrm", "wickr", "ps"})


def _platform_plain(m: re.Match[str]) -> str:
    word = m.group().casefold()
    squeezed = re.sub(r"\W", "", word.translate(_LEET_MAP))
    if word == "x":
        return "twitter"
    if word == "kick":
        return "twitch"  # a streaming site like it
    if word in ("tg", "telegrm"):
        return "telegram"
    if word == "wickr" or word.startswith("ps"):
        return "kik" if word == "wickr" else "psn"
    for plain in ("snap", "insta", "tiktok", "discord"):
        if squeezed.startswith(plain[:3]) or (plain == "insta" and squeezed.startswith("ist")):
            return plain
    return m.group()


# "det samme som mit navn herinde", "the same as my name here": a handle built on the pseudonym.
_SAME_AS_HERE = _Regex(
    r"""\b(?:(?:samme\s+som|ligesom|lige\s+som|same\s+as|like)\s+(?:mit|min|my)\s+(?:navn|name|brugernavn|username|nick|pseudonym)\s+
      |(?:hedder|heder|called|named|name\s+is|navn\s+er)\s+(?:jeg\s+)?(?:det\s+|the\s+)?(?:samme\s+som|same\s+as)\s+)
    (?:her(?:inde)?|in\s+here|on\s+here|here|i\s+chatten|in\s+the\s+chat|på\s+\w+\s+her)\b""",
    re.IGNORECASE | re.VERBOSE,
)
# "insta: mit navn her + 09", "skriv mit navn herinde på snap": the chat name, changed or searched for.
_NAME_HERE = _Regex(
    r"\b(?:mit|my)\s+(?:navn|name|brugernavn|username)\s+(?:her(?:inde)?|in\s+here|on\s+here|here)\b", re.IGNORECASE
)
_CHANGED_OR_SEARCHED = _Regex(
    r"[+\d]|\b(?:med|with|plus|bagefter|efter|underscore|punktum|dot|skriv|søg|find|search|type|add)\b", re.IGNORECASE
)
# "skriv mollymus i søgefeltet", "type luna_k in the search bar": the handle to search for.
_SEARCH_FIELD = _Regex(
    r"""\b(?:skriv|søg(?:\s+på|\s+efter)?|tast|type|search(?:\s+for)?|put)\s+["'“”«»]?@?(?P<u>[\w.]{3,})["'“”«»]?\s+(?:i|ind\s+i|in|into)
    \s+(?:søgefeltet|søgefelt|søgningen|søgebaren|søg|search(?:\s*bar|\s*field)?|the\s+search(?:\s*bar|\s*field)?)""",
    re.IGNORECASE | re.VERBOSE,
)
# "mit snap starter med isa og slutter med .bell": a handle described by its ends.
_BY_ITS_ENDS = _Regex(
    r"\b(?:starter|begynder|starts|begins)\s+med\s+\S+.{0,30}?\b(?:slutter|ender|ends)\s+(?:med|with|på)\s+\S+"
    r"|\b(?:starts|begins)\s+with\s+\S+.{0,30}?\bends\s+(?:with|in)\s+\S+",
    re.IGNORECASE,
)
# "sofie punktum hh på den der app", "luna underscore k on snap": a spelled dot, the platform anywhere.
_SPELLED_ANYWHERE = _Regex(
    r"\b(?P<u>[^\W\d_]{2,})\s+(?:punktum|prik|dot|underscore|understreg|bundstreg)\s+(?P<v>\w{1,12})\b", re.IGNORECASE
)
# Words around a spelled dot that make it talk: "skriver altid punktum til sidst".
_NOT_AROUND_A_DOT = frozenset(
    """til i på og efter med som et en det den at altid aldrig bare også sidst først a an the at in on and after
    with always never just also""".split()
)
# "min youtube kanal hedder ZebraZacharias", "jeg streamer på twitch hedder pixelpia": one's own channel named.
_OWN_CHANNEL_NAMED = _Regex(
    rf"""(?:\b(?:mit|min|mine|my)\s+{_guard._PLATFORM}(?:\s*(?:kanal|channel|konto|account|profil|profile|side|page))?
        |\b(?:jeg|i)\b[^.!?\n]{{0,30}}?\b(?:på|on)\s+{_guard._PLATFORM}(?:\s*(?:kanal|channel))?)
        \s*,?\s*(?:hedder|heder|is\s+called|is\s+named|called|named)\s+@?(?P<u>[^\W_][\w.]{{2,}})""",
    re.IGNORECASE | re.VERBOSE,
)
_CAMEL_CASE = _Regex(r"[a-zæøå][A-ZÆØÅ]")
_NOT_A_CHANNEL_NAME = frozenset(
    """noget nogen ikke bare det den ligesom lige sådan helt også mit min my the a an something nothing like just
    not also so what hvad""".split()
)
_HANDLE_CUE = _Regex(
    r"navn|name|søg|search|starter|begynder|starts|begins|punktum|prik|dot|underscore|understreg"
    r"|bundstreg|hedder|heder|called"
)


def has_handle(text: str) -> bool:
    """A handle on a platform written otherwise, or given in words rather than spelled out."""
    lower = text.casefold()
    leet = bool(_LEET_CHAR.search(lower)) and _leet_platform_in(lower)
    other = not _guard._name_tokens(text).isdisjoint(_OTHER_PLATFORM_WORDS)
    if not (leet or other or _HANDLE_CUE.search(lower)):
        return False
    rewritten = _rewrite_platforms(text, leet, other)
    if rewritten is not None and _guard._has_handle(rewritten):
        return True
    text = rewritten or text
    if not _HANDLE_CUE.search(lower):
        return False
    platform = _guard._mentions_platform(text) or "app" in lower
    if platform and (
        _SAME_AS_HERE.search(text)
        or ((m := _NAME_HERE.search(text)) and _CHANGED_OR_SEARCHED.search(text[: m.start()] + " " + text[m.end() :]))
    ):
        return True
    if any(_is_searched_name(m.group("u")) for m in _SEARCH_FIELD.finditer(text)):
        return True
    if not platform:
        return False
    if _BY_ITS_ENDS.search(text) or any(_spelled_handle(m) for m in _SPELLED_ANYWHERE.finditer(text)):
        return True
    return any(_channel_name(m.group("u")) for m in _OWN_CHANNEL_NAMED.finditer(text))


def _channel_name(word: str) -> bool:
    """A name one's channel goes by: username-shaped, or written as one word in capitals ("FrogKing")."""
    if word.casefold() in _NOT_A_CHANNEL_NAME:
        return False
    return _guard._could_be_username(word) or bool(_CAMEL_CASE.search(word))


def _spelled_handle(m: re.Match[str]) -> bool:
    """ "sofie punktum hh": a name before the spelled dot and a name's tail after it."""
    before, after = m.group("u"), m.group("v")
    if {before.casefold(), after.casefold()} & _NOT_AROUND_A_DOT:
        return False
    return _first_name(before) or _guard._made_up(before) or any(c.isdigit() for c in after)


def _is_searched_name(word: str) -> bool:
    return _guard._could_be_username(word) and word.casefold() not in _guard._ORDINARY_REPLY | _NOT_A_CHANNEL_NAME


def _leet_platform_in(lower: str) -> bool:
    """Whether, with digits and signs read as letters, a big platform's name appears ("5n4p", "i5ta")."""
    squeezed = lower.translate(_LEET_MAP).replace(" ", "")
    return any(p in squeezed for p in ("snap", "nsta", "ista", "tiktok", "discord"))


def _rewrite_platforms(text: str, leet: bool, other: bool) -> str | None:
    """The message with leet, dashed and unknown platform names put plain, or None if there are none."""
    rewritten = text
    if leet:
        rewritten = _LEET_PLATFORM.sub(_platform_plain, rewritten)
    if other:
        rewritten = _OTHER_PLATFORM.sub(_platform_plain, rewritten)
    return rewritten if rewritten != text else None


# --- over two messages ---------------------------------------------------------------------------

# "jeg hedder rigtigt" then "lærke bundgaard": the name finishes the sentence.
_NAME_ANNOUNCED = _Regex(
    r"""\b(?:jeg\s+hedder|hedder\s+jeg|mit\s+(?:rigtige\s+|fulde\s+)?navn\s+er|my\s+(?:real\s+|full\s+)?name\s+is
    |i'?m\s+called|my\s+name'?s)(?:\s+(?:rigtigt|egentlig|faktisk|really|actually|btw))*\W*$""",
    re.IGNORECASE | re.VERBOSE,
)


def with_previous(text: str, previous: str) -> str | None:
    """The reason to hold ``text`` back that only the sender's previous message gives, or None."""
    if _LONE_PATH.match(text) and _LINK_START.search(previous.strip()):
        return "profile_link"  # "discord.gg/" then "ulvene"
    if _SAME_AS_HERE.search(previous) and (
        _guard._mentions_platform(text)
        or re.search(r"\b(?:bagefter|efter|til\s+sidst|at\s+the\s+end|after)\b", text, re.I)
    ):
        return "handle"  # "mit brugernavn er ligesom mit navn herinde" then "bare med _dk bagefter på snap"
    if _NAME_ANNOUNCED.search(previous) and _name_pair(text.strip(), announced=True, whole=True):
        return "name"
    return None


# --- addresses -----------------------------------------------------------------------------------

# "7 2 th", "19 st mf", "4, 1. tv", "12 kl th": the floor and the door after the house number.
_FLOOR_AND_DOOR = _Regex(
    r"(?P<street>[^\W\d_]+)\.?\s+\d{1,3}[a-z]?\s*,?\s+(?:\d{1,2}\s*\.?|st\s*\.?|stuen|kl\s*\.?)\s*,?\s*(?:th|tv|mf)\b\.?(?![\w-])",
    re.IGNORECASE,
)
# The bare words that end a street's name when it is written in two ("Rosenvængets Allé 7").
_STREET_WORDS = frozenset("vej gade allé alle plads torv vænge boulevard stræde have park parken".split())
# "blok 6 opgang 3", "opgang 3 lejlighed 12": the parts of a housing estate.
_ESTATE_PART = _Regex(
    r"\b(blok|opgang|lejlighed|lejl|block|apartment|apt|flat|etage|dør)\s*\.?\s*(?:nr\.?\s*|nummer\s+)?\d{1,3}[a-z]?\b",
    re.IGNORECASE,
)
# "adressen er toftegårds plads 4", "my address is": a number soon after is the address.
_ADDRESS_GIVEN = _Regex(
    r"""\b(?:adressen?|adresse|address)\s*(?:er|is|:|=|hedder|lyder)\s*[^\d.!?\n]{2,40}?\d{1,3}[a-z]?\b
    (?!\s*(?:kr|kroner|%|år|dage|timer|minutter|min|gange))""",
    re.IGNORECASE | re.VERBOSE,
)
# "bor på Torvet 3", "bor på rosenvængets allé 7": any name after "bor på" and then a house number.
_LIVES_ON_NUMBER = _Regex(
    rf"""\b(?:bor|boede|bo)\s+(?:på|paa)\s+[^\W\d_]+(?:\s+[^\W\d_]+){{0,2}}?\s+\d{{1,3}}[a-z]?\b
    (?!\s*(?:{_guard._NOT_A_HOUSE_NUMBER}\b|%|[.,:]\d))""",
    re.IGNORECASE | re.VERBOSE,
)
# "Torvet 3 i Ribe", "Vænget 4, Odense": a street word, its number and a town.
_STREET_NUMBER_TOWN = _Regex(r"\b([^\W\d_]{3,})\s+\d{1,3}[a-z]?\s*(?:,\s*|\s+(?:i|in)\s+)([^\W\d_]+)", re.IGNORECASE)
_BARE_STREET_WORDS = frozenset(
    "torvet torv pladsen plads vænget haven toften bakken engen lunden marken stien parken gaden vejen".split()
)
# "nr 4 på lindeparken": a number before a street of any ending.
_NUMBER_ON_ANY_STREET = _Regex(r"\b(?:nr|nummer|number|no)\.?\s*\d{1,3}[a-z]?\s+(?:på|paa|on|i)\s+([^\W\d_]+)", re.I)
_HOUSE_NUMBER_WORDS = (
    "en et to tre fire fem seks syv otte ni ti elleve tolv tretten fjorten femten seksten sytten atten nitten "
    "tyve one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS_TOKENS = frozenset({"nr", "nummer", "number", "no"})
_PLAIN_HOUSE_NUMBER_WORDS = frozenset(_HOUSE_NUMBER_WORDS.split()) - {"en", "et", "to", "ni", "ti", "one", "fire"}
# "birkevej nummer fjorten", "egevej tolv": the house number in words.
_STREET_NUMBER_WORD = _Regex(
    rf"\b([^\W\d_]{{4,}})\s+(?P<nr>(?:nr\.?|nummer|number|no\.)\s+)?(?P<w>{'|'.join(_HOUSE_NUMBER_WORDS.split())})\b"
    rf"(?!\s*(?:{_guard._NOT_A_HOUSE_NUMBER})\b)",
    re.IGNORECASE,
)
# Words each rule needs, tested against the message's word set before any pattern runs.
_DOOR_WORDS = frozenset({"th", "tv", "mf"})
_ADDRESS_WORDS = frozenset({"adresse", "adressen", "address"})
_LIVES_WORDS = frozenset({"bor", "bo", "boede"})
_ESTATE_WORDS = frozenset("blok opgang lejlighed lejl block apartment apt flat etage dør".split())
# Every street ending in guard._STREET_SUFFIXES contains one of these.
_STREET_HINT = _Regex(
    r"vej|gade|all|stræde|boulevard|plads|vænge|park|have|torv|bakke|høj|toft|sti|vang|løkke"
    r"|mark|eng|dal|lund|hegn"
)


@cache
def _any_street_suffix() -> tuple[str, ...]:
    """Every ending of a street's name that guard.py knows, the lived-on ones ("haven") too."""
    return tuple(sorted({*_guard._STREET_SUFFIXES, *_guard._STREET_SUFFIXES_LIVED_ON}))


def _names_a_street(word: str) -> bool:
    """The word before a house number: a street's name ("Hollænderdybet", "egevej", "Allé"), not "har" or "i"."""
    return (
        word[:1].isupper()
        or word.casefold() in _STREET_WORDS
        or _guard._is_street_name(word, _guard._STREET_SUFFIXES)
        or word.casefold() in ("nr", "nummer")
    )


def has_address(text: str) -> bool:
    """An address with its floor, estate block, words for the number, or the word "adresse" before it."""
    tokens = _guard._name_tokens(text)  # the same set the name checks ask for next: each rule's words
    if not _ANY_DIGIT.search(text):
        if tokens.isdisjoint(_PLAIN_HOUSE_NUMBER_WORDS) and tokens.isdisjoint(_NUMBER_WORDS_TOKENS):
            return False
        return bool(_STREET_HINT.search(text.casefold())) and any(
            _guard._is_street_name(m.group(1), _guard._STREET_SUFFIXES)
            and (m.group("nr") or m.group("w").casefold() in _PLAIN_HOUSE_NUMBER_WORDS)
            for m in _STREET_NUMBER_WORD.finditer(text)
        )
    if not tokens.isdisjoint(_DOOR_WORDS) and any(
        _names_a_street(m.group("street")) for m in _FLOOR_AND_DOOR.finditer(text)
    ):
        return True
    if not tokens.isdisjoint(_ADDRESS_WORDS) and _ADDRESS_GIVEN.search(text):
        return True
    if not tokens.isdisjoint(_LIVES_WORDS) and _LIVES_ON_NUMBER.search(text):
        return True
    # "blok 6 opgang 3"; one part alone ("vores opgang", "lejlighed 4") names no place.
    if not tokens.isdisjoint(_ESTATE_WORDS):
        parts = {m.group(1).casefold() for m in _ESTATE_PART.finditer(text)}
        # "blok 6 opgang 3", "Gellerupparken blok 4"; one part alone ("lejlighed 4") names no place.
        if len(parts) >= 2 or (parts and any(_guard._is_street_name(w, _any_street_suffix()) for w in tokens)):
            return True
    if not tokens.isdisjoint(_NUMBER_WORDS_TOKENS) and any(
        _guard._is_street_name(m.group(1), _any_street_suffix()) for m in _NUMBER_ON_ANY_STREET.finditer(text)
    ):
        return True
    return not tokens.isdisjoint(_town_words()) and any(
        m.group(2).casefold() in _guard._towns()
        and (
            _guard._is_street_name(street := m.group(1), _guard._STREET_SUFFIXES)
            or (street[:1].isupper() and street.casefold() in _BARE_STREET_WORDS)
        )
        for m in _STREET_NUMBER_TOWN.finditer(text)
    )


@cache
def _town_words() -> frozenset[str]:
    return frozenset(word for town in _guard._towns() for word in town.split())


# --- names -----------------------------------------------------------------------------------------

_WORD = _Regex(r"[^\W\d_]+(?:-[^\W\d_]+)?\.?")
# Words that follow a first name without being a surname ("Emma Og", "Sofie Fra").
_NOT_A_SURNAME = frozenset(
    """og i fra på til med men eller er var har hun han den det der som så bare også lige vil skal kan
    and or from at to in on with but is was has she he the who that so just also will can""".split()
)
# The people around a teen, named by their role: "vores lærer Mette Kragh", "min far hedder ...".
_ROLES = r"""(?:mor|far|mom|mum|dad|bror|søster|brother|sister|stedfar|stedmor|lærer(?:en)?|klasselærer(?:en)?|teacher
    |træner(?:en)?|coach|rektor(?:en)?|pædagog(?:en)?|principal)"""
# "hedder", "mit navn er", "navn:", "googler mit navn": the next words are a name.
_NAME_CUE = _Regex(
    rf"""\b(?:hedder|heder|hed|navn(?:et)?(?:\s+er|\s*:)|mit\s+navn|my\s+name|name\s+is|name'?s|named|called|kaldet
    |{_ROLES})\s+$""",
    re.IGNORECASE | re.VERBOSE,
)
_OWN_NAME_CUE = _Regex(
    rf"""\b(?:jeg\s+hedder|hedder\s+jeg|jeg\s+heder|mit\s+(?:fulde\s+|rigtige\s+)?navn(?:\s+er|\s*:)?|navn\s*:
    |my\s+(?:full\s+|real\s+)?name(?:\s+is|'s)?|googler\s+mit\s+navn|google\s+my\s+name
    |(?:min|mit|my|vores|our)\s+{_ROLES}(?:'?s\s+(?:navn|name)(?:\s+er|\s+is|\s*:)?|\s+(?:hedder|heder|is\s+called|is\s+named|er|is))?)\s+$""",
    re.IGNORECASE | re.VERBOSE,
)
# "efternavn holm", "her surname is Bjerre": a surname given on its own, next to a first name.
_SURNAME_GIVEN = _Regex(
    r"\b(?:efternavn(?:et)?|surname|last\s+name|family\s+name)\s*(?:er|is|:|=|,)?\s*(?P<s>[^\W\d_]{2,})", re.IGNORECASE
)
# "fra 8.b", "i 6.a", "from 2.g", "8x": a school class.
_CLASS = _Regex(r"\b(?:fra|i|in|from|går\s+i)\s+(?:\d{1,2}\s?\.?\s?[a-zæøå]|\d{1,2}\.?\s*klasse)\b(?!\.?\w)", re.I)
_CLASS_AT_PLACE = _Regex(
    r"\b\d{1,2}\s?\.?\s?[a-zæøå]\s+(?:på|at|i|in)\s+(?:[Ss]ct\.?\s+|[Ss]kt\.?\s+)?[A-ZÆØÅ][\wæøå]{3,}"
)
# "Mr Brask at Tårnby Gymnasium", "lærer Jensen fra Aurehøj": a teacher named with the school.
_TITLE_NAME = _Regex(r"\b(?:Mr|Mrs|Ms|Miss|Hr|Fru|Frk|lærer(?:en)?|teacher)\.?\s+[A-ZÆØÅ][a-zæøå]{2,}")
_SURNAME_WORDS = frozenset({"efternavn", "efternavnet", "surname", "name"})
_TITLE_WORDS = frozenset(
    """mr mrs ms miss hr fru frk lærer læreren klasselærer klasselæreren teacher mor far mom mum dad bror søster
    brother sister stedfar stedmor træner træneren coach rektor rektoren pædagog pædagogen principal""".split()
)
_ROLE_FULL_NAME = _Regex(
    rf"\b(?:min|mit|vores|my|our)\s+{_ROLES}\s+(?!(?:Mrs?|Ms|Miss|Hr|Fru|Frk)\b)(?P<first>[A-ZÆØÅ][a-zæøåé]{{2,}})\s+(?P<last>[A-ZÆØÅ][a-zæøåé]{{2,}})\b",
    re.VERBOSE,
)
_ON_PLATFORM_AFTER = _Regex(rf"\s+(?:på|on)\s+{_guard._PLATFORM}\b", re.IGNORECASE | re.VERBOSE)
_ANY_LATIN_CAPITAL = _Regex(r"[A-ZÆØÅ]")


def _spellings(word: str) -> list[str]:
    """The word as written and with oe/aa/ae for ø/å/æ (and gaard/gård both ways)."""
    lower = word.casefold()
    out = [lower]
    if "oe" in lower or "aa" in lower or "ae" in lower:
        folded = lower.replace("oe", "ø").replace("ae", "æ")
        out += [folded, folded.replace("aa", "å"), lower.replace("aa", "å")]
    if "å" in lower:
        out.append(lower.replace("å", "aa"))
    return out


def _first_name(word: str) -> bool:
    first, first_words, *_ = _guard._name_lists()
    lower = word.casefold()
    if lower in first:
        return True
    if lower in first_words:
        return word[:1].isupper()
    return ("oe" in lower or "aa" in lower or "ae" in lower) and any(s in first for s in _spellings(word)[1:])


def _surname(word: str, announced: bool = False) -> bool:
    """A listed surname in any spelling; after a cue ("hedder ..."), a lower-case listed word or ending too."""
    if _guard._is_surname(word):
        return True
    _, _, last, last_words, _ = _guard._name_lists()
    spellings = _spellings(word)
    if any(s in last for s in spellings[1:]):
        return True
    if announced or word[:1].isupper():
        return any(s in last_words for s in spellings) or (
            len(word) >= 5 and any(s.endswith(_guard._SURNAME_ENDINGS) for s in spellings) and not _first_name(word)
        )
    return False


# A word of the message without its full stop ("v." is an initial), and where it ends.
_Word = tuple[str, int, int]


def _words(text: str) -> list[_Word]:
    return [(m.group().rstrip("."), m.start(), m.end()) for m in _WORD.finditer(text)]


def _pair_at(words: list[_Word], i: int, text: str, announced: bool = False) -> bool:
    """The first name at ``i``, perhaps an initial or a middle name, then a surname: "alberte gram nielsen"."""
    bare = words[i][0]
    rest = [w for w, _, _ in words[i + 1 : i + 4]]
    if not rest or _public(bare, rest, text):
        return False
    middle = rest[0]
    if middle.casefold() in _NOT_A_SURNAME:
        return False
    if _surname(middle, announced) and (announced or not _first_name(middle)):
        return True
    # An initial ("noah v. østergaard") or a middle name ("Alberte Gram Nielsen") between.
    return (
        len(rest) >= 2
        and (len(middle) == 1 or (middle[:1].isupper() and bare[:1].isupper()) or _first_name(middle.capitalize()))
        and _surname(rest[1], announced)
    )


def _name_pair(text: str, announced: bool = False, whole: bool = False) -> bool:
    """A first name with a surname anywhere in ``text``; ``whole``: the message is the name alone."""
    words = _words(text)
    if whole:
        if not 2 <= len(words) <= 4 or not _first_name(words[0][0]):
            return False
        # "jeg hedder rigtigt" then "viggo lindhardt": after the cue, the reply is the name.
        return _pair_at(words, 0, text, announced) or (
            announced and words[1][0].casefold() not in _NOT_A_SURNAME and len(words[1][0]) >= 3
        )
    return any(_first_name(w) and _pair_at(words, i, text, announced) for i, (w, _, _) in enumerate(words[:-1]))


def _public(first: str, rest: list[str], text: str) -> bool:
    """A public figure ("mette frederiksen", "peter parker"), unless given as one's own name."""
    public = _guard._name_lists()[4]
    lower = first.casefold()
    spoken = " ".join([lower, *rest[:2]]).casefold()
    if not any(spoken.startswith(name) for name in public if name.startswith(lower)):
        return False
    return not _guard._REAL_NAME_BEFORE.search(text[: text.casefold().find(lower) + len(first)])


def _cued_name(words: list[_Word], firsts: list[int], text: str) -> bool:
    """After "hedder"/"mit navn": a first name and a capitalised word ("hedder Viggo Lindhardt")."""
    for i in firsts:
        word, start, _ = words[i]
        if not word[:1].isupper() or not _NAME_CUE.search(text, max(0, start - 30), start):
            continue
        if _pair_at(words, i, text, announced=True):
            return True
        # A surname no list holds ("Viggo Lindhardt") counts only as one's own or a parent's name, or
        # the name on a platform: pets and characters are named with "hedder" too ("min kat hedder Luna Lovegood").
        nxt, _, nxt_end = words[i + 1] if i + 1 < len(words) else ("", 0, 0)
        if (
            nxt[:1].isupper()
            and len(nxt) >= 3
            and nxt.casefold() not in _NOT_A_SURNAME
            and (_OWN_NAME_CUE.search(text, max(0, start - 40), start) or _ON_PLATFORM_AFTER.match(text, nxt_end))
            and not _public(word, [nxt], text)
            and not _title_cased(text)
        ):
            return True
    return False


def _named_with_school(text: str) -> bool:
    """A first name with a class and a school ("Noa i 6.a på Sct. Jørgens Skole"), or a teacher with a school."""
    if not (_guard._names_school(text) or _CLASS_AT_PLACE.search(text)):
        return False
    return bool(_TITLE_NAME.search(text) or _CLASS.search(text) or _CLASS_AT_PLACE.search(text))


def _from_place_after(words: list[_Word], firsts: list[int], text: str) -> bool:
    """ "william k. fra Frederiksberg Gymnasium", "Frida Holt from Esbjerg": a name, a word, then a place."""
    for i in firsts:
        if i + 1 >= len(words) or text[words[i][2] : words[i][2] + 1] != " ":
            continue
        middle, _, end = words[i + 1]
        if not (len(middle) == 1 or (middle[:1].isupper() and middle.casefold() not in _NOT_A_SURNAME)):
            continue
        place = _guard._FROM_PLACE.match(text[end : end + 40])
        if place and place.group(0).split()[0].casefold() in ("fra", "from", "på", "at"):
            name, start = place.group(1), end + place.start(1)
            if name.casefold() in _guard._towns() or _guard._names_school(text[start : start + len(name) + 20]):
                return True
    return False


def has_name(text: str) -> bool:
    """A real name in the shapes ``guard.py`` does not read."""
    tokens = _guard._name_tokens(text)
    first, first_words, *_ = _guard._name_lists()
    if (
        first.isdisjoint(tokens)
        and _folded_firsts().isdisjoint(tokens)
        and not any(w.capitalize() in text for w in first_words.intersection(tokens))  # "Liv", not "liv"
    ):
        return _has_teacher(text)
    words = _words(text)
    firsts = [i for i, (w, _, _) in enumerate(words) if _first_name(w)]
    if not firsts:  # only lower-case words that are names when capitalised ("is", "liv")
        return _has_teacher(text)
    if any(_pair_at(words, i, text) for i in firsts):
        return True
    if _ANY_LATIN_CAPITAL.search(text) and (_cued_name(words, firsts, text) or _from_place_after(words, firsts, text)):
        return True
    if _named_with_school(text):
        return True
    m = _SURNAME_GIVEN.search(text) if not _SURNAME_WORDS.isdisjoint(tokens) else None
    return (m is not None and m.group("s").casefold() not in _NOT_A_SURNAME) or _has_teacher(text)


def _has_teacher(text: str) -> bool:
    """Without a listed first name: a teacher named with the school ("Mr Brask at Tårnby Gymnasium"), or
    someone's full name after their role ("min klasselærer Jannik Brøndum")."""
    if _guard._name_tokens(text).isdisjoint(_TITLE_WORDS):
        return False
    if _TITLE_NAME.search(text) and _guard._names_school(text):
        return True
    return any(
        m.group("last").casefold() not in _NOT_A_SURNAME and not _public(m.group("first"), [m.group("last")], text)
        for m in _ROLE_FULL_NAME.finditer(text)
    ) and not _title_cased(text)


def _title_cased(text: str) -> bool:
    """Every Word Capitalised: then a capital says nothing about a name ("min far Elsker Fodbold")."""
    words = [w for w in _WORD.findall(text) if len(w) >= 3]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) * 3 >= len(words) * 2


@cache
def _folded_firsts() -> frozenset[str]:
    """First names with æ/ø/å, as written without them: "soeren", "laerke", "bjoern"."""
    first, *_ = _guard._name_lists()
    return frozenset(
        n.replace("ø", "oe").replace("æ", "ae").replace("å", "aa") for n in first if any(c in n for c in "æøå")
    )
