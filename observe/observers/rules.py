"""Validation rules for a volunteer's identity, shared by the join form, the import and the API.

Each check returns the cleaned value or raises RuleError with a message in the user's language.
"""

import re
import unicodedata
from datetime import date, datetime
from operator import mul

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext

from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.common.phones import InvalidPhone, invalid_phone_message, normalize_phone
from observe.observers.choices import AVAILABILITY, CHANNELS, EXPERIENCE, LANGUAGES

MINIMUM_AGE = 18
CONSENT_VERSION = "2026-11"

_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# The 7th digit of an IIN: the century of birth, odd for men and even for women.
_CENTURY_BY_DIGIT = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


class RuleError(DomainError):
    """A value broke a rule; `fields` maps each field to messages ready to show next to it."""


def iin_control_digit(first_eleven: str) -> int | None:
    """The 12th digit of an IIN from its first 11, or None when no valid control digit exists."""
    digits = list(map(int, first_eleven))
    if len(digits) != 11:
        raise ValueError(first_eleven)
    control = sum(map(mul, digits, _FIRST_WEIGHTS)) % 11  # map(mul): an import checks 20,000
    if control == 10:
        control = sum(map(mul, digits, _SECOND_WEIGHTS)) % 11
        if control == 10:
            return None
    return control


def birth_date_from_iin(iin: str) -> date | None:
    """The date of birth encoded in an IIN's first seven digits, if they make a real date."""
    century = _CENTURY_BY_DIGIT.get(iin[6])
    if century is None:
        return None
    try:
        return date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def clean_iin(raw: str, birth_date: date | None = None) -> str:
    """A valid IIN: 12 digits, a correct control digit, and a birth date matching `birth_date`."""
    iin = "".join((raw or "").split())
    if len(iin) != 12 or not iin.isdigit():
        raise RuleError(_("An IIN has exactly 12 digits."), field="iin")
    if iin_control_digit(iin[:11]) != int(iin[11]):
        raise RuleError(_("This IIN is not valid: check the digits."), field="iin")
    encoded = birth_date_from_iin(iin)
    if encoded is None:
        raise RuleError(_("This IIN does not contain a valid date of birth."), field="iin")
    if birth_date is not None and encoded != birth_date:
        raise RuleError(_("The IIN does not match the date of birth."), field="iin")
    return iin


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on a given day."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def reference_day() -> date:
    """The day the minimum age applies on: polling day of the next election, or today."""
    from observe.elections.services import next_polling_day

    return next_polling_day() or utcnow().date()


def clean_birth_date(birth_date: date | None, on: date | None = None) -> date:
    """A plausible date of birth of someone at least 18 on the reference day."""
    if birth_date is None:
        raise RuleError(_("Enter the date of birth."), field="birth_date")
    on = on or reference_day()
    if birth_date >= on or birth_date.year < 1900:
        raise RuleError(_("Enter a real date of birth."), field="birth_date")
    if age_on(birth_date, on) < MINIMUM_AGE:
        raise RuleError(ngettext("Observers must be at least %(num)d year old on polling day.",
                                 "Observers must be at least %(num)d years old on polling day.",
                                 MINIMUM_AGE), field="birth_date")
    return birth_date


def clean_phone(raw: str) -> str:
    """A Kazakh phone number in E.164 form; the error quotes the value and says what is wrong."""
    if not (raw or "").strip():
        raise RuleError(_("Enter a phone number."), field="phone")
    try:
        return normalize_phone(raw, home_only=True)
    except InvalidPhone as error:
        raise RuleError(invalid_phone_message(error), field="phone") from None


# Besides letters a name may have spaces, hyphens (Абай-Құнанбайұлы) and apostrophes (O'Brien),
# typographic ones included. The usual alphabets are checked by a regex first: an import of
# 20,000 rows would otherwise look up every character's Unicode name.
_PLAIN_NAME = re.compile(r"[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі' -]+")
_NAME_MARKS = frozenset(" -\u2010'\u2019\u02bc")


def _name_letter(char: str) -> bool:
    """A Cyrillic (Kazakh letters included) or Latin letter."""
    return char.isalpha() and unicodedata.name(char, "").startswith(("CYRILLIC ", "LATIN "))


def clean_full_name(raw) -> str:
    """A person's name: 3 to 200 characters, letters, spaces, hyphens and apostrophes only."""
    name = " ".join(unicodedata.normalize("NFC", str(raw or "")).split())
    if len(name) < 3:
        raise RuleError(_("Enter the full name."), field="full_name")
    if len(name) > 200:
        raise RuleError(_("The name is too long."), field="full_name")
    letters_only = _PLAIN_NAME.fullmatch(name) or all(
        _name_letter(char) or char in _NAME_MARKS for char in name)
    if not letters_only or sum(map(str.isalpha, name)) < 2:
        raise RuleError(_("Write the name in letters only: spaces, hyphens and apostrophes "
                          "may separate them."), field="full_name")
    return name


# Plain ASCII addresses, the vast majority, need no full RFC and IDNA check: a 20,000-row
# import spends most of its time in email_validator otherwise.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_%+-]+(\.[a-z0-9_%+-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}"
)


def clean_email(raw: str) -> str:
    """A syntactically valid e-mail address, lower-cased (deliverability is not checked)."""
    email = (raw or "").strip().lower()
    if len(email) <= 254 and _PLAIN_EMAIL.fullmatch(email):
        return email
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise RuleError(_("This is not a valid e-mail address."), field="email") from None


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _parse_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if match := _ISO_DATE.fullmatch(text):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            raise RuleError(_("Enter a real date of birth."), field="birth_date") from None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    raise RuleError(_("Enter the date as DD.MM.YYYY."), field="birth_date")


def validate_applicant(raw: dict, *, require_email: bool = True,
                       age_on: date | None = None) -> tuple[dict, dict]:
    """Check a volunteer's fields; return (clean values, {field: message}) with every error found.

    Used by the public form, the coordinator's form, the spreadsheet import and the API, so
    the rules are written once.
    `age_on` is the day the minimum age applies on (reference_day() when not given); an import
    passes it once instead of asking the database for every row.
    """
    clean: dict = {}
    errors: dict = {}

    clean["full_name"] = " ".join(str(raw.get("full_name") or "").split())
    try:
        clean["full_name"] = clean_full_name(raw.get("full_name"))
    except RuleError as error:
        errors["full_name"] = error.message

    try:
        clean["birth_date"] = clean_birth_date(_parse_date(raw.get("birth_date") or None),
                                               on=age_on)
    except RuleError as error:
        errors["birth_date"] = error.message
    try:
        clean["iin"] = clean_iin(str(raw.get("iin") or ""), clean.get("birth_date"))
    except RuleError as error:
        errors["iin"] = error.message
    try:
        clean["phone"] = clean_phone(str(raw.get("phone") or ""))
    except RuleError as error:
        errors["phone"] = error.message

    email = str(raw.get("email") or "").strip().lower()
    if email:
        try:
            email = clean_email(email)
        except RuleError as error:
            errors["email"] = error.message
    elif require_email:
        errors["email"] = _("Enter an e-mail address.")
    clean["email"] = email

    clean["city"] = " ".join(str(raw.get("city") or "").split())[:120]
    languages = [code for code in (raw.get("languages") or []) if code in LANGUAGES]
    if not languages:
        errors["languages"] = _("Choose at least one language.")
    clean["languages"] = languages
    clean["other_language"] = str(raw.get("other_language") or "").strip()[:100]
    clean["experience"] = raw.get("experience") if raw.get("experience") in EXPERIENCE else "none"
    availability = raw.get("availability")
    clean["availability"] = availability if availability in AVAILABILITY else "unsure"
    clean["channel"] = raw.get("channel") if raw.get("channel") in CHANNELS else "other"
    clean["campaign"] = "".join(
        ch for ch in str(raw.get("campaign") or "") if ch.isalnum() or ch in "-_."
    )[:64]
    return clean, errors


def clean_applicant(raw: dict, *, require_email: bool = True, age_on: date | None = None) -> dict:
    """validate_applicant for a service: the clean values, or RuleError with every message."""
    clean, errors = validate_applicant(raw, require_email=require_email, age_on=age_on)
    if errors:
        raise RuleError(fields=errors)
    return clean
