"""A teen's own account in the browser: the recovery code that brings a forgotten password back, a new
password and a new code from "My account", and a refused pseudonym that says which rule it broke."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.test_browser import GROUP_NAME, PASSWORD

NEW_PASSWORD = "tre-blå-elefanter"
NEWER_PASSWORD = "fire-grønne-giraffer"
CODE = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$")


def sign_up_and_write_down_the_code(page: Page, name: str) -> str:
    page.get_by_role("button", name="Opret dig").click()
    form = page.locator("#signup-form")
    form.get_by_label("Kaldenavn").fill(name)
    form.get_by_label("Adgangskode").fill(PASSWORD)
    form.get_by_role("button", name="Opret").click()
    return write_down_the_code(page)


def write_down_the_code(page: Page) -> str:
    expect(page.locator("#recovery-code")).to_have_text(CODE)
    code = page.locator("#recovery-code").inner_text()
    page.get_by_label("Jeg har skrevet koden ned").check()
    page.get_by_role("button", name="Videre").click()
    expect(page.locator(".group-card--open").filter(has_text=GROUP_NAME)).to_have_count(1)
    return code


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen til Gruppechat")


def log_in(page: Page, name: str, password: str) -> None:
    page.get_by_role("button", name="Log ind").click()
    form = page.locator("#login-form")
    form.get_by_label("Kaldenavn").fill(name)
    form.get_by_label("Adgangskode").fill(password)
    form.get_by_role("button", name="Log ind").click()


def recover(page: Page, name: str, code: str, password: str) -> None:
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("button", name="Glemt din adgangskode?").click()
    form = page.locator("#recover-form")
    form.get_by_label("Kaldenavn").fill(name)
    form.get_by_label("Gendannelseskode").fill(code)
    form.get_by_label("Ny adgangskode").fill(password)
    form.get_by_role("button", name="Skift adgangskode").click()


def test_a_forgotten_password_comes_back_with_the_written_down_code_which_then_is_spent(stack, new_page):
    page = new_page(stack)
    first_code = sign_up_and_write_down_the_code(page, "Luna2009")
    log_out(page)

    recover(page, "Luna2009", first_code.lower(), NEW_PASSWORD)  # as copied by hand from a note
    expect(page.locator("#recovery-replaced")).to_be_visible()
    second_code = write_down_the_code(page)
    assert second_code != first_code
    expect(page.locator("#whoami")).to_have_text("Du er Luna2009")
    log_out(page)

    log_in(page, "Luna2009", NEW_PASSWORD)
    expect(page.locator("#whoami")).to_have_text("Du er Luna2009")
    log_out(page)

    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("button", name="Glemt din adgangskode?").click()
    form = page.locator("#recover-form")
    form.get_by_label("Kaldenavn").fill("Luna2009")
    form.get_by_label("Gendannelseskode").fill(first_code)
    form.get_by_label("Ny adgangskode").fill(NEWER_PASSWORD)
    form.get_by_role("button", name="Skift adgangskode").click()
    expect(page.locator("#recover-error")).to_have_text(re.compile("kode virker kun én gang"))
    expect(page.locator("#whoami")).to_be_hidden()


def test_a_logged_in_teen_changes_the_password_and_makes_a_new_code(stack, new_page):
    page = new_page(stack)
    first_code = sign_up_and_write_down_the_code(page, "skater_boy_12")
    page.get_by_role("button", name="Min konto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min konto")

    form = page.locator("#password-form")
    form.get_by_label("Din nuværende adgangskode").fill(PASSWORD)
    form.get_by_label("Ny adgangskode").fill("hejmeddig123")
    form.get_by_role("button", name="Skift adgangskode").click()
    expect(page.locator("#password-error")).to_contain_text("for let at gætte")
    form.get_by_label("Din nuværende adgangskode").fill(PASSWORD)
    form.get_by_label("Ny adgangskode").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Skift adgangskode").click()
    expect(page.locator("#password-done")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("button", name="Hent mine data").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["account"]["pseudonym"] == "skater_boy_12"

    code_form = page.locator("#code-form")
    code_form.get_by_label("Din nuværende adgangskode").fill(NEW_PASSWORD)
    code_form.get_by_role("button", name="Lav en ny kode").click()
    second_code = write_down_the_code(page)
    assert second_code != first_code
    log_out(page)

    recover(page, "skater_boy_12", first_code, NEWER_PASSWORD)
    expect(page.locator("#recover-error")).not_to_be_empty()  # the old code stopped working
    page.locator("#recover-form").get_by_label("Gendannelseskode").fill(second_code)
    page.locator("#recover-form").get_by_label("Ny adgangskode").fill(NEWER_PASSWORD)
    page.locator("#recover-form").get_by_role("button", name="Skift adgangskode").click()
    write_down_the_code(page)
    expect(page.locator("#whoami")).to_have_text("Du er skater_boy_12")


def test_a_refused_pseudonym_names_the_rule_in_danish_and_in_english(stack, new_page):
    page = new_page(stack)
    page.get_by_role("button", name="Opret dig").click()
    form = page.locator("#signup-form")
    form.get_by_label("Kaldenavn").fill("Sofie Aarhus")
    form.get_by_label("Adgangskode").fill(PASSWORD)
    form.get_by_role("button", name="Opret").click()
    expect(page.locator("#signup-error")).to_contain_text("et fornavn sammen med et efternavn, en by eller en skole")

    page.locator("#lang-toggle").click()
    form.get_by_label("Nickname").fill("sofie.h")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Create").click()
    expect(page.locator("#signup-error")).to_contain_text("must not look like a username from another app")
