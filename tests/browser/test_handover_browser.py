"""Handover in the browser: Mette writes a note about a teen; the session closes; next week Mads opens
the group, reads last week's summary and the note, and two mentors editing at once are told."""

from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO_ADMIN, DEMO_MENTOR
from tests.browser.test_browser import DESKTOP, GROUP_NAME, PASSWORD, join, log_in_as, say, sign_up
from tests.e2e.conftest import mentor_token, start_stack, stop_stack

WEEK_SECONDS = 40  # the demo session's length: long enough for week one's clicks
NOTE = "Luna fortalte om eksamensangst. Spørg hvordan det gik."
MADS = ("mads", "mads-er-mentor-1")


@pytest.fixture
def short_week(tmp_path):
    process, stack = start_stack(
        tmp_path, "--no-persist", "--tick-seconds", "0", "--demo-session-seconds", str(WEEK_SECONDS)
    )
    yield stack, time.monotonic()
    stop_stack(process)


def enter_chat(page: Page) -> None:
    page.locator("#session-list li").filter(has_text=GROUP_NAME).get_by_role("button").click()
    expect(page.locator("#chat-status")).to_have_attribute("data-status", "online")


def note_button(page: Page, name: str):
    return page.locator("#present-list li").filter(has_text=name).locator("[data-action=note]")


def test_a_note_and_last_weeks_summary_reach_next_weeks_mentor(short_week, new_page):
    stack, started = short_week

    # Week one: Mette is in the room, Luna comes and says something, Mette writes a note.
    mette = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(mette, DEMO_MENTOR)
    enter_chat(mette)
    luna = new_page(stack)
    sign_up(luna, "Luna")
    join(luna)
    say(luna, "Jeg er nervøs for eksamen")
    expect(note_button(mette, "Luna")).to_have_text("Note")
    note_button(mette, "Luna").click()
    dialog = mette.locator("#note-dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Note om Luna")
    expect(dialog).to_contain_text("Den unge kan læse noten")  # mentors know the teen can read it
    dialog.get_by_label("Note til de næste mentorer").fill(NOTE)
    dialog.get_by_role("button", name="Gem note").click()
    expect(dialog).to_be_hidden()
    expect(note_button(mette, "Luna")).to_have_text("Se note")
    expect(luna.locator("body")).not_to_contain_text("eksamensangst")  # never on a teen's screen

    # The week ends: the tick closes the session and leaves its summary.
    time.sleep(max(0.0, WEEK_SECONDS + 1 - (time.monotonic() - started)))
    assert requests.post(stack.url + "_local/tick", timeout=10).status_code == 200
    expect(luna.locator("#chat-ended")).to_be_visible()

    # Next week: a new mentor, Mads, opens the group and sees last week's summary.
    admin = mentor_token(stack, *DEMO_ADMIN)
    created = requests.post(
        f"{stack.api}/admin/mentors",
        json={"username": MADS[0], "display_name": "Mads", "password": MADS[1], "role": "mentor"},
        headers={"Authorization": f"Bearer {admin}"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    mads = new_page(stack, "mentor.html", viewport=DESKTOP)
    log_in_as(mads, MADS)
    mads.locator("#mentor-group-list li").filter(has_text=GROUP_NAME).get_by_role("button", name="Åbn nu").click()
    enter_chat(mads)
    summary = mads.locator("#handover-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("Sidste uges opsummering")
    expect(summary).to_contain_text("1 deltog – under 5")  # so not how many came back: that would say who
    expect(summary).to_contain_text("1 beskeder")
    expect(summary).to_contain_text("1 noter skrevet under mødet")
    expect(summary).to_contain_text("Noter om: Luna")
    expect(summary).not_to_contain_text("nervøs")  # counts, never what was said

    # Luna comes back; Mads reads Mette's note next to her name.
    luna_again = new_page(stack)
    luna_again.get_by_role("button", name="Log ind").click()
    luna_again.locator("#login-form").get_by_label("Kaldenavn").fill("Luna")
    luna_again.locator("#login-form").get_by_label("Adgangskode").fill(PASSWORD)
    luna_again.locator("#login-form").get_by_role("button", name="Log ind").click()
    join(luna_again)
    expect(note_button(mads, "Luna")).to_have_text("Se note")
    note_button(mads, "Luna").click()
    mads_dialog = mads.locator("#note-dialog")
    expect(mads_dialog.get_by_label("Note til de næste mentorer")).to_have_value(NOTE)
    expect(mads_dialog).to_contain_text("Senest skrevet af Mette")

    # Mette comes back too and opens the same note; Mads saves first, so Mette is told, not overwritten.
    mette.locator("#chat-back").click()
    mette.locator("#sessions-refresh").click()
    enter_chat(mette)
    note_button(mette, "Luna").click()
    mette_dialog = mette.locator("#note-dialog")
    expect(mette_dialog.get_by_label("Note til de næste mentorer")).to_have_value(NOTE)
    mads_dialog.get_by_label("Note til de næste mentorer").fill(NOTE + " Det gik fint!")
    mads_dialog.get_by_role("button", name="Gem note").click()
    expect(mads_dialog).to_be_hidden()

    mette_dialog.get_by_label("Note til de næste mentorer").fill(NOTE + " Husk at spørge.")
    mette_dialog.get_by_role("button", name="Gem note").click()
    expect(mette_dialog.locator("#note-error")).to_have_text(re.compile("En anden mentor har ændret noten"))
    expect(mette_dialog.locator(".note-theirs")).to_contain_text("Det gik fint!")
    mette_dialog.get_by_label("Note til de næste mentorer").fill(NOTE + " Det gik fint! Husk at spørge.")
    mette_dialog.get_by_role("button", name="Gem note").click()
    expect(mette_dialog).to_be_hidden()
    expect(luna_again.locator("body")).not_to_contain_text("eksamensangst")
