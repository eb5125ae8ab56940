"""The public recruitment form at /join: no account needed."""

from flask import current_app, redirect, render_template, request, url_for

from observe.branches.queries import active_branch_choices
from observe.common.forms import service_errors
from observe.extensions import limiter
from observe.observers import bp, services
from observe.observers.choices import CHANNELS
from observe.observers.forms import JoinForm


def _join_limit() -> str:
    return current_app.config["JOIN_RATE_LIMIT"]


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(_join_limit, methods=["POST"])
def join():
    form = JoinForm()
    form.branch_id.choices = active_branch_choices()
    if request.method == "GET":
        # The link that brought the volunteer says where they heard of us: /join?src=telegram&c=x
        source = request.args.get("src", "")
        form.channel.data = source if source in CHANNELS else "website"
        form.campaign.data = request.args.get("c", "")[:64]
        form.languages.data = []
    if form.is_submitted() and form.website.data:
        return redirect(url_for("observers.join_thanks"))  # a bot filled in the hidden field
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.apply(form.rule_input(), form.branch_id.data, consent=form.consent.data,
                           declaration=form.declaration.data)
        if outcome.ok:
            return redirect(url_for("observers.join_thanks"))
    return render_template("observers/join.html", form=form)


@bp.get("/join/thanks")
def join_thanks():
    return render_template("observers/join_thanks.html")
