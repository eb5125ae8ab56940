"""The foundation in a real browser: signing in, switching to Kazakh, an admin creating a branch.

Each test runs on a phone and on a desktop viewport, and checks the browser console stays clean:
CSP violations are reported there, so this also proves the CSP lets our own scripts and styles in.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)

START = re.compile(r"^http://127\.0\.0\.1:\d+/$")


def submit_login(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form input[type=submit][name=submit]").click()


def sign_in(page: Page, user) -> None:
    submit_login(page, user.email, TEST_PASSWORD)
    expect(page).to_have_url(START)


def open_menu(page: Page) -> None:
    """On a phone the navbar is collapsed behind the toggler; on a desktop it is always open."""
    # A click that navigates returns once the new page commits, before Bootstrap's script has run;
    # a toggler clicked that early does nothing.
    page.wait_for_load_state("load")
    toggler = page.locator("nav.navbar .navbar-toggler")
    if page.viewport_name == "phone":
        expect(toggler).to_be_visible()
        if toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
        # Wait for the end of the slide-down: while it runs the menu is clipped and shifting, and a
        # click aimed at one of its items can land elsewhere.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    else:
        expect(toggler).to_be_hidden()


def choose_language(page: Page, code: str) -> None:
    open_menu(page)
    page.locator("#language-menu").click()
    item = page.locator(f'#main-nav .dropdown-menu a.dropdown-item[hreflang="{code}"]')
    expect(item).to_be_visible()
    item.click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_signing_in(page: Page, console_errors, make_user):
    admin = make_user("admin")
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("label[for=email]")).to_be_visible()
    expect(page.locator("label[for=password]")).to_be_visible()
    expect(page.locator("input[type=submit][name=submit]")).to_have_value("Войти")

    submit_login(page, admin.email, "not-the-password")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("main .alert-danger[role=alert]")).to_be_visible()
    expect(page.locator("main .alert-danger")).not_to_be_empty()
    expect(page.locator("input[name=email]")).to_have_value(admin.email)
    expect(page.locator("input[name=password]")).to_have_value("")

    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("input[type=submit][name=submit]").click()
    expect(page).to_have_url(START)
    expect(page.locator("main h1")).to_contain_text(admin.full_name)
    expect(page.locator("main .alert-danger")).to_have_count(0)
    assert console_errors == []


def test_switching_to_kazakh(page: Page, console_errors, make_user):
    admin = make_user("admin")
    sign_in(page, admin)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator('#main-nav a.nav-link[href="/branches/"]')).to_have_text("Филиалы")

    choose_language(page, "kk")
    expect(page).to_have_url(re.compile(r"/\?lang=kk$"))
    expect(page.locator('#main-nav a.nav-link[href="/branches/"]')).to_have_text("Филиалдар")
    expect(page.locator("#main-nav form button[type=submit]")).to_have_text("Шығу")
    expect(page.locator("#language-menu")).to_contain_text("Қазақша")

    # Another page, reached by a link without ?lang=: the choice is kept in the session.
    page.locator('main a.btn[href="/branches/"]').click()
    expect(page).to_have_url(re.compile(r"/branches/$"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("main h1")).to_have_text("Филиалдар")

    # Saved on the account too: signing out and in again comes back in Kazakh.
    open_menu(page)
    page.locator("#main-nav form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("input[type=submit][name=submit]")).to_have_value("Кіру")
    sign_in(page, admin)
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    assert console_errors == []


def test_admin_creates_branch(page: Page, console_errors, make_user):
    admin = make_user("admin")
    sign_in(page, admin)
    page.goto("/branches/?lang=kk")
    expect(page.locator("main h1")).to_have_text("Филиалдар")

    new = page.locator('main a[href="/branches/new"]')
    expect(new).to_have_text("Жаңа филиал")
    new.click()
    expect(page).to_have_url(re.compile(r"/branches/new$"))
    expect(page.locator("main h1")).to_have_text("Жаңа филиал")

    typed = {"city": "Қарағанды", "chairperson": "Әлия Сейітова", "phone": "8 701 234 56 78",
             "email": "karaganda@example.kz"}
    page.locator("select[name=region]").select_option("karaganda")
    for name, value in typed.items():
        page.locator(f"input[name={name}]").fill(value)
    submit = page.locator("main form input[type=submit][name=submit]")
    expect(submit).to_have_value("Сақтау")
    submit.click()

    # Rejected: the error sits next to the name field and everything typed is still there.
    name = page.locator("input[name=name]")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(name).to_have_attribute("aria-describedby", "name-error")
    error = page.locator("#name-error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    same_group = "(el) => el.parentElement === document.getElementById('name').parentElement"
    assert error.evaluate(same_group), "the error is not in the name field's group"
    expect(page.locator("select[name=region]")).to_have_value("karaganda")
    for field, value in typed.items():
        expect(page.locator(f"input[name={field}]")).to_have_value(value)
    expect(page.locator("main .invalid-feedback")).to_have_count(1)
    if page.viewport_name == "phone":
        page.wait_for_load_state("load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "branch-form-kk-phone.png"), full_page=True)

    branch_name = "Қарағанды облыстық филиалы"
    name.fill(branch_name)
    submit.click()
    expect(page).to_have_url(re.compile(r"/branches/\d+$"))
    expect(page.locator("main h1")).to_have_text(branch_name)
    expect(page.locator("main .alert-success")).to_contain_text(branch_name)
    phone = page.locator('main a[href^="tel:"]')
    expect(phone).to_have_text("+7 701 234 5678")
    expect(phone).to_have_attribute("href", "tel:+77012345678")
    expect(page.locator('main a[href="mailto:karaganda@example.kz"]')).to_be_visible()
    expect(page.locator("main dl")).to_contain_text("Әлия Сейітова")

    page.locator('main .breadcrumb a[href="/branches/"]').click()
    expect(page.locator("main table tbody")).to_contain_text(branch_name)
    assert console_errors == []
