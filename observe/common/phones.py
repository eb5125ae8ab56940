"""Phone numbers in E.164, parsed with the phonenumbers library (Kazakhstan by default).

phonenumbers is the authority, but it is slow (a 20,000-row import spent 70 % of its checks in
it). The usual way a Kazakh mobile number is written (+7 701 123 45 67, 8 (701) 123-45-67,
87011234567...) takes a fast path: its ten national digits are matched against the mobile
pattern of phonenumbers' own Kazakh metadata, which is all phonenumbers itself would conclude
for such a text. Anything else (landlines, foreign or broken numbers) goes to phonenumbers.
"""

import re

import phonenumbers
from phonenumbers import ValidationResult

DEFAULT_REGION = "KZ"

# Why a text is not a number we can dial, from phonenumbers' own verdicts.
NOT_A_NUMBER = "not_a_number"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
UNKNOWN_CODE = "unknown_code"  # the right length, but no operator or area has this code
FOREIGN = "foreign"  # a real number, of another country

_LENGTH_REASONS = {
    ValidationResult.TOO_SHORT: TOO_SHORT,
    ValidationResult.TOO_LONG: TOO_LONG,
    ValidationResult.INVALID_COUNTRY_CODE: NOT_A_NUMBER,
}


class InvalidPhone(ValueError):
    """The text is not a phone number we can dial; `reason` says why, `code` the bad prefix."""

    def __init__(self, value: str, reason: str = NOT_A_NUMBER, code: str = ""):
        super().__init__(value)
        self.value = value
        self.reason = reason
        self.code = code


# +7, 8 or 7 (or nothing), then 7xx in brackets or not, then 3-2-2 digits, single spaces or hyphens
# between the groups. The eleven digits of "77011234567" are read as the country code and ten.
_KZ_WRITTEN = re.compile(
    r"(?:\+7|8|7)?[ -]?(?:\((7\d\d)\)|(7\d\d))[ -]?(\d{3})[ -]?(\d{2})[ -]?(\d{2})",
    re.ASCII)  # ASCII digits only: other scripts' digits are phonenumbers' business


def _kz_mobile_pattern() -> re.Pattern | None:
    """Kazakhstan's mobile numbers, as phonenumbers' metadata describes them."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)
    mobile = getattr(metadata, "mobile", None)
    pattern = getattr(mobile, "national_number_pattern", None)
    # The fast path relies on +7 numbers starting with 7 being Kazakh (Russia leads with 3489).
    if pattern is None or metadata.country_code != 7 or metadata.leading_digits != "7":
        return None
    return re.compile(pattern, re.ASCII)


_KZ_MOBILE = _kz_mobile_pattern()


def _fast_kz_mobile(text: str) -> str | None:
    """The E.164 form of a Kazakh mobile number written the usual way; None to ask phonenumbers."""
    match = _KZ_WRITTEN.fullmatch(text)
    if match is None or _KZ_MOBILE is None:
        return None
    bracketed, code, *rest = match.groups()
    national = (bracketed or code) + "".join(rest)
    return "+7" + national if _KZ_MOBILE.fullmatch(national) else None


def normalize_phone(raw: str, region: str = DEFAULT_REGION, *, home_only: bool = False) -> str:
    """Return the number in E.164 form, or raise InvalidPhone with the reason.

    `home_only` also refuses valid numbers of other countries (a Russian +7 9xx number).
    """
    text = (raw or "").strip()
    if region == DEFAULT_REGION and (fast := _fast_kz_mobile(text)) is not None:
        return fast
    return parse_phone(text, region, home_only=home_only)


def parse_phone(raw: str, region: str = DEFAULT_REGION, *, home_only: bool = False) -> str:
    """normalize_phone by phonenumbers alone, without the fast path (the tests compare both)."""
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        reason = TOO_SHORT if exc.error_type in (
            phonenumbers.NumberParseException.TOO_SHORT_NSN,
            phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD) else (
            TOO_LONG if exc.error_type == phonenumbers.NumberParseException.TOO_LONG
            else NOT_A_NUMBER)
        raise InvalidPhone(text, reason) from exc
    length = phonenumbers.is_possible_number_with_reason(number)
    if length in _LENGTH_REASONS:
        raise InvalidPhone(text, _LENGTH_REASONS[length])
    if length == ValidationResult.INVALID_LENGTH:
        raise InvalidPhone(text, _length_reason(number))
    national = str(number.national_number)
    if not phonenumbers.is_valid_number(number):
        if region in phonenumbers.region_codes_for_country_code(number.country_code):
            raise InvalidPhone(text, UNKNOWN_CODE, national[:3])
        raise InvalidPhone(text, FOREIGN if home_only else NOT_A_NUMBER)
    if home_only and phonenumbers.region_code_for_number(number) != region:
        raise InvalidPhone(text, FOREIGN)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _length_reason(number) -> str:
    """Too short or too long for its country, when phonenumbers only says "invalid length"."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(
        phonenumbers.region_code_for_country_code(number.country_code))
    lengths = [n for n in getattr(getattr(metadata, "general_desc", None), "possible_length", ())
               if n > 0]
    digits = len(str(number.national_number))
    if not lengths:
        return NOT_A_NUMBER
    # Between two possible lengths (Kazakhstan: 10 and 14) a number is a digit or two too long.
    return TOO_LONG if digits > min(lengths) else TOO_SHORT


def invalid_phone_message(error: InvalidPhone) -> str:
    """What was wrong with the number, in the user's language, quoting what they typed."""
    from flask_babel import gettext as _

    value = error.value[:40]
    detail = {
        TOO_SHORT: lambda: _("“%(value)s” is too short.", value=value),
        TOO_LONG: lambda: _("“%(value)s” is too long.", value=value),
        UNKNOWN_CODE: lambda: _("“%(value)s” does not exist in Kazakhstan: check the operator "
                                "code (%(code)s) and the digits.", value=value, code=error.code),
        FOREIGN: lambda: _("“%(value)s” is not a Kazakh number.", value=value),
    }.get(error.reason, lambda: _("“%(value)s” is not a phone number.", value=value))()
    # The first sentence is the one every catalog already has; the detail follows it.
    return f"{_('This is not a valid phone number.')} {detail}"


def format_phone(e164: str | None) -> str:
    """Readable international form of a stored E.164 number."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
