"""Form fields and validators shared by features, with messages in our own catalogs; and the one
place where a service's DomainError becomes what the user sees."""

from contextlib import contextmanager

from flask import flash
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import CheckboxInput, ListWidget


def required():
    """DataRequired with a message from our catalogs (WTForms has no Kazakh one)."""
    return DataRequired(message=_l("This field is required."))


def checked(message):
    """A checkbox that must be ticked."""
    return InputRequired(message=message)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes: easier than a multi-select on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def attach_errors(form, errors: dict) -> None:
    """Put {field name: message} errors from a service next to the form's fields.

    A field that already shows an error from the form's own validators keeps just that one.
    """
    for name, message in errors.items():
        target = getattr(form, name, None)
        if target is None:
            form.form_errors.append(message)
        elif not target.errors:
            target.errors = [message]


class Outcome:
    """What `service_errors` saw: `ok` is False once a DomainError was turned into messages."""

    def __init__(self):
        self.ok = True
        self.error = None


@contextmanager
def service_errors(form=None):
    """Run service calls; a DomainError undoes their writes and is shown instead of raised.

    With a form, its messages go next to the form's fields (whole-action ones above the form);
    without one they are flashed. The view then re-renders or redirects as `outcome.ok` says:

        with service_errors(form) as outcome:
            assign_observer(proposal, actor=user)
        if outcome.ok:
            flash(...)
            return redirect(...)
    """
    from observe.common.errors import DomainError
    from observe.extensions import db

    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        # Nothing the refused action flushed may reach the request's commit.
        db.session.rollback()
        outcome.ok, outcome.error = False, error
        if form is None:
            for message in error.messages:
                flash(message, "danger")
        else:
            show_domain_error(form, error)


def show_domain_error(form, error) -> None:
    """Put a DomainError's messages on the form: by field where the form has it, else on top."""
    for name, messages in error.fields.items():
        target = getattr(form, name, None) if name else None
        if target is None or not hasattr(target, "errors"):
            form.form_errors.extend(m for m in messages if m not in form.form_errors)
        else:
            target.errors = list(target.errors or []) + [m for m in messages
                                                         if m not in (target.errors or [])]


def mapping_form(fields: dict, columns: list[str], mapping: dict):
    """The import check form: one select per field, its options the file's columns."""
    from flask_babel import gettext as _
    from flask_wtf import FlaskForm
    from wtforms import SelectField, SubmitField

    class MappingForm(FlaskForm):
        check = SubmitField(_l("Check again"))
        import_valid = SubmitField(_l("Import the valid rows"))
        import_all = SubmitField(_l("Import only if there are no errors"))

    choices = [("", _("— not in the file —"))] + [(c, c) for c in columns]
    for name, text in fields.items():
        setattr(MappingForm, f"map_{name}", SelectField(text, choices=choices, default=""))
    form = MappingForm()
    if not form.is_submitted():
        for name in fields:
            getattr(form, f"map_{name}").data = mapping.get(name) or ""
    return form

