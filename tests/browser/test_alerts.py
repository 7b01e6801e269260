"""Alerts no mentor can miss, and the settings an organisation's admin keeps, in a real browser."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO_ADMIN, DEMO_MENTOR, screenshot_path
from tests.browser.test_browser import DESKTOP, GROUP_NAME, log_in_as, say, teen

ACUTE = "jeg har taget 20 panodiler lige nu"


def mentor_page(new_page, stack, who: tuple[str, str]) -> Page:
    page = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(page, who)
    expect(page.locator("#view-app")).to_be_visible()
    return page


def enter_chat(page: Page) -> None:
    page.locator("#session-list li").filter(has_text=GROUP_NAME).get_by_role("button").click()
    expect(page.locator("#chat-status")).to_have_attribute("data-status", "online")


def test_an_acute_line_stands_on_both_mentors_screens_until_one_is_on_it(stack, new_page, tmp_path):
    mette = mentor_page(new_page, stack, DEMO_MENTOR)  # on duty, not in the chat
    anders = mentor_page(new_page, stack, DEMO_ADMIN)
    enter_chat(anders)
    anders.locator("#composer-text").focus()
    laerke = teen(new_page, stack, "Lærkesang")

    say(laerke, ACUTE)

    # The teen: help lines in the server's order, 112 first, and told to call now.
    help_box = laerke.locator(".notice--help")
    expect(help_box).to_contain_text("Ring 112 nu")
    expect(help_box.locator(".help-lines li").first).to_contain_text("112")
    expect(help_box.locator(".help-lines li").nth(1)).to_contain_text("Børnetelefonen")

    # Both mentors: a standing alert dialog, read out at once because it takes the focus.
    for page in (mette, anders):
        alert = page.get_by_role("alertdialog", name="Akut: Lærkesang har brug for hjælp nu")
        expect(alert).to_be_visible()
        expect(alert).to_contain_text(ACUTE)
        expect(alert).to_contain_text("Akut · Krise")
        expect(alert).to_be_focused()
        expect(page).to_have_title(re.compile(r"^\(1\) Akut alarm"))

    anders.screenshot(path=str(screenshot_path("mentor-alert.png", tmp_path)))

    # It stays: changing tab or waiting does not make it go away.
    mette.get_by_role("button", name="Log", exact=True).click()
    mette.wait_for_timeout(1500)
    expect(mette.get_by_role("alertdialog")).to_have_count(1)

    mette.get_by_role("alertdialog").get_by_role("button", name="Jeg er på").click()

    for page in (mette, anders):
        expect(page.get_by_role("alertdialog")).to_have_count(0)
        expect(page).to_have_title("Gruppechat – mentor")
    expect(mette.locator("#alerts-taken")).to_contain_text("Du er på: Lærkesang")
    expect(anders.locator("#alerts-taken")).to_contain_text("Mette er på: Lærkesang")
    expect(anders.locator("#composer-text")).to_be_focused()  # back where Anders was

    anders.get_by_role("button", name="Anmeldelser").click()
    report = anders.locator("#report-list li").filter(has_text=ACUTE)
    expect(report).to_contain_text("Mette er på")
    expect(report.locator(".badge").first).to_have_text("Krise")
    expect(report).to_contain_text("Akut")
    report.get_by_role("button", name="Markér som håndteret").click()
    expect(report).to_have_count(0)

    # A mentor who logs in afterwards finds no alert: someone is on it.
    later = mentor_page(new_page, stack, DEMO_MENTOR)
    later.wait_for_timeout(500)
    expect(later.get_by_role("alertdialog")).to_have_count(0)


def test_danger_from_others_is_an_alert_too_and_reaches_a_mentor_who_logs_in_later(stack, new_page):
    teen_page = teen(new_page, stack, "Spurvehøg")
    say(teen_page, "min stedfar slår mig og siger han slår mig ihjel")
    expect(teen_page.locator(".notice--help")).to_contain_text("nogen gør dig fortræd")

    mette = mentor_page(new_page, stack, DEMO_MENTOR)
    alert = mette.get_by_role("alertdialog", name=re.compile("Fare: nogen gør Spurvehøg fortræd"))
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Fare fra andre")
    mette.get_by_role("button", name="English").click()  # the alert follows the language
    alert = mette.get_by_role("alertdialog", name="Danger: someone hurts or threatens Spurvehøg")
    expect(alert).to_contain_text("Danger from others")
    alert.get_by_role("button", name="I'm on it").click()
    expect(mette.get_by_role("alertdialog")).to_have_count(0)
    expect(mette.locator("#alerts-taken")).to_contain_text("You are on it: Spurvehøg")
    mette.get_by_role("button", name="Dansk").click()


def test_an_admin_adds_a_crisis_term_and_the_next_message_with_it_is_flagged(stack, new_page):
    anders = mentor_page(new_page, stack, DEMO_ADMIN)
    try:
        anders.get_by_role("button", name="Indstillinger").click()
        terms = anders.get_by_label("Ord og udtryk, som filteret også skal reagere på")
        expect(terms).to_have_value("")
        expect(anders.locator("#settings-terms-hint")).to_contain_text("acute: (Akut)")
        retention = anders.get_by_label("Slet beskeder efter (dage)")
        expect(retention).to_have_value("30")

        terms.fill("plan: ned til søen\nakut: noget andet")
        anders.get_by_role("button", name="Gem indstillinger").click()
        expect(anders.locator("#settings-error")).to_contain_text("»akut: noget andet«")

        retention.fill("400")
        terms.fill("plan: ned til søen")
        anders.get_by_role("button", name="Gem indstillinger").click()
        expect(anders.locator("#settings-error")).to_have_text("Beskeder gemmes mellem 7 og 365 dage.")

        retention.fill("60")
        anders.get_by_role("button", name="Gem indstillinger").click()
        expect(anders.locator("#settings-saved")).to_have_text("Indstillingerne er gemt.")
        anders.reload()
        anders.get_by_role("button", name="Indstillinger").click()
        expect(terms).to_have_value("plan: ned til søen")
        expect(retention).to_have_value("60")

        sol = teen(new_page, stack, "Solsort")
        say(sol, "i aften går jeg ned til søen alene")
        expect(sol.locator(".notice--help")).to_contain_text("116 111")
        anders.get_by_role("button", name="Anmeldelser").click()
        flagged = anders.locator("#report-list li").filter(has_text="ned til søen alene")
        expect(flagged).to_contain_text("Har en plan")

        anders.get_by_role("button", name="Log", exact=True).click()
        changed = anders.locator("#audit-rows tr").filter(has_text="Ændrede indstilling")
        expect(changed.filter(has_text=re.compile("retention_days|extra_crisis_terms"))).to_have_count(2)
    finally:
        token = anders.evaluate(
            "JSON.parse(sessionStorage.getItem('gruppechat.mentor') || localStorage.getItem('gruppechat.mentor')).token"
        )
        requests.put(
            f"{stack.api}/admin/settings",
            json={"extra_crisis_terms": [], "retention_days": 30},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )


def test_an_admin_sets_how_long_unused_accounts_are_kept(stack, new_page):
    anders = mentor_page(new_page, stack, DEMO_ADMIN)
    try:
        anders.get_by_role("button", name="Indstillinger").click()
        months = anders.get_by_label("Slet en ung persons konto efter (måneder uden log-ind)")
        hint = anders.locator("#settings-inactive-months-hint")
        expect(months).to_have_value("")  # the platform's default is in force, and the hint says which
        expect(hint).to_contain_text("standarden, 12 måneder")
        expect(hint).to_contain_text("mellem 3 og 36")

        months.fill("2")
        anders.get_by_role("button", name="Gem indstillinger").click()
        expect(anders.locator("#settings-error")).to_have_text(
            "Skriv et helt antal måneder mellem 3 og 36 – eller lad feltet stå tomt for standarden."
        )

        months.fill("6")
        anders.get_by_role("button", name="Gem indstillinger").click()
        expect(anders.locator("#settings-saved")).to_have_text("Indstillingerne er gemt.")
        anders.reload()
        anders.get_by_role("button", name="Indstillinger").click()
        expect(months).to_have_value("6")

        anders.get_by_role("button", name="English").click()
        expect(anders.get_by_label("Delete a young person's account after (months without logging in)")).to_have_value(
            "6"
        )
        expect(hint).to_contain_text("the default, 12 months")
        anders.get_by_role("button", name="Dansk").click()

        anders.get_by_role("button", name="Log", exact=True).click()
        change = anders.locator("#audit-rows tr").filter(has_text="inactive_account_months")
        expect(change).to_contain_text("default (12) → 6")

        # Emptied, the organisation follows the default again.
        anders.get_by_role("button", name="Indstillinger").click()
        months.fill("")
        anders.get_by_role("button", name="Gem indstillinger").click()
        expect(anders.locator("#settings-saved")).to_have_text("Indstillingerne er gemt.")
        anders.reload()
        anders.get_by_role("button", name="Indstillinger").click()
        expect(months).to_have_value("")
    finally:
        token = anders.evaluate(
            "JSON.parse(sessionStorage.getItem('gruppechat.mentor') || localStorage.getItem('gruppechat.mentor')).token"
        )
        requests.put(
            f"{stack.api}/admin/settings",
            json={"inactive_account_months": None},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
