"""Which new passwords to refuse: too short, or among the first an attacker would try.

A slow hash only helps a password that is not on an attacker's list. NIST SP 800-63B asks for
exactly this check instead of rules about symbols: refuse passwords from lists of leaked ones,
repetitive or sequential ones, and ones made from the account's own name. The list ships with
the code (``data/common_passwords.txt``, Danish ones included); the first names the anonymity
guard knows count as stems too, since "Emma2010" is a name and a year.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from chalicelib.errors import ChatError
from chalicelib.limits import MAX_PASSWORD

_DATA = Path(__file__).parent / "data"
_LOOK_ALIKES = str.maketrans({"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "0": "o", "5": "s", "$": "s", "7": "t"})
# Digits and signs people put around a word to satisfy a rule: "sommer2024!", "!!emma!!", "#elskerdig".
_AROUND = re.compile(r"^[\d\W_]*(.*?)[\d\W_]*$")
_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyzæøå", "qwertyuiopå", "asdfghjklæø", "zxcvbnm")


@cache
def common_passwords() -> frozenset[str]:
    text = (_DATA / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(s for line in text.splitlines() if (s := line.split("#", 1)[0].strip()))


@cache
def _first_names() -> frozenset[str]:
    text = (Path(__file__).parents[1] / "safety" / "data" / "names_first.txt").read_text(encoding="utf-8")
    return frozenset(s.lstrip("!") for line in text.splitlines() if (s := line.split("#", 1)[0].strip()))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _is_run(text: str) -> bool:
    """One character again and again ("aaaaaaaa"), a short unit repeated ("hejhejhej"), or a keyboard
    or alphabet run in either direction ("12345678", "87654321", "qwertyui")."""
    if len(set(text)) <= 2:
        return True
    if any(len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in range(1, 5)):
        return True
    return any(text in sequence or text in sequence[::-1] for sequence in _SEQUENCES)


def _stems(folded: str) -> set[str]:
    stripped = _AROUND.match(folded)
    core = stripped.group(1) if stripped else folded
    return {folded, core, folded.translate(_LOOK_ALIKES), core.translate(_LOOK_ALIKES)} - {""}


def is_common(password: str, name: str = "") -> bool:
    """True for a password an attacker tries first, or one made from the account's own ``name``."""
    folded = _fold(password)
    if _is_run(folded):
        return True
    stems = _stems(folded)
    if stems & common_passwords() or stems & _first_names():
        return True
    if any(_is_run(stem) for stem in stems if len(stem) >= 4):
        return True
    own = re.sub(r"[\W_]+", "", _fold(name))
    if len(own) >= 3:
        squashed = {re.sub(r"[\W_]+", "", stem) for stem in stems}
        # The pseudonym itself, or it with a few characters more ("luna2009!" for Luna2009).
        if any(own in stem and len(stem) - len(own) < 5 for stem in squashed):
            return True
    return False


def check_new_password(password: object, min_length: int, name: str = "") -> str:
    """The password, or ``weak_password`` (too short or too long) / ``common_password``."""
    if not isinstance(password, str) or not min_length <= len(password) <= MAX_PASSWORD:
        raise ChatError("weak_password", min_length=min_length)
    if is_common(password, name):
        raise ChatError("common_password")
    return password
