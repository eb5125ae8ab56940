"""422 messages in the caller's language: pydantic's own English is replaced by our texts."""

import pytest
from flask_babel import force_locale, gettext

from observe.api.messages import message


@pytest.fixture
def observer_api(api, polling_day):
    return api(polling_day.own.user)


BAD_INCIDENT = {"client_uuid": "not-a-uuid", "station_id": "7", "category": "alien_landing",
                "severity": "high", "description": "x" * 10001,
                "occurred_at": "2030-03-19T10:00:00+05:00", "surprise": 1}


def expected(lang: str) -> dict:
    with force_locale(lang):
        return {
            "client_uuid": [gettext("Must be a UUID, such as "
                                    "4f1c2a9e-8d3b-4c55-9a61-0e2b7d4c1f00.")],
            "station_id": [gettext("Must be a whole number.")],
            "description": [gettext("At most %(limit)s characters.", limit=10000)],
            "surprise": [gettext("This field is not expected here.")],
        }


def test_every_field_error_is_in_the_callers_language(observer_api):
    seen = {}
    for lang in ("ru", "kk", "en"):
        response = observer_api.post(f"/incidents?lang={lang}", json=BAD_INCIDENT)
        assert response.status_code == 422
        fields = response.json["error"]["fields"]
        for name, messages in expected(lang).items():
            assert fields[name] == messages, (lang, name, fields[name])
        assert len(fields["category"]) == 1 and "alien_landing" not in fields["category"][0]
        seen[lang] = fields
    # Each language reads differently, and none is pydantic's English.
    assert seen["ru"]["client_uuid"] != seen["en"]["client_uuid"] != seen["kk"]["client_uuid"]
    assert not any("Input should" in m for f in seen.values() for ms in f.values() for m in ms)


def test_an_unlisted_error_type_keeps_pydantics_wording():
    assert message({"type": "something_new", "msg": "Something new went wrong"}) == (
        "Something new went wrong")
    assert message({"type": "greater_than_equal", "msg": "", "ctx": {"ge": 0}}) == (
        "Must be at least 0.")
