from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from observe.assignments.rules import ROLES, SHIFTS, STATUSES
from observe.extensions import db, limiter
from observe.main import bp
from observe.main.queries import home_of


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    user = current_user._get_current_object()
    # Each role's main job first, with its counts; everything else it may open below.
    return render_template("main/index.html", role=user.role, home=home_of(user),
                           shift_labels=SHIFTS, assignment_roles=ROLES,
                           assignment_statuses=STATUSES)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    # Its own connection, outside the request's session: a failure leaves nothing to roll back.
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database does not answer
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "error", database=database), status
