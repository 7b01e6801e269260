"""The teen's chat on a phone (390×844, touch), as the messaging apps teens know: the list scrolls
between a fixed header and message box, stays at the newest, says what came while reading back,
shows who is typing, puts help lines where the teen is looking, and a closed session says when the
group meets next. Every screen passes axe-core."""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Page, expect

from chalicelib import limits
from tests.browser.axe import summary, violations
from tests.browser.conftest import DEMO_ADMIN, DEMO_MENTOR, PHONE, ROOT
from tests.e2e.conftest import DEMO_GROUP, Stack, connect, frames_until, mentor_token

pytestmark = pytest.mark.usefixtures("on_duty")

PHONE_DEVICE = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "timezone_id": "Europe/Copenhagen"}
GROUP_NAME = "Torsdagsgruppen"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


# --- a teen, and the others in the room ---------------------------------------------------------


def name(prefix: str) -> str:
    """A pseudonym of its own per test run (pseudonyms are unique on the shared stack)."""
    return f"{prefix}{uuid.uuid4().hex[:5]}"


def signed_in_page(new_page, stack: Stack, pseudonym: str) -> Page:
    """A phone whose teen signed up (through the API, as the sign-up form does) and sees the groups."""
    account = stack.sign_up(pseudonym)
    page = new_page(stack, **PHONE_DEVICE)
    page.evaluate(
        "a => sessionStorage.setItem('gruppechat.teen', JSON.stringify(a))",
        {"token": account["token"], "pseudonym": pseudonym, "expires_at": account["expires_at"]},
    )
    page.reload()
    expect(page.locator(".group-card").first).to_be_visible()
    return page


def join(page: Page, group_name: str = GROUP_NAME) -> None:
    page.locator(".group-card").filter(has_text=group_name).get_by_role("button", name="Gå ind i gruppen").click()
    expect(page.locator("#chat-status")).to_have_attribute("data-status", "online")


def in_chat(new_page, stack: Stack, prefix: str) -> tuple[Page, str]:
    pseudonym = name(prefix)
    page = signed_in_page(new_page, stack, pseudonym)
    join(page)
    return page, pseudonym


class Others:
    """Teens on their own sockets in the demo group (its capacity is 15: a few at a time)."""

    def __init__(self, stack: Stack, count: int, names: list[str] | None = None) -> None:
        self.sockets = []
        self.turn = 0  # whose turn it is: five messages each at once is what flood control allows
        for number in range(count):
            token = stack.sign_up(names[number] if names else name("Ven"))["token"]
            ws = connect(f"{stack.ws}?token={token}")
            ws.send(json.dumps({"action": "join", "group_id": DEMO_GROUP}))
            joined = frames_until(ws, lambda f: f["type"] in ("joined", "error"))[-1]
            assert joined["type"] == "joined", joined
            self.sockets.append(ws)

    def say(self, texts: list[str]) -> None:
        """Each text from the next teen in turn, each confirmed before the next."""
        for text in texts:
            ws = self.sockets[self.turn % len(self.sockets)]
            self.turn += 1
            ws.send(json.dumps({"action": "send", "text": text, "client_id": uuid.uuid4().hex}))
            answer = frames_until(
                ws,
                lambda f, sent=text: f["type"] == "error" or (f["type"] == "message" and f["message"]["text"] == sent),
            )
            assert answer[-1]["type"] == "message", answer[-1]

    def close(self) -> None:
        for ws in self.sockets:
            ws.close()


@pytest.fixture
def others(stack):
    made: list[Others] = []

    def make(count: int, names: list[str] | None = None) -> Others:
        made.append(Others(stack, count, names))
        return made[-1]

    yield make
    for group in made:
        group.close()


class Mentor(Others):
    """A second mentor socket in the demo group: staff messages pass no flood control, so with a few
    teens it fills a room with a hundred messages at once."""

    def __init__(self, stack: Stack) -> None:
        ws = connect(f"{stack.ws}?token={mentor_token(stack, *DEMO_MENTOR)}")
        ws.send(json.dumps({"action": "join", "group_id": DEMO_GROUP}))
        joined = frames_until(ws, lambda f: f["type"] in ("joined", "error"))[-1]
        assert joined["type"] == "joined", joined
        self.sockets = [ws]
        self.turn = 0


def box_of(page: Page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def inside_viewport(page: Page, selector: str) -> bool:
    box = box_of(page, selector)
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def newest(page: Page):
    return page.locator("#messages li.msg").last


# --- the list keeps to the newest -----------------------------------------------------------------


def test_after_100_messages_the_newest_message_and_the_box_are_on_screen(stack, new_page, others):
    page, _ = in_chat(new_page, stack, "Lærke")
    teens, mentor = others(4), Mentor(stack)
    texts = [f"Besked {number} af 100 fra gruppen" for number in range(1, 101)]
    try:
        for number, text in enumerate(texts):  # every fifth from a teen, the rest from the mentor
            (teens if number % 5 == 0 else mentor).say([text])
    finally:
        mentor.close()
    expect(newest(page).locator(".msg__text")).to_have_text(texts[-1])
    last, composer = newest(page).bounding_box(), box_of(page, "#composer")
    print(
        f"\n100 live: newest message y={last['y']:.0f}–{last['y'] + last['height']:.0f}, "
        f"message box y={composer['y']:.0f}–{composer['y'] + composer['height']:.0f} of {PHONE['height']}"
    )
    assert inside_viewport(page, "#messages li.msg >> nth=-1")
    assert inside_viewport(page, "#composer")
    assert inside_viewport(page, ".chat__header")  # the header did not scroll away
    assert page.evaluate("() => window.scrollY") == 0  # the page itself never scrolls

    # Joining later lands at the newest too, not at the oldest of the history.
    later, _ = in_chat(new_page, stack, "Stær")
    expect(newest(later).locator(".msg__text")).to_have_text(texts[-1])
    last = newest(later).bounding_box()
    print(f"joined after: newest message y={last['y']:.0f}–{last['y'] + last['height']:.0f}")
    assert inside_viewport(later, "#messages li.msg >> nth=-1") and inside_viewport(later, "#composer")


def test_scrolled_up_a_pill_counts_new_messages_and_a_tap_shows_the_newest(stack, new_page, others):
    page, _ = in_chat(new_page, stack, "Mejse")
    room = others(3)
    room.say([f"Læser du med? {number}" for number in range(12)])  # enough to scroll
    expect(newest(page).locator(".msg__text")).to_have_text("Læser du med? 11")
    page.locator("#messages").evaluate("list => { list.scrollTop = 0; list.dispatchEvent(new Event('scroll')); }")
    pill = page.locator("#new-messages")
    expect(pill).to_be_hidden()

    room.say(["Er der nogen?", "Hallo igen"])
    expect(pill).to_have_text("2 nye beskeder")
    assert page.locator("#messages").evaluate("list => list.scrollTop") == 0  # reading back: nothing jumped
    assert not inside_viewport(page, "#messages li.msg >> nth=-1")

    pill.tap()
    expect(pill).to_be_hidden()
    expect(newest(page).locator(".msg__text")).to_have_text("Hallo igen")
    page.wait_for_function(
        "() => { const l = document.querySelector('#messages'); return l.scrollHeight - l.scrollTop - l.clientHeight < 2; }"
    )
    assert inside_viewport(page, "#messages li.msg >> nth=-1")


def test_todays_messages_sit_under_a_day_heading(stack, new_page, others):
    page, _ = in_chat(new_page, stack, "Due")
    others(1).say(["Godmorgen alle sammen"])
    expect(newest(page).locator(".msg__text")).to_have_text("Godmorgen alle sammen")
    today = page.locator("#messages li.day").last
    expect(today).to_have_text("I dag")
    # The heading comes before today's first message, not after it.
    assert page.locator("#messages li").evaluate_all(
        "items => items.findIndex(li => li.classList.contains('day')) < items.findIndex(li => li.classList.contains('msg'))"
    )


# --- help lines where the teen is looking ----------------------------------------------------------


@pytest.fixture
def mentor_takes_the_alerts(stack):
    """After the test, the demo mentor claims and resolves its crisis alerts, as a mentor would: an
    acute alert left open would stand on the mentor page of every later test."""
    mine: list[str] = []
    yield mine
    headers = {"Authorization": f"Bearer {mentor_token(stack, *DEMO_MENTOR)}"}
    for report in requests.get(f"{stack.api}/mentor/reports", headers=headers, timeout=10).json()["reports"]:
        if report["pseudonym"] in mine:
            requests.post(f"{stack.api}/mentor/reports/{report['id']}/claim", headers=headers, timeout=10)
            requests.post(f"{stack.api}/mentor/reports/{report['id']}/resolve", json={}, headers=headers, timeout=10)


def test_after_a_crisis_line_the_help_lines_are_on_screen_led_by_112(stack, new_page, others, mentor_takes_the_alerts):
    page, pseudonym = in_chat(new_page, stack, "Spurv")
    mentor_takes_the_alerts.append(pseudonym)
    others(2).say([f"Snak om ugen {number}" for number in range(10)])  # a full list above
    box = page.locator("#composer-text")
    box.fill("jeg har taget alle mine piller nu")
    box.press("Enter")
    help_box = page.locator(".notice--help")
    expect(help_box).to_be_visible()
    lines = help_box.locator(".help-line")
    expect(lines.first).to_contain_text("112")
    assert [lines.nth(i).get_attribute("data-line") for i in range(lines.count())][:2] == ["112", "bornetelefonen"]
    expect(help_box).to_contain_text("Ring 112 nu")  # the acute intro, in the page's own words
    expect(lines.nth(1)).to_contain_text("Døgnet rundt")  # when it is open, from da.json
    page.wait_for_timeout(300)  # let the list settle after the notice pushed it
    for i in range(lines.count()):
        assert inside_viewport(page, f".help-line >> nth={i}"), box_of(page, f".help-line >> nth={i}")
    assert inside_viewport(page, "#composer")
    assert page.evaluate("() => window.scrollY") == 0
    # The live region reads it out: the notices sit in an aria-live container, the help as an alert.
    assert page.locator("#chat-notices").get_attribute("aria-live") == "polite"
    assert help_box.get_attribute("role") == "alert"


def test_a_held_back_message_is_explained_beside_the_box(stack, new_page):
    page, _ = in_chat(new_page, stack, "Ugle")
    box = page.locator("#composer-text")
    box.fill("skriv til mig på 22 33 44 55")
    box.press("Enter")
    notice = page.locator(".notice--held-back")
    expect(notice).to_contain_text("telefonnummer")  # heldBack.phone from da.json: the server sent a code
    notice_box, composer = notice.bounding_box(), box_of(page, "#composer")
    assert 0 <= composer["y"] - (notice_box["y"] + notice_box["height"]) < 60  # right above the box
    assert inside_viewport(page, ".notice--held-back")


# --- the message box grows with the text --------------------------------------------------------------


def box_height(page: Page) -> float:
    return page.locator("#composer-text").evaluate("box => box.getBoundingClientRect().height")


def list_at_newest(page: Page) -> bool:
    return page.locator("#messages").evaluate("list => list.scrollHeight - list.scrollTop - list.clientHeight < 2")


def test_a_long_message_grows_the_box_to_five_lines_and_sending_makes_it_one_line_again(
    stack, new_page, others, tmp_path
):
    page, _ = in_chat(new_page, stack, "Hvid")
    others(3).say([f"Hvordan gik ugen? {number}" for number in range(12)])  # a list full enough to scroll
    expect(newest(page).locator(".msg__text")).to_have_text("Hvordan gik ugen? 11")
    page.locator("#checkin").get_by_role("button", name="Ikke nu").tap()  # the chat as it is most of the evening
    expect(page.locator("#checkin")).to_be_hidden()
    box = page.locator("#composer-text")
    one_line = box_height(page)
    line = box.evaluate("box => parseFloat(getComputedStyle(box).lineHeight)")
    sent_before = page.locator("#messages li.msg").count()

    box.tap()
    box.press_sequentially("Min uge")
    for number in range(1, 3):  # Shift+Enter makes a new line, as before
        box.press("Shift+Enter")
        box.press_sequentially(f"linje {number}")
    three_lines = box_height(page)
    assert abs(three_lines - (one_line + 2 * line)) < 2, (one_line, line, three_lines)

    for number in range(3, 9):  # eight lines: the box stops at five and scrolls inside
        box.press("Shift+Enter")
        box.press_sequentially(f"linje {number}")
    grown = box_height(page)
    print(f"\nmessage box: one line {one_line:.0f}px, three lines {three_lines:.0f}px, eight lines {grown:.0f}px")
    assert abs(grown - (one_line + 4 * line)) < 2, (one_line, line, grown)  # five lines, no more
    assert box.evaluate("box => box.scrollHeight > box.clientHeight")  # the rest scrolls inside
    # the line being written stays in sight
    assert box.evaluate("box => box.scrollHeight - box.scrollTop - box.clientHeight < 2")
    assert page.locator("#messages li.msg").count() == sent_before  # Shift+Enter sent nothing

    page.wait_for_timeout(200)  # let the list follow the smaller space
    assert inside_viewport(page, "#composer") and inside_viewport(page, ".chat__header")
    assert inside_viewport(page, "#messages li.msg >> nth=-1")  # the teen was at the newest and stays there
    assert list_at_newest(page)
    assert page.evaluate("() => window.scrollY") == 0  # the list shrank, the page did not scroll
    page.screenshot(path=str(tmp_path / "grown.png"))  # to look at, when this test is in doubt
    problems = violations(page)
    assert not problems, summary(problems)

    # The keyboard open: the box grows only while the list keeps room for the newest message.
    for height in (460, 390):
        page.set_viewport_size({"width": PHONE["width"], "height": height})
        page.wait_for_timeout(300)
        sizes = page.evaluate(
            """() => ({box: document.querySelector('#composer-text').getBoundingClientRect().height,
                       list: document.querySelector('#messages').clientHeight,
                       bottom: document.querySelector('#composer').getBoundingClientRect().bottom})"""
        )
        print(f"visible height {height}: message box {sizes['box']:.0f}px, list {sizes['list']}px")
        assert sizes["bottom"] <= height, sizes
        assert sizes["list"] >= 63 or abs(sizes["box"] - one_line) < 1, sizes
    assert sizes["box"] < grown  # at 390 px there is no room for five lines
    page.set_viewport_size(PHONE)
    page.wait_for_function(
        f"() => document.querySelector('#composer-text').getBoundingClientRect().height > {grown - 1}"
    )

    box.press("Enter")
    expect(newest(page).locator(".msg__text")).to_contain_text("linje 8")
    assert "Min uge\nlinje 1" in newest(page).locator(".msg__text").evaluate("p => p.textContent")
    expect(box).to_have_value("")
    assert abs(box_height(page) - one_line) < 1  # one line again
    assert inside_viewport(page, "#messages li.msg >> nth=-1") and inside_viewport(page, "#composer")

    # A long paragraph without line breaks wraps and grows the box the same way.
    box.fill("Jeg har tænkt meget over det vi snakkede om sidst, og jeg tror faktisk det hjalp mig en del")
    assert box_height(page) > one_line + line / 2
    assert inside_viewport(page, "#composer") and page.evaluate("() => window.scrollY") == 0


# --- "X skriver …" ---------------------------------------------------------------------------------------


def test_typing_shows_at_the_other_teen_and_stops(stack, new_page):
    writer, writer_name = in_chat(new_page, stack, "Vibe")
    reader, _ = in_chat(new_page, stack, "Hejre")
    indicator = reader.locator("#typing")

    writer.locator("#composer-text").press_sequentially("h")
    expect(indicator).to_have_text(f"{writer_name} skriver …")
    expect(writer.locator("#typing")).to_have_text("")  # not to the writer
    # Nothing more typed: gone after about 5 seconds.
    shown = time.monotonic()
    expect(indicator).to_have_text("", timeout=8000)
    assert time.monotonic() - shown > 3.5

    writer.wait_for_timeout(3200)  # the page says "typing" at most every 3 s
    writer.locator("#composer-text").press_sequentially("ej med jer")
    expect(indicator).to_have_text(f"{writer_name} skriver …")
    writer.locator("#composer-text").press("Enter")
    expect(newest(reader).locator(".msg__text")).to_have_text("hej med jer")
    expect(indicator).to_have_text("", timeout=1000)  # their message came: well before the 5 s


# --- a hidden tab counts what came ---------------------------------------------------------------------


def set_hidden(page: Page, hidden: bool) -> None:
    page.evaluate(
        """hidden => {
            Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' });
            Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
            document.dispatchEvent(new Event('visibilitychange'));
        }""",
        hidden,
    )


def test_the_tab_title_counts_unread_messages_while_hidden(stack, new_page, others):
    page, _ = in_chat(new_page, stack, "Glente")
    title = page.title()
    assert title.startswith("Gruppechat")
    room = others(1)
    room.say(["Mens du kigger med"])  # seen: the tab is in front
    expect(newest(page).locator(".msg__text")).to_have_text("Mens du kigger med")
    expect(page).to_have_title(title)
    set_hidden(page, True)
    room.say(["Er du der?", "Vi savner dig"])
    expect(page).to_have_title(f"(2) {title}")
    set_hidden(page, False)
    expect(page).to_have_title(title)


# --- a closed session is not a dead end ----------------------------------------------------------------


def admin_token(stack: Stack) -> str:
    return mentor_token(stack, *DEMO_ADMIN)


def a_group_meeting_in_three_days(stack: Stack) -> dict:
    """A group of the demo organisation whose weekly meeting is three days from now at 19:00."""
    weekday = (datetime.now(COPENHAGEN) + timedelta(days=3)).weekday()
    body = {
        "name": f"Aftengruppen {uuid.uuid4().hex[:4]}",
        "weekday": weekday,
        "start_time": "19:00",
        "duration_minutes": 90,
    }
    response = requests.post(
        f"{stack.api}/admin/groups", json=body, headers={"Authorization": f"Bearer {admin_token(stack)}"}, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_the_closed_screen_shows_the_next_meeting_a_follow_button_and_the_calendar(stack, new_page, tmp_path):
    group = a_group_meeting_in_three_days(stack)
    mentor = {"Authorization": f"Bearer {mentor_token(stack, *DEMO_MENTOR)}"}
    opened = requests.post(f"{stack.api}/mentor/groups/{group['id']}/open", headers=mentor, timeout=10)
    assert opened.status_code == 200, opened.text
    page = signed_in_page(new_page, stack, name("Musvit"))
    join(page, group["name"])

    closed = requests.post(
        f"{stack.api}/mentor/sessions/{opened.json()['session']['id']}/close", headers=mentor, timeout=10
    )
    assert closed.status_code == 200, closed.text
    ended = page.locator("#chat-ended")
    expect(ended).to_be_visible()
    expect(page.locator("#next-meeting")).to_be_visible()

    listed = next(g for g in requests.get(f"{stack.api}/groups", timeout=10).json()["groups"] if g["id"] == group["id"])
    starts = datetime.fromisoformat(listed["next_session"]["starts_at"]).astimezone(COPENHAGEN)
    assert starts.date() == (datetime.now(COPENHAGEN) + timedelta(days=3)).date()
    when = page.locator("#next-meeting-when")
    assert datetime.fromisoformat(when.get_attribute("datetime")) == starts
    # Date and time in the teen's own zone and language: "fredag 27. november kl. 19.00".
    expect(when).to_contain_text(f"{starts.day}.")
    expect(when).to_contain_text("19.00")
    weekday = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"][starts.weekday()]
    expect(when).to_contain_text(weekday)

    # No "Gå ind igen" to a session that has ended; the focus is on following the group.
    expect(page.get_by_role("button", name="Gå ind igen")).to_be_hidden()
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Følg gruppen", focused
    page.screenshot(path=str(tmp_path / "closed.png"))  # to look at, when this test is in doubt
    page.get_by_role("button", name="Følg gruppen").tap()
    expect(page.locator("#follow-state")).to_contain_text("Du følger gruppen")

    calendar = page.get_by_role("link", name="Tilføj til kalender")
    href = calendar.get_attribute("href")
    assert href.endswith(f"/groups/{group['id']}/calendar.ics")
    ics = requests.get(stack.url.rstrip("/") + href if href.startswith("/") else href, timeout=10)
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in ics.text and starts.astimezone(UTC).strftime("%Y%m%d") in ics.text


# --- limits from the server ---------------------------------------------------------------------------------


def test_the_forms_take_their_limits_from_the_server(stack, new_page):
    page = new_page(stack, **PHONE_DEVICE)
    page.get_by_role("button", name="Opret dig").click()
    pseudonym = page.locator("#signup-pseudonym")
    expect(pseudonym).to_have_attribute("minlength", str(limits.MIN_PSEUDONYM))
    expect(pseudonym).to_have_attribute("maxlength", str(limits.MAX_PSEUDONYM))
    expect(page.locator("#signup-pseudonym-hint")).to_contain_text(
        f"{limits.MIN_PSEUDONYM}–{limits.MAX_PSEUDONYM} tegn"
    )
    expect(page.locator("#signup-password")).to_have_attribute("minlength", str(limits.MIN_PASSWORD))
    expect(page.locator("#composer-text")).to_have_attribute("maxlength", str(limits.MAX_MESSAGE_CHARS))
    note = int(page.locator("#report-note").get_attribute("maxlength"))
    assert note + len("personal_info: ") == limits.MAX_REASON


# --- accessibility: every screen a teen sees ------------------------------------------------------------------


def test_every_teen_screen_has_no_axe_violations(stack, new_page):
    found: dict[str, list[dict]] = {}
    page = new_page(stack, **PHONE_DEVICE)
    expect(page.locator("#view-welcome")).to_be_visible()
    found["start"] = violations(page)
    page.get_by_role("button", name="Opret dig").click()
    found["signup"] = violations(page)
    page.get_by_role("button", name="Tilbage").first.click()
    page.get_by_role("button", name="Log ind").first.click()
    found["log-in"] = violations(page)

    teen = signed_in_page(new_page, stack, name("Ravn"))
    found["group list"] = violations(teen)
    teen.locator("#go-account").click()
    found["settings"] = violations(teen)
    teen.locator("#view-account").get_by_role("button", name="Tilbage").click()
    join(teen)
    teen.locator("#composer-text").fill("hej")
    teen.locator("#composer-text").press("Enter")
    expect(newest(teen).locator(".msg__text")).to_have_text("hej")
    found["chat"] = violations(teen)

    other, _ = in_chat(new_page, stack, "Krage")
    expect(newest(other).locator(".msg__text")).to_have_text("hej")
    other.locator("#messages li.msg").last.get_by_role("button", name=re.compile("Anmeld")).click()
    expect(other.locator("#report-dialog")).to_be_visible()
    found["report dialog"] = violations(other)

    group = a_group_meeting_in_three_days(stack)
    mentor = {"Authorization": f"Bearer {mentor_token(stack, *DEMO_MENTOR)}"}
    session = requests.post(f"{stack.api}/mentor/groups/{group['id']}/open", headers=mentor, timeout=10).json()[
        "session"
    ]
    teen.get_by_role("button", name="Forlad").click()
    expect(teen.locator("#view-groups")).to_be_visible()
    teen.locator("#groups-refresh").click()
    join(teen, group["name"])
    requests.post(f"{stack.api}/mentor/sessions/{session['id']}/close", headers=mentor, timeout=10)
    expect(teen.locator("#next-meeting")).to_be_visible()
    found["closed screen"] = violations(teen)

    print("\naxe violations per screen:", {screen: len(v) for screen, v in found.items()})
    problems = {screen: summary(v) for screen, v in found.items() if v}
    assert not problems, "\n".join(f"{screen}:\n{text}" for screen, text in problems.items())


# --- the README's picture of a phone ---------------------------------------------------------------------------

PHONE_PNG = ROOT / "docs" / "img" / "phone.png"


def test_a_lively_chat_on_a_phone(stack, new_page, others, on_duty, tmp_path):
    """The README's screenshot: a chat of a dozen messages under today's heading, someone typing.
    Written to docs/img/phone.png when it is missing or UPDATE_SCREENSHOTS=1."""
    page = signed_in_page(new_page, stack, "Lyng")
    join(page)
    on_duty.ws.send(
        json.dumps({"action": "send", "text": "Hej alle sammen! Hvordan har jeres uge været?", "client_id": "m-hej"})
    )
    expect(newest(page).locator(".msg__text")).to_have_text("Hej alle sammen! Hvordan har jeres uge været?")
    room = others(3, ["Solstrejf", "Nattugle", "Havbris"])
    lines = [
        "Hej! Lidt hård ærligt talt",
        "Matematikprøve i morgen ...",
        "Uh, held og lykke! Du skal nok klare den",
        "Tak, jeg har øvet mig hele weekenden",
        "Min uge har været god, jeg har fået en ny ven i klassen",
        "Det lyder så godt!",
        "Hvad laver I for at slappe af før en prøve?",
        "Jeg går en tur med høretelefoner i",
        "Jeg laver te og ser en serie",
        "Gode idéer, det prøver jeg",
    ]
    room.say(lines)
    page.locator("#composer-text").fill("Jeg tager også en gåtur i aften")
    page.locator("#composer-text").press("Enter")
    expect(newest(page).locator(".msg__text")).to_have_text("Jeg tager også en gåtur i aften")
    typist = others(1, ["Regnbuen"])
    typist.sockets[0].send(json.dumps({"action": "typing"}))
    expect(page.locator("#typing")).to_contain_text("skriver …")
    expect(page.locator("#messages li.day").first).to_be_visible()
    assert page.locator("#messages li.msg").count() >= 10
    update = os.environ.get("UPDATE_SCREENSHOTS") == "1" or not PHONE_PNG.exists()
    target = PHONE_PNG if update else tmp_path / "phone.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
