"""Coordinators and HQ: the posts list, a new post, its page, editing, and HQ's steps."""


from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user
from sqlalchemy import select

from observe.branches.regions import REGIONS, region_name
from observe.common.db import utcnow
from observe.common.forms import service_errors
from observe.common.pagination import paginate
from observe.common.timezones import from_local
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.permissions import acting_region, can, region_in_scope, requires
from observe.reports.models import Evidence
from observe.updates import bp, queries, services
from observe.updates.forms import ActionForm, EvidenceForm, PostForm, PublishForm, ReturnForm
from observe.updates.media import original_of, public_copy
from observe.updates.models import STATUSES, Post, PostMedia
from observe.updates.rules import personal_data_warnings


def _user():
    return current_user._get_current_object()


def load_post(post_id: int) -> Post:
    """A post of the caller's region (HQ: any), or 404."""
    post = db.session.get(Post, post_id)
    if post is None or not region_in_scope(current_user, post.region or None):
        abort(404)
    return post


def _choices(form: PostForm, region: str | None) -> None:
    own = acting_region(current_user)
    form.region.choices = ([(own, region_name(own))] if own else
                           [("", _("The whole country"))]
                           + [(code, str(name)) for code, name in REGIONS.items()])
    elections = db.session.scalars(select(Election).order_by(Election.polling_day.desc(),
                                                             Election.id.desc())).all()
    form.election_id.choices = [("", _("— none —"))] + [(e.id, e.name) for e in elections]
    region = own or region
    stations = db.session.scalars(select(PollingStation).where(
        PollingStation.region == region).order_by(PollingStation.number).limit(3000)).all() \
        if region else []
    form.station_id.choices = [("", _("— none —"))] + [
        (s.id, f"№ {s.number} · {s.district}") for s in stations]
    form.incident_id.choices = [("", _("— none —"))] + [
        (i.id, f"I-{i.id} · № {i.station.number} · {i.category}")
        for i in queries.incidents_of_region(region)]


def _fields(form: PostForm) -> dict:
    return dict(title=form.title.data or "", body=form.body.data or "",
                video_url=form.video_url.data or "", election_id=form.election_id.data,
                station_id=form.station_id.data, incident_id=form.incident_id.data,
                photos=[f for f in (form.photos.data or []) if getattr(f, "filename", "")],
                video=form.video.data if getattr(form.video.data, "filename", "") else None)


@bp.get("/")
@requires("updates.submit")
def index():
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    page = paginate(queries.posts_in_scope(current_user, status=status), per_page=30)
    return render_template("updates/index.html", page=page, status=status, statuses=STATUSES,
                           region_name=region_name, now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
@requires("updates.submit")
def new():
    form = PostForm()
    _choices(form, request.form.get("region") or request.args.get("region"))
    if request.method == "GET":
        form.region.data = acting_region(current_user) or ""
        form.incident_id.data = request.args.get("incident_id", type=int)
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            post = services.submit_post(region=form.region.data or "", actor=_user(),
                                        **_fields(form))
        if outcome.ok:
            flash(_("The post is sent to HQ for approval."), "success")
            return redirect(url_for("updates.show", post_id=post.id))
    return render_template("updates/new.html", form=form)


@bp.get("/<int:post_id>")
@requires("updates.submit")
def show(post_id: int):
    post = load_post(post_id)
    return render_template(
        "updates/show.html", post=post, region_name=region_name, action_form=ActionForm(),
        return_form=ReturnForm(), publish_form=PublishForm(), evidence_form=EvidenceForm(),
        photos=queries.incident_photos(post), hq=can(current_user, "updates.publish"),
        now=utcnow(), actions=action_labels(),
        warnings=personal_data_warnings(post.title, post.body))


def action_labels() -> dict:
    """What each version's step is called on the post's page."""
    return {"submit": _("Submitted"), "edit": _("Edited"),
            "approve": pgettext("post status", "Approved"), "return": _("Sent back"),
            "publish": pgettext("post status", "Published"),
            "withdraw": pgettext("post status", "Withdrawn"),
            "pin": _("Pinned"), "unpin": _("Unpinned"), "media": _("Photos changed")}


@bp.route("/<int:post_id>/edit", methods=["GET", "POST"])
@requires("updates.submit")
def edit(post_id: int):
    post = load_post(post_id)
    form = PostForm(obj=post)
    _choices(form, post.region)
    form.region.choices = [(post.region, region_name(post.region) if post.region
                            else _("The whole country"))]
    form.region.data = post.region
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.update_post(post, actor=_user(), **_fields(form))
        if outcome.ok:
            flash(_("Saved."), "success")
            return redirect(url_for("updates.show", post_id=post.id))
    return render_template("updates/edit.html", form=form, post=post)


@bp.post("/<int:post_id>/return")
@requires("updates.publish")
def send_back(post_id: int):
    post = load_post(post_id)
    form = ReturnForm()
    if form.validate_on_submit():
        with service_errors() as outcome:
            services.return_post(post, comment=form.comment.data, actor=_user())
        if outcome.ok:
            flash(_("Sent back to the region with your comment."), "success")
    else:
        flash(_("Say what the region should change."), "danger")
    return redirect(url_for("updates.show", post_id=post.id))


@bp.post("/<int:post_id>/publish")
@requires("updates.publish")
def publish(post_id: int):
    post = load_post(post_id)
    form = PublishForm()
    if form.validate_on_submit():
        moment = form.publish_at.data
        with service_errors() as outcome:
            services.publish_post(post, actor=_user(), publish_at=from_local(moment))
        if outcome.ok:
            flash(_("Published."), "success")
    else:
        flash(_("Give the time as day, month, year, hours and minutes."), "danger")
    return redirect(url_for("updates.show", post_id=post.id))


STEPS = {"approve": (services.approve_post, {}),
         "withdraw": (services.withdraw_post, {}),
         "pin": (services.pin_post, {"pinned": True}),
         "unpin": (services.pin_post, {"pinned": False})}


@bp.post("/<int:post_id>/<any(approve, withdraw, pin, unpin):step>")
@requires("updates.publish")
def workflow(post_id: int, step: str):
    post = load_post(post_id)
    service, extra = STEPS[step]
    if ActionForm().validate_on_submit():
        with service_errors() as outcome:
            service(post, actor=_user(), **extra)
        if outcome.ok:
            flash({"approve": _("Approved: publish it now or at a set time."),
                   "withdraw": _("Taken off the public page."),
                   "pin": _("Pinned to the top of the public page."),
                   "unpin": _("No longer pinned.")}[step], "success")
    else:
        flash(_("The action was not saved. Try again."), "danger")
    return redirect(url_for("updates.show", post_id=post.id))


def _media(post: Post, media_id: int) -> PostMedia:
    item = db.session.get(PostMedia, media_id)
    if item is None or item.post_id != post.id:
        abort(404)
    return item


@bp.post("/<int:post_id>/media/<int:media_id>/remove")
@requires("updates.submit")
def remove_media(post_id: int, media_id: int):
    item = _media(load_post(post_id), media_id)
    if ActionForm().validate_on_submit():
        with service_errors() as outcome:
            services.remove_media(item, actor=_user())
        if outcome.ok:
            flash(_("Removed from the post."), "success")
    return redirect(url_for("updates.show", post_id=post_id))


@bp.get("/<int:post_id>/media/<int:media_id>")
@requires("updates.submit")
def media(post_id: int, media_id: int):
    item = _media(load_post(post_id), media_id)
    original = original_of(item)
    if item.kind == "video":
        return send_file(original, mimetype=item.content_type, conditional=True)
    copy = public_copy(original)
    if copy is None:
        abort(404)
    return send_file(copy, mimetype="image/jpeg", conditional=True)


@bp.post("/<int:post_id>/evidence")
@requires("updates.submit")
def add_evidence(post_id: int):
    post = load_post(post_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        evidence = db.session.get(Evidence, form.evidence_id.data) \
            if str(form.evidence_id.data).isdigit() and len(form.evidence_id.data) < 10 else None
        if evidence is None or evidence.report_id != post.incident_id:
            abort(404)
        with service_errors() as outcome:
            services.use_evidence(post, evidence, confirmed=form.confirm.data, actor=_user())
        if outcome.ok:
            flash(_("The photo is added to the post."), "success")
    return redirect(url_for("updates.show", post_id=post.id))
