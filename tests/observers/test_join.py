"""The public join form: prefill from the link, storing, repeats, errors, honeypot, rate limit."""

from datetime import date

import pytest
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.extensions import db
from observe.observers.models import Application, Observer, StatusChange
from observe.observers.rules import CONSENT_VERSION, reference_day
from tests.observers.factories import (
    DEFAULT_PHONE_E164,
    applicant_data,
    checked_values,
    field_error,
    input_value,
    option_values,
    selected_option,
    valid_iin,
    wrong_control_iin,
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def only_observer() -> Observer:
    return db.session.execute(select(Observer)).scalar_one()


@pytest.fixture
def branch(make_branch):
    return make_branch(region="karaganda", name="Karaganda branch")


def test_link_prefills_channel_and_campaign(client, branch):
    response = client.get("/join?src=telegram&c=spring")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert selected_option(html, "channel") == "telegram"
    assert input_value(html, "campaign") == "spring"
    assert 'name="campaign" type="hidden"' in html
    assert str(branch.id) in option_values(html, "branch_id")


def test_unknown_source_falls_back_to_the_website(client, branch):
    html = client.get("/join?src=tiktok").get_data(as_text=True)
    assert selected_option(html, "channel") == "website"
    assert input_value(html, "campaign") == ""


def test_valid_application_is_stored(client, branch):
    response = client.post("/join", data=applicant_data(branch_id=branch.id, channel="telegram",
                                                        campaign="spring"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/join/thanks")

    observer = only_observer()
    assert observer.status == "applied"
    assert observer.branch_id == branch.id
    assert observer.full_name == "Aigerim Nurlanovna Sadykova"
    assert observer.birth_date == date(1990, 5, 17)
    assert observer.iin == valid_iin(date(1990, 5, 17), female=True, serial=123)
    assert observer.phone == DEFAULT_PHONE_E164
    assert observer.email == "aigerim@example.org"
    assert observer.languages == ["kk", "ru"]
    assert observer.channel == "telegram"
    assert observer.campaign == "spring"
    assert observer.consent_version == CONSENT_VERSION
    assert observer.consent_at is not None
    assert observer.declared_independent_at is not None
    assert observer.repeat_applications == 0

    application = db.session.execute(select(Application)).scalar_one()
    assert (application.observer_id, application.channel, application.campaign,
            application.is_repeat) == (observer.id, "telegram", "spring", False)
    change = db.session.execute(select(StatusChange)).scalar_one()
    assert (change.observer_id, change.to_status, change.actor_id) == (observer.id, "applied",
                                                                       None)
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "observer.apply")).scalar_one()
    assert entry.object_id == str(observer.id)

    thanks = client.get(response.headers["Location"] + "?lang=en")
    assert thanks.status_code == 200
    assert "Your application has been received" in thanks.get_data(as_text=True)


@pytest.mark.parametrize("same", ["iin", "phone"])
def test_repeat_application_is_logged_not_duplicated(client, branch, same):
    first = client.post("/join", data=applicant_data(branch_id=branch.id, channel="telegram"))
    assert first.status_code == 302
    if same == "iin":
        second_data = applicant_data(branch_id=branch.id, phone="+7 702 555 44 33",
                                     channel="instagram", campaign="autumn")
    else:
        second_data = applicant_data(branch_id=branch.id,
                                     iin=valid_iin(date(1990, 5, 17), serial=4321),
                                     channel="instagram", campaign="autumn")
    second = client.post("/join", data=second_data, follow_redirects=True)
    assert second.status_code == 200
    assert second.request.path == "/join/thanks"

    assert count(Observer) == 1
    observer = only_observer()
    assert observer.repeat_applications == 1
    # A repeat changes nothing in the record itself.
    assert observer.phone == DEFAULT_PHONE_E164
    assert observer.channel == "telegram"
    applications = db.session.execute(
        select(Application).order_by(Application.id)).scalars().all()
    assert [(a.channel, a.is_repeat) for a in applications] == [("telegram", False),
                                                                ("instagram", True)]
    assert applications[1].campaign == "autumn"
    assert count(StatusChange) == 1


def test_coordinator_sees_the_repeat(client, branch, login):
    client.post("/join", data=applicant_data(branch_id=branch.id, channel="telegram"))
    client.post("/join", data=applicant_data(branch_id=branch.id, channel="whatsapp",
                                             phone="+7 702 555 44 33"))
    login("coordinator", branch=branch)
    observer = only_observer()
    html = client.get(f"/observers/{observer.id}?lang=en").get_data(as_text=True)
    assert "repeat" in html
    assert "WhatsApp" in html
    listing = client.get("/observers/").get_data(as_text=True)
    assert "+1" in listing


def _under_18_birth_date() -> date:
    today = reference_day()
    return date(today.year - 17, 1, 1)


INVALID_FIELDS = [
    ("iin", lambda: {"iin": wrong_control_iin(date(1990, 5, 17))}, "iin",
     "This IIN is not valid: check the digits."),
    ("iin_length", lambda: {"iin": "12345"}, "iin", "An IIN has exactly 12 digits."),
    ("iin_birth_date", lambda: {"birth_date": "1990-05-18"}, "iin",
     "The IIN does not match the date of birth."),
    ("under_18", lambda: {"birth_date": _under_18_birth_date().isoformat(),
                          "iin": valid_iin(_under_18_birth_date(), serial=5)}, "birth_date",
     "Observers must be at least 18 years old on polling day."),
    ("phone", lambda: {"phone": "12 34"}, "phone",
     "This is not a valid phone number. “12 34” is too short."),
    ("consent", lambda: {"consent": None}, "consent",
     "Your consent is needed to process the application."),
    ("declaration", lambda: {"declaration": None}, "declaration",
     "Observers must be independent of candidates, parties and commissions."),
    ("languages", lambda: {"languages": []}, "languages", "Choose at least one language."),
]


@pytest.mark.parametrize(("case", "overrides", "field", "message"), INVALID_FIELDS,
                         ids=[case[0] for case in INVALID_FIELDS])
def test_invalid_field_gets_its_message_and_input_is_kept(client, branch, case, overrides,
                                                          field, message):
    data = applicant_data(branch_id=branch.id, **overrides())
    response = client.post("/join?lang=en", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_error(html, field) == message
    assert "is-invalid" in html
    # No other field is blamed.
    for other in ("full_name", "iin", "birth_date", "phone", "email", "consent", "declaration",
                  "languages"):
        if other != field:
            assert field_error(html, other) == "", other
    # Everything typed stays in the form.
    for name in ("full_name", "iin", "birth_date", "phone", "email", "city"):
        assert input_value(html, name) == data[name], name
    assert selected_option(html, "branch_id") == str(branch.id)
    assert selected_option(html, "experience") == data["experience"]
    assert selected_option(html, "availability") == data["availability"]
    assert selected_option(html, "channel") == data["channel"]
    assert input_value(html, "campaign") == data["campaign"]
    assert checked_values(html, "languages") == set(data["languages"])
    for box in ("consent", "declaration"):
        assert checked_values(html, box) == ({"y"} if box in data else set()), box
    assert count(Observer) == 0


def test_every_error_is_shown_at_once(client, branch):
    data = applicant_data(branch_id=branch.id, iin="1", phone="x", languages=[], consent=None)
    html = client.post("/join?lang=en", data=data).get_data(as_text=True)
    assert field_error(html, "iin")
    assert field_error(html, "phone")
    assert field_error(html, "languages")
    assert field_error(html, "consent")
    assert "Please correct the fields marked below." in html


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_form_works_in_every_language(client, branch, lang):
    response = client.get(f"/join?lang={lang}")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)


def test_form_in_kazakh_and_russian_shows_translated_errors(client, branch):
    data = applicant_data(branch_id=branch.id, phone="12 34")
    for lang in ("kk", "ru"):
        response = client.post(f"/join?lang={lang}", data=data)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert field_error(html, "phone")
        assert field_error(html, "phone") != "This is not a valid phone number."


def test_honeypot_submission_is_dropped(client, branch):
    audit_entries = count(AuditEntry)
    response = client.post("/join", data=applicant_data(branch_id=branch.id,
                                                        website="http://spam.example"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/join/thanks")
    assert count(Observer) == 0
    assert count(Application) == 0
    assert count(AuditEntry) == audit_entries


def test_posts_are_rate_limited(client, branch, app):
    assert app.config["JOIN_RATE_LIMIT"] == "10 per hour"
    for _ in range(10):
        assert client.post("/join", data=applicant_data(branch_id=branch.id,
                                                        website="bot")).status_code == 302
    assert client.post("/join", data=applicant_data(branch_id=branch.id)).status_code == 429
    assert count(Observer) == 0
    # Reading the form is not limited.
    assert client.get("/join").status_code == 200


def test_inactive_branches_are_not_offered(client, branch, make_branch):
    closed = make_branch(region="almaty", name="Closed branch")
    closed.is_active = False
    db.session.commit()
    html = client.get("/join").get_data(as_text=True)
    options = option_values(html, "branch_id")
    assert str(branch.id) in options
    assert str(closed.id) not in options
    assert "Closed branch" not in html

    response = client.post("/join", data=applicant_data(branch_id=closed.id))
    assert response.status_code == 200
    assert count(Observer) == 0


def test_user_text_is_escaped_on_the_coordinators_pages(client, branch, login):
    script = "<script>alert(1)</script>"
    response = client.post("/join", data=applicant_data(branch_id=branch.id,
                                                        full_name="Д'Артаньян Қасымов",
                                                        city=script, other_language=script))
    assert response.status_code == 302
    observer = only_observer()
    assert observer.city == script
    login("coordinator", branch=branch)
    for url in ("/observers/", f"/observers/{observer.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "Д&#39;Артаньян Қасымов" in html, url
    html = client.get(f"/observers/{observer.id}").get_data(as_text=True)
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- field trial: repeat applications with a new e-mail, names in letters ---------------------

def test_a_repeat_with_a_new_e_mail_is_offered_to_the_coordinator(client, branch, login):
    client.post("/join", data=applicant_data(branch_id=branch.id))
    client.post("/join", data=applicant_data(branch_id=branch.id, email="Aigerim.New@Example.org",
                                             channel="whatsapp"))
    observer = only_observer()
    assert observer.email == "aigerim@example.org"  # nothing changes by itself
    repeat = db.session.execute(select(Application).where(
        Application.is_repeat.is_(True))).scalar_one()
    assert repeat.email == "aigerim.new@example.org"

    coordinator = login("coordinator", branch=branch)
    html = client.get(f"/observers/{observer.id}?lang=en").get_data(as_text=True)
    assert 'id="email-change"' in html and "aigerim.new@example.org" in html
    response = client.post(f"/observers/{observer.id}/email-change",
                           data={"application_id": str(repeat.id)})
    assert response.status_code == 302
    db.session.refresh(observer)
    assert observer.email == "aigerim.new@example.org"
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "observer.email_change")).scalar_one()
    assert (entry.actor_id, entry.before, entry.after) == (
        coordinator.id, {"email": "aigerim@example.org"}, {"email": "aigerim.new@example.org"})
    html = client.get(f"/observers/{observer.id}").get_data(as_text=True)
    assert 'id="email-change"' not in html


def test_a_repeat_with_the_same_e_mail_offers_nothing(client, branch, login):
    client.post("/join", data=applicant_data(branch_id=branch.id))
    client.post("/join", data=applicant_data(branch_id=branch.id, channel="whatsapp"))
    login("coordinator", branch=branch)
    html = client.get(f"/observers/{only_observer().id}").get_data(as_text=True)
    assert 'id="email-change"' not in html


def test_the_new_e_mail_is_personal_data(client, branch, login):
    client.post("/join", data=applicant_data(branch_id=branch.id))
    client.post("/join", data=applicant_data(branch_id=branch.id, email="new@example.org"))
    observer = only_observer()
    login("hq")
    html = client.get(f"/observers/{observer.id}").get_data(as_text=True)
    assert "new@example.org" not in html and 'id="email-change"' not in html
    repeat = db.session.execute(select(Application).where(
        Application.is_repeat.is_(True))).scalar_one()
    assert client.post(f"/observers/{observer.id}/email-change",
                       data={"application_id": str(repeat.id)}).status_code == 403
    db.session.refresh(observer)
    assert observer.email == "aigerim@example.org"


def test_another_observers_application_cannot_be_accepted(client, branch, login):
    client.post("/join", data=applicant_data(branch_id=branch.id))
    client.post("/join", data=applicant_data(branch_id=branch.id, email="new@example.org"))
    other = applicant_data(branch_id=branch.id, iin=valid_iin(date(1990, 5, 17), serial=999),
                           phone="+7 705 333 22 11", email="other@example.org")
    client.post("/join", data=other)
    first, second = db.session.execute(select(Observer).order_by(Observer.id)).scalars()
    repeat = db.session.execute(select(Application).where(
        Application.is_repeat.is_(True))).scalar_one()
    login("coordinator", branch=branch)
    client.post(f"/observers/{second.id}/email-change", data={"application_id": str(repeat.id)})
    db.session.refresh(second)
    assert second.email == "other@example.org"


@pytest.mark.parametrize("name", ["Айгерим 😀 Садыкова", "Aigerim 🇰🇿", "Айгерим1 Садыкова",
                                  "Айгерим <Садыкова>"])
def test_names_with_emoji_digits_or_symbols_are_refused(client, branch, name):
    html = client.post("/join?lang=en", data=applicant_data(branch_id=branch.id, full_name=name)
                       ).get_data(as_text=True)
    assert field_error(html, "full_name") == (
        "Write the name in letters only: spaces, hyphens and apostrophes may separate them.")
    assert count(Observer) == 0


def test_kazakh_letters_hyphens_and_apostrophes_are_accepted(client, branch):
    name = "Әйгерім Нұрланқызы Сәдуақасова-О'Коннор"
    response = client.post("/join", data=applicant_data(branch_id=branch.id, full_name=name))
    assert response.status_code == 302
    assert only_observer().full_name == name

