"""How the audit log reads to a person: action codes as words, before/after as "field: old → new".

Codes stay the stored, filterable truth; an action or field not listed here shows its code.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "auth.login": _l("Signed in"),
    "auth.logout": _l("Signed out"),
    "auth.login_failed": _l("Failed sign-in"),
    "auth.login_refused_locked": _l("Sign-in refused: account locked"),
    "auth.login_refused_inactive": _l("Sign-in refused: account deactivated"),
    "auth.account_locked": _l("Account locked after failed sign-ins"),
    "auth.throttled": _l("Too many attempts (rate limit)"),
    "auth.password_changed": _l("Password changed"),
    "auth.password_set_by_link": _l("Password set through a link"),
    "auth.reset_link_issued": _l("Password link created"),
    "auth.invite_link_issued": _l("Invitation link created"),
    "auth.api_token_created": _l("API token created"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "branch.create": _l("Branch created"),
    "branch.update": _l("Branch changed"),
    "observer.apply": _l("Application received"),
    "observer.repeat_application": _l("Repeat application received"),
    "observer.create": _l("Observer added"),
    "observer.update": _l("Observer changed"),
    "observer.status": _l("Observer status changed"),
    "observer.note": _l("Note added"),
    "observer.import": _l("Observers imported"),
    "observer.export": _l("Observers exported"),
    "observer.decertify": _l("Certification taken back"),
    "observer.decertify_by_rule": _l("Certification lost (training no longer complete)"),
    "training.session_create": _l("Training session created"),
    "training.session_update": _l("Training session changed"),
    "training.session_cancel": _l("Training session cancelled"),
    "training.register": _l("Registered for a session"),
    "training.unregister": _l("Registration cancelled"),
    "training.invite": _l("Invited to a session"),
    "training.attendance": _l("Attendance marked"),
    "training.quiz_submit": _l("Quiz submitted"),
    "training.module_create": _l("Training module created"),
    "training.module_update": _l("Training module changed"),
    "training.material_add": _l("Training material added"),
    "training.material_remove": _l("Training material removed"),
    "training.question_create": _l("Quiz question created"),
    "training.question_update": _l("Quiz question changed"),
    "training.question_deactivate": _l("Quiz question withdrawn"),
    "training.speaker_create": _l("Speaker added"),
    "training.speaker_update": _l("Speaker changed"),
    "training.feed_regenerate": _l("Calendar feed link renewed"),
    "election.create": _l("Election created"),
    "election.update": _l("Election changed"),
    "election.status": _l("Election status changed"),
    "contest.create": _l("Contest created"),
    "contest.update": _l("Contest changed"),
    "contest.delete": _l("Contest deleted"),
    "station.import": _l("Polling stations imported"),
    "station.update": _l("Polling station changed"),
    "station.priority": _l("Polling station priority changed"),
    "assignment.create": _l("Observer assigned to a station"),
    "assignment.update": _l("Assignment changed"),
    "assignment.assigned": _l("Assignment restored"),
    "assignment.confirmed": _l("Assignment confirmed by the observer"),
    "assignment.declined": _l("Assignment declined by the observer"),
    "assignment.withdrawn": _l("Assignment withdrawn"),
    "assignment.certification_override": _l("Assigned without certification"),
    "assignment.mandate_pdf": _l("Mandate letter printed"),
    "assignment.roster_export": _l("Roster exported"),
    "checklist.version": _l("Checklist version saved"),
    "report.check_in": _l("Check-in received"),
    "report.checklist": _l("Checklist received"),
    "report.turnout": _l("Turnout figures received"),
    "report.incident": _l("Incident reported"),
    "report.protocol": _l("Protocol copy received"),
    "report.evidence": _l("Evidence added"),
}

FIELD_LABELS = {
    "email": _l("E-mail"),
    "full_name": _l("Full name"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "role": _l("Role"),
    "branch_id": _l("Branch"),
    "is_active": _l("Active"),
    "locale": _l("Interface language"),
    "region": _l("Region"),
    "city": _l("City"),
    "chairperson": _l("Chairperson"),
    "status": _l("Status"),
    "shift": _l("Shift"),
    "station_id": _l("Station"),
    "observer_id": _l("Observer"),
    "failed_logins": _l("Failed sign-ins"),
    "locked_until": _l("Locked until"),
    "expires_at": _l("Valid until"),
    "is_priority": _l("Priority"),
    "override_reason": _l("Reason for the exception"),
    "decline_reason": _l("Reason for declining"),
    "address": _l("Address"),
}


def action_label(code: str) -> str:
    """The action in words, in the current language; an unknown code is shown as it is."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def _value_labels() -> dict[str, dict]:
    """Fields whose stored codes have names people know (roles, languages)."""
    from observe.i18n import LANGUAGE_NAMES
    from observe.permissions import ROLE_LABELS

    return {"role": {role.value: label for role, label in ROLE_LABELS.items()},
            "locale": LANGUAGE_NAMES}


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_shown(item)}" for key, item in value.items()) or "—"
    return str(value)


@dataclass
class Change:
    """One line of an entry's changes: `field: before → after` (`before` empty for a value
    that was only recorded after, such as a new record's fields)."""

    field: str
    before: str | None
    after: str | None


def changes(before: dict | None, after: dict | None) -> list[Change]:
    """The fields an entry records, each with its old and new value as text; unchanged ones of
    an update, and empty ones of a new record, are left out."""
    before, after = before or {}, after or {}
    names = _value_labels()

    def shown(name, value):
        if isinstance(value, str) and value in names.get(name, {}):
            return str(names[name][value])
        return _shown(value)

    lines = []
    for name in list(before) + [key for key in after if key not in before]:
        label = str(FIELD_LABELS.get(name, name))
        if name in before and name in after:
            if before[name] == after[name]:
                continue
            lines.append(Change(label, shown(name, before[name]), shown(name, after[name])))
        elif name in after:
            if after[name] in (None, "", [], {}):
                continue  # a new record's empty fields say nothing
            lines.append(Change(label, None, shown(name, after[name])))
        else:
            lines.append(Change(label, shown(name, before[name]), "—"))
    return lines
