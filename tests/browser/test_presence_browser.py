"""In a real browser: a teen on a phone waits for a mentor; the admin's duty roster and a mentor's
"I cannot come"; a waiting room where a mentor lets a newcomer in, and a returning teen walks straight in."""

from __future__ import annotations

import re
from datetime import date

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO_ADMIN, DEMO_MENTOR, PHONE, screenshot_path
from tests.browser.test_browser import DESKTOP, delivered, log_in_as, say, sign_up

PASSWORD = "hemmelig-kode-1"


def token_of(stack, who: tuple[str, str]) -> str:
    answer = requests.post(f"{stack.api}/mentors/login", json={"username": who[0], "password": who[1]}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def open_group_now(stack, name: str, **fields) -> str:
    """A new group of the demo organisation, opened now (no mentor in it): its id."""
    headers = {"Authorization": f"Bearer {token_of(stack, DEMO_ADMIN)}"}
    weekday = (date.today().weekday() + 3) % 7  # its weekly meeting is days away: this is an extra one
    body = {
        "name": name,
        "rules": ["Vær sød ved hinanden", "Del aldrig navne eller adresser"],
        "weekday": weekday,
        "start_time": "19:00",
        "duration_minutes": 90,
        "tz": "Europe/Copenhagen",
        **fields,
    }
    created = requests.post(f"{stack.api}/admin/groups", json=body, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    group_id = created.json()["id"]
    assert requests.post(f"{stack.api}/mentor/groups/{group_id}/open", headers=headers, timeout=10).status_code == 200
    return group_id


def mentor_enters(new_page, stack, group_name: str, who=DEMO_MENTOR) -> Page:
    mentor = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(mentor, who)
    mentor.locator("#session-list li").filter(has_text=group_name).get_by_role("button").click()
    expect(mentor.locator("#chat-title")).to_have_text(group_name)
    expect(mentor.locator("#chat-status")).to_have_attribute("data-status", "online")
    return mentor


def teen_at(new_page, stack, name: str, group_name: str) -> Page:
    page = new_page(stack, viewport=PHONE)
    sign_up(page, name)
    page.locator(".group-card--open").filter(has_text=group_name).get_by_role("button", name="Gå ind i gruppen").click()
    return page


def inside_the_screen(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert 0 <= box["y"] < PHONE["height"]


def test_on_a_phone_a_teen_waits_for_a_mentor_and_the_message_goes_when_one_arrives(stack, new_page, tmp_path):
    group = "Stjernegruppen"  # a name no other test on the shared stack gives a group
    open_group_now(stack, group)
    teen = teen_at(new_page, stack, "Stjerneskud", group)
    expect(teen.locator("#chat-status")).to_have_attribute("data-status", "online")
    waiting = teen.locator(".notice--room")
    expect(waiting).to_contain_text("Gruppen starter, når en mentor kommer")
    inside_the_screen(teen, ".notice--room")  # on a 390 px phone, seen without scrolling sideways

    say(teen, "Hej, er der nogen?")
    pending = teen.locator("li.msg--pending").filter(has_text="Hej, er der nogen?")
    expect(pending).to_contain_text("Venter på en mentor")
    expect(waiting).to_contain_text(re.compile(r"Du har ventet \d+ min"))
    expect(teen.locator("#composer-text")).to_be_enabled()  # a crisis line can still be written
    teen.screenshot(path=str(screenshot_path("teen-waiting-for-mentor.png", tmp_path)))

    mentor = mentor_enters(new_page, stack, group)
    expect(teen.locator(".notice--room-open")).to_contain_text("En mentor er kommet")
    expect(waiting).to_have_count(0)
    expect(delivered(mentor, "Hej, er der nogen?")).to_have_count(1)  # it waited, and went by itself
    expect(delivered(teen, "Hej, er der nogen?")).to_have_count(1)
    say(mentor, "Hej Stjerneskud, jeg er her nu")
    expect(delivered(teen, "Hej Stjerneskud, jeg er her nu")).to_have_count(1)

    teen.get_by_role("button", name="English").click()
    expect(teen.locator(".notice--room-open")).to_have_count(1)


def test_the_admin_sees_the_roster_and_a_gap_when_a_mentor_cannot_come(stack, new_page):
    open_group_now(stack, "Vagtgruppen")
    admin = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(admin, DEMO_ADMIN)
    admin.get_by_role("button", name="Vagtplan").click()
    block = admin.locator(".roster-group").filter(has=admin.get_by_role("heading", name="Vagtgruppen"))
    expect(block.locator("tbody tr")).to_have_count(6)  # six weeks ahead
    expect(block.locator(".badge--gap")).to_have_count(6)  # nobody on duty yet: every meeting a gap
    expect(admin.locator("#roster-gaps")).to_contain_text("har ingen mentor på vagt")

    admin.get_by_label("Fast mentor 1 for Vagtgruppen").select_option(label="Mette")
    admin.get_by_role("button", name="Gem faste mentorer for Vagtgruppen").click()
    expect(block.locator(".badge--gap")).to_have_count(0)
    expect(block.locator("tbody tr").first).to_contain_text("Mette")

    mette = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(mette, DEMO_MENTOR)
    mette.get_by_role("button", name="Mine vagter").click()
    duty = mette.locator("#duty-list li").filter(has_text="Vagtgruppen").first
    expect(duty).to_be_visible()
    duty.get_by_role("button", name="Jeg kan ikke komme").click()
    expect(duty).to_contain_text("Du har meldt afbud")

    admin.get_by_role("button", name="Vagtplan").click()
    first = block.locator("tbody tr").first
    expect(first.locator(".badge--gap")).to_have_text("Ingen mentor")
    expect(first).to_contain_text("Afbud: Mette")
    # The admin swaps in Anders for that one meeting: no gap, and the next meetings keep Mette.
    first.locator("select").first.select_option(label="Anders")
    first.get_by_role("button").click()
    expect(block.locator("tbody tr").first).to_contain_text("Anders")
    expect(block.locator(".badge--gap")).to_have_count(0)
    expect(block.locator("tbody tr").nth(1)).to_contain_text("Mette")


def test_a_newcomer_agrees_and_waits_the_mentor_admits_and_a_returning_teen_walks_straight_in(stack, new_page):
    group_id = open_group_now(stack, "Venteværelset", entry_mode="waiting_room")
    mentor = mentor_enters(new_page, stack, "Venteværelset")
    expect(mentor.locator("#queue-title")).to_have_text("Venteværelse (0)")

    newcomer = teen_at(new_page, stack, "Solstråle", "Venteværelset")
    door = newcomer.locator("#admission")
    expect(door).to_be_visible()
    expect(door.locator("#admission-rules li")).to_have_text(
        ["Vær sød ved hinanden", "Del aldrig navne eller adresser"]
    )
    enter = door.get_by_role("button", name="Gå i venteværelset")
    expect(enter).to_be_disabled()  # not before agreeing
    door.get_by_label("Jeg har læst reglerne og vil følge dem").check()
    enter.click()
    expect(newcomer.locator("#admission-text")).to_have_text("Du er i venteværelset. En mentor lukker dig ind om lidt.")
    expect(newcomer.locator("#chat-status")).to_have_text("I venteværelset")

    say(mentor, "Velkommen, alle sammen")
    expect(mentor.locator("#queue-title")).to_have_text("Venteværelse (1)")
    mentor.get_by_role("button", name="Luk Solstråle ind").click()
    expect(newcomer.locator("#chat-status")).to_have_attribute("data-status", "online")
    expect(door).to_be_hidden()
    expect(delivered(newcomer, "Velkommen, alle sammen")).to_have_count(1)  # the history, once inside
    say(newcomer, "Tak fordi jeg måtte komme ind")
    expect(delivered(mentor, "Tak fordi jeg måtte komme ind")).to_have_count(1)
    expect(mentor.locator("#queue-title")).to_have_text("Venteværelse (0)")

    # The group ends; next time it opens, the admitted teen is a member and walks straight in,
    # while someone new still meets the rules first.
    mentor.get_by_role("button", name="Luk gruppen nu").click()
    mentor.locator("#mod-submit").click()
    expect(newcomer.locator("#chat-ended-text")).to_contain_text("slut for i dag")
    headers = {"Authorization": f"Bearer {token_of(stack, DEMO_ADMIN)}"}
    assert requests.post(f"{stack.api}/mentor/groups/{group_id}/open", headers=headers, timeout=10).status_code == 200
    mentor.get_by_role("button", name="Til oversigten").click()
    mentor.get_by_role("button", name="Grupper nu").click()
    mentor.locator("#session-list li").filter(has_text="Venteværelset").get_by_role("button").click()
    expect(mentor.locator("#chat-status")).to_have_attribute("data-status", "online")

    # A session that has ended offers no "Gå ind igen": the teen goes back to the groups and joins the new one.
    expect(newcomer.get_by_role("button", name="Gå ind igen")).to_be_hidden()
    newcomer.get_by_role("button", name="Til grupperne").click()
    newcomer.locator(".group-card--open").filter(has_text="Venteværelset").get_by_role(
        "button", name="Gå ind i gruppen"
    ).click()
    expect(newcomer.locator("#chat-status")).to_have_attribute("data-status", "online")
    expect(newcomer.locator("#admission")).to_be_hidden()
    say(newcomer, "Jeg er tilbage")
    expect(delivered(mentor, "Jeg er tilbage")).to_have_count(1)

    stranger = teen_at(new_page, stack, "Nyankommen", "Venteværelset")
    expect(stranger.locator("#admission-rules li")).to_have_count(2)
    expect(mentor.locator("#present-list")).not_to_contain_text("Nyankommen")
