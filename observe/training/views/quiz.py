"""Module pages and the observer's certification quiz: take it, submit it once, see the result."""

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from observe.common.forms import service_errors
from observe.common.urls import parse_id
from observe.extensions import db
from observe.observers.queries import observer_of
from observe.permissions import can, requires, signed_in_observer
from observe.training import bp, services
from observe.training.models import QuizAttempt, TrainingModule
from observe.training.queries import attempt_by_uuid

# Names, not the module: `observe.training.quiz` is rebound to this views module by the
# blueprint's import line.
from observe.training.quiz import (
    attempt_review,
    attempts_left,
    open_attempt,
    passed_attempt,
    quiz_items,
    start_attempt,
    submit_attempt,
    submitted_count,
)


def _module_or_404(module_id: int) -> TrainingModule:
    module = db.get_or_404(TrainingModule, module_id)
    if not module.is_active and not can(current_user, "training.curriculum"):
        abort(404)
    return module


@bp.get("/modules/<int:module_id>")
@login_required
def module(module_id: int):
    if not (can(current_user, "training.attend") or can(current_user, "training.sessions")):
        abort(403)
    module = _module_or_404(module_id)
    observer = observer_of(current_user) if can(current_user, "training.attend") else None
    status = None
    active = sum(q.is_active for q in module.questions)
    if observer is not None and active:
        status = {"passed": passed_attempt(observer, module),
                  "left": attempts_left(observer, module),
                  "size": min(module.quiz_size, active)}
    return render_template("training/module.html", module=module, observer=observer,
                           quiz_status=status)


def _render_quiz(attempt: QuizAttempt, module: TrainingModule, *, missing=(), chosen=None,
                 status: int = 200):
    return render_template(
        "training/quiz.html", module=module, attempt=attempt, items=quiz_items(attempt),
        submission_uuid=str(uuid.uuid4()), missing=set(missing), chosen=chosen or {},
        attempt_number=submitted_count(attempt.observer, module) + 1), status


@bp.route("/modules/<int:module_id>/quiz", methods=["GET", "POST"])
@requires("training.attend")
def quiz(module_id: int):
    observer = signed_in_observer(current_user)
    module = _module_or_404(module_id)
    if request.method == "POST":
        return _submit(observer, module)
    passed = passed_attempt(observer, module)
    if passed is not None:
        flash(_("You have already passed this quiz."), "info")
        return redirect(url_for("training.quiz_result", attempt_id=passed.id))
    with service_errors() as outcome:
        attempt = start_attempt(observer, module)
    if not outcome.ok:
        return redirect(url_for("training.module", module_id=module.id))
    return _render_quiz(attempt, module)


def _submit(observer, module: TrainingModule):
    submission_uuid = request.form.get("submission_uuid", "")
    # A retried POST (the answer to the first one was lost): show the stored result.
    stored = attempt_by_uuid(submission_uuid, observer)
    if stored is not None:
        return redirect(url_for("training.quiz_result", attempt_id=stored.id))
    attempt_id = parse_id(request.form.get("attempt_id"))
    attempt = db.session.get(QuizAttempt, attempt_id) if attempt_id else None
    if attempt is None or attempt.observer_id != observer.id or attempt.module_id != module.id:
        attempt = open_attempt(observer, module)
    if attempt is None:
        flash(_("This quiz attempt is no longer open; start the quiz again."), "warning")
        return redirect(url_for("training.quiz", module_id=module.id))
    if attempt.submitted_at is not None:
        return redirect(url_for("training.quiz_result", attempt_id=attempt.id))
    answers = {question_id: request.form.getlist(f"q{question_id}", type=int)
               for question_id in attempt.question_ids}
    missing = [qid for qid, chosen in answers.items() if not chosen]
    if missing:
        flash(_("Answer every question before you submit."), "danger")
        return _render_quiz(attempt, module, missing=missing, chosen=answers, status=400)
    with service_errors() as outcome:
        attempt = submit_attempt(attempt, answers, submission_uuid,
                                 actor=current_user._get_current_object())
    if not outcome.ok:
        return redirect(url_for("training.quiz", module_id=module.id))
    return redirect(url_for("training.quiz_result", attempt_id=attempt.id))


@bp.get("/quiz/<int:attempt_id>")
@requires("training.attend")
def quiz_result(attempt_id: int):
    observer = signed_in_observer(current_user)
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.observer_id != observer.id:
        abort(404)
    if attempt.submitted_at is None:
        return redirect(url_for("training.quiz", module_id=attempt.module_id))
    module = attempt.module
    review = attempt_review(attempt)
    return render_template(
        "training/quiz_result.html", attempt=attempt, module=module, review=review,
        right=sum(item.right for item in review), total=len(review),
        left=attempts_left(observer, module), certified=services.is_certified(observer))
