"""The public recruitment form /join in a real browser, on a phone, in Kazakh.

A volunteer who came from a Telegram campaign link gets the form in Kazakh, makes two mistakes
(a mistyped IIN, no consent), sees the errors next to the fields with everything typed kept,
fixes them and is thanked; applying a second time is thanked the same way and only counted.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from observe.extensions import db
from tests.browser.conftest import SCREENSHOTS
from tests.observers.factories import valid_iin, wrong_control_iin

pytestmark = pytest.mark.parametrize("page", ["phone"], indirect=True)

# The Kazakh texts, as in observe/translations/kk/LC_MESSAGES/messages.po.
KK_TITLE = "Сайлауда бақылаушы болыңыз"  # Become an election observer
KK_IIN_INVALID = "ЖСН жарамсыз: цифрларын тексеріңіз."  # This IIN is not valid: check the digits.
KK_CONSENT_NEEDED = "Өтінімді өңдеу үшін сіздің келісіміңіз қажет."  # Your consent is needed...
KK_NOT_INDEPENDENT = ("Бақылаушылар кандидаттардан, партиялардан және комиссиялардан тәуелсіз "
                      "болуы тиіс.")  # Observers must be independent of candidates, parties...
KK_CORRECT_FIELDS = "Төменде белгіленген өрістерді түзетіңіз."  # Please correct the fields...
KK_THANKS = "Рақмет! Өтініміңіз қабылданды."  # Thank you! Your application has been received.
KK_SUBMIT = "Өтінімді жіберу"  # Send my application

BIRTH_DATE = date(1992, 3, 14)
TYPED = {
    "full_name": "Әйгерім Нұрланқызы Садықова",
    "phone": "8 701 234 56 78",
    "email": "aigerim.s@example.kz",
    "city": "Теміртау",
}
PHONE_E164 = "+77012345678"
LANGUAGES = ["kk", "ru"]

# Every visible field must be labelled: a <label for>, a wrapping <label> or an aria-label.
UNLABELLED_FIELDS = """(form) => [...form.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.type !== 'submit')
    .filter((el) => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
            && style.visibility !== 'hidden' && !el.closest('[aria-hidden=true]');
    })
    .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
    .map((el) => el.name || el.id)"""


def fill_form(page: Page, iin: str, *, agree: bool) -> None:
    for name, value in TYPED.items():
        page.locator(f"input[name={name}]").fill(value)
    page.locator("input[name=iin]").fill(iin)
    page.fill("input[type=date][name=birth_date]", BIRTH_DATE.isoformat())
    for code in LANGUAGES:
        page.locator(f"input[name=languages][value={code}]").check()
    page.locator("select[name=experience]").select_option("once")
    page.locator("select[name=availability]").select_option("full_day")
    for name in ("consent", "declaration"):
        page.locator(f"input[name={name}]").set_checked(agree)


def submit(page: Page) -> None:
    button = page.locator("main form input[type=submit][name=submit]")
    expect(button).to_have_value(KK_SUBMIT)
    button.click()


def expect_field_error(page: Page, field: str, message: str) -> None:
    """The message is shown in the field's own group and announced with the field."""
    control = page.locator(f"#{field}")
    expect(control).to_have_attribute("aria-invalid", "true")
    expect(control).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(control).to_have_attribute("aria-describedby", re.compile(rf"\b{field}-error\b"))
    error = page.locator(f"#{field}-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(message)
    assert error.evaluate("(el, id) => el.parentElement === document.getElementById(id)"
                          ".parentElement", field), f"the {field} error is not in its group"


def expect_thanks(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/join/thanks$"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("main h1")).to_have_text(KK_THANKS)


def observers() -> list:
    from observe.observers.models import Observer

    db.session.rollback()  # a fresh transaction sees what the live server committed
    return db.session.execute(select(Observer)).scalars().all()


def test_join_in_kazakh_on_a_phone(page: Page, console_errors, make_branch):
    active = make_branch(region="karaganda", name="Қарағанды облыстық филиалы")
    inactive = make_branch(region="karaganda", name="Жабылған филиал", is_active=False)

    page.goto("/join?src=telegram&c=spring&lang=kk")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page).to_have_title(f"{KK_TITLE} · Observe")
    expect(page.locator("main h1")).to_have_text(KK_TITLE)
    expect(page.locator("select[name=channel]")).to_have_value("telegram")
    expect(page.locator("input[name=campaign]")).to_have_value("spring")
    branch_options = page.locator("select[name=branch_id] option")
    assert branch_options.evaluate_all("(os) => os.map((o) => o.value)") == [str(active.id)]
    expect(branch_options).to_have_text([re.compile(re.escape(active.name))])
    expect(page.locator("select[name=branch_id]")).not_to_contain_text(inactive.name)

    # The bot trap is in the form but off-screen; every field a person sees has a label.
    honeypot = page.locator("input[name=website]")
    expect(honeypot).to_have_count(1)
    box = honeypot.bounding_box()
    viewport = page.viewport_size
    assert not honeypot.is_visible() or (
        box["x"] + box["width"] <= 0 or box["y"] + box["height"] <= 0
        or box["x"] >= viewport["width"]
    ), f"the honeypot is on screen at {box}"
    form = page.locator("main form")
    assert form.evaluate(UNLABELLED_FIELDS) == []

    # A mistyped IIN and no consent: rejected, with the errors in Kazakh next to the fields.
    fill_form(page, wrong_control_iin(BIRTH_DATE, serial=42), agree=False)
    submit(page)
    expect(page.locator("main .alert-danger[role=alert]")).to_have_text(KK_CORRECT_FIELDS)
    expect_field_error(page, "iin", KK_IIN_INVALID)
    expect_field_error(page, "consent", KK_CONSENT_NEEDED)
    expect_field_error(page, "declaration", KK_NOT_INDEPENDENT)
    expect(page.locator("main .invalid-feedback")).to_have_count(3)
    for name, value in TYPED.items():
        expect(page.locator(f"input[name={name}]")).to_have_value(value)
    expect(page.locator("input[name=birth_date]")).to_have_value(BIRTH_DATE.isoformat())
    for code in LANGUAGES:
        expect(page.locator(f"input[name=languages][value={code}]")).to_be_checked()
    expect(page.locator("input[name=languages][value=other]")).not_to_be_checked()
    expect(page.locator("select[name=channel]")).to_have_value("telegram")
    expect(page.locator("input[name=campaign]")).to_have_value("spring")
    assert form.evaluate(UNLABELLED_FIELDS) == []
    # Nothing, not even the long Kazakh labels and errors, pushes the page sideways.
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "join-kk-phone.png"), full_page=True)
    assert observers() == []

    # Fixed: a valid IIN for the date of birth, consent and declaration ticked.
    iin = valid_iin(BIRTH_DATE, female=True, serial=42)
    page.locator("input[name=iin]").fill(iin)
    page.fill("input[type=date][name=birth_date]", BIRTH_DATE.isoformat())
    page.locator("input[name=consent]").check()
    page.locator("input[name=declaration]").check()
    submit(page)
    expect_thanks(page)
    [observer] = observers()
    assert observer.channel == "telegram"
    assert observer.campaign == "spring"
    assert observer.phone == PHONE_E164
    assert sorted(observer.languages) == sorted(LANGUAGES)
    assert observer.iin == iin
    assert observer.birth_date == BIRTH_DATE
    assert observer.branch_id == active.id
    assert observer.repeat_applications == 0

    # The same application again: thanked the same way, counted, not duplicated.
    page.goto("/join?src=telegram&c=spring")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    fill_form(page, iin, agree=True)
    submit(page)
    expect_thanks(page)
    [again] = observers()
    assert again.id == observer.id
    assert again.repeat_applications == 1
    assert console_errors == []
