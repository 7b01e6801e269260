"""The web frontend in a real browser: teens sign up and chat, reconnect, stay safe; the mentor moderates."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO_ADMIN, DEMO_MENTOR, screenshot_path

# No session without an adult: the demo mentor is in Torsdagsgruppen for every test here.
pytestmark = pytest.mark.usefixtures("on_duty")

GROUP_NAME = "Torsdagsgruppen"
PASSWORD = "hemmelig-kode-1"
DESKTOP = {"width": 1280, "height": 800}


# --- what a teen does, in the words of the page -------------------------------------------------


def sign_up(page: Page, name: str) -> None:
    page.get_by_role("button", name="Opret dig").click()
    form = page.locator("#signup-form")
    form.get_by_label("Kaldenavn").fill(name)
    form.get_by_label("Adgangskode").fill(PASSWORD)
    form.get_by_role("button", name="Opret").click()
    expect(page.locator("#recovery-code")).to_have_text(re.compile(r"\S{6,}"))
    continue_button = page.get_by_role("button", name="Videre")
    expect(continue_button).to_be_disabled()  # not before "I have written it down"
    page.get_by_label("Jeg har skrevet koden ned").check()
    continue_button.click()
    expect(page.locator(".group-card--open").filter(has_text=GROUP_NAME)).to_have_count(1)


def join(page: Page) -> None:
    page.locator(".group-card--open").filter(has_text=GROUP_NAME).get_by_role("button", name="Gå ind i gruppen").click()
    expect(page.locator("#chat-status")).to_have_attribute("data-status", "online")


def say(page: Page, text: str) -> None:
    box = page.locator("#composer-text")
    box.fill(text)
    box.press("Enter")


def delivered(page: Page, text: str):
    """Confirmed messages (not the outbox) whose text is exactly ``text``."""
    return page.locator("#messages li.msg:not(.msg--pending) .msg__text").filter(
        has_text=re.compile(f"^{re.escape(text)}$")
    )


def teen(new_page, stack, name: str) -> Page:
    page = new_page(stack)
    sign_up(page, name)
    join(page)
    return page


def log_in_as(page: Page, who: tuple[str, str]) -> None:
    """A mentor or admin logs in on mentor.html."""
    login = page.locator("#login-form")
    login.get_by_label("Brugernavn").fill(who[0])
    login.get_by_label("Adgangskode").fill(who[1])
    login.get_by_role("button", name="Log ind").click()


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until ``selector`` has the focus: the way a keyboard user gets there."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


# --- tests ---------------------------------------------------------------------------------------


def test_two_teens_sign_up_join_and_chat_both_ways(stack, new_page, tmp_path):
    solsikke = teen(new_page, stack, "Solsikke")
    ravn = teen(new_page, stack, "Ravn")
    expect(solsikke.locator("#chat-title")).to_have_text(GROUP_NAME)
    expect(solsikke.locator("#chat-topic")).to_contain_text("Velkommen")
    expect(solsikke.locator("#present-count")).to_have_text("3 til stede")  # two teens and the mentor
    expect(solsikke.locator(".notice--room")).to_have_count(0)  # a mentor is here: the group is on

    say(solsikke, "Hej med jer, hvordan går det?")
    expect(delivered(ravn, "Hej med jer, hvordan går det?")).to_have_count(1)
    say(ravn, "Hej Solsikke! Det går fint, lidt træt.")
    expect(delivered(solsikke, "Hej Solsikke! Det går fint, lidt træt.")).to_have_count(1)
    say(solsikke, "Samme her, lang dag i skolen")
    expect(delivered(ravn, "Samme her, lang dag i skolen")).to_have_count(1)

    # Own messages look different; the other's are announced to screen readers.
    own = solsikke.locator("li.msg--own").filter(has_text="Hej med jer")
    expect(own).to_have_count(1)
    expect(ravn.locator("li.msg--own").filter(has_text="Hej med jer")).to_have_count(0)
    expect(ravn.locator("#live")).to_have_text("Solsikke skriver: Samme her, lang dag i skolen")
    expect(solsikke.locator("li.msg").filter(has_text="lidt træt").locator(".msg__author")).to_have_text("Ravn")
    expect(solsikke.locator("li.msg").filter(has_text="lidt træt").locator("time")).to_have_text(
        re.compile(r"\d\d[.:]\d\d")
    )

    solsikke.screenshot(path=str(screenshot_path("teen-chat.png", tmp_path)))


def mentor_in_chat(new_page, stack) -> Page:
    mentor = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(mentor, DEMO_MENTOR)
    mentor.locator("#session-list li").filter(has_text=GROUP_NAME).get_by_role("button").click()
    expect(mentor.locator("#chat-status")).to_have_attribute("data-status", "online")
    return mentor


def test_the_mentor_removes_a_message_and_it_vanishes_for_both_teens(stack, new_page, tmp_path):
    ask = teen(new_page, stack, "Aske")
    elm = teen(new_page, stack, "Elm")
    mentor = mentor_in_chat(new_page, stack)

    say(mentor, "Hej alle, jeg er jeres mentor i aften")
    for page in (ask, elm):
        message = page.locator("li.msg--mentor").filter(has_text="jeres mentor i aften")
        expect(message.locator(".badge--mentor")).to_be_visible()

    say(ask, "Det her er en grim besked")
    say(elm, "Den her må gerne blive")
    for page in (ask, elm, mentor):
        expect(delivered(page, "Det her er en grim besked")).to_have_count(1)
        expect(delivered(page, "Den her må gerne blive")).to_have_count(1)

    mentor.screenshot(path=str(screenshot_path("mentor-chat.png", tmp_path)))

    mentor.locator("li.msg").filter(has_text="Det her er en grim besked").locator(".menu__button").click()
    mentor.get_by_role("menuitem", name="Fjern beskeden …").click()
    mentor.get_by_label("Begrundelse (kun for mentorer)").fill("Ubehagelig")
    mentor.locator("#mod-submit").click()
    for page in (ask, elm, mentor):
        expect(delivered(page, "Det her er en grim besked")).to_have_count(0)
        expect(delivered(page, "Den her må gerne blive")).to_have_count(1)


def test_a_message_typed_offline_arrives_once_after_reconnect(stack, new_page):
    mynte = teen(new_page, stack, "Mynte")
    lavendel = teen(new_page, stack, "Lavendel")
    say(mynte, "Jeg er her")
    expect(delivered(lavendel, "Jeg er her")).to_have_count(1)

    mynte.context.set_offline(True)
    # The page notices by itself, even where Chromium keeps the dead socket open.
    expect(mynte.locator("#chat-status")).to_have_attribute("data-status", "offline")
    say(mynte, "Skrevet mens jeg var offline")
    pending = mynte.locator("li.msg--pending").filter(has_text="Skrevet mens jeg var offline")
    expect(pending).to_have_count(1)
    say(lavendel, "Er du der stadig?")  # Mynte misses this live and must catch up
    expect(delivered(lavendel, "Er du der stadig?")).to_have_count(1)
    mynte.wait_for_timeout(500)
    expect(delivered(mynte, "Er du der stadig?")).to_have_count(0)

    mynte.context.set_offline(False)
    expect(mynte.locator("#chat-status")).to_have_attribute("data-status", "online", timeout=20_000)
    expect(delivered(lavendel, "Skrevet mens jeg var offline")).to_have_count(1)
    expect(delivered(mynte, "Skrevet mens jeg var offline")).to_have_count(1)
    expect(pending).to_have_count(0)
    expect(delivered(mynte, "Er du der stadig?")).to_have_count(1)
    # Give a doubled delivery time to show up before counting again.
    lavendel.wait_for_timeout(1500)
    expect(delivered(lavendel, "Skrevet mens jeg var offline")).to_have_count(1)
    expect(delivered(mynte, "Skrevet mens jeg var offline")).to_have_count(1)
    texts = mynte.locator("#messages li.msg .msg__text").all_text_contents()
    assert texts[-3:] == ["Jeg er her", "Er du der stadig?", "Skrevet mens jeg var offline"]  # in id order


def test_markup_in_messages_is_shown_as_text_and_runs_nothing(stack, new_page):
    sender = teen(new_page, stack, "Kastanje")
    reader = teen(new_page, stack, "Hyldeblomst")
    payloads = [
        '<img src=x onerror="window.__pwned=1">',
        "<script>window.__pwned=2</script>",
        '<a href="javascript:window.__pwned=3">klik</a><b>fed</b>',
    ]
    for payload in payloads:
        say(sender, payload)
    for page in (sender, reader):
        for payload in payloads:
            expect(delivered(page, payload)).to_have_count(1)
        messages = page.locator("#messages")
        expect(messages.locator("img, script, a, b")).to_have_count(0)
        assert page.evaluate("() => window.__pwned") is None


def test_sending_by_keyboard_alone(stack, new_page):
    page = new_page(stack)
    sign_up(page, "Birkeblad")
    tab_to(page, ".group-card--open .btn--primary")
    page.keyboard.press("Enter")
    expect(page.locator("#chat-status")).to_have_attribute("data-status", "online")
    tab_to(page, "#composer-text")
    page.keyboard.type("Skrevet kun med tastaturet")
    page.keyboard.press("Enter")
    expect(delivered(page, "Skrevet kun med tastaturet")).to_have_count(1)
    # Shift+Enter is a new line, not a send; focus stays in the box for the next message.
    page.keyboard.type("linje et")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("linje to")
    page.keyboard.press("Enter")
    expect(delivered(page, "linje et\nlinje to")).to_have_count(1)
    assert page.evaluate("() => document.activeElement.id") == "composer-text"
    # The focus is visible: a keyboard focus draws an outline.
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_switching_between_danish_and_english_is_remembered(stack, new_page):
    page = new_page(stack)
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen til Gruppechat")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Gruppechat")
    expect(page.get_by_role("button", name="Sign up")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Gruppechat")
    page.get_by_role("button", name="Dansk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen til Gruppechat")
    sign_up(page, "Skovmus")
    join(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("#composer-text")).to_have_attribute("placeholder", "Write a message …")
    expect(page.locator("#chat-status")).to_have_text("Connected")
    expect(page.get_by_role("button", name="Leave")).to_be_visible()


def test_the_anonymity_guard_and_crisis_words_answer_only_the_sender(stack, new_page):
    writer = teen(new_page, stack, "Valmue")
    other = teen(new_page, stack, "Kornblomst")

    say(writer, "ring til mig på 22 33 44 55")
    held = writer.locator(".notice--held-back")
    expect(held).to_contain_text("telefonnummer")
    # Not delivered, not waiting in the outbox, and the words are handed back for editing.
    expect(writer.locator("#messages li.msg").filter(has_text="22 33 44 55")).to_have_count(0)
    expect(writer.locator("#composer-text")).to_have_value("ring til mig på 22 33 44 55")
    writer.locator("#composer-text").fill("")

    say(writer, "Jeg har haft selvmordstanker i dag")
    expect(writer.locator(".notice--help")).to_contain_text("116 111")
    expect(delivered(other, "Jeg har haft selvmordstanker i dag")).to_have_count(1)
    expect(other.locator("#messages li.msg").filter(has_text="22 33 44 55")).to_have_count(0)
    expect(other.locator(".notice--help, .notice--held-back")).to_have_count(0)


def test_a_report_reaches_the_mentor_and_a_kicked_teen_is_not_reconnected_in_a_loop(stack, new_page):
    reporter = teen(new_page, stack, "Tusindfryd")
    rude = teen(new_page, stack, "Brændenælde")
    mentor = mentor_in_chat(new_page, stack)

    say(rude, "I er alle sammen dumme")
    expect(delivered(reporter, "I er alle sammen dumme")).to_have_count(1)
    reporter.locator("li.msg").filter(has_text="I er alle sammen dumme").get_by_role("button", name="Anmeld").click()
    dialog = reporter.locator("#report-dialog")
    dialog.get_by_label("Den er ubehagelig eller ond").check()
    dialog.get_by_role("button", name="Send til mentoren").click()
    expect(reporter.locator(".notice--reported")).to_be_visible()
    expect(mentor.locator("#reports-count")).not_to_have_text("0")

    mentor.locator("#present-list li").filter(has_text="Brændenælde").get_by_role(
        "button", name="Handlinger for Brændenælde"
    ).click()
    mentor.get_by_role("menuitem", name="Send Brændenælde ud af chatten").click()
    mentor.get_by_label("Begrundelse (kun for mentorer)").fill("Uvenlig")
    mentor.locator("#mod-submit").click()
    expect(rude.locator("#chat-ended")).to_be_visible()
    expect(rude.locator("#chat-ended-text")).to_contain_text("sendt dig ud")
    rude.wait_for_timeout(3000)  # longer than the first back-off steps: it must stay out
    expect(rude.locator("#chat-status")).to_have_attribute("data-status", "ended")
    expect(mentor.locator("#present-list")).not_to_contain_text("Brændenælde")

    rude.get_by_role("button", name="Gå ind igen").click()
    expect(rude.locator("#chat-status")).to_have_attribute("data-status", "online")

    mentor.get_by_role("button", name="Anmeldelser").click()
    report = mentor.locator("#report-list li").filter(has_text="I er alle sammen dumme")
    expect(report).to_be_visible()
    expect(report).to_contain_text("Grund: Ubehagelig eller ond")  # the reason the teen picked, in words
    report.get_by_role("button", name="Markér som håndteret").click()
    expect(report).to_have_count(0)


def test_an_admin_manages_groups_and_mentors_and_reads_the_audit_log(stack, new_page):
    admin = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(admin, DEMO_ADMIN)

    admin.get_by_role("button", name="Grupper og skema").click()
    row = admin.locator("#admin-group-rows tr").filter(has_text=GROUP_NAME)
    expect(row).to_have_count(1)
    row.get_by_role("button").click()
    expect(admin.locator("#group-name")).to_have_value(GROUP_NAME)
    expect(admin.locator("#group-tz")).to_have_value("Europe/Copenhagen")

    admin.get_by_role("button", name="Mentorer").click()
    expect(admin.locator("#mentor-rows")).to_contain_text(DEMO_MENTOR[0])

    admin.get_by_role("button", name="Log", exact=True).click()
    expect(admin.locator("#panel-audit")).to_be_visible()
    expect(admin.locator("#audit-error")).to_have_text("")


# --- the rest of the mentor page: a safety net for its modules -------------------------------------


def moderate(mentor: Page, reason: str | None = None) -> None:
    """Confirm the moderation dialog that a button just opened."""
    dialog = mentor.locator("#mod-dialog")
    expect(dialog).to_be_visible()
    if reason is not None:
        dialog.get_by_label("Begrundelse (kun for mentorer)").fill(reason)
    dialog.locator("#mod-submit").click()
    expect(dialog).to_be_hidden()


def test_an_admin_opens_a_new_group_early_and_every_chat_tool_reaches_the_teen(stack, new_page):
    admin = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(admin, DEMO_ADMIN)
    expect(admin.locator("#whoami")).to_have_text("Anders (administrator)")

    # A new group, saved through the admin form, then opened before its time from "Live groups".
    admin.get_by_role("button", name="Grupper og skema").click()
    form = admin.locator("#group-form")
    form.get_by_label("Navn").fill("Lørdagsgruppen")
    form.get_by_label("Regler").fill("Vær sød\nHold det her")
    form.get_by_label("Første dato").fill(date.today().isoformat())  # a course of meetings needs one
    form.get_by_role("button", name="Gem").click()
    expect(admin.locator("#admin-group-rows tr").filter(has_text="Lørdagsgruppen")).to_have_count(1)
    expect(admin.locator("#group-name")).to_have_value("")
    admin.get_by_role("button", name="Grupper nu").click()
    card = admin.locator("#mentor-group-list li").filter(has_text="Lørdagsgruppen")
    card.get_by_role("button", name="Åbn nu").click()
    admin.locator("#session-list li").filter(has_text="Lørdagsgruppen").get_by_role("button").click()
    expect(admin.locator("#chat-title")).to_have_text("Lørdagsgruppen")
    expect(admin.locator("#chat-status")).to_have_attribute("data-status", "online")

    kid = new_page(stack)
    sign_up(kid, "Mælkebøtte")
    kid.locator(".group-card--open").filter(has_text="Lørdagsgruppen").get_by_role(
        "button", name="Gå ind i gruppen"
    ).click()
    expect(kid.locator("#chat-status")).to_have_attribute("data-status", "online")
    expect(kid.locator("#chat-rules li")).to_have_text(["Vær sød", "Hold det her"])
    expect(admin.locator("#present-list")).to_contain_text("Mælkebøtte")

    admin.get_by_label("Emne", exact=True).fill("Sommerferie")
    admin.get_by_role("button", name="Sæt emne").click()
    expect(kid.locator("#chat-topic")).to_contain_text("Sommerferie")

    admin.get_by_label("Meddelelse til alle").fill("Husk at drikke vand")
    admin.get_by_role("button", name="Send meddelelse").click()
    expect(kid.locator("li.msg--announcement")).to_contain_text("Husk at drikke vand")
    expect(admin.locator("#announce-text")).to_have_value("")

    admin.get_by_label("Langsom tilstand").select_option("10")
    expect(kid.locator(".notice--slow")).to_contain_text("10")
    admin.get_by_label("Langsom tilstand").select_option("0")
    expect(kid.locator(".notice--slow")).to_contain_text("slået fra")

    admin.get_by_role("button", name="Forlæng 15 min").click()
    expect(kid.locator(".notice--extended")).to_be_visible()
    expect(admin.locator("#live")).to_have_text("Gruppen er forlænget.")

    admin.locator("#present-list li").filter(has_text="Mælkebøtte").get_by_role(
        "button", name="Handlinger for Mælkebøtte"
    ).click()
    admin.get_by_role("menuitem", name="Sæt Mælkebøtte på pause").click()
    expect(admin.locator("#mod-title")).to_have_text("Sæt Mælkebøtte på pause")
    moderate(admin, "Ro på")
    expect(kid.locator(".notice--muted")).to_be_visible()
    expect(admin.locator("#live")).to_have_text("Mælkebøtte er sat på pause.")
    # A muted teen's message is refused, not lost: it stays in the outbox, marked, until discarded.
    say(kid, "Må jeg sige noget?")
    refused = kid.locator("li.msg--failed").filter(has_text="Må jeg sige noget?")
    expect(refused.locator(".msg__error")).to_contain_text("pause")
    refused.get_by_role("button", name="Slet").click()
    expect(refused).to_have_count(0)
    expect(delivered(admin, "Må jeg sige noget?")).to_have_count(0)

    admin.get_by_role("button", name="Luk gruppen nu").click()
    expect(admin.locator("#mod-title")).to_have_text("Luk gruppen for alle nu?")
    expect(admin.locator("#mod-reason-row")).to_be_hidden()
    moderate(admin)
    expect(kid.locator("#chat-ended-text")).to_contain_text("slut for i dag")
    expect(admin.locator("#chat-ended")).to_be_visible()

    # Every step above is in the audit log, each action in the page's words.
    admin.get_by_role("button", name="Til oversigten").click()
    admin.get_by_role("button", name="Log", exact=True).click()
    rows = admin.locator("#audit-rows")
    for action in ("Åbnede", "Satte emne", "Meddelelse", "Langsom tilstand", "Forlængede", "Pause", "Lukkede"):
        expect(rows.locator("td", has_text=re.compile(f"^{action}$")).first).to_be_visible()

    # Figures: a table and a bar chart of the sessions, Lørdagsgruppen's among them.
    admin.get_by_role("button", name="Tal", exact=True).click()
    expect(admin.locator("#figures-head")).to_contain_text("Deltagere")
    saturday = admin.locator("#figures-rows tr").filter(has_text="Lørdagsgruppen")
    expect(saturday).to_contain_text("Lukket")  # its status, in words
    expect(admin.locator("#figures-head")).not_to_contain_text("_")  # every column named in words
    expect(admin.locator("#figures-chart svg rect").first).to_be_attached()

    # The whole page follows a switch to English, the tab that is open included.
    admin.get_by_role("button", name="English").click()
    expect(admin.get_by_role("button", name="Reports")).to_be_visible()
    expect(admin.locator("#figures-head")).to_contain_text("Participants")
    expect(admin.locator("#whoami")).to_have_text("Anders (administrator)")


def test_an_admin_adds_a_mentor_who_can_log_in_and_is_then_deactivated(stack, new_page):
    admin = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(admin, DEMO_ADMIN)
    admin.get_by_role("button", name="Mentorer").click()
    form = admin.locator("#mentor-form")
    form.get_by_label("Brugernavn").fill("sofie")
    form.get_by_label("Navn i chatten").fill("Sofie")
    form.get_by_label("Adgangskode").fill("sofies-kode-123")
    form.get_by_role("button", name="Opret").click()
    row = admin.locator("#mentor-rows tr").filter(has_text="sofie")
    expect(row).to_contain_text("Aktiv")
    expect(form.get_by_label("Brugernavn")).to_have_value("")

    sofie = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(sofie, ("sofie", "sofies-kode-123"))
    expect(sofie.locator("#whoami")).to_have_text("Sofie (mentor)")
    expect(sofie.get_by_role("button", name="Mentorer")).to_be_hidden()  # admin tabs stay hidden
    sofie.locator("#session-list li").filter(has_text=GROUP_NAME).get_by_role("button").click()
    expect(sofie.locator("#chat-status")).to_have_attribute("data-status", "online")

    row.get_by_role("button", name="Deaktivér Sofie").click()
    expect(row).to_contain_text("Deaktiveret")
    # Her open chat is closed at once, and she is told why ...
    expect(sofie.locator("#chat-ended-text")).to_have_text("Din adgang er lukket, så du er logget ud af gruppen.")
    # ... and trying again is refused at the door: the page asks why (a socket only says 1006) and stays out.
    sofie.get_by_role("button", name="Gå ind igen").click()
    expect(sofie.locator("#chat-ended-text")).to_have_text("Din adgang er lukket, så du er logget ud af gruppen.")
    sofie.wait_for_timeout(2500)  # longer than the first back-off steps: no reconnect loop
    expect(sofie.locator("#chat-status")).to_have_attribute("data-status", "ended")
    expect(sofie.locator("#chat-ended")).to_be_visible()


def test_the_sign_up_work_runs_in_a_worker_and_reports_its_progress(stack, new_page):
    import hashlib

    page = new_page(stack)
    salt, number, limit = "d1f3a9?expires=4102444800&", 150_000, 200_000
    challenge = {
        "algorithm": "SHA-256",
        "challenge": hashlib.sha256(f"{salt}{number}".encode()).hexdigest(),
        "salt": salt,
        "signature": "not-checked-here",
        "maxNumber": limit,
    }
    solved = page.evaluate(
        """async (challenge) => {
        const { solveChallenge } = await import('./js/challenge.js');
        const seen = [];
        const started = performance.now();
        const payload = await solveChallenge(challenge, (fraction) => seen.push(fraction));
        return { payload, seen, ms: performance.now() - started };
    }""",
        challenge,
    )
    print(
        f"\n[figures] the page's worker tried {number:,} SHA-256 hashes in {solved['ms']:.0f} ms "
        f"({number / solved['ms'] * 1000:,.0f}/s), {len(solved['seen'])} progress reports"
    )
    assert solved["payload"]["number"] == number and solved["payload"]["signature"] == "not-checked-here"
    assert len(solved["seen"]) >= 10 and solved["seen"] == sorted(solved["seen"]) and solved["seen"][-1] == 1
    # The form says what the wait is for, in the teen's language.
    page.get_by_role("button", name="Opret dig").click()
    expect(page.locator("#signup-solving-help")).to_contain_text("holder robotter ude")


def test_a_mentor_stays_logged_in_on_reload_and_a_wrong_password_is_refused(stack, new_page):
    mentor = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(mentor, (DEMO_MENTOR[0], "forkert-kode"))
    expect(mentor.locator("#login-error")).to_have_text("Forkert navn eller adgangskode.")
    log_in_as(mentor, DEMO_MENTOR)
    expect(mentor.locator("#whoami")).to_have_text("Mette (mentor)")
    expect(mentor.locator("#session-list")).to_contain_text(GROUP_NAME)
    mentor.reload()
    expect(mentor.locator("#whoami")).to_have_text("Mette (mentor)")
    expect(mentor.locator("#panel-sessions")).to_be_visible()
    mentor.get_by_role("button", name="Log ud").click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Log ind som mentor")
    mentor.reload()
    expect(mentor.locator("#view-login")).to_be_visible()


def test_a_teen_comes_back_to_the_chat_after_a_reload_and_logs_out_and_in_again(stack, new_page):
    page = teen(new_page, stack, "Kløver")
    say(page, "Før genindlæsning")
    expect(delivered(page, "Før genindlæsning")).to_have_count(1)
    page.reload()
    expect(page.locator("#chat-status")).to_have_attribute("data-status", "online")
    expect(delivered(page, "Før genindlæsning")).to_have_count(1)

    page.get_by_role("button", name="Forlad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine grupper")
    expect(page.locator("#groups-hello")).to_contain_text("Hej Kløver!")
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen til Gruppechat")
    page.get_by_role("button", name="Log ind").click()
    form = page.locator("#login-form")
    form.get_by_label("Kaldenavn").fill("Kløver")
    form.get_by_label("Adgangskode").fill(PASSWORD)
    form.get_by_role("button", name="Log ind").click()
    expect(page.locator("#whoami")).to_have_text("Du er Kløver")
    expect(page.locator(".group-card--open").filter(has_text=GROUP_NAME)).to_have_count(1)
