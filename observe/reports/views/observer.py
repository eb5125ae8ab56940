"""The observer's polling day on a phone: the hub, check-in, checklists, turnout, incidents,
protocols, and their own reports with receipts."""

import hashlib
import hmac
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from observe.common.forms import service_errors
from observe.common.timezones import LOCAL_ZONE
from observe.i18n import localized
from observe.main.template_helpers import local_datetime
from observe.permissions import requires, signed_in_observer
from observe.reports import bp, services
from observe.reports.evidence import evidence_path, thumbnail_path
from observe.reports.forms import (
    CheckInForm,
    EvidenceForm,
    IncidentForm,
    TurnoutForm,
    checklist_form,
    protocol_form,
    question_fields,
)
from observe.reports.queries import (
    own_report,
    own_reports,
    reporting_assignment,
    reporting_assignments,
    station_contests,
    station_day,
    visible_evidence,
)
from observe.reports.rules import (
    CATEGORY_LABELS,
    KIND_LABELS,
    MISMATCH_LABELS,
    PHASE_LABELS,
    PHASES,
    SEVERITY_LABELS,
    STATUS_LABELS,
    TURNOUT_HOURS,
)

# The check-in page asks the phone for its location; every other page keeps it off.
LOCATION_ALLOWED = {"permissions_policy": {"geolocation": "(self)", "camera": "()",
                                           "microphone": "()"}}


def allow_location(view):
    """Let this page ask for the phone's location (the app's policy forbids it elsewhere)."""
    view.talisman_view_options = LOCATION_ALLOWED
    return view


# The pages the phone's service worker may keep (the observer's own, never staff pages): shown
# from the phone at once on a later visit, and offline, then refreshed from the network.
KEPT_PAGES = {"reports.hub", "reports.check_in", "reports.checklist", "reports.turnout",
              "reports.incident", "reports.protocol", "reports.mine", "reports.receipt"}
OWNER_HEADER = "X-Observe-Owner"
# The same key in a cookie that lives as long as the browser's sign-in session (no expiry, like
# the session's): the worker shows kept pages only while it names their account, so a browser
# restarted (session gone) shows nothing kept, even offline. It grants nothing by itself.
OWNER_COOKIE = "observe_pages"


def page_owner(user) -> str:
    """An opaque key of the signed-in account: the worker keeps its pages under it, so pages
    kept for one account are never shown to another on the same phone."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"report-pages:{user.id}".encode(), hashlib.sha256).hexdigest()[:24]


@bp.app_template_global("report_page_owner")
def report_page_owner() -> str:
    """The key the offline queue marks its reports with (empty when signed out)."""
    return "" if current_user.is_anonymous else page_owner(current_user)


@bp.before_request
def note_keepable_page() -> None:
    """Before the view (and the request's commit): may the worker keep this page, and for whom?
    Not a page showing a flash message (a receipt's "Received at" must not come back)."""
    if (request.method == "GET" and request.endpoint in KEPT_PAGES
            and not current_user.is_anonymous and "_flashes" not in session):
        g.report_page_owner = page_owner(current_user)


@bp.after_request
def mark_keepable_page(response):
    owner = g.get("report_page_owner")
    if owner and response.status_code == 200 and response.mimetype == "text/html":
        response.headers[OWNER_HEADER] = owner
        if request.cookies.get(OWNER_COOKIE) != owner:
            response.set_cookie(OWNER_COOKIE, owner, samesite="Lax", httponly=False,
                                secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker (templates/reports/sw.js), scoped to the whole site so that it sees
    sign-in and sign-out, which empty its pages. Public: it holds no personal data."""
    bootstrap = current_app.extensions["bootstrap"]
    tags = str(bootstrap.load_css()) + str(bootstrap.load_js())
    assets = re.findall(r'(?:href|src)="([^"]+)"', tags) + [
        url_for("static", filename=name) for name in
        ("css/observe.css", "favicon.svg", "js/observe.js", "js/reports/polling.js")]
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    response = current_app.response_class(
        render_template("reports/sw.js", assets=assets, version=version,
                        owner_header=OWNER_HEADER, owner_cookie=OWNER_COOKIE),
        mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


def vocabulary() -> dict:
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS,
            "category_labels": CATEGORY_LABELS, "severity_labels": SEVERITY_LABELS,
            "phase_labels": PHASE_LABELS, "mismatch_labels": MISMATCH_LABELS}


def _station(station_id: int):
    """(observer, assignment) of the signed-in observer's reporting station; 404 for others."""
    observer = signed_in_observer(current_user)
    assignment = reporting_assignment(observer, station_id)
    if assignment is None:
        abort(404)
    return observer, assignment


def _zone(election) -> ZoneInfo:
    try:
        return ZoneInfo(election.timezone or "Asia/Almaty")
    except (ValueError, KeyError):
        return LOCAL_ZONE


def _today_at(clock, election) -> datetime | None:
    """A time of day on today's local date (reports are sent on the day), in UTC."""
    if clock is None:
        return None
    zone = _zone(election)
    today = datetime.now(zone).date()
    return datetime.combine(today, clock, tzinfo=zone).astimezone(UTC)


def _uploads(field) -> list:
    return [(f.stream, f.filename) for f in (field.data or []) if f and f.filename]


def _received(report, created: bool):
    """Flash the receipt and show the report's page."""
    if created:
        flash(_("Received at %(time)s. Reference %(reference)s.",
                time=local_datetime(report.received_at, "time"), reference=report.reference),
              "success")
    else:
        flash(_("Already received at %(time)s (reference %(reference)s): it is stored once.",
                time=local_datetime(report.received_at, "time"), reference=report.reference),
              "info")
    return redirect(url_for("reports.receipt", report_id=report.id))


@bp.get("/")
@requires("reports.submit")
def hub():
    observer = signed_in_observer(current_user)
    days = [station_day(a) for a in reporting_assignments(observer)]
    contests = {day.assignment.station_id: station_contests(day.assignment.station)
                for day in days}
    return render_template("reports/hub.html", days=days, contests=contests, phases=PHASES,
                           hours=TURNOUT_HOURS, **vocabulary())


@bp.route("/stations/<int:station_id>/check-in", methods=["GET", "POST"])
@allow_location
@requires("reports.submit")
def check_in(station_id: int):
    _observer, assignment = _station(station_id)
    form = CheckInForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            report, created = services.submit_check_in(dict(
                uuid=form.uuid.data, station_id=station_id, latitude=form.latitude.data,
                longitude=form.longitude.data, accuracy=form.accuracy.data),
                actor=current_user._get_current_object())
        if outcome.ok:
            return _received(report, created)
    return render_template("reports/check_in.html", form=form, assignment=assignment)


@bp.route("/stations/<int:station_id>/checklist/<phase>", methods=["GET", "POST"])
@requires("reports.submit")
def checklist(station_id: int, phase: str):
    _observer, assignment = _station(station_id)
    if phase not in PHASES:
        abort(404)
    definition_form = services.current_checklist()
    form = checklist_form(definition_form.definition, phase)
    if form.validate_on_submit():
        answers = {f.name[2:]: f.data for f in question_fields(form)}
        with service_errors(form) as outcome:
            report, created = services.submit_checklist(dict(
                uuid=form.uuid.data, station_id=station_id, phase=phase,
                form_id=definition_form.id, answers=answers),
                actor=current_user._get_current_object())
        if outcome.ok:
            return _received(report, created)
    return render_template("reports/checklist.html", form=form, assignment=assignment,
                           phase=phase, questions=question_fields(form),
                           title=localized(definition_form.definition.get("title")),
                           version=definition_form.version, **vocabulary())


@bp.route("/stations/<int:station_id>/turnout", methods=["GET", "POST"])
@requires("reports.submit")
def turnout(station_id: int):
    _observer, assignment = _station(station_id)
    form = TurnoutForm()
    known = services.known_turnout(station_id)
    if request.method == "GET":
        form.hour.data = next((h for h in TURNOUT_HOURS if h not in known), TURNOUT_HOURS[-1])
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            report, created = services.submit_turnout(dict(
                uuid=form.uuid.data, station_id=station_id, hour=form.hour.data,
                voters=form.voters.data), actor=current_user._get_current_object())
        if outcome.ok:
            return _received(report, created)
    return render_template("reports/turnout.html", form=form, assignment=assignment,
                           known=known)


@bp.route("/stations/<int:station_id>/incident", methods=["GET", "POST"])
@requires("reports.submit")
def incident(station_id: int):
    _observer, assignment = _station(station_id)
    form = IncidentForm()
    if request.method == "GET":
        form.occurred_at.data = datetime.now(_zone(assignment.election)).time().replace(
            second=0, microsecond=0)
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            report, created = services.submit_incident(dict(
                uuid=form.uuid.data, station_id=station_id, category=form.category.data,
                severity=form.severity.data,
                occurred_at=_today_at(form.occurred_at.data, assignment.election),
                description=form.description.data, people_involved=form.people_involved.data,
                complaint_filed=form.complaint_filed.data,
                complaint_number=form.complaint_number.data),
                actor=current_user._get_current_object(), uploads=_uploads(form.evidence))
        if outcome.ok:
            return _received(report, created)
    return render_template("reports/incident.html", form=form, assignment=assignment)


@bp.route("/stations/<int:station_id>/protocol/<int:contest_id>", methods=["GET", "POST"])
@requires("reports.submit")
def protocol(station_id: int, contest_id: int):
    _observer, assignment = _station(station_id)
    contest = next((c for c in station_contests(assignment.station) if c.id == contest_id),
                   None)
    if contest is None:
        abort(404)
    form = protocol_form(contest)
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in
                ("voters_on_list", "ballots_received", "ballots_issued", "ballots_cancelled",
                 "ballots_in_box", "ballots_invalid")}
        votes = {c.id: getattr(form, f"votes_{c.id}").data for c in contest.choices}
        with service_errors(form) as outcome:
            report, created = services.submit_protocol(dict(
                data, uuid=form.uuid.data, station_id=station_id, contest_id=contest.id,
                votes=votes), actor=current_user._get_current_object(),
                uploads=_uploads(form.photo))
        if outcome.ok:
            return _received(report, created)
    return render_template("reports/protocol.html", form=form, assignment=assignment,
                           contest=contest,
                           vote_fields=[getattr(form, f"votes_{c.id}") for c in contest.choices])


@bp.get("/mine")
@requires("reports.submit")
def mine():
    observer = signed_in_observer(current_user)
    return render_template("reports/mine.html", reports=own_reports(observer), **vocabulary())


@bp.get("/mine/<int:report_id>")
@requires("reports.submit")
def receipt(report_id: int):
    report = own_report(signed_in_observer(current_user), report_id)
    if report is None:
        abort(404)
    return render_template("reports/receipt.html", report=report, form=EvidenceForm(),
                           **vocabulary())


@bp.post("/mine/<int:report_id>/evidence")
@requires("reports.submit")
def add_evidence(report_id: int):
    report = own_report(signed_in_observer(current_user), report_id)
    if report is None:
        abort(404)
    form = EvidenceForm()
    if form.validate_on_submit():
        with service_errors() as outcome:
            added = services.add_evidence(report, _uploads(form.evidence),
                                          actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("%(count)d file(s) added.", count=len(added)) if added
                  else _("No new file was chosen."), "success" if added else "info")
    return redirect(url_for("reports.receipt", report_id=report.id))


@bp.get("/evidence/<int:evidence_id>")
@requires()
def evidence_file(evidence_id: int):
    item = visible_evidence(current_user, evidence_id)
    if item is None:
        abort(404)
    return send_file(evidence_path(item.storage_name), mimetype=item.content_type,
                     download_name=item.original_name or item.storage_name,
                     as_attachment=item.kind == "pdf")


@bp.get("/evidence/<int:evidence_id>/thumbnail")
@requires()
def evidence_thumbnail(evidence_id: int):
    item = visible_evidence(current_user, evidence_id)
    if item is None or item.kind != "photo":
        abort(404)
    preview = thumbnail_path(item.storage_name)
    if preview is None:
        return redirect(url_for("static", filename="img/no-preview.svg"))
    response = send_file(preview, mimetype="image/jpeg", max_age=86400)
    response.cache_control.private = True
    return response
