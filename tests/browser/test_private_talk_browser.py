"""Talk to a mentor alone, in a real browser: a teen asks, the mentor accepts in the console, they
write to each other, and another teen in the same group sees none of it. On the teen's phone the
talk's box grows with the text as the chat's box does, and the talk's title and box stay on screen."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import DEMO_MENTOR, PHONE
from tests.browser.test_alerts import enter_chat, mentor_page
from tests.browser.test_browser import join, log_in_as, sign_up, teen


def height(box: Locator) -> float:
    return box.evaluate("box => box.getBoundingClientRect().height")


def on_screen(page: Page, selector: str) -> bool:
    """Wholly inside the phone's 390×844 window, and not scrolled out of sight in its panel."""
    box = page.locator(selector).bounding_box()
    inside = box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    return inside and page.locator(selector).evaluate(
        """part => [0.1, 0.9].every(at => {
            const edge = part.getBoundingClientRect();
            return part.contains(document.elementFromPoint(edge.left + edge.width / 2, edge.top + edge.height * at));
        })"""
    )


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
    # The talk's box grows with the text as the chat's box does, up to five lines, and is one line
    # again once sent; on the phone the talk's title and its box stay on screen all the while.
    rosa.locator("#checkin").get_by_role("button", name="Ikke nu").click()  # the chat as most of the evening
    box = rosa.locator("#talk-text")
    one_line = height(box)
    line = box.evaluate("box => parseFloat(getComputedStyle(box).lineHeight)")
    lines = ["det er svært derhjemme", "min far råber", "hele tiden"]  # short: one line each
    box.press_sequentially(lines[0])
    for words in lines[1:]:
        box.press("Shift+Enter")
        box.press_sequentially(words)
    three_lines = height(box)
    assert abs(three_lines - (one_line + 2 * line)) < 2, (one_line, line, three_lines)
    more = ["mor siger intet", "jeg sover dårligt", "gider ikke skolen", "hvad gør jeg"]
    for words in more:  # seven lines: the box stops at five, or where the lists keep room, and scrolls inside
        box.press("Shift+Enter")
        box.press_sequentially(words)
    grown = height(box)
    group_list = rosa.locator("#messages").evaluate("list => list.clientHeight")
    print(
        f"\ntalk box at 390×844: one line {one_line:.0f}px, three lines {three_lines:.0f}px, "
        f"seven lines {grown:.0f}px; the group's list keeps {group_list}px"
    )
    assert three_lines < grown <= one_line + 4 * line + 1, (one_line, line, three_lines, grown)
    assert group_list >= 63  # room for the group's newest message
    assert box.evaluate("box => box.scrollHeight > box.clientHeight")  # the rest scrolls inside
    assert box.evaluate("box => box.scrollHeight - box.scrollTop - box.clientHeight < 2")  # the line written shows
    for part in ("#talk-title", "#talk-composer", ".chat__header"):  # nothing scrolled away at 390×844
        assert on_screen(rosa, part), (part, rosa.locator(part).bounding_box())
    assert rosa.evaluate("() => window.scrollY") == 0
    box.press("Enter")

    talk = mette.locator("#talks-list li").filter(has_text="Din private samtale med Rosenfinke.")
    expect(talk.locator(".message__text")).to_have_count(1)
    assert talk.locator(".message__text").text_content() == "\n".join(lines + more)
    expect(box).to_have_value("")
    assert abs(height(box) - one_line) < 1  # one line again
    assert on_screen(rosa, "#talk-title") and on_screen(rosa, "#talk-composer")
    talk.get_by_label("Skriv til Rosenfinke").fill("tak fordi du siger det – fortæl mere")
    talk.get_by_role("button", name="Send").click()

    expect(rosa.locator("#talk-messages .message__text")).to_have_text(
        [re.compile("^det er svært derhjemme\\s+min far råber"), "tak fordi du siger det – fortæl mere"]
    )
    # A longer talk: its own list gives up the room now, and the title and the box stay on screen.
    for number in range(1, 6):
        talk.get_by_label("Skriv til Rosenfinke").fill(f"spørgsmål {number}: hvordan var det?")
        talk.get_by_role("button", name="Send").click()
        expect(rosa.locator("#talk-messages .message__text")).to_have_count(2 + number)
    box.press_sequentially("det var")
    for words in ("ikke så godt", "men okay"):
        box.press("Shift+Enter")
        box.press_sequentially(words)
    assert height(box) > one_line + line  # the talk's own list gave up the room
    rosa.wait_for_function(  # and still shows its newest message, as the group's list does
        "() => { const list = document.querySelector('#talk-messages');"
        " return list.scrollHeight - list.scrollTop - list.clientHeight < 2; }"
    )
    for part in ("#talk-title", "#talk-composer", "#talk-messages .message >> nth=-1"):
        assert on_screen(rosa, part), (part, rosa.locator(part).bounding_box())
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


# Every WebSocket the page opens, so a test can cut the line as a dropped connection does. With
# ``__lose`` set, a talk message handed to the socket never leaves the phone (the signal went as it
# left); with ``__deaf`` set, the server's ``private_message`` frames never arrive (it went on the way back).
KEEP_SOCKETS = """
window.__sockets = [];
const Real = window.WebSocket;
window.WebSocket = class extends Real {
  constructor(...args) { super(...args); window.__sockets.push(this); }
  send(data) { if (!(window.__lose && String(data).includes('"talk_send"'))) super.send(data); }
  get onmessage() { return super.onmessage; }
  set onmessage(handler) {
    super.onmessage = handler && ((event) => {
      if (!(window.__deaf && String(event.data).includes('"private_message"'))) handler(event);
    });
  }
};
"""
OPEN_SOCKETS = "() => window.__sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length"


def cut_the_line(page: Page) -> int:
    """Offline, every socket closing: nothing can go until ``back_online``. Returns the sockets open before."""
    before = page.evaluate(OPEN_SOCKETS)
    page.context.set_offline(True)
    page.evaluate("() => window.__sockets.forEach((socket) => socket.close())")
    return before


def back_online(page: Page, sockets: int) -> None:
    page.context.set_offline(False)
    page.wait_for_function(f"() => ({OPEN_SOCKETS})() >= {sockets}", timeout=20_000)


def focused(box: Locator) -> bool:
    return box.evaluate("box => box === document.activeElement")


def caret(box: Locator) -> list[int]:
    return box.evaluate("box => [box.selectionStart, box.selectionEnd]")


def open_talk(new_page, stack, name: str) -> tuple[Page, Page, Locator]:
    """A teen asks and Mette takes the talk: her console (sockets kept), the teen, and her talk card."""
    mette = new_page(stack, "mentor.html", viewport={"width": 1280, "height": 900})
    mette.add_init_script(KEEP_SOCKETS)
    mette.reload()
    log_in_as(mette, DEMO_MENTOR)
    expect(mette.locator("#view-app")).to_be_visible()
    enter_chat(mette)
    young = new_page(stack)
    young.add_init_script(KEEP_SOCKETS)
    young.reload()
    sign_up(young, name)
    join(young)
    young.get_by_role("button", name="Jeg vil gerne tale med en voksen").click()
    mette.locator("#talks-list li").filter(has_text=f"{name} vil gerne tale med en voksen alene.").get_by_role(
        "button", name=f"Tag samtalen med {name}"
    ).click()
    expect(young.locator("#talk-title")).to_have_text("Privat samtale med Mette")
    return mette, young, mette.locator("#talks-list li").filter(has_text=f"Din private samtale med {name}.")


def test_the_mentors_half_written_answer_stays_while_the_teen_writes_and_while_offline(stack, new_page):
    mette, rosa, talk = open_talk(new_page, stack, "Rødhals")
    answer = talk.get_by_label("Skriv til Rødhals")
    answer.press_sequentially("det lyder hårdt, og jeg")
    answer.press("ArrowLeft")
    answer.press("ArrowLeft")  # the caret back inside the text, where the mentor was correcting

    teen_box = rosa.locator("#talk-text")
    for words in ("er du der?", "hallo"):  # each redraws every talk card in the console
        teen_box.fill(words)
        teen_box.press("Enter")
        expect(talk.locator(".message__text", has_text=words)).to_have_count(1)
    expect(answer).to_have_value("det lyder hårdt, og jeg")
    assert focused(answer)  # still writing: focus and caret where they were
    assert caret(answer) == [21, 21]

    answer.press("End")
    answer.press_sequentially(" er her")
    answer.press("Enter")
    expect(rosa.locator("#talk-messages .message__text")).to_have_text(
        ["er du der?", "hallo", "det lyder hårdt, og jeg er her"]
    )
    expect(answer).to_have_value("")
    assert focused(answer)  # ready for the next line

    # Offline, the answer goes into the outbox: shown as on its way, and sent once the line is back.
    sockets = cut_the_line(mette)
    answer.fill("jeg ringer til dig senere")
    answer.press("Enter")
    expect(answer).to_have_value("")
    pending = talk.locator(".message--pending")
    expect(pending).to_contain_text("jeg ringer til dig senere")
    expect(pending).to_contain_text("Sender …")
    expect(mette.locator("#talks-error")).to_have_text("")  # no "not sent": it will go
    back_online(mette, sockets)
    expect(rosa.locator("#talk-messages .message__text")).to_have_count(4)
    expect(rosa.locator("#talk-messages .message__text").last).to_have_text("jeg ringer til dig senere")
    expect(pending).to_have_count(0)
    expect(talk.locator(".message__text", has_text="jeg ringer til dig senere")).to_have_count(1)

    # Handed to a socket that died before the frame left: sent again when the line is back, once.
    mette.evaluate("() => { window.__lose = true; }")
    answer.fill("er du stadig der?")
    answer.press("Enter")
    expect(pending).to_contain_text("er du stadig der?")
    sockets = cut_the_line(mette)
    mette.evaluate("() => { window.__lose = false; }")
    back_online(mette, sockets)
    expect(rosa.locator("#talk-messages .message__text").last).to_have_text("er du stadig der?")
    expect(pending).to_have_count(0)
    rosa.wait_for_timeout(1000)  # a second copy would have come by now
    expect(rosa.locator("#talk-messages .message__text", has_text="er du stadig der?")).to_have_count(1)


def test_the_teens_half_written_words_stay_while_the_mentor_writes_and_while_offline(stack, new_page):
    _, rosa, talk = open_talk(new_page, stack, "Gærdesanger")
    words = rosa.locator("#talk-text")
    words.press_sequentially("jeg ved ikke hvordan")
    for line in ("fortæl i dit eget tempo", "jeg lytter"):
        talk.get_by_label("Skriv til Gærdesanger").fill(line)
        talk.get_by_role("button", name="Send").click()
        expect(rosa.locator("#talk-messages .message__text", has_text=line)).to_have_count(1)
    expect(words).to_have_value("jeg ved ikke hvordan")
    assert focused(words)
    assert caret(words) == [20, 20]

    # Written offline: into the outbox (the box is free again), waiting for the line, then sent once.
    sockets = cut_the_line(rosa)
    words.press_sequentially(" jeg skal sige det")
    words.press("Enter")
    expect(words).to_have_value("")
    pending = rosa.locator("#talk-messages .message--pending")
    expect(pending).to_contain_text("jeg ved ikke hvordan jeg skal sige det")
    expect(pending).to_contain_text("Venter på forbindelse – sendes automatisk")
    expect(rosa.locator("#chat-notices")).not_to_contain_text("blev ikke sendt")
    back_online(rosa, sockets)
    expect(talk.locator(".message__text").last).to_have_text("jeg ved ikke hvordan jeg skal sige det")
    expect(pending).to_have_count(0)
    expect(rosa.locator("#talk-messages .message__text", has_text="jeg skal sige det")).to_have_count(1)


def test_a_teens_message_on_a_dying_connection_reaches_the_mentor_exactly_once(stack, new_page):
    """The phone loses signal as the message leaves, or before the server's answer is back: the
    message waits in the outbox, goes again when the line is back, and the mentor has it once."""
    _, finch, talk = open_talk(new_page, stack, "Grønsisken")
    box = finch.locator("#talk-text")
    pending = finch.locator("#talk-messages .message--pending")

    finch.evaluate("() => { window.__lose = true; }")  # the frame is handed to the socket, and lost
    box.fill("er du der stadig?")
    box.press("Enter")
    expect(box).to_have_value("")
    expect(pending).to_contain_text("er du der stadig?")
    sockets = cut_the_line(finch)
    finch.evaluate("() => { window.__lose = false; }")
    expect(pending).to_contain_text("Venter på forbindelse")
    back_online(finch, sockets)
    expect(talk.locator(".message__text", has_text="er du der stadig?")).to_have_count(1)
    expect(pending).to_have_count(0)
    expect(finch.locator("#talk-messages .message__text", has_text="er du der stadig?")).to_have_count(1)

    # It reached the server, but the answer was lost on the way back: sent again, stored once.
    finch.evaluate("() => { window.__deaf = true; }")
    box.fill("jeg er her")
    box.press("Enter")
    expect(talk.locator(".message__text", has_text="jeg er her")).to_have_count(1)
    expect(pending).to_contain_text("jeg er her")  # not confirmed to the teen yet
    sockets = cut_the_line(finch)
    finch.evaluate("() => { window.__deaf = false; }")
    back_online(finch, sockets)
    expect(pending).to_have_count(0)
    expect(finch.locator("#talk-messages .message__text", has_text="jeg er her")).to_have_count(1)
    finch.wait_for_timeout(1000)  # a second copy would have come by now
    expect(talk.locator(".message__text", has_text="jeg er her")).to_have_count(1)
    expect(talk.locator(".message__text")).to_have_text(["er du der stadig?", "jeg er her"])


def test_a_talk_message_not_yet_sent_survives_a_reload_and_a_refusal_offers_send_again(stack, new_page):
    mette, wren, talk = open_talk(new_page, stack, "Fuglekonge")
    box = wren.locator("#talk-text")
    wren.evaluate("() => { window.__lose = true; }")  # never left the phone
    box.fill("jeg lukkede siden ved en fejl")
    box.press("Enter")
    expect(wren.locator("#talk-messages .message--pending")).to_contain_text("jeg lukkede siden ved en fejl")
    wren.reload()  # the outbox is in sessionStorage: back in the chat, it goes
    expect(wren.locator("#chat-status")).to_have_attribute("data-status", "online", timeout=20_000)
    expect(talk.locator(".message__text", has_text="jeg lukkede siden ved en fejl")).to_have_count(1)
    expect(wren.locator("#talk-messages .message--pending")).to_have_count(0)
    expect(wren.locator("#talk-messages .message__text")).to_have_text(["jeg lukkede siden ved en fejl"])

    # Written offline while the mentor ends the talk: the server refuses it, and the teen sees that.
    sockets = cut_the_line(wren)
    box.fill("vent, en ting mere")
    box.press("Enter")
    talk.get_by_role("button", name="Afslut samtalen").click()
    expect(mette.locator("#talks-list li").filter(has_text="Samtalen med Fuglekonge er slut")).to_be_visible()
    back_online(wren, sockets)
    failed = wren.locator("#talk-messages .message--failed")
    expect(failed).to_contain_text("vent, en ting mere")
    expect(failed).to_contain_text("Ikke sendt")
    expect(failed.get_by_role("button", name="Send igen")).to_be_visible()
    failed.get_by_role("button", name="Slet").click()
    expect(failed).to_have_count(0)
