"""The certification quiz: drawing questions, scoring a submission once, reviewing the answers."""

import random
import uuid
from dataclasses import dataclass, field

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from observe.audit.services import record
from observe.common.db import utcnow
from observe.extensions import db
from observe.observers.models import Observer
from observe.training import services
from observe.training.models import QuizAttempt, QuizOption, QuizQuestion, TrainingModule
from observe.training.services import TrainingError


def in_language(texts: dict | None, language: str) -> str:
    """A multilingual text in the given language, falling back like observe.i18n.localized."""
    if not texts:
        return ""
    return (texts.get(language) or texts.get("ru")
            or next((text for text in texts.values() if text), ""))


def current_language() -> str:
    return str(get_locale() or "ru")


def submitted_count(observer: Observer, module: TrainingModule) -> int:
    """How many attempts at the module's quiz the observer has submitted."""
    return db.session.scalar(select(func.count()).select_from(QuizAttempt).where(
        QuizAttempt.observer_id == observer.id, QuizAttempt.module_id == module.id,
        QuizAttempt.submitted_at.is_not(None))) or 0


def passed_attempt(observer: Observer, module: TrainingModule) -> QuizAttempt | None:
    """The observer's first passed attempt at the module's quiz, if any."""
    return db.session.execute(select(QuizAttempt).where(
        QuizAttempt.observer_id == observer.id, QuizAttempt.module_id == module.id,
        QuizAttempt.passed.is_(True)).order_by(QuizAttempt.id).limit(1)).scalar_one_or_none()


def open_attempt(observer: Observer, module: TrainingModule) -> QuizAttempt | None:
    """The observer's started, not yet submitted attempt at the module's quiz, if any."""
    return db.session.execute(select(QuizAttempt).where(
        QuizAttempt.observer_id == observer.id, QuizAttempt.module_id == module.id,
        QuizAttempt.submitted_at.is_(None)).order_by(QuizAttempt.id.desc()).limit(1)
    ).scalar_one_or_none()


def attempts_left(observer: Observer, module: TrainingModule) -> int:
    """Submissions still allowed (0 once passed: there is nothing left to retry)."""
    if passed_attempt(observer, module) is not None:
        return 0
    return max(module.max_attempts - submitted_count(observer, module), 0)


def active_question_ids(module: TrainingModule) -> list[int]:
    return list(db.session.execute(select(QuizQuestion.id).where(
        QuizQuestion.module_id == module.id, QuizQuestion.is_active.is_(True))
        .order_by(QuizQuestion.id)).scalars())


def start_attempt(observer: Observer, module: TrainingModule) -> QuizAttempt:
    """Resume the observer's open attempt at the module's quiz, or draw a new one.

    A new attempt draws min(quiz_size, active questions) questions with a generator seeded from
    the attempt itself, and keeps their ids, so every rendering shows the same questions.
    """
    if passed_attempt(observer, module) is not None:
        raise TrainingError(_("You have already passed this quiz."))
    if not observer.is_accepted:
        raise TrainingError(_("Only approved observers can take the quiz."))
    attempt = open_attempt(observer, module)
    if attempt is not None:
        # Nothing is answered yet, so the quiz follows the interface language.
        attempt.language = current_language()
        db.session.flush()
        return attempt
    if submitted_count(observer, module) >= module.max_attempts:
        raise TrainingError(ngettext(
            "You have used your %(num)d attempt at this quiz. Your coordinator can advise you "
            "on what to do next.",
            "You have used all %(num)d attempts at this quiz. Your coordinator can advise you "
            "on what to do next.", module.max_attempts))
    pool = active_question_ids(module)
    if not pool:
        raise TrainingError(_("This module has no quiz yet."))
    attempt = QuizAttempt(observer_id=observer.id, module_id=module.id, question_ids=[],
                          answers={}, language=current_language(), started_at=utcnow())
    db.session.add(attempt)
    db.session.flush()
    rng = random.Random(_seed(attempt))
    attempt.question_ids = rng.sample(pool, min(max(module.quiz_size, 1), len(pool)))
    db.session.flush()
    return attempt


def _seed(attempt: QuizAttempt, question_id: int | None = None) -> str:
    """A seed derived from the attempt (and a question): the same on every rendering."""
    base = f"quiz:{attempt.id}:{attempt.observer_id}:{attempt.module_id}"
    return base if question_id is None else f"{base}:{question_id}"


def attempt_questions(attempt: QuizAttempt) -> list[QuizQuestion]:
    """The attempt's questions in the drawn order (questions deleted since are left out)."""
    ids = [int(qid) for qid in attempt.question_ids or []]
    if not ids:
        return []
    found = {q.id: q for q in db.session.execute(
        select(QuizQuestion).where(QuizQuestion.id.in_(ids))).scalars()}
    return [found[qid] for qid in ids if qid in found]


def shuffled_options(attempt: QuizAttempt, question: QuizQuestion) -> list[QuizOption]:
    """The question's options in an order fixed for this attempt, so position gives nothing away."""
    options = list(question.options)
    random.Random(_seed(attempt, question.id)).shuffle(options)
    return options


@dataclass
class QuizItem:
    """One question as shown in the quiz: its text and options in the attempt's language."""

    question: QuizQuestion
    number: int
    text: str
    multiple: bool
    options: list[tuple[int, str]]  # (option id, text)


def quiz_items(attempt: QuizAttempt) -> list[QuizItem]:
    """The questions to show for an open attempt, in its language."""
    language = attempt.language or current_language()
    return [QuizItem(question=q, number=n, text=in_language(q.text, language),
                     multiple=q.multiple,
                     options=[(o.id, in_language(o.text, language))
                              for o in shuffled_options(attempt, q)])
            for n, q in enumerate(attempt_questions(attempt), start=1)]


def _clean_answers(questions: list[QuizQuestion], answers: dict) -> dict[str, list[int]]:
    """Keep only options of the drawn questions; a question answered with nothing is left out."""
    clean = {}
    for question in questions:
        raw = answers.get(question.id, answers.get(str(question.id))) or []
        valid = {o.id for o in question.options}
        chosen = sorted({int(o) for o in raw if str(o).isdigit() and int(o) in valid})
        if chosen:
            clean[str(question.id)] = chosen
    return clean


def is_right(question: QuizQuestion, chosen: set[int]) -> bool:
    """Right when the chosen options are exactly the correct ones (one, for single choice)."""
    correct = {o.id for o in question.options if o.is_correct}
    if not question.multiple and len(chosen) != 1:
        return False
    return bool(correct) and chosen == correct


def submit_attempt(attempt: QuizAttempt, answers: dict, submission_uuid: str, *,
                   actor=None) -> QuizAttempt:
    """Score an attempt once; a retried or repeated submission gets the stored result unchanged.

    The attempt is claimed with one conditional UPDATE (still unsubmitted), which the database
    applies atomically, so two racing submissions cannot both be scored.
    """
    if attempt.submitted_at is not None:
        return attempt
    try:
        submission_uuid = str(uuid.UUID(str(submission_uuid)))
    except ValueError:
        raise TrainingError(_("The form was incomplete; please submit the quiz again.")) from None
    stored = db.session.execute(select(QuizAttempt).where(
        QuizAttempt.submission_uuid == submission_uuid)).scalar_one_or_none()
    if stored is not None:
        if stored.observer_id != attempt.observer_id:
            raise TrainingError(_("The form was incomplete; please submit the quiz again."))
        return stored
    now = utcnow()
    try:
        # In a savepoint: the same submission racing in twice breaks the unique id, and only
        # this statement is undone; the copy stored first stands.
        with db.session.begin_nested():
            claimed = db.session.execute(
                update(QuizAttempt)
                .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
                .values(submitted_at=now, submission_uuid=submission_uuid)
                .execution_options(synchronize_session=False)
            ).rowcount
    except IntegrityError:
        stored = db.session.execute(select(QuizAttempt).where(
            QuizAttempt.submission_uuid == submission_uuid)).scalar_one_or_none()
        if stored is None or stored.observer_id != attempt.observer_id:
            raise
        return stored
    db.session.refresh(attempt)
    if claimed != 1:
        return attempt
    questions = attempt_questions(attempt)
    clean = _clean_answers(questions, answers or {})
    right = sum(is_right(q, set(clean.get(str(q.id), []))) for q in questions)
    total = len(questions)
    module = db.session.get(TrainingModule, attempt.module_id)
    attempt.answers = clean
    attempt.score_percent = round(100 * right / total) if total else 0
    attempt.passed = attempt.score_percent >= module.pass_mark_percent
    db.session.flush()
    record("training.quiz_submit", attempt, actor=actor,
           summary=f"{attempt.score_percent}% {'passed' if attempt.passed else 'failed'}",
           after={"module_id": attempt.module_id, "observer_id": attempt.observer_id,
                  "right": right, "total": total, "score_percent": attempt.score_percent,
                  "passed": attempt.passed, "submission_uuid": submission_uuid})
    if attempt.passed:
        services.certify_if_qualified(db.session.get(Observer, attempt.observer_id))
    return attempt


@dataclass
class ReviewOption:
    id: int
    text: str
    correct: bool
    chosen: bool


@dataclass
class ReviewItem:
    number: int
    text: str
    multiple: bool
    right: bool
    options: list[ReviewOption] = field(default_factory=list)

    @property
    def chosen(self) -> list[ReviewOption]:
        return [o for o in self.options if o.chosen]

    @property
    def correct(self) -> list[ReviewOption]:
        return [o for o in self.options if o.correct]


def attempt_review(attempt: QuizAttempt) -> list[ReviewItem]:
    """Each question of a submitted attempt: what was chosen, what is correct, right or wrong."""
    answers = attempt.answers or {}
    items = []
    for number, question in enumerate(attempt_questions(attempt), start=1):
        chosen = {int(o) for o in answers.get(str(question.id), [])}
        options = [ReviewOption(id=o.id, text=in_language(o.text, current_language()),
                                correct=o.is_correct, chosen=o.id in chosen)
                   for o in shuffled_options(attempt, question)]
        items.append(ReviewItem(number=number, text=in_language(question.text,
                                                                  current_language()),
                                multiple=question.multiple, right=is_right(question, chosen),
                                options=options))
    return items
