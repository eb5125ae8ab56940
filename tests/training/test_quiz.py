"""The certification quiz: drawing, scoring, retries stored once, attempt limit, certification."""

import re
import uuid

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.extensions import db
from observe.observers.models import StatusChange
from observe.training.models import QuizAttempt, QuizOption, QuizQuestion, TrainingModule
from observe.training.quiz import (
    active_question_ids,
    attempt_review,
    is_right,
    start_attempt,
    submit_attempt,
)
from observe.training.quiz_bank import BANK, ensure_demo_questions
from observe.training.services import AttendanceMark, TrainingError, mark_attendance


def add_question(module, number, *, multiple=False, correct=(0,), options=3, active=True):
    question = QuizQuestion(
        module_id=module.id, multiple=multiple, is_active=active,
        text={"ru": f"Вопрос {number}", "kk": f"Сұрақ {number}", "en": f"Question {number}"})
    question.options = [QuizOption(text={"ru": f"Ответ {number}.{i}", "kk": f"Жауап {number}.{i}",
                                         "en": f"Answer {number}.{i}"},
                                   is_correct=i in correct) for i in range(options)]
    db.session.add(question)
    db.session.flush()
    return question


def correct_ids(question) -> list[int]:
    return [o.id for o in question.options if o.is_correct]


def wrong_ids(question) -> list[int]:
    return [o.id for o in question.options if not o.is_correct][:1]


def all_right(attempt) -> dict[int, list[int]]:
    return {qid: correct_ids(db.session.get(QuizQuestion, qid)) for qid in attempt.question_ids}


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def module(modules):
    """The first standard module, with six questions (quiz of 4, pass mark 75%, 2 attempts)."""
    module = modules[0]
    module.quiz_size, module.pass_mark_percent, module.max_attempts = 4, 75, 2
    for number in range(1, 6):
        add_question(module, number)
    add_question(module, 6, multiple=True, correct=(0, 2), options=4)
    db.session.commit()
    return module


@pytest.fixture
def trainee(make_branch, make_trainee):
    return make_trainee(make_branch())


def test_draw_respects_quiz_size_and_only_active_questions(app, module, make_trainee,
                                                           make_branch):
    inactive = add_question(module, 7, active=False)
    db.session.commit()
    branch = make_branch()
    active_ids = set(active_question_ids(module))
    assert inactive.id not in active_ids and len(active_ids) == 6
    drawn = set()
    for _ in range(8):
        attempt = start_attempt(make_trainee(branch), module)
        assert len(attempt.question_ids) == 4
        assert len(set(attempt.question_ids)) == 4
        assert set(attempt.question_ids) <= active_ids
        drawn |= set(attempt.question_ids)
    assert len(drawn) > 4  # different observers get different draws

    module.quiz_size = 10  # more than the bank: every active question, once
    db.session.commit()
    attempt = start_attempt(make_trainee(branch), module)
    assert sorted(attempt.question_ids) == sorted(active_ids)


def test_same_questions_on_reload_and_in_the_language(client, login_as, module, trainee):
    login_as(trainee.user)
    first = client.get(f"/training/modules/{module.id}/quiz?lang=kk")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    shown = re.findall(r'name="q(\d+)"', html)
    again = client.get(f"/training/modules/{module.id}/quiz").get_data(as_text=True)
    assert re.findall(r'name="q(\d+)"', again) == shown  # same questions, options, order
    assert re.findall(r'value="(\d+)"\s', again) == re.findall(r'value="(\d+)"\s', html)
    assert count(QuizAttempt) == 1
    attempt = db.session.execute(select(QuizAttempt)).scalar_one()
    assert attempt.language == "kk"
    assert [str(qid) for qid in attempt.question_ids] == list(dict.fromkeys(shown))
    assert "Сұрақ" in html and "Вопрос" not in html and "Question " not in html
    assert '<fieldset' in html and '<legend' in html
    assert 'type="radio"' in html
    multiple = next(q for q in module.questions if q.multiple)
    if multiple.id in attempt.question_ids:
        assert 'type="checkbox"' in html
    assert 'name="submission_uuid"' in html


def test_checkboxes_for_multiple_choice(client, login_as, module, trainee):
    module.quiz_size = 6
    db.session.commit()
    login_as(trainee.user)
    html = client.get(f"/training/modules/{module.id}/quiz?lang=en").get_data(as_text=True)
    multiple = next(q for q in module.questions if q.multiple)
    for option in multiple.options:
        assert re.search(rf'type="checkbox"\s+name="q{multiple.id}"[^>]*value="{option.id}"',
                         html)
    assert html.count('type="radio"') == 5 * 3


def test_scoring_single_and_multiple(app, module, trainee):
    module.quiz_size, module.pass_mark_percent = 6, 80
    db.session.commit()
    attempt = start_attempt(trainee, module)
    multiple = next(q for q in module.questions if q.multiple)
    single = [db.session.get(QuizQuestion, qid) for qid in attempt.question_ids
              if qid != multiple.id]
    answers = all_right(attempt)
    # A partial multiple-choice answer is wrong; one wrong single choice too: 4 of 6 right.
    answers[multiple.id] = correct_ids(multiple)[:1]
    answers[single[0].id] = wrong_ids(single[0])
    result = submit_attempt(attempt, answers, str(uuid.uuid4()))
    assert result.score_percent == 67  # round(100 * 4 / 6)
    assert result.passed is False
    review = {item.text: item for item in attempt_review(result)}
    assert review["Question 6"].right is False  # tests run services in English
    assert review[single[0].text["en"]].right is False
    assert sum(item.right for item in review.values()) == 4


def test_multiple_choice_needs_exactly_the_correct_set(app, module, trainee):
    multiple = next(q for q in module.questions if q.multiple)
    ids = correct_ids(multiple)
    assert is_right(multiple, set(ids))
    assert not is_right(multiple, set(ids[:1]))
    assert not is_right(multiple, {o.id for o in multiple.options})  # everything ticked
    single = next(q for q in module.questions if not q.multiple)
    assert is_right(single, set(correct_ids(single)))
    assert not is_right(single, {o.id for o in single.options})


def test_pass_mark(app, module, make_branch, make_trainee):
    branch = make_branch()
    # 4 questions, pass mark 75%: 3 right passes, 2 right does not.
    for right, passed in ((3, True), (2, False)):
        attempt = start_attempt(make_trainee(branch), module)
        answers = all_right(attempt)
        for qid in attempt.question_ids[right:]:
            answers[qid] = wrong_ids(db.session.get(QuizQuestion, qid))
        result = submit_attempt(attempt, answers, str(uuid.uuid4()))
        assert result.score_percent == 25 * right
        assert result.passed is passed


def test_retried_post_is_stored_once(client, login_as, module, trainee):
    login_as(trainee.user)
    client.get(f"/training/modules/{module.id}/quiz")
    attempt = db.session.execute(select(QuizAttempt)).scalar_one()
    form = {"attempt_id": attempt.id, "submission_uuid": str(uuid.uuid4())}
    for qid, option_ids in all_right(attempt).items():
        form[f"q{qid}"] = option_ids
    first = client.post(f"/training/modules/{module.id}/quiz", data=form)
    assert first.status_code == 302
    assert first.headers["Location"].endswith(f"/training/quiz/{attempt.id}")
    # The same submission again, even with other answers: the stored result stands.
    changed = {**form, **{f"q{qid}": wrong_ids(db.session.get(QuizQuestion, qid))
                          for qid in attempt.question_ids}}
    second = client.post(f"/training/modules/{module.id}/quiz", data=changed)
    assert second.headers["Location"] == first.headers["Location"]
    db.session.expire_all()
    assert count(QuizAttempt) == 1
    assert count(AuditEntry, AuditEntry.action == "training.quiz_submit") == 1
    stored = db.session.get(QuizAttempt, attempt.id)
    assert stored.score_percent == 100 and stored.passed is True
    assert stored.submission_uuid == form["submission_uuid"]


def test_resubmitting_a_submitted_attempt_keeps_the_result(app, module, trainee):
    attempt = start_attempt(trainee, module)
    result = submit_attempt(attempt, {}, str(uuid.uuid4()))
    assert result.score_percent == 0 and result.passed is False
    again = submit_attempt(attempt, all_right(attempt), str(uuid.uuid4()))
    assert again.score_percent == 0 and again.passed is False
    assert count(AuditEntry, AuditEntry.action == "training.quiz_submit") == 1


def test_unanswered_questions_are_asked_for(client, login_as, module, trainee):
    login_as(trainee.user)
    client.get(f"/training/modules/{module.id}/quiz")
    attempt = db.session.execute(select(QuizAttempt)).scalar_one()
    first = attempt.question_ids[0]
    response = client.post(f"/training/modules/{module.id}/quiz?lang=en", data={
        "attempt_id": attempt.id, "submission_uuid": str(uuid.uuid4()),
        f"q{first}": correct_ids(db.session.get(QuizQuestion, first))})
    assert response.status_code == 400
    assert "Answer every question before you submit." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).submitted_at is None


def test_attempt_limit_refuses_with_a_message(client, login_as, module, trainee):
    for _ in range(module.max_attempts):
        attempt = start_attempt(trainee, module)
        submit_attempt(attempt, {}, str(uuid.uuid4()))
    db.session.commit()
    with force_locale("en"), pytest.raises(TrainingError, match="used all 2 attempts"):
        start_attempt(trainee, module)

    login_as(trainee.user)
    response = client.get(f"/training/modules/{module.id}/quiz?lang=en", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "You have used all 2 attempts at this quiz." in html
    assert count(QuizAttempt) == 2


def test_a_passed_quiz_is_not_taken_again(client, login_as, module, trainee):
    attempt = start_attempt(trainee, module)
    submit_attempt(attempt, all_right(attempt), str(uuid.uuid4()))
    db.session.commit()
    with force_locale("en"), pytest.raises(TrainingError, match="already passed"):
        start_attempt(trainee, module)
    login_as(trainee.user)
    response = client.get(f"/training/modules/{module.id}/quiz")
    assert response.headers["Location"].endswith(f"/training/quiz/{attempt.id}")


def test_an_open_attempt_is_resumed(app, module, trainee):
    first = start_attempt(trainee, module)
    assert start_attempt(trainee, module).id == first.id
    assert count(QuizAttempt) == 1


def test_result_page_shows_score_and_what_was_wrong(client, login_as, module, trainee):
    attempt = start_attempt(trainee, module)
    answers = all_right(attempt)
    wrong_question = db.session.get(QuizQuestion, attempt.question_ids[0])
    answers[wrong_question.id] = wrong_ids(wrong_question)
    submit_attempt(attempt, answers, str(uuid.uuid4()))
    db.session.commit()

    review = attempt_review(attempt)
    assert [item.right for item in review] == [False, True, True, True]
    # Options are reviewed in the attempt's shuffled order: compare them as sets.
    assert {o.id for o in review[0].chosen} == set(wrong_ids(wrong_question))
    assert {o.id for o in review[0].correct} == set(correct_ids(wrong_question))

    login_as(trainee.user)
    html = client.get(f"/training/quiz/{attempt.id}?lang=en").get_data(as_text=True)
    assert "Score: 75%" in html and "Passed" in html
    assert html.count('data-right="false"') == 1 and html.count('data-right="true"') == 3
    assert "correct answer" in html and "your answer" in html
    assert wrong_question.text["en"] in html


def test_failed_result_offers_a_retry(client, login_as, module, trainee):
    attempt = start_attempt(trainee, module)
    submit_attempt(attempt, {}, str(uuid.uuid4()))
    db.session.commit()
    login_as(trainee.user)
    html = client.get(f"/training/quiz/{attempt.id}?lang=en").get_data(as_text=True)
    assert "Not passed" in html
    assert "You have 1 attempt left." in html
    assert f'href="/training/modules/{module.id}/quiz"' in html


def test_passing_after_attendance_certifies(app, modules, make_branch, make_trainee,
                                            make_session, make_user):
    ensure_demo_questions(modules)
    db.session.commit()
    branch = make_branch()
    trainee = make_trainee(branch)
    session = make_session(branch, covers=modules)
    mark_attendance(session, [AttendanceMark(trainee.id, True, 90)], actor=make_user("hq"))
    db.session.commit()
    assert trainee.status == "approved"
    for module in modules:
        attempt = start_attempt(trainee, module)
        submit_attempt(attempt, all_right(attempt), str(uuid.uuid4()))
    db.session.commit()
    assert trainee.status == "certified"
    change = db.session.execute(select(StatusChange).where(
        StatusChange.observer_id == trainee.id, StatusChange.to_status == "certified")
    ).scalar_one()
    assert change.from_status == "approved"


def test_passing_without_attendance_does_not_certify(app, modules, make_branch, make_trainee):
    ensure_demo_questions(modules)
    db.session.commit()
    trainee = make_trainee(make_branch())
    for module in modules:
        attempt = start_attempt(trainee, module)
        assert submit_attempt(attempt, all_right(attempt), str(uuid.uuid4())).passed
    db.session.commit()
    assert trainee.status == "approved"
    assert count(StatusChange, StatusChange.to_status == "certified") == 0


def test_demo_bank(app, modules):
    assert ensure_demo_questions(modules) == sum(len(BANK[m.code]) for m in modules)
    assert ensure_demo_questions(modules) == 0  # only into modules without questions
    for module in modules:
        db.session.refresh(module)
        assert len(module.questions) >= 5
        assert any(q.multiple for q in module.questions)
        for question in module.questions:
            assert set(question.text) == {"ru", "kk", "en"} and all(question.text.values())
            assert any(o.is_correct for o in question.options)
            assert question.multiple or sum(o.is_correct for o in question.options) == 1
            for option in question.options:
                assert set(option.text) == {"ru", "kk", "en"} and all(option.text.values())


def test_another_observers_result_is_404(client, login_as, module, make_branch, make_trainee):
    branch = make_branch()
    owner, other = make_trainee(branch), make_trainee(branch)
    attempt = start_attempt(owner, module)
    submit_attempt(attempt, {}, str(uuid.uuid4()))
    db.session.commit()
    login_as(other.user)
    assert client.get(f"/training/quiz/{attempt.id}").status_code == 404
    assert client.get("/training/quiz/999999").status_code == 404
    login_as(owner.user)
    assert client.get(f"/training/quiz/{attempt.id}").status_code == 200


def test_module_page(client, login_as, login, module, trainee):
    from observe.training.models import ModuleMaterial

    module.description = {"ru": "Описание", "kk": "Сипаттама", "en": "What the module covers"}
    db.session.add(ModuleMaterial(module_id=module.id, title="Slides",
                                  url="https://example.org/slides.pdf"))
    db.session.commit()
    login_as(trainee.user)
    html = client.get(f"/training/modules/{module.id}?lang=en").get_data(as_text=True)
    assert "An observer&#39;s tasks on polling day" in html
    assert "What the module covers" in html
    assert 'href="https://example.org/slides.pdf"' in html
    assert f'href="/training/modules/{module.id}/quiz"' in html
    client.post("/logout")
    login("coordinator")
    assert client.get(f"/training/modules/{module.id}").status_code == 200
    assert client.get("/training/modules/999999").status_code == 404


def test_training_page_links_to_the_quiz(client, login_as, module, trainee):
    login_as(trainee.user)
    html = client.get("/training/?lang=en").get_data(as_text=True)
    assert f'href="/training/modules/{module.id}/quiz"' in html
    assert "Take the quiz" in html
    attempt = start_attempt(trainee, module)
    submit_attempt(attempt, all_right(attempt), str(uuid.uuid4()))
    db.session.commit()
    assert "Quiz passed" in client.get("/training/?lang=en").get_data(as_text=True)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_staff_and_anonymous_cannot_take_quizzes(client, login, module, method):
    url = f"/training/modules/{module.id}/quiz"
    response = client.open(url, method=method)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/training/quiz/1").headers["Location"].startswith("/login")
    assert client.get(f"/training/modules/{module.id}").headers["Location"].startswith(
        "/login")
    for role in ("coordinator", "hq", "admin"):
        client.post("/logout")
        login(role)
        assert client.open(url, method=method).status_code == 403
        assert client.get("/training/quiz/1").status_code == 403
    assert count(QuizAttempt) == 0


def test_observer_account_without_record_is_refused(client, login, module):
    login("observer")
    assert client.get(f"/training/modules/{module.id}/quiz").status_code == 403


def test_inactive_module_is_hidden_from_observers(client, login_as, module, trainee):
    module.is_active = False
    db.session.commit()
    login_as(trainee.user)
    assert client.get(f"/training/modules/{module.id}/quiz").status_code == 404
    assert client.get(f"/training/modules/{module.id}").status_code == 404
    assert db.session.get(TrainingModule, module.id) is not None
