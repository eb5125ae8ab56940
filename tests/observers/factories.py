"""Helpers for recruitment tests: computed IINs and a valid /join form."""

import re
from datetime import date
from html import unescape

from observe.observers.rules import iin_control_digit

DEFAULT_BIRTH_DATE = date(1990, 5, 17)
DEFAULT_PHONE = "+7 701 234 56 78"
DEFAULT_PHONE_E164 = "+77012345678"


def century_digit(birth_date: date, female: bool = False) -> str:
    """The 7th digit of an IIN: the century of birth, odd for men and even for women."""
    base = {1800: 1, 1900: 3, 2000: 5}[birth_date.year // 100 * 100]
    return str(base + (1 if female else 0))


def iin_prefix(birth_date: date, female: bool = False, serial: int = 0) -> str:
    """The first 11 digits of an IIN: date of birth, century and sex, 4-digit serial."""
    return f"{birth_date:%y%m%d}{century_digit(birth_date, female)}{serial % 10000:04d}"


def valid_iin(birth_date: date = DEFAULT_BIRTH_DATE, female: bool = False, serial: int = 0) -> str:
    """A valid IIN for the date; serials with no valid control digit are skipped."""
    for candidate in range(serial, serial + 10000):
        first_eleven = iin_prefix(birth_date, female, candidate)
        control = iin_control_digit(first_eleven)
        if control is not None:
            return f"{first_eleven}{control}"
    raise AssertionError("no valid IIN found")  # pragma: no cover


def wrong_control_iin(birth_date: date = DEFAULT_BIRTH_DATE, serial: int = 0) -> str:
    """An IIN with every digit right except the control digit."""
    iin = valid_iin(birth_date, serial=serial)
    return iin[:11] + str((int(iin[11]) + 1) % 10)


def applicant_data(**overrides) -> dict:
    """A valid form for POST /join (pass branch_id); any field can be overridden."""
    birth_date = overrides.pop("birth_date_value", DEFAULT_BIRTH_DATE)
    data = {
        "full_name": "Aigerim Nurlanovna Sadykova",
        "iin": valid_iin(birth_date, female=True, serial=123),
        "birth_date": birth_date.isoformat(),
        "phone": DEFAULT_PHONE,
        "email": "aigerim@example.org",
        "branch_id": None,
        "city": "Temirtau",
        "languages": ["kk", "ru"],
        "other_language": "",
        "experience": "once",
        "availability": "full_day",
        "channel": "telegram",
        "campaign": "spring",
        "consent": "y",
        "declaration": "y",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def field_error(html: str, field_id: str) -> str:
    """The text of the error shown next to a field (empty when there is none)."""
    match = re.search(rf'<div id="{re.escape(field_id)}-error"[^>]*>(.*?)</div>', html, re.S)
    return unescape(match.group(1)).strip() if match else ""


def input_value(html: str, name: str) -> str | None:
    """The value attribute of the <input name=...> (None when the input has no value)."""
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else None


def selected_option(html: str, name: str) -> str | None:
    """The selected option's value in <select name=...>."""
    select = re.search(rf'<select[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    if select is None:
        return None
    for option in re.findall(r"<option[^>]*>", select.group(1)):
        if re.search(r"\bselected\b", option):
            value = re.search(r'\bvalue="([^"]*)"', option)
            return unescape(value.group(1)) if value else None
    return None


def option_values(html: str, name: str) -> list[str]:
    """Every option value of <select name=...>."""
    select = re.search(rf'<select[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    if select is None:
        return []
    return [unescape(v) for v in re.findall(r'<option[^>]*\bvalue="([^"]*)"', select.group(1))]


def checked_values(html: str, name: str) -> set[str]:
    """Values of the checked checkboxes named name."""
    values = set()
    for tag in re.findall(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html):
        if re.search(r"\bchecked\b", tag):
            value = re.search(r'\bvalue="([^"]*)"', tag)
            if value:
                values.add(unescape(value.group(1)))
    return values
