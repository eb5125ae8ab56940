"""Training: curriculum, sessions, registration, attendance, quizzes and certification."""

from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training")

# Imported for their routes. Plain `import` binds no name here, so views/quiz.py cannot shadow
# the quiz service as observe.training.quiz (nor views/calendar.py, views/curriculum.py theirs).
import observe.training.views.attendance  # noqa: E402,F401
import observe.training.views.calendar  # noqa: E402,F401
import observe.training.views.curriculum  # noqa: E402,F401
import observe.training.views.my  # noqa: E402,F401
import observe.training.views.numbers  # noqa: E402,F401
import observe.training.views.quiz  # noqa: E402,F401
import observe.training.views.sessions  # noqa: E402,F401
