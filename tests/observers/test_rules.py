"""IIN, age and phone rules, with IINs computed from the published checksum algorithm."""

from datetime import date
from itertools import product

import pytest

from observe.observers import rules
from observe.observers.rules import RuleError, clean_birth_date, clean_iin, clean_phone
from tests.observers.factories import iin_prefix, valid_iin, wrong_control_iin

FIRST_WEIGHTS = range(1, 12)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def weighted(first_eleven: str, weights) -> int:
    """An independent computation of a weighted digit sum mod 11."""
    return sum(int(d) * w for d, w in zip(first_eleven, weights, strict=True)) % 11


def find_prefix(predicate, birth_date=date(1988, 3, 9)) -> str:
    """The first 11-digit prefix for the date (both sexes, all serials) satisfying predicate."""
    for female, serial in product((False, True), range(10000)):
        prefix = iin_prefix(birth_date, female, serial)
        if predicate(prefix):
            return prefix
    raise AssertionError("no such prefix")


@pytest.mark.parametrize(("birth_date", "female", "century"), [
    (date(1985, 7, 23), False, "3"),
    (date(1985, 7, 23), True, "4"),
    (date(1901, 1, 1), False, "3"),
    (date(1999, 12, 31), True, "4"),
    (date(2001, 2, 28), False, "5"),
    (date(2004, 11, 5), True, "6"),
])
def test_valid_iins_are_accepted(birth_date, female, century):
    iin = valid_iin(birth_date, female=female, serial=42)
    assert iin[6] == century
    assert iin[:6] == birth_date.strftime("%y%m%d")
    # The control digit agrees with an independent computation of the first weighting.
    assert weighted(iin[:11], FIRST_WEIGHTS) in (int(iin[11]), 10)
    assert clean_iin(iin) == iin
    assert clean_iin(iin, birth_date) == iin
    assert rules.birth_date_from_iin(iin) == birth_date


def test_spaces_inside_an_iin_are_ignored():
    iin = valid_iin(date(1990, 5, 17), serial=7)
    assert clean_iin(f" {iin[:6]} {iin[6:]} ") == iin


@pytest.mark.parametrize("serial", [0, 1, 250, 9998])
def test_wrong_control_digit_is_rejected(serial):
    with pytest.raises(RuleError, match="not valid"):
        clean_iin(wrong_control_iin(date(1990, 5, 17), serial=serial))


def test_control_digit_from_the_second_weights_when_first_sum_is_ten():
    prefix = find_prefix(lambda p: weighted(p, FIRST_WEIGHTS) == 10
                         and weighted(p, SECOND_WEIGHTS) != 10)
    control = weighted(prefix, SECOND_WEIGHTS)
    assert rules.iin_control_digit(prefix) == control
    iin = f"{prefix}{control}"
    assert clean_iin(iin, rules.birth_date_from_iin(iin)) == iin
    # 10 itself is never a control digit: the other digits are refused.
    for digit in set(range(10)) - {control}:
        with pytest.raises(RuleError):
            clean_iin(f"{prefix}{digit}")


def test_a_number_without_any_valid_control_digit_is_rejected():
    prefix = find_prefix(lambda p: weighted(p, FIRST_WEIGHTS) == 10
                         and weighted(p, SECOND_WEIGHTS) == 10)
    assert rules.iin_control_digit(prefix) is None
    for digit in range(10):
        with pytest.raises(RuleError, match="not valid"):
            clean_iin(f"{prefix}{digit}")


@pytest.mark.parametrize("raw", ["", "   ", "12345678901", "1234567890123", "90051740012a",
                                 "9005-1740-0123", "abcdefghijkl", None])
def test_non_digits_and_wrong_length_are_rejected(raw):
    with pytest.raises(RuleError, match="12 digits"):
        clean_iin(raw)


@pytest.mark.parametrize("century", ["0", "7", "8", "9"])
def test_unknown_century_digit_is_rejected(century):
    # Give it a correct control digit, so only the century digit is wrong.
    prefix = next(p for p in (f"900517{century}{serial:04d}" for serial in range(100))
                  if rules.iin_control_digit(p) is not None)
    iin = f"{prefix}{rules.iin_control_digit(prefix)}"
    assert rules.birth_date_from_iin(iin) is None
    with pytest.raises(RuleError, match="date of birth"):
        clean_iin(iin)


def test_impossible_date_inside_an_iin_is_rejected():
    prefix = find_prefix(lambda p: rules.iin_control_digit(p) is not None, date(1990, 2, 1))
    prefix = prefix[:4] + "30" + prefix[6:]  # 30 February
    control = rules.iin_control_digit(prefix)
    if control is None:  # pragma: no cover - depends on the digits
        pytest.skip("no control digit for this prefix")
    with pytest.raises(RuleError, match="valid date of birth"):
        clean_iin(f"{prefix}{control}")


def test_birth_date_mismatch_is_rejected():
    iin = valid_iin(date(1990, 5, 17))
    with pytest.raises(RuleError, match="does not match"):
        clean_iin(iin, date(1990, 5, 18))
    # The same digits in another century are another person.
    with pytest.raises(RuleError, match="does not match"):
        clean_iin(iin, date(2090, 5, 17))


def test_exactly_eighteen_on_the_day_is_accepted():
    on = date(2026, 6, 15)
    assert clean_birth_date(date(2008, 6, 15), on=on) == date(2008, 6, 15)


def test_eighteen_tomorrow_is_rejected():
    on = date(2026, 6, 15)
    with pytest.raises(RuleError, match="at least 18"):
        clean_birth_date(date(2008, 6, 16), on=on)


def test_leap_day_birthday_turns_eighteen_on_the_first_of_march():
    assert clean_birth_date(date(2008, 2, 29), on=date(2026, 3, 1))
    with pytest.raises(RuleError, match="at least 18"):
        clean_birth_date(date(2008, 2, 29), on=date(2026, 2, 28))


def test_age_is_checked_against_today_by_default(app):
    today = rules.reference_day()
    assert clean_birth_date(date(today.year - 30, 1, 1)) == date(today.year - 30, 1, 1)
    with pytest.raises(RuleError, match="at least 18"):
        clean_birth_date(date(today.year - 17, 1, 1))


@pytest.mark.parametrize("birth_date", [None, date(1899, 12, 31), date(2030, 1, 1)])
def test_missing_or_impossible_birth_dates_are_rejected(birth_date):
    with pytest.raises(RuleError):
        clean_birth_date(birth_date, on=date(2026, 6, 15))


@pytest.mark.parametrize("raw", ["+7 701 234 56 78", "8 701 234 5678", "87012345678",
                                 "+7 (701) 234-56-78", "+77012345678", " 8(701)2345678 "])
def test_phone_numbers_are_normalised_to_e164(raw):
    assert clean_phone(raw) == "+77012345678"


@pytest.mark.parametrize("raw", ["", "   ", "hello", "12345", "+7 701 234", "+7 999 999 99 99 99",
                                 "call me maybe"])
def test_garbage_phone_numbers_are_rejected(raw):
    with pytest.raises(RuleError):
        clean_phone(raw)


def test_the_age_rule_uses_the_next_polling_day(app, make_election):
    from datetime import timedelta

    from observe.common.db import utcnow
    from observe.observers.rules import reference_day

    today = utcnow().date()
    assert reference_day() == today
    make_election(polling_day=today + timedelta(days=40), status="closed")
    make_election(polling_day=today + timedelta(days=60))
    make_election(polling_day=today + timedelta(days=90))
    assert reference_day() == today + timedelta(days=60)
    # Someone turning 18 in 50 days may apply for the election in 60 days.
    birthday = today + timedelta(days=50)
    born = birthday.replace(year=birthday.year - 18)
    assert clean_birth_date(born) == born


# --- phone errors say what is wrong (field trial) --------------------------------------------

@pytest.mark.parametrize(("raw", "reason"), [
    ("12 34", "is too short"),
    ("+7 701 234", "is too short"),
    ("+7 701 234 56 78 9", "is too long"),
    ("+7 600 123 45 67", "check the operator code (600)"),
    ("+1 202 555 0143", "is not a Kazakh number"),
    ("8 999 123 45 67", "is not a Kazakh number"),  # a Russian mobile
    ("call me maybe", "is not a phone number"),
])
def test_phone_errors_quote_the_value_and_give_the_reason(raw, reason):
    with pytest.raises(RuleError) as error:
        clean_phone(raw)
    message = error.value.fields["phone"][0]
    assert f"“{raw}”" in message
    assert reason in message


def test_kazakh_landlines_and_mobiles_pass():
    assert clean_phone("8 7212 41 23 45") == "+77212412345"
    assert clean_phone("+7 747 123 45 67") == "+77471234567"


# --- names: letters only (field trial) --------------------------------------------------------

@pytest.mark.parametrize("name", ["Әлия Қасымқызы", "Іңкәр Үмбетова-Нұрғали", "Ұлжан Өмірбек",
                                  "Гүлнұр Һадиқызы", "O'Brien John", "Д’Артаньян Ерлан",
                                  "José Müller", "Ñuñez Ana"])
def test_names_in_kazakh_russian_and_latin_letters_pass(name):
    assert rules.clean_full_name(name) == name


@pytest.mark.parametrize("name", ["Айгерим 😀", "Айгерим Садыкова 🇰🇿", "Иванов И.И.", "Observer 7",
                                  "<b>Айгерим</b>", "名字 名字", "Айгерим_Садыкова", "--- ---"])
def test_names_with_other_characters_are_refused(name):
    with pytest.raises(RuleError) as error:
        rules.clean_full_name(name)
    assert error.value.fields["full_name"] == [
        "Write the name in letters only: spaces, hyphens and apostrophes may separate them."]
