"""The mentor console on a busy evening, at 1366×768 (a common laptop screen): what a mentor sees and
can reach without scrolling, the "⋯" menu by keyboard, a ban that names its length, marks in words,
a report that reaches a hidden tab, two groups in tabs, figures in words, and axe-core finding nothing."""

from __future__ import annotations

import json
import random
import re
import string
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import Page, expect
from websockets.exceptions import ConnectionClosed

from chalicelib import limits
from tests.browser import axe
from tests.browser.conftest import DEMO_ADMIN, DEMO_MENTOR, ROOT, screenshot_path
from tests.browser.test_browser import GROUP_NAME, log_in_as
from tests.browser.test_presence_browser import open_group_now
from tests.e2e.conftest import DEMO_GROUP, connect, frames_until

pytestmark = pytest.mark.usefixtures("on_duty")

LAPTOP = {"width": 1366, "height": 768}
CRISIS_LINE = "jeg har lyst til at dø"  # ideation: a crisis report, not a standing alert
CHATTER = [
    "Hej alle sammen",
    "Hej! Hvordan går det?",
    "Lidt træt i dag",
    "Samme her, lang dag",
    "Skolen var hård",
    "Jeg havde matematikprøve",
    "Uh, hvordan gik den?",
    "Fint tror jeg",
    "Godt!",
    "Skal nogen noget i weekenden?",
    "Nej, bare slappe af",
    "Det lyder dejligt",
]


class Teen:
    """A teen in a group over a real WebSocket: quicker than a second browser for the other side."""

    def __init__(self, stack, name: str, group_id: str = DEMO_GROUP, exact: bool = False) -> None:
        # A few letters make the name unique on the shared stack (digits could look like a phone number).
        self.name = name if exact else name + "".join(random.choices(string.ascii_lowercase, k=4))
        token = stack.sign_up(self.name)["token"]
        self.ws = connect(f"{stack.ws}?token={token}")
        self.ws.send(json.dumps({"action": "join", "group_id": group_id}))
        joined = frames_until(self.ws, lambda f: f["type"] in ("joined", "error"))[-1]
        assert joined["type"] == "joined", joined

    def say(self, text: str) -> dict:
        """Send, waiting out flood control as a person would; the stored message."""
        for _ in range(20):
            self.ws.send(json.dumps({"action": "send", "text": text, "client_id": str(uuid.uuid4())}))
            answer = frames_until(
                self.ws,
                lambda f: (f["type"] == "message" and f["message"]["text"] == text) or f["type"] == "error",
            )[-1]
            if answer["type"] == "message":
                return answer["message"]
            assert answer.get("retry_after"), answer
            time.sleep(float(answer["retry_after"]) + 0.2)
        raise AssertionError(f"{text!r} was never sent")

    def report(self, message_id: str, reason: str = "unkind") -> None:
        self.ws.send(json.dumps({"action": "report", "message_id": message_id, "reason": reason}))
        frames_until(self.ws, lambda f: f["type"] == "reported")

    def frames(self, timeout: float = 2.0) -> list[dict]:
        """Every frame that arrives within ``timeout`` seconds."""
        seen = []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                seen.append(json.loads(self.ws.recv(timeout=left)))
            except (TimeoutError, ConnectionClosed):  # a ban or a kick closes the socket after its frame
                break
        return seen

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def teens(stack):
    made: list[Teen] = []

    def make(name: str, group_id: str = DEMO_GROUP, exact: bool = False) -> Teen:
        made.append(Teen(stack, name, group_id, exact))
        return made[-1]

    yield make
    for teen in made:
        teen.close()


def console(new_page, stack, who=DEMO_MENTOR) -> Page:
    page = new_page(stack, "mentor.html", viewport=LAPTOP)
    log_in_as(page, who)
    expect(page.locator("#view-app")).to_be_visible()
    return page


def enter(page: Page, group: str) -> None:
    page.get_by_role("button", name="Grupper nu").click()
    page.locator("#session-list li").filter(has_text=group).get_by_role("button").click()
    expect(page.locator("#chat-title")).to_have_text(group)
    expect(page.locator("#chat-status")).to_have_attribute("data-status", "online")


def busy_evening(teens, names: tuple[str, str] | None = None) -> tuple[Teen, Teen, dict, dict]:
    """Twelve lines of chat, an unkind one that gets reported, and a line in crisis."""
    sol, ravn = (teens(name, exact=True) for name in names) if names else (teens("Solsikke"), teens("Ravn"))
    for index, line in enumerate(CHATTER):
        (sol if index % 2 == 0 else ravn).say(line)
    unkind = sol.say("du er så dum og grim")
    ravn.report(unkind["id"])
    crisis = ravn.say(CRISIS_LINE)
    return sol, ravn, unkind, crisis


def in_viewport(page: Page, selector: str) -> int:
    """How many elements matching ``selector`` a person sees whole: inside the window and not cut off
    by a scrolling box around them (the message list scrolls inside the page)."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).filter((node) => {
            const box = node.getBoundingClientRect();
            if (box.height === 0) return false;
            let view = { top: 0, left: 0, bottom: innerHeight, right: innerWidth };
            for (let up = node.parentElement; up; up = up.parentElement) {
                if (getComputedStyle(up).overflowY === 'visible') continue;
                const clip = up.getBoundingClientRect();
                view = { top: Math.max(view.top, clip.top), left: Math.max(view.left, clip.left),
                  bottom: Math.min(view.bottom, clip.bottom), right: Math.min(view.right, clip.right) };
            }
            const slack = 1; // sub-pixel rounding
            return box.top >= view.top - slack && box.left >= view.left - slack
              && box.bottom <= view.bottom + slack && box.right <= view.right + slack;
        }).length""",
        selector,
    )


def message(page: Page, text: str):
    """The newest message with ``text`` (the stack is shared: an earlier test may have said it too)."""
    return page.locator("#messages li.msg").filter(has_text=text).last


# --- tests ---------------------------------------------------------------------------------------------


def test_a_busy_evening_fits_a_laptop_screen_with_crisis_and_reports_marked_in_words(stack, new_page, teens, tmp_path):
    mentor = console(new_page, stack)
    enter(mentor, GROUP_NAME)
    busy_evening(teens, ("Nattergal", "Bogfinke"))  # names as a teen would pick them, for the screenshot
    expect(message(mentor, CRISIS_LINE)).to_be_visible()

    # At least eight messages on screen at once, and every session control without scrolling.
    assert in_viewport(mentor, "#messages li.msg") >= 8
    for control in ("#slow-mode", "#extend", "#lock-session", "#close-session", "#topic-text", "#composer-text"):
        assert in_viewport(mentor, control) == 1, f"{control} is not on screen at 1366×768"
    assert mentor.evaluate("document.scrollingElement.scrollHeight <= innerHeight"), "the page itself scrolls"

    # A crisis line is marked in words, not by colour alone; so is a reported one.
    crisis = message(mentor, CRISIS_LINE)
    assert in_viewport(mentor, "#messages li.msg--crisis:last-child") == 1, "the newest message is out of sight"
    expect(crisis).to_have_class(re.compile(r"\bmsg--crisis\b"))
    expect(crisis.locator(".msg__flag")).to_have_text("Krise")
    reported = message(mentor, "du er så dum og grim")
    expect(reported.locator(".msg__flag")).to_have_text("Anmeldt")
    expect(message(mentor, "Godt!").locator(".msg__flag")).to_have_count(0)

    # One compact menu per message, not a row of buttons.
    expect(crisis.locator("button")).to_have_count(1)

    mentor.screenshot(path=str(screenshot_path("mentor.png", tmp_path, folder=ROOT / "docs" / "img")))

    # The crisis report leads the reports list, and handling it from the message's menu takes the mark away.
    mentor.get_by_role("button", name="Anmeldelser").click()
    listed = mentor.locator("#report-list > li")
    expect(listed.filter(has_text=CRISIS_LINE).first).to_be_visible()
    kinds = listed.evaluate_all("items => items.map((li) => li.querySelector('.badge').textContent)")
    texts = listed.all_inner_texts()
    crisis_at = next(i for i, text in enumerate(texts) if CRISIS_LINE in text)
    assert kinds[0] in ("Krise", "Fare fra andre"), kinds
    assert "Anmeldt" not in kinds[:crisis_at], kinds  # no ordinary report before a crisis
    mentor.get_by_role("button", name="Grupper nu").click()
    crisis.get_by_role("button", name=re.compile("^Handlinger for beskeden")).click()
    mentor.get_by_role("menuitem", name="Markér anmeldelsen som håndteret").click()
    expect(crisis.locator(".msg__flag")).to_have_count(0)


def test_the_message_menu_works_by_keyboard_and_a_ban_needs_a_confirmed_length(stack, new_page, teens):
    mentor = console(new_page, stack)
    enter(mentor, GROUP_NAME)
    troll = teens("Trold")
    troll.say("I er nogle tabere allesammen")
    line = message(mentor, "I er nogle tabere allesammen")
    button = line.get_by_role("button", name=re.compile(f"^Handlinger for beskeden fra {troll.name}"))

    # Keyboard: Enter opens the menu on its first item, arrows move, Escape closes it back on the button.
    button.focus()
    mentor.keyboard.press("Enter")
    menu = mentor.get_by_role("menu")
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("menuitem").first).to_be_focused()
    expect(menu.get_by_role("menuitem")).to_have_text(
        [
            "Fjern beskeden …",
            "Fastgør beskeden",
            f"Inviter {troll.name} til en privat samtale",
            f"Sæt {troll.name} på pause",
            f"Send {troll.name} ud af chatten",
            f"Udeluk {troll.name} fra gruppen",
        ]
    )
    mentor.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem").nth(1)).to_be_focused()
    mentor.keyboard.press("End")
    expect(menu.get_by_role("menuitem").last).to_be_focused()
    mentor.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(button).to_be_focused()

    # Ban by keyboard: ↑ opens on the last item, which is the ban.
    mentor.keyboard.press("ArrowUp")
    expect(mentor.get_by_role("menuitem", name=f"Udeluk {troll.name} fra gruppen")).to_be_focused()
    mentor.keyboard.press("Enter")
    dialog = mentor.locator("#mod-dialog")
    expect(dialog).to_be_visible()
    lengths = dialog.get_by_role("radio")
    assert all(
        v == "forever" or 1 <= int(v) <= limits.MAX_BAN_DAYS for v in lengths.evaluate_all("l => l.map(r => r.value)")
    )
    expect(lengths).to_have_count(5)
    for radio in lengths.all():
        expect(radio).not_to_be_checked()  # no length is chosen for the mentor

    # Without a length, nothing happens but a request to choose one.
    dialog.get_by_label("Begrundelse (kun for mentorer)").fill("Chikane")
    dialog.get_by_role("button", name="Udeluk", exact=True).click()
    expect(dialog.locator("#mod-error")).to_have_text("Vælg hvor længe udelukkelsen skal gælde.")
    expect(dialog).to_be_visible()
    assert not [f for f in troll.frames(1.0) if f["type"] == "banned"]

    dialog.get_by_label("7 dage").check()
    dialog.get_by_role("button", name="Udeluk", exact=True).click()
    expect(dialog).to_be_hidden()
    banned = next(f for f in troll.frames(5.0) if f["type"] == "banned")
    until = datetime.fromisoformat(banned["until"])
    assert abs(until - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=5)
    expect(mentor.locator("#live")).to_have_text(f"{troll.name} er udelukket.")
    expect(button).to_be_focused()  # back where the mentor was


# The tab is hidden as the browser reports it: headless Chromium never hides a tab, so the test sets
# document.hidden and sends the visibilitychange event the browser would. WebAudio and Notification
# are the browser's own, recorded on the way through.
HIDE = """() => {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
}"""
SHOW = """() => {
  delete document.hidden; delete document.visibilityState;
  document.dispatchEvent(new Event('visibilitychange'));
}"""
RECORD = """
window.__beeps = 0; window.__notifications = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) { window.__beeps += 1; return start.apply(this, args); };
const Real = window.Notification;
window.Notification = class extends Real {
  constructor(title, options) { super(title, options); window.__notifications.push({ title, body: options && options.body }); }
};
"""


def test_a_new_report_while_the_tab_is_hidden_shows_in_the_title_and_beeps_if_allowed(stack, new_page, teens):
    mentor = new_page(stack, "mentor.html", viewport=LAPTOP)
    mentor.context.grant_permissions(["notifications"])
    mentor.add_init_script(RECORD)
    mentor.reload()
    log_in_as(mentor, DEMO_MENTOR)
    enter(mentor, GROUP_NAME)  # a teen's report reaches the mentors in its session
    mentor.get_by_role("button", name="Anmeldelser").click()
    mentor.get_by_label("Afspil en lyd").check()
    mentor.get_by_label("Vis en besked fra systemet").check()
    kept = json.loads(mentor.evaluate("localStorage.getItem('gruppechat.mentor.attention')"))
    assert kept == {"sound": True, "notify": True}
    beeps_before = mentor.evaluate("window.__beeps")  # the box plays the sound once, so the mentor knows it

    mentor.evaluate(HIDE)
    sol, ravn = teens("Solsikke"), teens("Ravn")
    ravn.report(sol.say("du er så irriterende")["id"])
    expect(mentor).to_have_title("(1) Ny rapport – Gruppechat")
    assert mentor.evaluate("window.__beeps") == beeps_before + 1
    notified = mentor.evaluate("window.__notifications")
    assert notified == [{"title": "Ny anmeldelse i Gruppechat", "body": f"Anmeldt – {GROUP_NAME}"}]
    assert sol.name not in json.dumps(notified)  # a notification names no teen

    mentor.evaluate(SHOW)
    expect(mentor).to_have_title("Gruppechat – mentor")

    # A visible tab's title stays as it is: the mentor sees the report arrive.
    ravn.report(sol.say("og så er du kedelig")["id"])
    expect(mentor.locator("#report-list")).to_contain_text("og så er du kedelig")
    expect(mentor).to_have_title("Gruppechat – mentor")

    # Turned off, it stays off after a reload, and a hidden tab hears nothing.
    mentor.get_by_label("Afspil en lyd").uncheck()
    mentor.reload()
    expect(mentor.get_by_label("Afspil en lyd")).not_to_be_checked()


def test_two_groups_in_tabs_and_a_report_names_its_group_and_opens_in_context(stack, new_page, teens):
    evening = open_group_now(stack, "Aftengruppen")
    mentor = console(new_page, stack, DEMO_ADMIN)
    enter(mentor, GROUP_NAME)
    torsdag = teens("Mynte")
    torsdag.say("Hej fra torsdag")
    expect(message(mentor, "Hej fra torsdag")).to_have_count(1)
    mentor.locator("#composer-text").fill("et udkast")

    mentor.get_by_role("button", name="Til oversigten").click()
    enter(mentor, "Aftengruppen")
    tabs = mentor.get_by_role("navigation", name="Åbne grupper")
    expect(tabs.locator(".chat-tab__open")).to_have_count(2)
    expect(tabs.get_by_role("button", name="Aftengruppen", exact=True)).to_have_attribute("aria-current", "page")

    aften = teens("Lyng", evening)
    aften.say("Hej fra aftengruppen")
    flagged = aften.say("Nogen i gruppen er så dumme")
    expect(message(mentor, "Hej fra aftengruppen")).to_have_count(1)
    expect(message(mentor, "Hej fra torsdag")).to_have_count(0)  # the other group's chat is its own

    # Torsdagsgruppen goes on in the background: its tab counts what came meanwhile.
    torsdag.say("Er der nogen?")
    expect(tabs.get_by_role("button", name=re.compile(f"^{GROUP_NAME}"))).to_contain_text("1 nye")
    tabs.get_by_role("button", name=re.compile(f"^{GROUP_NAME}")).click()
    expect(mentor.locator("#chat-title")).to_have_text(GROUP_NAME)
    expect(mentor.locator("#chat-status")).to_have_attribute("data-status", "online")
    expect(message(mentor, "Er der nogen?")).to_have_count(1)
    expect(message(mentor, "Hej fra torsdag")).to_have_count(1)
    expect(mentor.locator("#composer-text")).to_have_value("et udkast")

    # A report from the other group names it and its meeting, and opens there at the message.
    teens("Hede", evening).report(flagged["id"])
    mentor.get_by_role("button", name="Anmeldelser").click()
    report = mentor.locator("#report-list li").filter(has_text="Nogen i gruppen er så dumme")
    expect(report.locator(".report__where")).to_contain_text(re.compile(r"Hvor: Aftengruppen · møde \d+, "))
    expect(report).to_contain_text("Grund: Ubehagelig eller ond")
    report.get_by_role("button", name="Vis i sammenhæng").click()
    expect(mentor.locator("#chat-title")).to_have_text("Aftengruppen")
    target = message(mentor, "Nogen i gruppen er så dumme")
    expect(target).to_have_class(re.compile(r"\bmsg--focus\b"))
    expect(target).to_be_focused()
    expect(target).to_be_in_viewport()
    expect(target.locator(".msg__flag")).to_have_text("Anmeldt")

    # Leaving a tab ends that chat only.
    tabs.get_by_role("button", name="Forlad Aftengruppen").click()
    expect(tabs.locator(".chat-tab__open")).to_have_count(1)
    expect(mentor.locator("#chat-title")).to_have_text(GROUP_NAME)


def test_figures_speak_in_words_with_a_chart(stack, new_page, teens):
    busy = teens("Kløver")
    busy.say("Hej fra tal-testen")
    few = open_group_now(stack, "Fåtalsgruppen")  # two teens come: who came back must not show
    teens("Hyld", group_id=few)
    teens("Hassel", group_id=few)
    admin = console(new_page, stack, DEMO_ADMIN)
    admin.get_by_role("button", name="Tal", exact=True).click()
    head = admin.locator("#figures-head")
    expect(head.locator("th")).to_have_text(
        [
            "Gruppe",
            "Dato",
            "Status",
            "Deltagere",
            "Kom igen",
            "Kom igen (8 uger)",
            "Andel der kom igen (8 uger)",
            "Beskeder",
            "Check-in svar",
            "Check-in gns. (1–5)",
            "Check-ud svar",
            "Check-ud gns. (1–5)",
            "Ændring",
            "Anmeldelser håndteret",
            "Minutter med mentor",
            "Minutter uden mentor",
        ]
    )
    rows = admin.locator("#figures-rows tr")
    expect(rows.first).to_be_visible()
    table = admin.locator("#figures-rows").inner_text()
    assert "demo-torsdag" not in table and ":demo:" not in table  # no ids, only names
    assert re.search(r"\b(Åben|Lukket)\b", table) and not re.search(r"\b(open|closed)\b", table)
    row = rows.filter(has_text=GROUP_NAME).last
    expect(row.locator("td").nth(0)).to_have_text(re.compile(r"\d"))  # the date, in the reader's format

    chart = admin.locator("#figures-chart svg")
    expect(chart.locator("rect")).to_have_count(rows.count())
    expect(chart).to_have_attribute("role", "img")
    expect(admin.locator("#figures-chart-title")).to_contain_text("Beskeder pr. møde")
    expect(admin.locator("#figures-chart-title")).to_contain_text(GROUP_NAME)
    admin.get_by_label("Vis i diagrammet").select_option("participants")
    expect(admin.locator("#figures-chart-title")).to_contain_text("Deltagere pr. møde")

    # Under five who came, how many came back is not shown: words in the table, no bar in the chart;
    # how many came is.
    two = rows.filter(has_text="Fåtalsgruppen")
    expect(two.locator("td").nth(2)).to_have_text("2")
    expect(two.locator('td[data-withheld="too_few_participants"]')).to_have_text(["under 5 deltagere"] * 3)
    small = rows.filter(has=admin.locator('td[data-withheld="too_few_participants"]'))
    withheld = small.count()
    admin.get_by_label("Vis i diagrammet").select_option("returning")
    expect(admin.locator("#figures-chart-title")).to_contain_text("Kom igen pr. møde")
    expect(admin.locator("#figures-chart-title")).to_contain_text("Fåtalsgruppen")
    expect(admin.locator("#figures-chart-title")).to_contain_text("under 5 deltagere")
    expect(chart.locator("rect")).to_have_count(rows.count() - withheld)

    admin.get_by_role("button", name="English").click()
    expect(head.locator("th").first).to_have_text("Group")
    assert re.search(r"\b(Open|Closed)\b", admin.locator("#figures-rows").inner_text())
    admin.get_by_role("button", name="Dansk").click()


def test_the_forms_take_their_limits_from_the_server(stack, new_page):
    admin = console(new_page, stack, DEMO_ADMIN)
    published = requests.get(f"{stack.url}config.json", timeout=10).json()["limits"]
    assert published["max_group_name"] == limits.MAX_GROUP_NAME
    expected = {
        "#group-name": {"maxlength": limits.MAX_GROUP_NAME},
        "#group-description": {"maxlength": limits.MAX_DESCRIPTION},
        "#group-capacity": {"min": limits.MIN_CAPACITY, "max": limits.MAX_CAPACITY},
        "#mentor-password": {"minlength": limits.MIN_MENTOR_PASSWORD, "maxlength": limits.MAX_PASSWORD},
        "#topic-text": {"maxlength": limits.MAX_TOPIC},
        "#announce-text": {"maxlength": limits.MAX_ANNOUNCEMENT},
        "#composer-text": {"maxlength": limits.MAX_MESSAGE_CHARS},
        "#mod-reason": {"maxlength": limits.MAX_REASON},
        "#mod-minutes": {"max": limits.MAX_MUTE_MINUTES},
        "#enrol-name": {"minlength": limits.MIN_PSEUDONYM, "maxlength": limits.MAX_PSEUDONYM},
    }
    for selector, attributes in expected.items():
        for attribute, value in attributes.items():
            expect(admin.locator(selector)).to_have_attribute(attribute, str(value))
    # The browser itself stops a group name at the server's limit.
    admin.get_by_role("button", name="Grupper og skema").click()
    admin.locator("#group-name").press_sequentially("y" * (limits.MAX_GROUP_NAME + 5))
    assert len(admin.locator("#group-name").input_value()) == limits.MAX_GROUP_NAME


def test_axe_finds_no_violation_on_any_mentor_screen(stack, new_page, teens):
    mentor = new_page(stack, "mentor.html", viewport=LAPTOP)
    found: dict[str, list[dict]] = {}

    def check(screen: str) -> None:
        mentor.wait_for_timeout(300)  # let the panel finish drawing
        found[screen] = axe.violations(mentor)

    expect(mentor.locator("#login-form")).to_be_visible()
    check("log-in")
    log_in_as(mentor, DEMO_ADMIN)
    expect(mentor.locator("#view-app")).to_be_visible()
    expect(mentor.locator("#session-list li").first).to_be_visible()
    check("groups now")
    enter(mentor, GROUP_NAME)
    busy_evening(teens)
    expect(message(mentor, CRISIS_LINE).locator(".msg__flag")).to_have_text("Krise")
    check("chat")
    message(mentor, CRISIS_LINE).locator(".menu__button").click()
    expect(mentor.get_by_role("menu")).to_be_visible()
    check("message menu")
    mentor.get_by_role("menuitem", name=re.compile("^Udeluk")).click()
    expect(mentor.locator("#mod-dialog")).to_be_visible()
    check("ban dialog")
    mentor.keyboard.press("Escape")
    mentor.get_by_role("button", name="Luk gruppen nu").click()
    check("close dialog")
    mentor.keyboard.press("Escape")
    for tab in (
        "Anmeldelser",
        "Log",
        "Mine vagter",
        "Vagtplan",
        "Grupper og skema",
        "Mentorer",
        "Tal",
        "Indstillinger",
    ):
        mentor.get_by_role("button", name=tab, exact=tab in ("Log", "Tal")).click()
        check(tab)
    mentor.get_by_role("button", name="English").click()
    mentor.get_by_role("button", name="Live groups").click()
    check("chat in English")
    mentor.get_by_role("button", name="Dansk").click()

    bad = {screen: axe.summary(violations) for screen, violations in found.items() if violations}
    assert not bad, "\n".join(f"{screen}:\n{text}" for screen, text in bad.items())
