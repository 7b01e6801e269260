"""Check-in and rounds in a real browser: a teen answers how they are; a round with a pass is seen by
another teen, with the mentor leading it from the mentor page; a teen who comes in late gets the last turn."""

from __future__ import annotations

import random

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO_ADMIN, DEMO_MENTOR
from tests.browser.test_browser import DESKTOP, GROUP_NAME, delivered, join, log_in_as, say, sign_up
from tests.e2e.conftest import mentor_token

pytestmark = pytest.mark.usefixtures("on_duty")


def a_name(prefix: str) -> str:
    return prefix + "".join(random.choice("bcdfghjklmnpqrstvwxz") for _ in range(5))


def test_a_teen_answers_the_check_in_privately_and_can_change_it(stack, new_page):
    page = new_page(stack)
    sign_up(page, a_name("Mus"))
    join(page)
    checkin = page.locator("#checkin")
    expect(checkin.get_by_role("heading")).to_have_text("Hvordan har du det i dag?")
    expect(checkin.get_by_role("button")).to_have_count(6)  # five steps and "not now"
    checkin.get_by_role("button", name="Godt", exact=True).click()
    expect(checkin).to_contain_text("Tak! Du har det: 🙂 Godt")

    checkin.get_by_role("button", name="Ret svar").click()
    expect(checkin.get_by_role("button", name="Godt", exact=True)).to_have_attribute("aria-pressed", "true")
    checkin.get_by_role("button", name="Rigtig godt").click()
    expect(checkin).to_contain_text("Tak! Du har det: 😄 Rigtig godt")

    # Back in after a reload: the answer is remembered, the question is not asked again.
    page.reload()
    expect(page.locator("#chat-status")).to_have_attribute("data-status", "online")
    expect(page.locator("#checkin")).to_contain_text("Rigtig godt")
    expect(page.locator("#checkin .checkin__mood")).to_have_count(0)

    # The mentor sees the count for "really good", and no name.
    mentor = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(mentor, DEMO_MENTOR)
    mentor.locator("#session-list li").filter(has_text=GROUP_NAME).get_by_role("button").click()
    spread = mentor.locator("#checkin-spread")
    expect(spread.locator('[data-phase="in"] [data-mood="5"] .spread__count')).not_to_have_text("0")
    expect(spread).not_to_contain_text("Mus")


def own_group(stack) -> str:
    """A group of its own, open now, so the round has exactly the teens this test brings."""
    token = mentor_token(stack, *DEMO_ADMIN)
    headers = {"Authorization": f"Bearer {token}"}
    name = a_name("Runde ")
    created = requests.post(f"{stack.api}/admin/groups", json={"name": name}, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    opened = requests.post(f"{stack.api}/mentor/groups/{created.json()['id']}/open", headers=headers, timeout=10)
    assert opened.status_code == 200, opened.text
    return name


def enter(page: Page, group: str) -> None:
    page.locator(".group-card--open").filter(has_text=group).get_by_role("button", name="Gå ind i gruppen").click()
    expect(page.locator("#chat-status")).to_have_attribute("data-status", "online")


def test_a_round_with_a_pass_is_seen_by_another_teen(stack, new_page):
    group = own_group(stack)
    mentor = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(mentor, DEMO_MENTOR)
    mentor.locator("#session-list li").filter(has_text=group).get_by_role("button").click()
    expect(mentor.locator("#chat-status")).to_have_attribute("data-status", "online")

    first, second = a_name("Ugle"), a_name("Odder")
    ugle, odder = new_page(stack), new_page(stack)
    sign_up(ugle, first)
    ugle.reload()  # the group list again, now with our group
    enter(ugle, group)
    sign_up(odder, second)
    odder.reload()
    enter(odder, group)

    expect(mentor.locator("#round-question")).to_have_value("Sig én ting der gik godt i denne uge")
    mentor.get_by_role("button", name="Start runde").click()
    for page in (ugle, odder):
        expect(page.locator("#round .round__question")).to_have_text("Sig én ting der gik godt i denne uge")
    expect(ugle.locator("#round")).to_contain_text("Det er din tur!")
    expect(odder.locator("#round")).to_contain_text(f"Det er {first}s tur.")
    expect(odder.locator("#round-pass")).to_have_count(0)  # only on your own turn

    ugle.get_by_role("button", name="Jeg springer over").click()
    passed = odder.locator(".round__turn").filter(has_text=first)
    expect(passed).to_contain_text("sprang over")
    expect(odder.locator("#round")).to_contain_text("Det er din tur!")

    say(odder, "Jeg var til koncert")
    expect(delivered(ugle, "Jeg var til koncert")).to_have_count(1)  # an ordinary message in the chat
    expect(ugle.locator(".round__turn").filter(has_text=second)).to_contain_text("har svaret")
    expect(ugle.locator("#round")).to_contain_text("Runden er slut")
    expect(mentor.locator("#round")).to_contain_text("Runden er slut")


def test_a_teen_who_comes_in_during_a_round_gets_the_last_turn(stack, new_page):
    group = own_group(stack)
    mentor = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(mentor, DEMO_MENTOR)
    mentor.locator("#session-list li").filter(has_text=group).get_by_role("button").click()
    expect(mentor.locator("#chat-status")).to_have_attribute("data-status", "online")
    first, late = a_name("Lam"), a_name("Sent")
    lam, sent = new_page(stack), new_page(stack)
    sign_up(lam, first)
    lam.reload()
    enter(lam, group)
    mentor.get_by_role("button", name="Start runde").click()
    expect(lam.locator("#round")).to_contain_text("Det er din tur!")

    sign_up(sent, late)
    sent.reload()
    enter(sent, group)
    expect(sent.locator(".round__turn").last).to_contain_text(late)  # in the order, last
    expect(sent.locator("#round")).to_contain_text(f"Det er {first}s tur.")
    for page in (lam, mentor):  # the room sees the late teen's turn too
        expect(page.locator(".round__turn").last).to_contain_text(late)

    lam.get_by_role("button", name="Jeg springer over").click()
    expect(sent.locator("#round")).to_contain_text("Det er din tur!")
    say(sent, "Jeg kom lige fra træning")
    expect(lam.locator(".round__turn").filter(has_text=late)).to_contain_text("har svaret")
    expect(mentor.locator("#round")).to_contain_text("Runden er slut")
