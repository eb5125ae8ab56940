"""Training on a phone: an approved observer registers for a session and passes a module's quiz.

The page is in English (?lang=en), so the assertions do not depend on catalogs still being
translated; the questions come from the starter bank, in English too.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from observe.extensions import db
from observe.training.models import QuizAttempt, QuizOption
from observe.training.quiz_bank import ensure_demo_questions
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_foundation import sign_in

pytestmark = pytest.mark.parametrize("page", ["phone"], indirect=True)


def test_observer_registers_and_passes_a_quiz(page: Page, console_errors, modules, make_branch,
                                              make_session, make_trainee):
    ensure_demo_questions(modules)
    db.session.commit()
    branch = make_branch()
    session = make_session(branch, covers=modules[:2], title="Polling day basics (Zoom)")
    observer = make_trainee(branch)
    module = modules[0]

    sign_in(page, observer.user)
    page.goto("/training/?lang=en")
    expect(page.locator("main h1")).to_have_text("My training")
    card = page.locator("main article.card", has_text=session.title)
    expect(card.locator('a[href*="zoom.us"]')).to_have_count(0)  # only once registered
    register = card.locator(f'form[action="/training/sessions/{session.id}/register"] button')
    expect(register).to_have_text("Register")
    register.click()

    expect(page).to_have_url(re.compile(r"/training/$"))
    expect(page.locator("main .alert-success")).to_contain_text(session.title)
    card = page.locator("main article.card", has_text=session.title)
    expect(card.locator(".badge", has_text="registered")).to_be_visible()
    expect(card.locator('a[href="https://zoom.us/j/123456789"]')).to_be_visible()

    quiz_link = page.locator(f'main a.quiz-link[href="/training/modules/{module.id}/quiz"]')
    expect(quiz_link).to_have_text("Take the quiz")
    quiz_link.click()
    expect(page).to_have_url(re.compile(rf"/training/modules/{module.id}/quiz$"))
    expect(page.locator("main h1")).to_contain_text("Quiz")
    fieldsets = page.locator("main form fieldset")
    expect(fieldsets).to_have_count(module.quiz_size)
    expect(fieldsets.first.locator("legend")).not_to_be_empty()

    # Answer everything right: the correct options of the questions on the page.
    names = sorted({name for name in page.locator("main form input[name^=q]").evaluate_all(
        "(inputs) => inputs.map((el) => el.name)")})
    assert len(names) == module.quiz_size
    for name in names:
        correct = db.session.execute(select(QuizOption.id).where(
            QuizOption.question_id == int(name[1:]), QuizOption.is_correct.is_(True))).scalars()
        for option_id in correct:
            page.locator(f'input[name="{name}"][value="{option_id}"]').check()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "quiz-phone.png"), full_page=True)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/training/quiz/\d+$"))
    expect(page.locator("main .quiz-score")).to_have_text("Score: 100%")
    expect(page.locator("main .quiz-verdict")).to_have_text("Passed")
    expect(page.locator('main .quiz-review-item[data-right="true"]')).to_have_count(
        module.quiz_size)
    expect(page.locator('main .quiz-review-item[data-right="false"]')).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "quiz-result-phone.png"), full_page=True)

    # Back on the training page the module shows its quiz as passed.
    page.locator("main a", has_text="Back to my training").click()
    expect(page.locator(f'main a.quiz-link[href="/training/modules/{module.id}/quiz"]')
           ).to_have_text("Quiz passed")
    attempt = db.session.execute(select(QuizAttempt)).scalar_one()
    assert attempt.passed and attempt.score_percent == 100 and attempt.language == "en"
    assert console_errors == []


def test_speakers_fit_a_phone(page: Page, console_errors, make_user):
    """Every speaker's name, role, bio and edit button is within a 390 px screen: nothing to
    scroll sideways, inside the list or out of it."""
    from observe.training.models import Speaker

    db.session.add_all([
        Speaker(name="Айдар Сейтказин", role="Тренер, наблюдатель с 2015 года",
                bio="Подготовил более тысячи наблюдателей к республиканским и местным выборам, "
                    "ведёт занятия о подсчёте голосов и составлении протокола."),
        Speaker(name="Салтанат Омарова-Жакупбекова",
                role="Политолог, исследователь избирательного законодательства",
                bio="Изучает работу избирательных комиссий Центральной Азии.")])
    db.session.commit()
    sign_in(page, make_user("hq"))
    page.goto("/training/speakers/")
    expect(page.locator("main h1")).to_be_visible()
    width = page.evaluate("window.innerWidth")
    assert width == 390
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for text in ("Айдар Сейтказин", "Политолог, исследователь избирательного законодательства",
                 "Изучает работу избирательных комиссий Центральной Азии."):
        box = page.get_by_text(text, exact=True).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (text, box)
    buttons = page.locator('main a[href^="/training/speakers/"][href$="/edit"]')
    expect(buttons).to_have_count(2)
    for button in buttons.all():
        box = button.bounding_box()
        assert box and box["x"] + box["width"] <= width, box
    page.screenshot(path=str(SCREENSHOTS / "speakers-phone.png"), full_page=True)
    assert console_errors == []
