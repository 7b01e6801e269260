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


def test_a_reported_talk_message_is_labelled_shown_in_its_talk_and_removed_from_the_queue(stack, new_page):
    mette = mentor_page(new_page, stack, DEMO_MENTOR)
    enter_chat(mette)
    lark = teen(new_page, stack, "Sanglærke")
    lark.get_by_role("button", name="Jeg vil gerne tale med en voksen").click()
    mette.locator("#talks-list li").filter(has_text="Sanglærke vil gerne tale med en voksen alene.").get_by_role(
        "button", name="Tag samtalen med Sanglærke"
    ).click()
    talk = mette.locator("#talks-list li").filter(has_text="Din private samtale med Sanglærke.")
    talk.get_by_label("Skriv til Sanglærke").fill("det var en dum ting at skrive")
    talk.get_by_role("button", name="Send").click()
    expect(lark.locator("#talk-messages .message__text")).to_have_text(["det var en dum ting at skrive"])
    lark.locator("#talk-messages").get_by_role("button", name="Anmeld").click()

    # The queue says it came from a private talk, and "show in context" opens the talk at the message.
    mette.get_by_role("button", name="Anmeldelser").click()
    report = mette.locator("#report-list li").filter(has_text="det var en dum ting at skrive")
    expect(report.locator(".badge--talk")).to_have_text("Privat samtale")
    report.get_by_role("button", name="Vis i sammenhæng").click()
    marked = talk.locator(".message--reported")
    expect(marked.locator(".message__text")).to_have_text("det var en dum ting at skrive")
    expect(marked).to_contain_text("Anmeldt")

    report.get_by_role("button", name="Fjern beskeden").click()
    expect(mette.locator("#live")).to_contain_text("Beskeden er fjernet fra den private samtale")
    expect(mette.locator("#report-list li").filter(has_text="det var en dum ting at skrive")).to_have_count(0)
    expect(talk.locator(".message__text")).to_have_count(0)
    expect(lark.locator("#talk-messages .message__text")).to_have_count(0)
    expect(lark.locator("#talk-title")).to_have_text("Privat samtale med Mette")  # the talk goes on
    lark.get_by_role("button", name="Afslut samtalen").click()
    expect(lark.locator("#talk-status")).to_have_text("Du afsluttede samtalen.")
