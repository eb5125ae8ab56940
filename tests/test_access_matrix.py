"""Who may open what: every route of the app, for every role, with the status each one gets.

A route added to the app without a row here fails `test_the_matrix_covers_every_route`.
Paths name objects in braces: {own} is the branch of the coordinator and the observer, {other}
another branch, {user} another account, {token} a valid one-time link of a third account,
{own_observer} and {other_observer} observer records (applicants) of those two branches.

The accounts and branches are made, and each role signed in, once per backend for the whole
matrix, so every case costs one request; no case changes them (each POST sends a form the view
refuses; signing out ends its session on the server, so that case signs in on its own).
"""

import pytest

from observe.auth import services as auth_services
from observe.branches import services as branch_services
from observe.extensions import db, limiter
from observe.observers import services as observer_services
from observe.observers.rules import validate_applicant
from observe.permissions import Role
from tests.conftest import TEST_PASSWORD, clean_database
from tests.observers.factories import applicant_data, valid_iin

ROLES = ("anonymous", "admin", "hq", "coordinator", "observer")
LOGIN = "login"  # a 302 to the sign-in page, as an expected status

# Expected status per role, in the order of ROLES.
PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anonymous": LOGIN, "admin": 200, "hq": 200, "coordinator": 200, "observer": 200}
ADMIN_ONLY = {"anonymous": LOGIN, "admin": 200, "hq": 403, "coordinator": 403, "observer": 403}
BRANCH_VIEWERS = {"anonymous": LOGIN, "admin": 200, "hq": 200, "coordinator": 200,
                  "observer": 403}
OTHER_BRANCH = {**BRANCH_VIEWERS, "coordinator": 404}
MANAGERS = {"anonymous": LOGIN, "admin": 200, "hq": 403, "coordinator": 200, "observer": 403}
CURRICULUM = {"anonymous": LOGIN, "admin": 200, "hq": 200, "coordinator": 403, "observer": 403}
# The matrix's observer account has no observer record, so observer-only pages answer 403.
OBSERVERS_ONLY = {"anonymous": LOGIN, "admin": 403, "hq": 403, "coordinator": 403,
                  "observer": 403}


# The JSON API: no token is a 401 (a session cookie is never accepted, tests/api/test_auth.py).
API_ALL = {"anonymous": 401, "admin": 200, "hq": 200, "coordinator": 200, "observer": 200}
API_STAFF = {**API_ALL, "observer": 403}
# The matrix's observer account has no observer record: observer-only endpoints answer 403.
API_OBSERVERS = dict.fromkeys(ROLES, 403) | {"anonymous": 401}


def for_managers(status):
    """Admin and coordinators, answered with `status` (a redirect, a refused form, a 404)."""
    return {**MANAGERS, "admin": status, "coordinator": status}

# (method, rule as in app.url_map, path to request, expected statuses)
MATRIX = [
    ("GET", "/", "/", SIGNED_IN),
    ("GET", "/healthz", "/healthz", PUBLIC),
    ("GET", "/static/<path:filename>", "/static/css/observe.css", PUBLIC),
    ("GET", "/bootstrap/static/<path:filename>", "/bootstrap/static/css/bootstrap.min.css", PUBLIC),
    ("GET", "/login", "/login", {**PUBLIC, "admin": 302, "hq": 302, "coordinator": 302,
                                 "observer": 302}),
    ("POST", "/login", "/login", {**PUBLIC, "admin": 302, "hq": 302, "coordinator": 302,
                                  "observer": 302}),
    ("POST", "/logout", "/logout", dict.fromkeys(ROLES, LOGIN)),
    ("GET", "/account", "/account", SIGNED_IN),
    ("POST", "/account", "/account", SIGNED_IN),
    ("GET", "/reset/<token>", "/reset/{token}", PUBLIC),
    ("POST", "/reset/<token>", "/reset/{token}", PUBLIC),
    ("GET", "/admin/users/", "/admin/users/", ADMIN_ONLY),
    ("GET", "/admin/users/new", "/admin/users/new", ADMIN_ONLY),
    ("POST", "/admin/users/new", "/admin/users/new", ADMIN_ONLY),
    ("GET", "/admin/users/<int:user_id>", "/admin/users/{user}", ADMIN_ONLY),
    ("POST", "/admin/users/<int:user_id>", "/admin/users/{user}", ADMIN_ONLY),
    ("POST", "/admin/users/<int:user_id>/active", "/admin/users/{user}/active",
     {**ADMIN_ONLY, "admin": 302}),
    ("POST", "/admin/users/<int:user_id>/reset-link", "/admin/users/{user}/reset-link",
     ADMIN_ONLY),
    ("GET", "/branches/", "/branches/", BRANCH_VIEWERS),
    ("GET", "/branches/new", "/branches/new", ADMIN_ONLY),
    ("POST", "/branches/new", "/branches/new", ADMIN_ONLY),
    ("GET", "/branches/<int:branch_id>", "/branches/{own}", BRANCH_VIEWERS),
    ("GET", "/branches/<int:branch_id>", "/branches/{other}", OTHER_BRANCH),
    ("GET", "/branches/<int:branch_id>/edit", "/branches/{own}/edit", ADMIN_ONLY),
    ("POST", "/branches/<int:branch_id>/edit", "/branches/{own}/edit", ADMIN_ONLY),
    ("GET", "/admin/audit/", "/admin/audit/", ADMIN_ONLY),
    ("GET", "/admin/outbox/", "/admin/outbox/", ADMIN_ONLY),
    # Recruitment
    ("GET", "/join", "/join", PUBLIC),
    ("POST", "/join", "/join", PUBLIC),
    ("GET", "/join/thanks", "/join/thanks", PUBLIC),
    ("GET", "/recruitment/funnel", "/recruitment/funnel", BRANCH_VIEWERS),
    ("GET", "/observers/", "/observers/", BRANCH_VIEWERS),
    ("GET", "/observers/export.<fmt>", "/observers/export.csv", BRANCH_VIEWERS),
    ("POST", "/observers/bulk", "/observers/bulk", for_managers(302)),
    ("GET", "/observers/new", "/observers/new", MANAGERS),
    ("POST", "/observers/new", "/observers/new", MANAGERS),
    ("GET", "/observers/<int:observer_id>", "/observers/{own_observer}", BRANCH_VIEWERS),
    ("GET", "/observers/<int:observer_id>", "/observers/{other_observer}", OTHER_BRANCH),
    ("GET", "/observers/<int:observer_id>/edit", "/observers/{own_observer}/edit", MANAGERS),
    ("POST", "/observers/<int:observer_id>/edit", "/observers/{own_observer}/edit", MANAGERS),
    ("POST", "/observers/<int:observer_id>/status", "/observers/{own_observer}/status",
     for_managers(400)),
    ("POST", "/observers/<int:observer_id>/notes", "/observers/{own_observer}/notes",
     for_managers(400)),
    ("POST", "/observers/<int:observer_id>/invite", "/observers/{own_observer}/invite",
     for_managers(302)),
    ("POST", "/observers/<int:observer_id>/email-change",
     "/observers/{own_observer}/email-change", for_managers(302)),
    ("POST", "/observers/<int:observer_id>/email-change",
     "/observers/{other_observer}/email-change", {**for_managers(302), "coordinator": 404}),
    ("GET", "/observers/import", "/observers/import", MANAGERS),
    ("POST", "/observers/import", "/observers/import", MANAGERS),
    ("GET", "/observers/import/<token>", "/observers/import/unknown", for_managers(404)),
    ("POST", "/observers/import/<token>", "/observers/import/unknown", for_managers(404)),
    # Training: sessions ({own_session} is the coordinator's branch, {national_session} is HQ's)
    ("GET", "/training/", "/training/", {**OBSERVERS_ONLY, "admin": 302, "hq": 302,
                                          "coordinator": 302}),
    ("GET", "/training/sessions/", "/training/sessions/", BRANCH_VIEWERS),
    ("GET", "/training/sessions/new", "/training/sessions/new", BRANCH_VIEWERS),
    ("POST", "/training/sessions/new", "/training/sessions/new", BRANCH_VIEWERS),
    ("GET", "/training/sessions/<int:session_id>", "/training/sessions/{own_session}",
     BRANCH_VIEWERS),
    ("GET", "/training/sessions/<int:session_id>", "/training/sessions/{national_session}",
     BRANCH_VIEWERS),
    ("GET", "/training/sessions/<int:session_id>", "/training/sessions/{other_session}",
     OTHER_BRANCH),
    ("GET", "/training/sessions/<int:session_id>/edit", "/training/sessions/{own_session}/edit",
     BRANCH_VIEWERS),
    ("GET", "/training/sessions/<int:session_id>/edit",
     "/training/sessions/{national_session}/edit", {**BRANCH_VIEWERS, "coordinator": 403}),
    ("POST", "/training/sessions/<int:session_id>/edit", "/training/sessions/{own_session}/edit",
     BRANCH_VIEWERS),
    ("POST", "/training/sessions/<int:session_id>/cancel",
     "/training/sessions/{own_session}/cancel",
     {**BRANCH_VIEWERS, "admin": 302, "hq": 302, "coordinator": 302}),
    ("POST", "/training/sessions/<int:session_id>/cancel",
     "/training/sessions/{other_session}/cancel",
     {**BRANCH_VIEWERS, "admin": 302, "hq": 302, "coordinator": 404}),
    ("POST", "/training/sessions/<int:session_id>/invite",
     "/training/sessions/{own_session}/invite",
     {**BRANCH_VIEWERS, "admin": 302, "hq": 302, "coordinator": 302}),
    ("POST", "/training/sessions/<int:session_id>/register",
     "/training/sessions/{own_session}/register", OBSERVERS_ONLY),
    ("POST", "/training/sessions/<int:session_id>/unregister",
     "/training/sessions/{own_session}/unregister", OBSERVERS_ONLY),
    ("GET", "/training/numbers", "/training/numbers", BRANCH_VIEWERS),
    ("POST", "/training/observers/<int:observer_id>/certification",
     "/training/observers/{own_observer}/certification", for_managers(302)),
    ("POST", "/training/observers/<int:observer_id>/certification",
     "/training/observers/{other_observer}/certification",
     {**for_managers(302), "coordinator": 404}),
    # Training: attendance
    ("GET", "/training/sessions/<int:session_id>/attendance",
     "/training/sessions/{own_session}/attendance", BRANCH_VIEWERS),
    ("GET", "/training/sessions/<int:session_id>/attendance",
     "/training/sessions/{other_session}/attendance", OTHER_BRANCH),
    ("GET", "/training/sessions/<int:session_id>/attendance",
     "/training/sessions/{national_session}/attendance", {**BRANCH_VIEWERS, "coordinator": 403}),
    ("POST", "/training/sessions/<int:session_id>/attendance",
     "/training/sessions/{own_session}/attendance",
     {**BRANCH_VIEWERS, "admin": 302, "hq": 302, "coordinator": 302}),
    ("POST", "/training/sessions/<int:session_id>/attendance/zoom",
     "/training/sessions/{own_session}/attendance/zoom", BRANCH_VIEWERS),
    ("POST", "/training/sessions/<int:session_id>/attendance/zoom/confirm",
     "/training/sessions/{own_session}/attendance/zoom/confirm",
     {**BRANCH_VIEWERS, "admin": 302, "hq": 302, "coordinator": 302}),
    # Training: calendars
    ("GET", "/training/sessions/<int:session_id>.ics", "/training/sessions/{own_session}.ics",
     {**BRANCH_VIEWERS, "observer": 403}),
    ("GET", "/training/sessions/<int:session_id>.ics", "/training/sessions/{other_session}.ics",
     {**OTHER_BRANCH, "observer": 403}),
    ("GET", "/training/calendar/<token>.ics", "/training/calendar/unknown.ics",
     dict.fromkeys(ROLES, 404)),
    ("POST", "/training/calendar/regenerate", "/training/calendar/regenerate", OBSERVERS_ONLY),
    # Training: modules and quizzes
    ("GET", "/training/modules/<int:module_id>", "/training/modules/{module}", SIGNED_IN),
    ("GET", "/training/modules/<int:module_id>/quiz", "/training/modules/{module}/quiz",
     OBSERVERS_ONLY),
    ("POST", "/training/modules/<int:module_id>/quiz", "/training/modules/{module}/quiz",
     OBSERVERS_ONLY),
    ("GET", "/training/quiz/<int:attempt_id>", "/training/quiz/0", OBSERVERS_ONLY),
    # Training: curriculum and speakers
    ("GET", "/training/curriculum/", "/training/curriculum/", CURRICULUM),
    ("GET", "/training/curriculum/new", "/training/curriculum/new", CURRICULUM),
    ("POST", "/training/curriculum/new", "/training/curriculum/new", CURRICULUM),
    ("GET", "/training/curriculum/<int:module_id>", "/training/curriculum/{module}", CURRICULUM),
    ("GET", "/training/curriculum/<int:module_id>/edit", "/training/curriculum/{module}/edit",
     CURRICULUM),
    ("POST", "/training/curriculum/<int:module_id>/edit", "/training/curriculum/{module}/edit",
     CURRICULUM),
    ("POST", "/training/curriculum/<int:module_id>/materials",
     "/training/curriculum/{module}/materials", CURRICULUM),
    ("POST", "/training/curriculum/materials/<int:material_id>/delete",
     "/training/curriculum/materials/0/delete", {**CURRICULUM, "admin": 404, "hq": 404}),
    ("GET", "/training/materials/<int:material_id>", "/training/materials/{material}",
     {**dict.fromkeys(ROLES, 302), "anonymous": LOGIN}),
    ("GET", "/training/curriculum/<int:module_id>/questions/new",
     "/training/curriculum/{module}/questions/new", CURRICULUM),
    ("POST", "/training/curriculum/<int:module_id>/questions/new",
     "/training/curriculum/{module}/questions/new", CURRICULUM),
    ("GET", "/training/curriculum/questions/<int:question_id>/edit",
     "/training/curriculum/questions/{question}/edit", CURRICULUM),
    ("POST", "/training/curriculum/questions/<int:question_id>/edit",
     "/training/curriculum/questions/{question}/edit", CURRICULUM),
    ("POST", "/training/curriculum/questions/<int:question_id>/deactivate",
     "/training/curriculum/questions/0/deactivate", {**CURRICULUM, "admin": 404, "hq": 404}),
    ("GET", "/training/speakers/", "/training/speakers/", BRANCH_VIEWERS),
    ("GET", "/training/speakers/new", "/training/speakers/new", BRANCH_VIEWERS),
    ("POST", "/training/speakers/new", "/training/speakers/new", BRANCH_VIEWERS),
    ("GET", "/training/speakers/<int:speaker_id>/edit", "/training/speakers/{speaker}/edit",
     BRANCH_VIEWERS),
    ("POST", "/training/speakers/<int:speaker_id>/edit", "/training/speakers/{speaker}/edit",
     BRANCH_VIEWERS),
    # Elections and polling stations ({station} is in the coordinator's region)
    ("GET", "/elections/", "/elections/", BRANCH_VIEWERS),
    ("GET", "/elections/new", "/elections/new", CURRICULUM),
    ("POST", "/elections/new", "/elections/new", CURRICULUM),
    ("GET", "/elections/<int:election_id>", "/elections/{election}", BRANCH_VIEWERS),
    ("GET", "/elections/<int:election_id>/edit", "/elections/{election}/edit", CURRICULUM),
    ("POST", "/elections/<int:election_id>/edit", "/elections/{election}/edit", CURRICULUM),
    ("POST", "/elections/<int:election_id>/contests", "/elections/{election}/contests",
     CURRICULUM),
    ("GET", "/elections/contests/<int:contest_id>/edit", "/elections/contests/0/edit",
     {**CURRICULUM, "admin": 404, "hq": 404}),
    ("POST", "/elections/contests/<int:contest_id>/edit", "/elections/contests/0/edit",
     {**CURRICULUM, "admin": 404, "hq": 404}),
    ("POST", "/elections/contests/<int:contest_id>/delete", "/elections/contests/0/delete",
     {**CURRICULUM, "admin": 404, "hq": 404}),
    ("GET", "/elections/<int:election_id>/stations", "/elections/{election}/stations",
     BRANCH_VIEWERS),
    ("GET", "/elections/stations/<int:station_id>/edit", "/elections/stations/{station}/edit",
     CURRICULUM),
    ("POST", "/elections/stations/<int:station_id>/edit", "/elections/stations/{station}/edit",
     CURRICULUM),
    ("GET", "/elections/<int:election_id>/stations/import",
     "/elections/{election}/stations/import", CURRICULUM),
    ("POST", "/elections/<int:election_id>/stations/import",
     "/elections/{election}/stations/import", CURRICULUM),
    ("GET", "/elections/<int:election_id>/stations/import/<token>",
     "/elections/{election}/stations/import/nope", {**CURRICULUM, "admin": 404, "hq": 404}),
    ("POST", "/elections/<int:election_id>/stations/import/<token>",
     "/elections/{election}/stations/import/nope", {**CURRICULUM, "admin": 404, "hq": 404}),
    # Assignments: the board, coverage and the observer's own page
    ("GET", "/assignments/", "/assignments/", BRANCH_VIEWERS),
    ("GET", "/assignments/<int:election_id>", "/assignments/{election}", BRANCH_VIEWERS),
    # An admin without ?branch_id= is sent to the board's branch chooser.
    ("GET", "/assignments/<int:election_id>/assign", "/assignments/{election}/assign",
     {**MANAGERS, "admin": 302}),
    ("POST", "/assignments/<int:election_id>/assign", "/assignments/{election}/assign",
     {**MANAGERS, "admin": 302}),
    ("GET", "/assignments/item/<int:assignment_id>/edit", "/assignments/item/{assignment}/edit",
     MANAGERS),
    ("POST", "/assignments/item/<int:assignment_id>/edit", "/assignments/item/{assignment}/edit",
     MANAGERS),
    # Id 0: a valid POST to a real assignment would withdraw it for the cases after it.
    ("POST", "/assignments/item/<int:assignment_id>/withdraw", "/assignments/item/0/withdraw",
     for_managers(404)),
    ("GET", "/assignments/<int:election_id>/coverage", "/assignments/{election}/coverage",
     BRANCH_VIEWERS),
    ("GET", "/assignments/<int:election_id>/roster.<fmt>", "/assignments/{election}/roster.csv",
     BRANCH_VIEWERS),
    ("GET", "/assignments/mine", "/assignments/mine", OBSERVERS_ONLY),
    ("POST", "/assignments/mine/<int:assignment_id>/confirm",
     "/assignments/mine/{assignment}/confirm", OBSERVERS_ONLY),
    ("POST", "/assignments/mine/<int:assignment_id>/decline",
     "/assignments/mine/{assignment}/decline", OBSERVERS_ONLY),
    # Assignments: auto-assignment and mandate letters ({assignment} is the coordinator's)
    ("GET", "/assignments/<int:election_id>/auto", "/assignments/{election}/auto", MANAGERS),
    ("POST", "/assignments/<int:election_id>/auto", "/assignments/{election}/auto",
     for_managers(302)),
    ("GET", "/assignments/mandates/<int:assignment_id>", "/assignments/mandates/{assignment}",
     MANAGERS),
    ("GET", "/assignments/mandates/<int:assignment_id>.pdf",
     "/assignments/mandates/{assignment}.pdf", MANAGERS),
    ("GET", "/assignments/<int:election_id>/mandates", "/assignments/{election}/mandates",
     MANAGERS),
    ("GET", "/assignments/<int:election_id>/mandates.pdf", "/assignments/{election}/mandates.pdf",
     MANAGERS),
    ("POST", "/assignments/<int:election_id>/mandates/job",
     "/assignments/{election}/mandates/job", for_managers(302)),
    # Background jobs: only the user who queued one (and admin) sees it (tests/jobs); none is 404
    ("GET", "/jobs/", "/jobs/", SIGNED_IN),
    ("GET", "/jobs/<int:job_id>", "/jobs/0", {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
    ("GET", "/jobs/<int:job_id>.json", "/jobs/0.json",
     {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
    ("GET", "/jobs/<int:job_id>/download", "/jobs/0/download",
     {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
    ("GET", "/assignments/mine/<int:assignment_id>/mandate.pdf",
     "/assignments/mine/{assignment}/mandate.pdf", OBSERVERS_ONLY),
    # Briefings: the dashboard (region scope is tested in tests/briefings)
    ("GET", "/briefings/dashboard", "/briefings/dashboard", BRANCH_VIEWERS),
    ("GET", "/briefings/dashboard/<int:election_id>", "/briefings/dashboard/{election}",
     BRANCH_VIEWERS),
    ("GET", "/briefings/dashboard/<int:election_id>",
     "/briefings/dashboard/{election}?region=almaty", {**BRANCH_VIEWERS, "coordinator": 404}),
    ("GET", "/briefings/dashboard/<int:election_id>/live",
     "/briefings/dashboard/{election}/live", BRANCH_VIEWERS),
    # Briefings (none exists here: staff get 404; scope is tested in tests/briefings)
    ("GET", "/briefings/", "/briefings/", BRANCH_VIEWERS),
    ("GET", "/briefings/new", "/briefings/new", BRANCH_VIEWERS),
    ("POST", "/briefings/new", "/briefings/new", BRANCH_VIEWERS),
    *[(method, rule, path, {**BRANCH_VIEWERS, "admin": 404, "hq": 404, "coordinator": 404})
      for method, rule, path in (
          ("GET", "/briefings/<int:briefing_id>", "/briefings/0"),
          ("GET", "/briefings/<int:briefing_id>/edit", "/briefings/0/edit"),
          ("POST", "/briefings/<int:briefing_id>/edit", "/briefings/0/edit"),
          ("POST", "/briefings/<int:briefing_id>/<any(review, publish, reissue):step>",
           "/briefings/0/publish"),
          ("POST", "/briefings/<int:briefing_id>/export.<any(pdf, xlsx):fmt>",
           "/briefings/0/export.pdf"))],
    *[("GET", rule, path, {**BRANCH_VIEWERS, "admin": 404, "hq": 404, "coordinator": 404})
      for rule, path in (
          ("/briefings/<int:briefing_id>/print", "/briefings/0/print"),
          ("/briefings/<int:briefing_id>/briefing.<any(pdf, xlsx, csv, txt):fmt>",
           "/briefings/0/briefing.pdf"))],
]

MATRIX += [
    # The JSON API, called with each role's token (roles' own objects: tests/api)
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", PUBLIC),
    ("GET", "/api/v1/docs", "/api/v1/docs", PUBLIC),
    ("GET", "/api/v1/me", "/api/v1/me", API_ALL),
    ("GET", "/api/v1/elections", "/api/v1/elections", {**API_ALL, "observer": 403}),
    ("GET", "/api/v1/stations", "/api/v1/stations?election_id={election}", API_STAFF),
    ("GET", "/api/v1/assignments", "/api/v1/assignments", API_OBSERVERS),
    ("GET", "/api/v1/forms", "/api/v1/forms", {**API_ALL, "observer": 403}),
    ("GET", "/api/v1/incident-categories", "/api/v1/incident-categories", API_ALL),
    # Polling-day submissions: staff may not; the matrix's observer (no record) sends an
    # invalid body (422 before 403). Retries, scope and bad input: tests/api/test_submissions.py
    *[("POST", path, path, {**API_OBSERVERS, "observer": 422})
      for path in ("/api/v1/checkins", "/api/v1/checklists", "/api/v1/turnout",
                   "/api/v1/incidents", "/api/v1/protocols")],
    ("POST", "/api/v1/incidents/<int:incident_id>/evidence", "/api/v1/incidents/0/evidence",
     {**API_OBSERVERS, "observer": 404}),
    # Incidents: scope by role in tests/api/test_incidents.py
    ("GET", "/api/v1/incidents", "/api/v1/incidents", API_STAFF),
    ("GET", "/api/v1/incidents/<int:incident_id>", "/api/v1/incidents/0",
     {**dict.fromkeys(ROLES, 404), "anonymous": 401}),
    ("POST", "/api/v1/incidents/<int:incident_id>/actions", "/api/v1/incidents/0/actions",
     {**API_OBSERVERS, "admin": 404, "hq": 404, "coordinator": 404}),
    # Revoking one's own API token (someone else's is a 404: tests/api/test_tokens.py)
    ("POST", "/account/tokens/<int:token_id>/revoke", "/account/tokens/0/revoke",
     {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
    # Polling-day reports: the observer's pages ({station} is not the observer's: 404 for a
    # real observer, tested in tests/reports; the matrix's observer has no record: 403)
    ("GET", "/reports/", "/reports/", OBSERVERS_ONLY),
    # The report pages' service worker: public, it holds no personal data (tests/reports).
    ("GET", "/reports/sw.js", "/reports/sw.js", PUBLIC),
    *[(method, f"/reports/stations/<int:station_id>/{page}",
       f"/reports/stations/{{station}}/{path}", OBSERVERS_ONLY)
      for method in ("GET", "POST")
      for page, path in (("check-in", "check-in"), ("checklist/<phase>", "checklist/opening"),
                         ("turnout", "turnout"), ("incident", "incident"),
                         ("protocol/<int:contest_id>", "protocol/0"))],
    ("GET", "/reports/mine", "/reports/mine", OBSERVERS_ONLY),
    ("GET", "/reports/mine/<int:report_id>", "/reports/mine/0", OBSERVERS_ONLY),
    ("POST", "/reports/mine/<int:report_id>/evidence", "/reports/mine/0/evidence",
     OBSERVERS_ONLY),
    ("GET", "/reports/evidence/<int:evidence_id>", "/reports/evidence/0",
     {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
    ("GET", "/reports/evidence/<int:evidence_id>/thumbnail", "/reports/evidence/0/thumbnail",
     {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
    # Polling-day reports: triage (region scope is tested in tests/reports/test_triage.py)
    ("GET", "/reports/triage", "/reports/triage", BRANCH_VIEWERS),
    ("GET", "/reports/triage/<int:report_id>", "/reports/triage/0",
     {**BRANCH_VIEWERS, "admin": 404, "hq": 404, "coordinator": 404}),
    ("POST", "/reports/triage/<int:report_id>", "/reports/triage/0",
     {**BRANCH_VIEWERS, "admin": 404, "hq": 404, "coordinator": 404}),
    ("POST", "/reports/triage/<int:report_id>/release", "/reports/triage/0/release",
     {**BRANCH_VIEWERS, "admin": 404, "hq": 404, "coordinator": 404}),
    ("GET", "/reports/checklists", "/reports/checklists", CURRICULUM),
    ("POST", "/reports/checklists", "/reports/checklists", CURRICULUM),
    ("GET", "/reports/checklists/<int:form_id>.json", "/reports/checklists/0.json",
     {**CURRICULUM, "admin": 404, "hq": 404}),
    # Polling-day safety (region scope, SOS and broadcasts: tests/fieldops). Staff pages answer
    # 200 ({assignment} is in the coordinator's region); unknown ids are 404 before any form.
    ("GET", "/fieldops/", "/fieldops/", BRANCH_VIEWERS),
    ("POST", "/api/v1/sos", "/api/v1/sos", {**API_OBSERVERS, "observer": 422}),
    ("GET", "/fieldops/alerts", "/fieldops/alerts", BRANCH_VIEWERS),
    ("POST", "/fieldops/alerts/<int:alert_id>/acknowledge", "/fieldops/alerts/0/acknowledge",
     {**BRANCH_VIEWERS, "admin": 404, "hq": 404, "coordinator": 404}),
    ("GET", "/fieldops/assignments/<int:assignment_id>", "/fieldops/assignments/{assignment}",
     BRANCH_VIEWERS),
    ("POST", "/fieldops/assignments/<int:assignment_id>/calls", "/fieldops/assignments/0/calls",
     {**BRANCH_VIEWERS, "admin": 404, "hq": 404, "coordinator": 404}),
    *[(method, f"/fieldops/sos/<int:sos_id>{page}", f"/fieldops/sos/0{page}",
       {**BRANCH_VIEWERS, "admin": 404, "hq": 404, "coordinator": 404})
      for method, page in (("GET", ""), ("GET", "/photo"), ("POST", "/acknowledge"),
                           ("POST", "/resolve"))],
    ("GET", "/fieldops/broadcasts", "/fieldops/broadcasts", BRANCH_VIEWERS),
    ("POST", "/fieldops/broadcasts", "/fieldops/broadcasts",
     {**BRANCH_VIEWERS, "admin": 400, "hq": 400, "coordinator": 400}),
    # The observer's SOS and messages (the matrix's observer has no record: 403).
    ("GET", "/fieldops/stations/<int:station_id>/sos", "/fieldops/stations/{station}/sos",
     OBSERVERS_ONLY),
    ("POST", "/fieldops/stations/<int:station_id>/sos", "/fieldops/stations/{station}/sos",
     OBSERVERS_ONLY),
    ("GET", "/fieldops/sos/mine/<int:sos_id>", "/fieldops/sos/mine/0", OBSERVERS_ONLY),
    ("POST", "/fieldops/sos/mine/<int:sos_id>/photo", "/fieldops/sos/mine/0/photo",
     OBSERVERS_ONLY),
    ("POST", "/fieldops/messages/<int:receipt_id>/read", "/fieldops/messages/0/read",
     OBSERVERS_ONLY),
]

# Updates: the public pages answer everyone alike (a signed-in visitor is anonymous there);
# staff pages for coordinators and HQ, HQ's steps for HQ (scope: tests/updates).
UPDATES_HQ = {"anonymous": LOGIN, "admin": 404, "hq": 404, "coordinator": 403, "observer": 403}
UPDATES_STAFF_404 = {**BRANCH_VIEWERS, "admin": 404, "hq": 404, "coordinator": 404}
MATRIX += [
    ("GET", "/updates", "/updates", PUBLIC),
    ("GET", "/updates", "/updates?region=nowhere", dict.fromkeys(ROLES, 404)),
    ("GET", "/updates/live", "/updates/live", PUBLIC),
    ("GET", "/updates/<int:post_id>", "/updates/0", dict.fromkeys(ROLES, 404)),
    ("GET", "/updates/briefings/<int:briefing_id>", "/updates/briefings/0",
     dict.fromkeys(ROLES, 404)),
    ("GET", "/updates.atom", "/updates.atom", PUBLIC),
    ("GET", "/updates/regions/<region>.atom", "/updates/regions/karaganda.atom", PUBLIC),
    ("GET", "/updates/media/<int:media_id>", "/updates/media/0", dict.fromkeys(ROLES, 404)),
    ("GET", "/updates/posts/", "/updates/posts/", BRANCH_VIEWERS),
    ("GET", "/updates/posts/new", "/updates/posts/new", BRANCH_VIEWERS),
    ("POST", "/updates/posts/new", "/updates/posts/new", BRANCH_VIEWERS),
    ("GET", "/updates/posts/<int:post_id>", "/updates/posts/0", UPDATES_STAFF_404),
    ("GET", "/updates/posts/<int:post_id>/edit", "/updates/posts/0/edit", UPDATES_STAFF_404),
    ("POST", "/updates/posts/<int:post_id>/edit", "/updates/posts/0/edit", UPDATES_STAFF_404),
    ("POST", "/updates/posts/<int:post_id>/return", "/updates/posts/0/return", UPDATES_HQ),
    ("POST", "/updates/posts/<int:post_id>/publish", "/updates/posts/0/publish", UPDATES_HQ),
    ("POST", "/updates/posts/<int:post_id>/<any(approve, withdraw, pin, unpin):step>",
     "/updates/posts/0/approve", UPDATES_HQ),
    ("POST", "/updates/posts/<int:post_id>/media/<int:media_id>/remove",
     "/updates/posts/0/media/0/remove", UPDATES_STAFF_404),
    ("GET", "/updates/posts/<int:post_id>/media/<int:media_id>", "/updates/posts/0/media/0",
     UPDATES_STAFF_404),
    ("POST", "/updates/posts/<int:post_id>/evidence", "/updates/posts/0/evidence",
     UPDATES_STAFF_404),
]

# Complaints: HQ and admins act, coordinators read their region (scope: tests/complaints);
# personal data: admins; an observer's own data needs an observer record (403 here).
COMPLAINT_404 = {**BRANCH_VIEWERS, "admin": 404, "hq": 404, "coordinator": 404}
COMPLAINT_MANAGE_404 = {**CURRICULUM, "admin": 404, "hq": 404}
MATRIX += [
    ("GET", "/complaints/", "/complaints/", BRANCH_VIEWERS),
    ("GET", "/complaints/export.<any(csv, xlsx):fmt>", "/complaints/export.csv",
     BRANCH_VIEWERS),
    ("GET", "/complaints/new", "/complaints/new", CURRICULUM),
    ("POST", "/complaints/new", "/complaints/new", CURRICULUM),
    ("GET", "/complaints/<int:complaint_id>", "/complaints/0", COMPLAINT_404),
    ("GET", "/complaints/<int:complaint_id>/complaint.<any(pdf, docx):fmt>",
     "/complaints/0/complaint.pdf", COMPLAINT_404),
    *[(method, f"/complaints/<int:complaint_id>/{page}", f"/complaints/0/{page}",
       COMPLAINT_MANAGE_404)
      for method, page in (("POST", "details"), ("POST", "file"), ("POST", "answer"),
                           ("POST", "appeal"), ("GET", "document"), ("POST", "document"),
                           ("POST", "redraft"))],
    ("GET", "/privacy/", "/privacy/", ADMIN_ONLY),
    ("POST", "/privacy/erase", "/privacy/erase", {**ADMIN_ONLY, "admin": 302}),
    ("POST", "/privacy/elections/<int:election_id>/policy",
     "/privacy/elections/{election}/policy", {**ADMIN_ONLY, "admin": 302}),
    ("GET", "/privacy/mine", "/privacy/mine", OBSERVERS_ONLY),
    ("GET", "/privacy/mine.<any(json, pdf):fmt>", "/privacy/mine.json", OBSERVERS_ONLY),
    ("GET", "/privacy/mine/withdraw", "/privacy/mine/withdraw", OBSERVERS_ONLY),
    ("POST", "/privacy/mine/withdraw", "/privacy/mine/withdraw", OBSERVERS_ONLY),
]

CASES = [
    pytest.param(method, path, role, expected[role], id=f"{method} {path} {role}")
    for method, _rule, path, expected in MATRIX
    for role in ROLES
]


# Refused by every form that has these fields; `active` keeps the account active.
INVALID_FORM = {"email": "not-an-email", "full_name": "", "name": "", "password": "",
                "active": "1"}


@pytest.fixture(scope="module")
def world(_session_app):
    """One account per role, two branches, another account and a link, on a clean database."""
    app = _session_app
    clean_database(app)
    limiter.reset()
    with app.app_context():
        own = branch_services.create_branch(region="karaganda", name="Own branch")
        other = branch_services.create_branch(region="almaty", name="Other branch")
        emails, tokens = {}, {}
        for role in Role:
            user = auth_services.create_user(
                email=f"{role.value}@example.org", role=role, password=TEST_PASSWORD,
                branch=own if role.needs_branch else None)
            emails[role.value] = user.email
            tokens[role.value] = auth_services.create_api_token(user, name="matrix")
        target = auth_services.create_user(email="target@example.org", role="observer",
                                           branch=other)
        linked = auth_services.create_user(email="linked@example.org", role="hq")
        token = auth_services.issue_one_time_link(linked)
        applicants = {}
        for number, (key, branch) in enumerate((("own_observer", own),
                                                ("other_observer", other))):
            clean, errors = validate_applicant(applicant_data(
                iin=valid_iin(serial=number + 1), phone=f"+7701000000{number}",
                email=f"applicant{number}@example.org"))
            assert not errors, errors
            applicants[key] = observer_services.submit_application(clean, branch)[0].id
        objects = {"own": own.id, "other": other.id, "user": target.id, "token": token,
                   **applicants, **_training_world(own, other)}
        db.session.commit()
        db.session.remove()
        sessions = {}
        for role, email in emails.items():
            client = app.test_client()
            signed_in = client.post("/login", data={"email": email, "password": TEST_PASSWORD})
            assert signed_in.status_code == 302
            sessions[role] = client.get_cookie("session").value
    yield {"app": app, "sessions": sessions, "objects": objects, "tokens": tokens}
    clean_database(app)


def _training_world(own, other) -> dict:
    """Sessions of both branches and a national one, a module with a material and a question."""
    from datetime import timedelta

    from observe.common.db import utcnow
    from observe.training import curriculum_services, services
    from observe.training.standard_modules import ensure_standard_modules

    admin = auth_services.find_user_by_email("admin@example.org")
    module = ensure_standard_modules()[0]
    starts = utcnow() + timedelta(days=3)
    sessions = {}
    for key, branch in (("own_session", own), ("other_session", other),
                        ("national_session", None)):
        sessions[key] = services.create_session(
            branch_id=branch.id if branch else None, title=key, online=True,
            zoom_url="https://zoom.us/j/1", starts_at=starts, ends_at=starts + timedelta(hours=2),
            capacity=10, min_attendance_minutes=60, actor=admin).id
    material = curriculum_services.add_link_material(
        module, title="Slides", url="https://example.org/slides", actor=admin)
    question = curriculum_services.create_question(
        module, text={"ru": "Вопрос?"}, multiple=False, actor=admin,
        options=[{"text": {"ru": "Да"}, "is_correct": True},
                 {"text": {"ru": "Нет"}, "is_correct": False}])
    speaker = curriculum_services.create_speaker(name="Speaker", actor=admin)
    return {**sessions, "module": module.id, "material": material.id,
            "question": question.id, "speaker": speaker.id, **_election_world(own)}


def _election_world(own) -> dict:
    """An election with a station in the coordinator's region and one active assignment there."""
    from datetime import date

    from observe.assignments.services import Proposal, assign_observer
    from observe.elections.models import Election, PollingStation
    from observe.observers.models import Observer

    election = Election(name="Elections", polling_day=date(2030, 3, 15))
    db.session.add(election)
    db.session.flush()
    station = PollingStation(election_id=election.id, number="1", region=own.region,
                             district="Centre", address="Main St 1")
    spare = PollingStation(election_id=election.id, number="2", region=own.region,
                           district="Centre", address="Main St 2")
    db.session.add_all([station, spare])
    clean, errors = validate_applicant(applicant_data(
        iin=valid_iin(serial=9), phone="+77010000009", email="assigned@example.org"))
    assert not errors, errors
    observer = observer_services.submit_application(clean, own)[0]
    observer.status = "certified"
    db.session.flush()
    coordinator = auth_services.find_user_by_email("coordinator@example.org")
    assignment = assign_observer(Proposal(db.session.get(Observer, observer.id), station,
                                          "stationary", "full_day"), actor=coordinator)
    return {"election": election.id, "station": spare.id, "assignment": assignment.id}


@pytest.mark.parametrize("method, path, role, expected", CASES)
def test_access(world, method, path, role, expected):
    app = world["app"]
    client = app.test_client()
    if role != "anonymous" and path == "/logout":
        client.post("/login", data={"email": f"{role}@example.org", "password": TEST_PASSWORD})
    elif role != "anonymous":
        client.set_cookie("session", world["sessions"][role])  # signed in once, in `world`
    with app.app_context():
        url = path.format(**world["objects"])
        data = INVALID_FORM if method == "POST" else None
        # The API is called with the role's token (the cookie set above does not count there).
        headers = ({"Authorization": f"Bearer {world['tokens'][role]}"}
                   if path.startswith("/api/") and role != "anonymous" else {})
        response = client.open(url, method=method, data=data, headers=headers)
    if expected == LOGIN:
        assert response.status_code == 302, response.status
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, response.status


def test_the_matrix_covers_every_route(app):
    routes = {(method, rule.rule)
              for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    covered = {(method, rule) for method, rule, _path, _expected in MATRIX}
    assert routes - covered == set(), "routes without a row in the access matrix"
    assert covered - routes == set(), "rows for routes the app does not have"
