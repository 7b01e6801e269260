"""Every text the pages show comes from web/i18n, in Danish and in English: read from the files, no browser.

A key the scripts or the pages ask for but a language lacks would show the key itself (``t`` falls
back to it); a code the server sends without a text would show the raw code.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from chalicelib.errors import CODES
from chalicelib.safety import KINDS, REASONS, SEVERITIES

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
LANGUAGES = ("da", "en")
PAGES = ("index.html", "mentor.html")
SCRIPTS = sorted((WEB / "js").rglob("*.js"))


def strings(lang: str) -> dict[str, str]:
    return json.loads((WEB / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def namespaces() -> set[str]:
    return {key.split(".", 1)[0] for key in strings("da")}


def script_text(path: Path) -> str:
    """The script without its comments, so a key named in a comment does not count as used."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"(?m)^\s*//.*$|\s//\s.*$", "", text)


def literal_keys() -> dict[str, set[str]]:
    """Quoted strings in the scripts shaped like a key of ours (``'mentor.tab.audit'``), by file."""
    names = "|".join(sorted(namespaces()))
    pattern = re.compile(rf"""['"]((?:{names})\.[A-Za-z0-9_.]+)['"]""")
    found: dict[str, set[str]] = {}
    for path in SCRIPTS:
        for key in pattern.findall(script_text(path)):
            found.setdefault(key, set()).add(str(path.relative_to(WEB)))
    return found


def template_keys() -> dict[str, set[str]]:
    """Keys built at run time (``t(`mentor.mod.${action}Title`)``), as patterns, by file."""
    names = "|".join(sorted(namespaces()))
    pattern = re.compile(rf"`((?:{names})\.[^`]*\$\{{[^`]*)`")
    found: dict[str, set[str]] = {}
    for path in SCRIPTS:
        for template in pattern.findall(script_text(path)):
            found.setdefault(template, set()).add(str(path.relative_to(WEB)))
    return found


def js_set(path: str, name: str) -> list[str]:
    """The quoted words of ``const NAME = new Set([...])`` or ``const NAME = [...]`` in a script."""
    text = (WEB / "js" / path).read_text(encoding="utf-8")
    found = re.search(rf"const {name} = (?:new Set\()?\[([^\]]*)\]", text)
    assert found, f"{name} is no longer a list in {path}: update this test"
    return re.findall(r"'(\w+)'", found.group(1)) or re.findall(r"\b(\d+)\b", found.group(1))


def connection_statuses() -> list[str]:
    text = (WEB / "js" / "socket.js").read_text(encoding="utf-8")
    calls = re.findall(r"_setStatus\(([^;]*?)\)[;,]", text) + re.findall(r"this\.status = ('\w+')", text)
    return sorted({word for call in calls for word in re.findall(r"'(\w+)'", call)})


def help_line_ids() -> list[str]:
    """Every help line the server can name: the client says what each is for and when it is open."""
    data = json.loads((ROOT / "chalicelib" / "safety" / "data" / "helplines.json").read_text(encoding="utf-8"))
    return [data["emergency_line"]["id"], *(line["id"] for line in data["lines"])]


# Families of keys built from a value at run time, with every value the client or the server
# can put in. The server's codes are those it sends today; a new one needs its text here too.
MODERATION = ["remove", "mute", "kick", "ban", "close"]
# Every code the server can refuse with (chalicelib/errors.py) has its Danish and English text.
SERVER_ERRORS = sorted(CODES)
FAMILIES: dict[str, list[str]] = {
    "mentor.mod.{}Title": MODERATION,
    "mentor.mod.{}Confirm": MODERATION,
    "mentor.mod.{}Done": MODERATION,
    "mentor.mod.{}": ["remove", "pin", "mute", "kick", "ban"],
    "mentor.mod.{}Who": ["mute", "kick", "ban"],
    "status.{}": connection_statuses(),
    "ended.{}": sorted(
        set(js_set("socket.js", "ENDING_FRAMES"))
        | set(js_set("socket.js", "JOIN_REFUSALS"))
        | set(js_set("socket.js", "CONNECT_REFUSALS"))
        | {"expired", "bannedForGood", "generic"}
    ),
    "error.{}": sorted(set(js_set("socket.js", "SEND_REFUSALS")) | set(SERVER_ERRORS) | {"generic", "network"}),
    "weekday.{}": js_set("mentor/admin-groups.js", "WEEKDAYS"),
    "lang.switchTo.{}": list(LANGUAGES),
    "role.{}": ["mentor", "admin"],
    "mentor.role.{}": ["mentor", "admin"],
    # what the server sends: report kinds, held-back reasons, audit actions, figure columns
    "mentor.reports.kind.{}": ["report", "held_back", "no_mentor", *KINDS],
    "mentor.reports.severity.{}": list(SEVERITIES),
    "heldBack.{}": [*REASONS, "generic"],
    "help.line.{}": help_line_ids(),
    "help.hours.{}": help_line_ids(),
    "pseudonymRule.{}": list(REASONS),
    "mentor.reports.why.{}": ["unkind", "personal_info", "worried", "other", "no_mentor", *KINDS, *REASONS],
    "report.reason.{}": ["unkind", "personal_info", "worried", "other"],
    "mentor.audit.actions.{}": [
        "remove",
        "mute",
        "kick",
        "ban",
        "topic",
        "pin",
        "announce",
        "slow_mode",
        "open",
        "close",
        "extend",
        "cancel",
        "resolve_report",
        "claim_report",
        "change_settings",
        "admit",
        "decline",
        "lock",
        "unlock",
        "enrol",
        "duty",
        "swap",
        "cannot_come",
        "talk_opened",
        "talk_ended",
    ],
    # a private talk with a mentor: who (or what) ended it
    "talk.ended.{}": ["participant", "mentor", "declined", "left", "close"],
    "mentor.figures.{}": [
        "group_id",
        "group",
        "session_id",
        "starts_at",
        "status",
        "participants",
        "returning",
        "messages",
        "reports_handled",
        "minutes_with_mentor",
        "minutes_without_mentor",
        "returning_8w",
        "returning_share",
        "checkin_answers",
        "checkin_average",
        "checkout_answers",
        "checkout_average",
        "mood_change",
    ],
    "mentor.figures.withheld.{}": ["too_few_answers", "too_few_participants"],
    # check-in and rounds (chalicelib/chat/checkins.py, rounds.py)
    "checkin.question.{}": ["in", "out"],
    "checkin.saved.{}": ["in", "out"],
    "checkin.spread.{}": ["in", "out"],
    "checkin.mood.{}": ["1", "2", "3", "4", "5"],
    "round.ended.{}": ["done", "mentor"],
    "round.outcome.{}": ["waiting", "now", "answered", "passed", "timed_out", "skipped", "left"],
    "mentor.figures.status.{}": ["open", "closed"],
    "mentor.chat.flag.{}": ["crisis", "reported"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_the_scripts_name_is_in_both_languages(lang):
    have = strings(lang)
    missing = {key: sorted(files) for key, files in literal_keys().items() if key not in have}
    assert not missing, f"{lang}.json lacks keys the scripts use: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_family_of_built_keys_is_complete_in_both_languages(lang):
    have = strings(lang)
    missing = sorted(
        family.format(value)
        for family, values in FAMILIES.items()
        for value in values
        if family.format(value) not in have
    )
    assert not missing, f"{lang}.json lacks: {missing}"


def test_every_key_the_scripts_build_is_a_family_this_test_checks():
    """A new ``t(`prefix.${x}`)`` must be listed in FAMILIES, so that its values get checked."""
    families = [re.compile("^" + re.escape(family).replace(r"\{\}", r"[^.]+") + "$") for family in FAMILIES]
    unchecked = {}
    for template, files in template_keys().items():
        example = re.sub(r"\$\{[^}]*\}", "x", template)
        if not any(family.match(example) for family in families):
            unchecked[template] = sorted(files)
    assert not unchecked, f"keys built at run time that FAMILIES does not cover: {unchecked}"


def test_danish_and_english_have_the_same_keys():
    da, en = set(strings("da")), set(strings("en"))
    assert not da - en and not en - da, f"only in da.json: {sorted(da - en)}; only in en.json: {sorted(en - da)}"


def test_both_languages_fill_in_the_same_placeholders():
    da, en = strings("da"), strings("en")
    placeholders = lambda text: set(re.findall(r"\{(\w+)\}", text))  # noqa: E731
    differ = {
        key: (sorted(placeholders(da[key])), sorted(placeholders(en[key])))
        for key in da.keys() & en.keys()
        if placeholders(da[key]) != placeholders(en[key])
    }
    assert not differ, f"placeholders differ between da and en: {differ}"


class PageText(HTMLParser):
    """Keys a page asks for, and any text or label it writes itself instead of asking."""

    VOID: ClassVar[set[str]] = {
        "meta",
        "link",
        "input",
        "br",
        "img",
        "hr",
        "source",
        "area",
        "base",
        "col",
        "embed",
        "wbr",
        "track",
    }
    LABELS = ("placeholder", "aria-label", "title", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.keys: set[str] = set()
        self.hard_coded: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, its text comes from i18n or is exempt)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-i18n" in attributes:
            self.keys.add(attributes["data-i18n"])
        translated_attrs = set()
        for pair in (attributes.get("data-i18n-attr") or "").split():
            attr, key = pair.split(":", 1)
            translated_attrs.add(attr)
            self.keys.add(key)
        if "data-title-key" in attributes:
            self.keys.add(attributes["data-title-key"])
        for label in self.LABELS:
            if attributes.get(label) and label not in translated_attrs:
                self.hard_coded.append(f'<{tag} {label}="{attributes[label]}">')
        # The start-up error shows exactly when the translations could not load: it has to be in
        # the page, in both languages. The <title> is replaced from data-title-key.
        exempt = "data-i18n" in attributes or attributes.get("id") == "app-error" or tag == "title"
        if tag not in self.VOID:
            self.open.append((tag, exempt or any(flag for _, flag in self.open)))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not (self.open and self.open[-1][1]) and not self._in("script", "style"):
            self.hard_coded.append(data.strip())

    def _in(self, *tags: str) -> bool:
        return any(tag in tags for tag, _ in self.open)


def read_page(name: str) -> PageText:
    parser = PageText()
    parser.feed((WEB / name).read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("page", PAGES)
def test_every_key_a_page_asks_for_is_in_both_languages(page):
    keys = read_page(page).keys
    assert keys, f"no data-i18n found in {page}"
    for lang in LANGUAGES:
        missing = sorted(keys - set(strings(lang)))
        assert not missing, f"{page} asks {lang}.json for keys it lacks: {missing}"


@pytest.mark.parametrize("page", PAGES)
def test_a_page_writes_no_visible_text_of_its_own(page):
    assert read_page(page).hard_coded == []


def test_the_scripts_write_no_visible_text_of_their_own():
    """Text and labels come from t(): a quoted word given as text or label is a text in one language."""
    given = re.compile(r"""(?:\btext:|textContent\s*=|'aria-label':|placeholder:|title:)\s*(['"`])(.*?)\1""")
    found = [
        f"{path.relative_to(WEB)}: {line.strip()}"
        for path in SCRIPTS
        for line in script_text(path).splitlines()
        for _, literal in given.findall(line)
        if re.search(r"[A-Za-zæøåÆØÅ]", re.sub(r"\$\{[^}]*\}", "", literal))
    ]  # data in ${} is not text
    assert not found, "\n".join(found)


# --- every code the server speaks in, read from the server (and the teen's page) itself ----------------


def teen_report_reasons() -> list[str]:
    """The reasons a teen can pick when reporting (the radio buttons of index.html's report dialog):
    they reach the mentor as codes."""
    page = (WEB / "index.html").read_text(encoding="utf-8")
    reasons = re.findall(r'<input[^>]*name="reason"[^>]*value="(\w+)"', page)
    assert reasons, "index.html no longer has the report reasons as radio buttons: update this test"
    return reasons


def server_texts() -> dict[str, list[str]]:
    """Family of keys -> the codes the server sends that the client must put in words."""
    from chalicelib.frames import FRAME_TYPES

    # A chat that ends says why with the frame's type; the page words each (socket.js ENDING_FRAMES).
    ending = sorted(set(js_set("socket.js", "ENDING_FRAMES")))
    assert set(ending) <= set(FRAME_TYPES), f"socket.js ends on frames the server never sends: {ending}"
    return {
        "error.{}": sorted(CODES),  # every refusal, REST or socket
        "heldBack.{}": list(REASONS),  # the held-back notice's reason code
        "mentor.reports.why.{}": [*REASONS, *KINDS, *teen_report_reasons()],  # a report's reason
        "report.reason.{}": teen_report_reasons(),
        "mentor.reports.kind.{}": list(KINDS),
        "mentor.reports.severity.{}": list(SEVERITIES),
        "ended.{}": ending,  # frame codes that end a chat
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_the_server_sends_has_a_text_in_both_languages(lang):
    """A new error code, report reason, notice or ending frame without Danish and English words fails here,
    instead of showing the raw code (or Danish to an English reader)."""
    have = strings(lang)
    missing = sorted(
        family.format(code)
        for family, codes in server_texts().items()
        for code in codes
        if family.format(code) not in have
    )
    assert not missing, f"{lang}.json has no text for these codes the server sends: {missing}"


def test_the_check_of_server_codes_would_catch_a_missing_text(monkeypatch):
    """The check above can fail: a new code on the server without a text is named."""
    monkeypatch.setitem(CODES, "a_code_nobody_wrote_words_for", CODES[next(iter(CODES))])
    with pytest.raises(AssertionError, match=r"error\.a_code_nobody_wrote_words_for"):
        test_every_code_the_server_sends_has_a_text_in_both_languages("en")
