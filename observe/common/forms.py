"""Form fields and validators shared by features, with messages in our own catalogs."""

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
