"""Names every template can use: permissions, languages and local-time formatting."""

from babel.dates import format_skeleton
from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, get_locale, to_user_timezone
from flask_login import current_user

from observe.common.phones import format_phone
from observe.i18n import LANGUAGE_NAMES, localized
from observe.permissions import ROLE_LABELS, Role, can, is_national


def lang_url(code: str) -> str:
    """The current page in another language, keeping repeated filters; path arguments win over
    a query argument of the same name."""
    if request.endpoint is None:
        return url_for("main.index", lang=code)
    values = request.args.to_dict(flat=False)
    values.update(request.view_args or {})
    values["lang"] = code
    return url_for(request.endpoint, **values)


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(Role(role), role)) if role in Role._value2member_map_ else role


def local_datetime(value, fmt: str = "medium") -> str:
    """A stored UTC time shown in Asia/Almaty, in the interface language.

    "medium" is the date and hours:minutes (CLDR's medium format shows seconds, which nobody
    plans a meeting by); "time" is hours:minutes alone; anything else goes to Flask-Babel.
    """
    if not value:
        return ""
    locale = get_locale()
    local = to_user_timezone(value)
    time_part = format_skeleton("Hm", local, locale=locale)
    if fmt == "time":
        return time_part
    if fmt == "medium":
        date_part = format_skeleton("yMMMd", local, locale=locale)
        return locale.datetime_formats["medium"].replace("{1}", date_part).replace("{0}",
                                                                                   time_part)
    return format_datetime(value, fmt)


def time_range(start, end) -> str:
    """"1 Dec 2026, 18:00–20:00", or both full dates when the range spans days."""
    if not start or not end:
        return local_datetime(start)
    same_day = to_user_timezone(start).date() == to_user_timezone(end).date()
    return f"{local_datetime(start)}–{local_datetime(end, 'time' if same_day else 'medium')}"


def label_list(values, labels: dict) -> str:
    """Codes shown by their labels, comma-separated: ["kk", "ru"] -> "Kazakh, Russian"."""
    return ", ".join(str(labels.get(value, value)) for value in values or [])


def register(app: Flask) -> None:
    """Expose the helpers to Jinja."""
    app.jinja_env.filters["localtime"] = local_datetime
    app.jinja_env.globals["time_range"] = time_range
    app.jinja_env.filters["format_date"] = lambda value, fmt="medium": format_date(value, fmt)
    app.jinja_env.filters["label_list"] = label_list
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["phone"] = format_phone
    app.jinja_env.filters["role_label"] = role_label

    @app.context_processor
    def inject():
        return {
            "can": lambda capability: can(current_user, capability),
            "is_national": lambda: is_national(current_user),
            "languages": LANGUAGE_NAMES,
            "current_language": str(get_locale() or "ru"),
            "lang_url": lang_url,
        }
