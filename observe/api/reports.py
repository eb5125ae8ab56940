"""Polling-day submissions: check-ins, checklists, turnout, incidents, protocols and evidence.

Each POST carries the client_uuid made on the device: 201 with the stored report when it is
new, 200 with the same report on a retry. The rules are the reports services'; a refusal is a
422 with their messages.
"""

from flask import g, request
from flask_babel import gettext as _
from pydantic import ValidationError

from observe.api import bp, present, schemas
from observe.api.auth import bearer_token, caller, caller_observer
from observe.api.errors import ApiError
from observe.api.registry import operation
from observe.common.errors import DomainError
from observe.extensions import db
from observe.permissions import signed_in_observer
from observe.reports import services, token_holders
from observe.reports.evidence import max_bytes

SUBMIT_ERRORS = (403, 422)
# The services' field names as the API calls them.
RENAMED = {"uuid": "client_uuid", "": "_"}


def refused(error: DomainError) -> ApiError:
    """A service's refusal as the API's 422, field names as the API calls them."""
    fields = {}
    for name, messages in error.fields.items():
        name = RENAMED.get(name, name)
        if name.startswith("votes_"):
            name = "votes." + name.removeprefix("votes_")
        fields.setdefault(name, []).extend(messages)
    return ApiError(422, error.message, fields)


def submit(service, body, **kwargs):
    """Call the submit service with the body as the web form would; 201 new, 200 a retry."""
    caller_observer()  # 403 for an account without its observer record
    data = body.model_dump()
    data["uuid"] = str(data.pop("client_uuid"))
    try:
        report, created = service(data, actor=caller(), **kwargs)
    except DomainError as error:
        raise refused(error) from error
    return present.report(report), 201 if created else 200


def _incident_in_one_statement():
    """POST /incidents' shortcut: a valid new incident of an API token's holder stored in one
    statement (reports.token_holders.submit_incident), before any other query. None, with
    nothing written, whenever the ordinary path must answer (a bad token or body, a refusal,
    a retry)."""
    token = bearer_token()
    if not token or not request.is_json:
        return None
    try:
        body = schemas.IncidentIn.model_validate_json(request.get_data() or b"null", strict=True)
    except ValidationError:
        return None
    data = body.model_dump()
    data["uuid"] = str(data.pop("client_uuid"))
    stored = token_holders.submit_incident(data, token=token)
    if stored is None:
        return None
    incident, holder = stored
    g._login_user = holder  # Flask-Login's user of this request, as authenticate() sets it
    return present.report(incident), 201


def _submission(rule, name, summary, body, response, shortcut=None):
    """Declare one POST of a report kind."""

    def view(body):
        return submit(getattr(services, name), body)

    view.__name__ = name
    view.__doc__ = summary
    return operation(bp, rule, "POST", summary=summary, tag="reports", body=body,
                     response=response, status=201, errors=SUBMIT_ERRORS,
                     requires="reports.submit", shortcut=shortcut,
                     extra_responses={200: response},
                     description=summary + " A retry with the same client_uuid answers 200 "
                                           "with the stored report.")(view)


_submission("/checkins", "submit_check_in", "Check in at the station.", schemas.CheckInIn,
            schemas.CheckIn)
_submission("/checklists", "submit_checklist", "Answer one phase of the checklist.",
            schemas.ChecklistIn, schemas.Checklist)
_submission("/turnout", "submit_turnout", "Send a turnout figure.", schemas.TurnoutIn,
            schemas.Turnout)
_submission("/incidents", "submit_incident", "Report an incident (evidence follows).",
            schemas.IncidentIn, schemas.Incident, shortcut=_incident_in_one_statement)
_submission("/protocols", "submit_protocol", "Copy a contest's protocol.", schemas.ProtocolIn,
            schemas.Protocol)


@operation(bp, "/incidents/<int:incident_id>/evidence", "POST", summary="Attach evidence",
           tag="reports", multipart={"file": "A photo, video or PDF (the field may repeat)."},
           response=schemas.EvidenceAdded, status=201, extra_responses={200: schemas.EvidenceAdded},
           errors=(403, 404, 413, 422), requires="reports.submit")
def incident_evidence(incident_id: int):
    """Attach photos, videos or PDFs to one's own incident: 201 when a file was added, 200
    when every file was attached already (a retry)."""
    from observe.reports.queries import own_report

    report = own_report(signed_in_observer(caller()), incident_id)
    if report is None or report.kind != "incident":
        raise ApiError(404)
    uploads = request.files.getlist("file")
    if not uploads:
        raise ApiError(422, fields={"file": [_("Attach a file.")]})
    for upload in uploads:
        upload.stream.seek(0, 2)
        too_large = upload.stream.tell() > max_bytes()
        upload.stream.seek(0)
        if too_large:
            raise ApiError(413)
    try:
        added = services.add_evidence(report, [(u.stream, u.filename or "") for u in uploads],
                                      actor=caller())
    except DomainError as error:
        raise refused(error) from error
    db.session.refresh(report, ["evidence"])  # the list as stored, the new files included
    items = [present.evidence(e, report.election.timezone) for e in report.evidence]
    return schemas.EvidenceAdded(items=items), 201 if added else 200
