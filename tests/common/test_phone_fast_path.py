"""The fast path for Kazakh mobile numbers answers exactly what phonenumbers answers.

No database: the corpus is every operator code 700-799 in every usual way of writing a number,
plus numbers that must fall through to phonenumbers (landlines, Russian, too short or too long).
"""

import pytest

from observe.common import phones
from observe.common.phones import InvalidPhone, normalize_phone, parse_phone

LAYOUTS = (
    "+7{c}{n}", "+7 {c} {a} {b} {d}", "+7 ({c}) {a}-{b}-{d}", "+7-{c}-{a}-{b}-{d}", "8{c}{n}",
    "8 ({c}) {a} {b} {d}", "8 {c} {a}{b}{d}", "8-{c}-{a}-{b}-{d}", "7{c}{n}", "7 {c} {a} {b} {d}",
    "{c}{n}", "({c}) {a}-{b}-{d}", "{c} {a} {b} {d}", "(+7) {c} {a} {b} {d}", "+7  {c} {a} {b} {d}",
    "+7 {c} {a} {b} {d} ", " 8{c}{n}", "+7{c}{n}0", "+7{c}{a}{b}", "8{c}{n}1", "+7 7{c}{n}",
    "+8{c}{n}", "7{c}-{n}", "+7 {c}{a} {b}{d}", "8 ({c}){a}{b}{d}", "+7 {c}.{a}.{b}.{d}",
)
SUFFIXES = ("0000000", "1234567", "9999999", "5550101", "0102030")


def corpus():
    for code in range(700, 800):
        for suffix in SUFFIXES:
            a, b, d = suffix[:3], suffix[3:5], suffix[5:]
            for layout in LAYOUTS:
                yield layout.format(c=code, n=suffix, a=a, b=b, d=d)
    yield from ("", "   ", "+7", "abc", "+7 701 ABC 45 67", "+7 701 123 45 67 доб. 12",
                "+7 ٧٠١ ١٢٣ ٤٥ ٦٧", "+7 701 123 45 6７", "+7 (727) 250 12 34", "+7 916 123 45 67",
                "89161234567", "+49 30 1234567", "+1 202 555 0123", "8 800 080 08 00",
                "+7 701 123 45", "87011234567890", "+7 (701) 123 45 67",
                "+7 (701 123 45 67", "+7 701) 123 45 67")


def verdict(function, text, home_only):
    try:
        return function(text, home_only=home_only)
    except InvalidPhone as error:
        return ("invalid", error.reason, error.code, error.value)


@pytest.mark.parametrize("home_only", [True, False])
def test_fast_path_agrees_with_phonenumbers(home_only):
    texts = list(corpus())
    fast = 0
    for text in texts:
        assert verdict(normalize_phone, text, home_only) == verdict(parse_phone, text,
                                                                      home_only), text
        fast += phones._fast_kz_mobile(text.strip()) is not None
    # The comparison would prove nothing if the fast path never answered, or always did.
    assert 0 < fast < len(texts)


def test_fast_path_only_answers_valid_mobiles():
    assert phones._fast_kz_mobile("+7 701 123 45 67") == "+77011234567"
    assert phones._fast_kz_mobile("8 (747) 123-45-67") == "+77471234567"
    assert phones._fast_kz_mobile("+7 799 123 45 67") is None  # no such operator: phonenumbers
    assert phones._fast_kz_mobile("+7 727 250 12 34") is None  # an Almaty landline
    with pytest.raises(InvalidPhone) as error:
        normalize_phone("+7 799 123 45 67", home_only=True)
    assert error.value.reason == phones.UNKNOWN_CODE and error.value.code == "799"
