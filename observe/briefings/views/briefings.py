"""Briefings: the list, building a new one, its page, editing, and the workflow steps."""

from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from observe.branches.regions import REGIONS, region_name
from observe.briefings import bp, services
from observe.briefings.forms import ActionForm, BriefingForm, EditForm
from observe.briefings.models import Briefing
from observe.briefings.queries import briefings_in_scope
from observe.briefings.views.dashboard import vocabulary
from observe.common.db import utcnow
from observe.common.forms import service_errors
from observe.common.urls import parse_id
from observe.elections.models import Election
from observe.extensions import db
from observe.permissions import acting_region, region_in_scope, requires


def _user():
    return current_user._get_current_object()


def load_briefing(briefing_id: int) -> Briefing:
    """A briefing of the caller's scope, or 404."""
    briefing = db.session.get(Briefing, briefing_id)
    if briefing is None or not region_in_scope(current_user, briefing.region or None):
        abort(404)
    return briefing


def _aware(value, election: Election | None):
    """A naive local datetime from a form, as UTC."""
    if value is None:
        return None
    zone = ZoneInfo(election.timezone if election else "Asia/Almaty")
    return value.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _local(value, election: Election):
    return value.astimezone(ZoneInfo(election.timezone or "Asia/Almaty")).replace(tzinfo=None)


@bp.get("/")
@requires("briefings.view")
def index():
    election_id = parse_id(request.args.get("election_id"))
    items = briefings_in_scope(current_user, election_id)
    return render_template("briefings/index.html", items=items, region_name=region_name)


@bp.route("/new", methods=["GET", "POST"])
@requires("briefings.manage")
def new():
    form = BriefingForm()
    elections = db.session.scalars(select(Election).order_by(Election.polling_day.desc(),
                                                             Election.id.desc())).all()
    form.election_id.choices = [(e.id, e.name) for e in elections]
    own = acting_region(current_user)
    form.region.choices = ([(own, region_name(own))] if own else
                           [("", _("The whole country"))]
                           + [(code, str(name)) for code, name in REGIONS.items()])
    if request.method == "GET":
        form.election_id.data = parse_id(request.args.get("election_id")) or (
            elections[0].id if elections else None)
        form.region.data = request.args.get("region", own or "")
        form.cutoff.data = utcnow().astimezone(ZoneInfo("Asia/Almaty")).replace(
            minute=0, second=0, microsecond=0, tzinfo=None)
        form.language.data = request.args.get("language") or "ru"
    if form.validate_on_submit():
        election = db.session.get(Election, form.election_id.data) or abort(404)
        with service_errors(form) as outcome:
            briefing = services.create_briefing(
                election, region=form.region.data or "",
                cutoff=_aware(form.cutoff.data, election), language=form.language.data,
                title=form.title.data or "", actor=_user())
        if outcome.ok:
            flash(_("The draft is ready: check the numbers and edit the text."), "success")
            return redirect(url_for("briefings.show", briefing_id=briefing.id))
    return render_template("briefings/new.html", form=form)


def _versions(briefing: Briefing) -> list[Briefing]:
    return list(db.session.scalars(select(Briefing).where(Briefing.series == briefing.series)
                                   .order_by(Briefing.version)))


@bp.get("/<int:briefing_id>")
@requires("briefings.view")
def show(briefing_id: int):
    briefing = load_briefing(briefing_id)
    return render_template("briefings/show.html", briefing=briefing,
                           figures=services.figures_of(briefing), versions=_versions(briefing),
                           action_form=ActionForm(), **vocabulary())


@bp.route("/<int:briefing_id>/edit", methods=["GET", "POST"])
@requires("briefings.manage")
def edit(briefing_id: int):
    briefing = load_briefing(briefing_id)
    if briefing.is_frozen:
        flash(_("A published briefing cannot be changed; issue a new version."), "warning")
        return redirect(url_for("briefings.show", briefing_id=briefing.id))
    form = EditForm(obj=briefing)
    if request.method == "GET":
        form.cutoff.data = _local(briefing.cutoff_at, briefing.election)
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.update_briefing(
                briefing, narrative=form.narrative.data or "", title=form.title.data or "",
                cutoff=_aware(form.cutoff.data, briefing.election), language=form.language.data,
                regenerate=form.regenerate.data, actor=_user())
        if outcome.ok:
            flash(_("Saved."), "success")
            return redirect(url_for("briefings.show", briefing_id=briefing.id))
    return render_template("briefings/edit.html", briefing=briefing, form=form)


STEPS = {"review": (services.review_briefing, "briefings.manage"),
         "publish": (services.publish_briefing, "briefings.publish"),
         "reissue": (services.reissue_briefing, "briefings.manage")}


@bp.post("/<int:briefing_id>/<any(review, publish, reissue):step>")
@requires("briefings.manage")
def workflow(briefing_id: int, step: str):
    briefing = load_briefing(briefing_id)
    service, _capability = STEPS[step]
    target = briefing
    if ActionForm().validate_on_submit():
        with service_errors() as outcome:
            target = service(briefing, actor=_user())
        if outcome.ok:
            flash({"review": _("Marked as reviewed."), "publish": _("Published."),
                   "reissue": _("Version %(version)d started as a draft.",
                                version=target.version)}[step], "success")
    else:
        flash(_("The action was not saved. Try again."), "danger")
    return redirect(url_for("briefings.show", briefing_id=target.id))
