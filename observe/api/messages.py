"""pydantic's validation errors in the caller's language.

pydantic words its messages in English only. Each error carries a stable `type` and its context
(the limit, the allowed values), so the message is rebuilt here from translatable texts; a type
not listed keeps pydantic's own wording rather than saying nothing.
"""

from flask_babel import gettext as _

_PLAIN = {
    "missing": lambda: _("This field is required."),
    "extra_forbidden": lambda: _("This field is not expected here."),
    "int_type": lambda: _("Must be a whole number."),
    "int_parsing": lambda: _("Must be a whole number."),
    "int_from_float": lambda: _("Must be a whole number."),
    "float_type": lambda: _("Must be a number."),
    "float_parsing": lambda: _("Must be a number."),
    "bool_type": lambda: _("Must be true or false."),
    "bool_parsing": lambda: _("Must be true or false."),
    "string_type": lambda: _("Must be text."),
    "string_unicode": lambda: _("Must be valid Unicode text."),
    "dict_type": lambda: _("Must be a JSON object."),
    "list_type": lambda: _("Must be a list."),
    "model_type": lambda: _("Must be a JSON object."),
    "model_attributes_type": lambda: _("Must be a JSON object."),
    "json_invalid": lambda: _("The body is not valid JSON."),
    "json_type": lambda: _("The body is not valid JSON."),
    "uuid_type": lambda: _("Must be a UUID, such as 4f1c2a9e-8d3b-4c55-9a61-0e2b7d4c1f00."),
    "uuid_parsing": lambda: _("Must be a UUID, such as 4f1c2a9e-8d3b-4c55-9a61-0e2b7d4c1f00."),
    "uuid_version": lambda: _("Must be a UUID, such as 4f1c2a9e-8d3b-4c55-9a61-0e2b7d4c1f00."),
    "datetime_type": lambda: _("Must be a date and time in ISO 8601, with its offset."),
    "datetime_parsing": lambda: _("Must be a date and time in ISO 8601, with its offset."),
    "datetime_from_date_parsing": lambda: _(
        "Must be a date and time in ISO 8601, with its offset."),
    "datetime_object_invalid": lambda: _(
        "Must be a date and time in ISO 8601, with its offset."),
    "timezone_aware": lambda: _("The time must carry its offset, such as +05:00."),
    "date_type": lambda: _("Must be a date in ISO 8601 (YYYY-MM-DD)."),
    "date_parsing": lambda: _("Must be a date in ISO 8601 (YYYY-MM-DD)."),
    "date_from_datetime_parsing": lambda: _("Must be a date in ISO 8601 (YYYY-MM-DD)."),
    "time_type": lambda: _("Must be a time (HH:MM)."),
    "time_parsing": lambda: _("Must be a time (HH:MM)."),
    "url_parsing": lambda: _("Must be a web address."),
    "url_type": lambda: _("Must be a web address."),
}

_WITH_CONTEXT = {
    "greater_than_equal": lambda ctx: _("Must be at least %(limit)s.", limit=ctx.get("ge")),
    "greater_than": lambda ctx: _("Must be more than %(limit)s.", limit=ctx.get("gt")),
    "less_than_equal": lambda ctx: _("Must be at most %(limit)s.", limit=ctx.get("le")),
    "less_than": lambda ctx: _("Must be less than %(limit)s.", limit=ctx.get("lt")),
    "string_too_long": lambda ctx: _("At most %(limit)s characters.",
                                     limit=ctx.get("max_length")),
    "string_too_short": lambda ctx: _("At least %(limit)s characters.",
                                      limit=ctx.get("min_length")),
    "too_long": lambda ctx: _("At most %(limit)s items.", limit=ctx.get("max_length")),
    "too_short": lambda ctx: _("At least %(limit)s items.", limit=ctx.get("min_length")),
    "literal_error": lambda ctx: _("Must be one of: %(values)s.", values=ctx.get("expected")),
    "enum": lambda ctx: _("Must be one of: %(values)s.", values=ctx.get("expected")),
    "string_pattern_mismatch": lambda ctx: _("Does not have the expected form."),
}


def message(error: dict) -> str:
    """One pydantic error (an item of `ValidationError.errors()`) as a sentence in the caller's
    language."""
    kind = error.get("type", "")
    if kind in _PLAIN:
        return _PLAIN[kind]()
    if kind in _WITH_CONTEXT:
        return _WITH_CONTEXT[kind](error.get("ctx") or {})
    if kind in ("value_error", "assertion_error"):
        # Our own validators raise translated texts; pydantic prefixes them in English.
        cause = (error.get("ctx") or {}).get("error")
        return str(cause) if cause is not None else error["msg"]
    return error["msg"]
