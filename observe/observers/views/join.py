"""The public recruitment form at /join: no account needed."""

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from observe.branches.models import Branch
from observe.common.forms import attach_errors
from observe.extensions import db, limiter
from observe.observers import bp, services
from observe.observers.choices import CHANNELS
from observe.observers.forms import JoinForm
from observe.observers.queries import active_branch_options
from observe.observers.rules import validate_applicant


def _join_limit() -> str:
    return current_app.config["JOIN_RATE_LIMIT"]


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(_join_limit, methods=["POST"])
def join():
    form = JoinForm()
    form.branch_id.choices = active_branch_options()
    if request.method == "GET":
        # The link that brought the volunteer says where they heard of us: /join?src=telegram&c=x
        source = request.args.get("src", "")
        form.channel.data = source if source in CHANNELS else "website"
        form.campaign.data = request.args.get("c", "")[:64]
        form.languages.data = []
    if form.is_submitted():
        if form.website.data:
            return redirect(url_for("observers.join_thanks"))
        form_valid = form.validate()
        clean, errors = validate_applicant({**form.rule_input(), "channel": form.channel.data,
                                            "campaign": form.campaign.data})
        branch = db.session.get(Branch, form.branch_id.data) if form.branch_id.data else None
        if branch is None or not branch.is_active:
            errors["branch_id"] = _("Choose your region and branch.")
        if form_valid and not errors:
            services.submit_application(clean, branch)
            db.session.commit()
            return redirect(url_for("observers.join_thanks"))
        attach_errors(form, errors)
    return render_template("observers/join.html", form=form)


@bp.get("/join/thanks")
def join_thanks():
    return render_template("observers/join_thanks.html")
