"""Talk to a mentor alone, in a real browser: a teen asks, the mentor accepts in the console, they
write to each other, and another teen in the same group sees none of it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_MENTOR
from tests.browser.test_alerts import enter_chat, mentor_page
from tests.browser.test_browser import teen


def test_a_teen_asks_the_mentor_accepts_and_they_write_to_each_other(stack, new_page):
    mette = mentor_page(new_page, stack, DEMO_MENTOR)
    enter_chat(mette)  # the session's mentor: the request is for her
    rosa = teen(new_page, stack, "Rosenfinke")
    other = teen(new_page, stack, "Gærdesmutte")

    rosa.get_by_role("button", name="Jeg vil gerne tale med en voksen").click()
    expect(rosa.locator("#talk-status")).to_have_text(
        "Du har bedt om at tale med en voksen alene. En mentor svarer snart."
    )
    expect(rosa.get_by_role("button", name="Jeg vil gerne tale med en voksen")).to_be_hidden()

    request = mette.locator("#talks-list li").filter(has_text="Rosenfinke vil gerne tale med en voksen alene.")
    expect(request).to_be_visible()
    request.get_by_role("button", name="Tag samtalen med Rosenfinke").click()

    expect(rosa.locator("#talk-title")).to_have_text("Privat samtale med Mette")
    expect(rosa.locator("#chat-notices")).to_contain_text("Mette taler nu med dig alene")
    box = rosa.locator("#talk-text")
    box.fill("jeg har det svært derhjemme")
    box.press("Enter")

    talk = mette.locator("#talks-list li").filter(has_text="Din private samtale med Rosenfinke.")
    expect(talk.locator(".message__text")).to_have_text(["jeg har det svært derhjemme"])
    talk.get_by_label("Skriv til Rosenfinke").fill("tak fordi du siger det – fortæl mere")
    talk.get_by_role("button", name="Send").click()

    expect(rosa.locator("#talk-messages .message__text")).to_have_text(
        ["jeg har det svært derhjemme", "tak fordi du siger det – fortæl mere"]
    )
    # Not in the group chat, on neither teen's screen; the other teen sees no talk at all.
    for page in (rosa, other):
        expect(page.locator("#messages")).not_to_contain_text("derhjemme")
    expect(other.locator("#talk")).to_be_hidden()
    expect(other.locator("body")).not_to_contain_text("fortæl mere")

    rosa.get_by_role("button", name="Afslut samtalen").click()
    expect(rosa.locator("#talk-status")).to_have_text("Du afsluttede samtalen.")
    expect(mette.locator("#talks-list li").filter(has_text="Samtalen med Rosenfinke er slut")).to_be_visible()
    expect(rosa.get_by_role("button", name="Jeg vil gerne tale med en voksen")).to_be_visible()


def test_a_mentor_invites_a_teen_from_the_menu_and_the_teen_accepts(stack, new_page):
    mette = mentor_page(new_page, stack, DEMO_MENTOR)
    enter_chat(mette)
    vibe = teen(new_page, stack, "Vibefinke")
    other = teen(new_page, stack, "Stær")
    expect(mette.locator("#talks-list li").filter(has_text="Vibefinke")).to_have_count(0)  # no talk yet

    member = mette.locator("#present-list li").filter(has_text="Vibefinke")
    member.get_by_role("button", name="Handlinger for Vibefinke").click()
    mette.get_by_role("menuitem", name="Inviter Vibefinke til en privat samtale").click()

    expect(vibe.locator("#talk-status")).to_have_text("Mette vil gerne tale med dig alene. Vil du det?")
    vibe.get_by_role("button", name="Ja tak").click()
    expect(vibe.locator("#talk-title")).to_have_text("Privat samtale med Mette")
    expect(mette.locator("#talks-list li").filter(has_text="Din private samtale med Vibefinke.")).to_be_visible()
    expect(other.locator("#talk")).to_be_hidden()
    expect(other.locator("body")).not_to_contain_text("Vibefinke vil")
