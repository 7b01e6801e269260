"""A teen's "Remind me" in the browser: permission asked only on the click, the service worker
registered, and the browser's push subscription handed over — or, where the browser has no push
service (Debian's Chromium), a plain-spoken, localised refusal and nothing stored. Never a fake "on".
"""

from __future__ import annotations

import json
import uuid

from playwright.sync_api import Page, expect

from tests.browser.test_accounts import sign_up_and_write_down_the_code
from tests.browser.test_browser import GROUP_NAME

ROOT_TEXTS = "web/i18n/{}.json"
SERVER_REMINDERS = """async () => {
  const account = JSON.parse(sessionStorage.getItem('gruppechat.teen'));
  const response = await fetch('api/me/reminders', { headers: { Authorization: `Bearer ${account.token}` } });
  return response.json();
}"""
WORKER = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration) return null;
  const worker = registration.active || registration.waiting || registration.installing;
  return worker ? worker.scriptURL : 'registered';
}"""


def texts(lang: str) -> dict[str, str]:
    from tests.browser.conftest import ROOT

    return json.loads((ROOT / ROOT_TEXTS.format(lang)).read_text(encoding="utf-8"))


def group_card(page: Page):
    return page.locator(".group-card").filter(has_text=GROUP_NAME)


def test_remind_me_registers_the_worker_and_hands_over_a_subscription_or_says_why_not(stack, new_page):
    da = texts("da")
    page = new_page(stack, permissions=["notifications"])
    sign_up_and_write_down_the_code(page, f"Uglen{uuid.uuid4().hex[:5]}")
    card = group_card(page)
    button = card.get_by_role("button", name=da["reminder.ask"])
    expect(button).to_be_visible()
    assert page.evaluate(WORKER) is None, "the worker is registered only when the teen asks"

    button.click()
    status = card.locator(".reminder__status")
    on, no_service = da["reminder.on"].replace("{minutes}", "30"), da["reminder.noPushService"]
    expect(status).to_have_text(_either(on, no_service))
    worker = page.evaluate(WORKER)
    assert worker and worker.endswith("/sw.js"), worker
    server = page.evaluate(SERVER_REMINDERS)
    if status.inner_text() == on:  # a browser with a push service: the subscription reached the server
        assert server["groups"] == ["demo-torsdag"]
        expect(card.get_by_role("button", name=da["reminder.stop"])).to_be_visible()
    else:  # Debian's Chromium: no push service, so nothing was subscribed and nothing stored
        expect(status).to_have_attribute("data-code", "no_push_service")
        assert server["available"] is True and server["groups"] == []
        expect(card.get_by_role("button", name=da["reminder.ask"])).to_be_visible()


def test_the_worker_words_a_data_less_push_in_the_teens_language(stack, new_page):
    """The push itself cannot come from a push service here; Chromium's DevTools protocol delivers one
    to the registered worker as the push service would, without data."""
    da = texts("da")
    page = new_page(stack, permissions=["notifications"])
    sign_up_and_write_down_the_code(page, f"Musen{uuid.uuid4().hex[:5]}")
    card = group_card(page)
    card.get_by_role("button", name=da["reminder.ask"]).click()
    expect(card.locator(".reminder__status")).not_to_have_text("")
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):  # the registrations are reported a moment after enabling
        if registrations:
            break
        page.wait_for_timeout(100)
    [registration_id] = {r["registrationId"] for r in registrations if not r.get("isDeleted")}
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": stack.url.rstrip("/"), "registrationId": registration_id, "data": ""},
    )
    shown = page.wait_for_function(
        """async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          const shown = await registration.getNotifications();
          return shown.length ? shown.map((n) => ({ title: n.title, tag: n.tag })) : null;
        }""",
        polling=200,
    ).json_value()
    # No group of this browser's opens within the hour (nothing was subscribed here): the worker says
    # so in general terms, in Danish, from da.json.
    assert shown == [{"title": da["reminder.soonSomeGroup"], "tag": "reminder"}]


def test_a_teen_who_does_not_allow_notifications_is_told_so_and_no_worker_is_registered(stack, new_page):
    page = new_page(stack)  # no permission granted: the browser's prompt is dismissed
    sign_up_and_write_down_the_code(page, f"Bien{uuid.uuid4().hex[:5]}")
    page.get_by_role("button", name="English").click()
    en = texts("en")
    card = group_card(page)
    card.get_by_role("button", name=en["reminder.ask"]).click()
    expect(card.locator(".reminder__status")).to_have_text(en["reminder.denied"])
    expect(card.locator(".reminder__status")).to_have_attribute("data-code", "denied")
    assert page.evaluate(WORKER) is None
    assert page.evaluate(SERVER_REMINDERS)["groups"] == []


def _either(first: str, second: str):
    import re

    return re.compile(f"^({re.escape(first)}|{re.escape(second)})$")
