"""Rosters exported from Google Forms, as the field trial brought them: the timestamp column,
consent answers, phone errors that say what is wrong, names, and duplicates in other branches."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from observe.common.tabular import guess_mapping
from observe.extensions import db
from observe.observers.imports import (
    SYNONYMS,
    ImportRefused,
    parse_consent,
    parse_timestamp,
    preview_import,
    run_import,
)
from observe.observers.models import Application, Observer
from tests.observers.test_import_export import make_iin, make_phone, to_csv, token_of, upload

# The columns of a real Google Form export, in its three languages: the timestamp Google adds,
# then the questions as the form asked them.
GOOGLE_FORMS = {
    "ru": {"applied_at": "Отметка времени", "full_name": "Ваше ФИО", "iin": "ИИН",
           "birth_date": "Дата рождения", "phone": "Номер телефона",
           "email": "Адрес электронной почты", "languages": "Какими языками владеете",
           "consent": "Согласие на обработку персональных данных"},
    "kk": {"applied_at": "Уақыт белгісі", "full_name": "Аты-жөні", "iin": "ЖСН",
           "birth_date": "Туған күні", "phone": "Телефон нөмірі", "email": "Электрондық пошта",
           "languages": "Қандай тілдерді білесіз",
           "consent": "Дербес деректерді өңдеуге келісім"},
    "en": {"applied_at": "Timestamp", "full_name": "Full name", "iin": "IIN",
           "birth_date": "Date of birth", "phone": "Phone number", "email": "Email address",
           "languages": "Languages", "consent": "Consent"},
}
# How each language's sheet writes 14 September 2026, 10:23:45 in Almaty (05:23:45 UTC).
STAMPS = {"ru": "14.09.2026 10:23:45", "kk": "2026/09/14 10:23:45 AM GMT+5",
          "en": "9/14/2026 10:23:45"}
YES = {"ru": "Да", "kk": "Иә", "en": "Yes"}
APPLIED_AT = datetime(2026, 9, 14, 5, 23, 45, tzinfo=UTC)


def volunteer(lang="ru", name="Асель Нурланова", **overrides) -> dict:
    birth = date(1990, 5, 17)
    row = {"applied_at": STAMPS[lang], "full_name": name, "iin": make_iin(birth),
           "birth_date": birth.strftime("%d.%m.%Y"), "phone": make_phone(), "email": "",
           "languages": "казахский, русский", "consent": YES[lang]}
    row.update(overrides)
    return row


def count_observers() -> int:
    return db.session.scalar(select(func.count()).select_from(Observer))


# --- the timestamp is not the campaign ------------------------------------------------------

@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_google_forms_headers_are_mapped_by_whole_words(lang):
    headers = GOOGLE_FORMS[lang]
    mapping = guess_mapping(list(headers.values()) + ["Метка"], SYNONYMS)
    for name, header in headers.items():
        assert mapping[name] == header, name
    assert mapping["campaign"] == "Метка"
    assert mapping["availability"] is None  # "Уақыт" (time) is not the timestamp either


def test_a_synonym_inside_another_word_does_not_match():
    assert guess_mapping(["Отметка времени"], {"campaign": ["Метка"]}) == {"campaign": None}
    assert guess_mapping(["Ваша метка"], {"campaign": ["Метка"]}) == {"campaign": "Ваша метка"}
    assert guess_mapping(["Контактный телефон"], {"phone": ["Тел"]}) == {"phone": None}


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_the_form_timestamp_becomes_the_application_date(app, make_user, lang):
    coordinator = make_user("coordinator")
    data = to_csv([volunteer(lang)], GOOGLE_FORMS[lang])
    preview = preview_import(data, "form.csv", coordinator.branch, actor=coordinator)
    assert preview.mapping["campaign"] is None and not preview.errors, preview.errors
    run_import(data, "form.csv", coordinator.branch, preview.mapping, "all_or_nothing",
               coordinator)
    db.session.commit()
    observer = db.session.execute(select(Observer)).scalar_one()
    assert observer.campaign == ""
    assert observer.applied_at == APPLIED_AT
    assert db.session.execute(select(Application.submitted_at)).scalar_one() == APPLIED_AT
    assert observer.consent_at == APPLIED_AT  # given with the form


@pytest.mark.parametrize(("text", "expected"), [
    ("14.09.2026 10:23:45", APPLIED_AT), ("14.09.2026 10:23", APPLIED_AT.replace(second=0)),
    ("2026/09/14 10:23:45 AM GMT+5", APPLIED_AT), ("2026/09/14 5:23:45 AM GMT+0", APPLIED_AT),
    ("9/14/2026 10:23:45", APPLIED_AT), ("2026-09-14 10:23:45", APPLIED_AT),
    ("2026-09-14T05:23:45+00:00", APPLIED_AT), ("", None),
])
def test_timestamps_in_every_form(text, expected):
    assert parse_timestamp(text) == expected


def test_an_unreadable_timestamp_is_a_row_error(app, make_user):
    coordinator = make_user("coordinator")
    rows = [volunteer(), volunteer(name="Болат Сериков", applied_at="вчера вечером")]
    preview = preview_import(to_csv(rows, GOOGLE_FORMS["ru"]), "form.csv", coordinator.branch)
    assert [(e.line, e.field) for e in preview.errors] == [(3, "applied_at")]
    assert "вчера вечером" in preview.errors[0].message


# --- consent is what the file says ------------------------------------------------------------

@pytest.mark.parametrize("answer", ["Да", "да", "Иә", "Yes", "true", "1", "+", "✓",
                                    "Я согласен(на) на обработку персональных данных",
                                    "Келісемін", "I agree"])
def test_consent_answers_that_say_yes(answer):
    assert parse_consent(answer) is True


@pytest.mark.parametrize("answer", ["Нет", "нет", "Жоқ", "No", "false", "0", "", "  ",
                                    "Не согласен", "I do not agree", "Келіспеймін"])
def test_consent_answers_that_say_no(answer):
    assert parse_consent(answer) is False


def test_rows_without_consent_are_refused_with_their_line(app, make_user):
    coordinator = make_user("coordinator")
    rows = [volunteer(), volunteer(name="Ерлан Нетов", consent="Нет"),
            volunteer(name="Дана Жоқова", consent="Жоқ"), volunteer(name="Сауле Пустая",
                                                                    consent=""),
            volunteer(name="Арман Может", consent="может быть"), volunteer(name="Последняя Да")]
    data = to_csv(rows, GOOGLE_FORMS["ru"])
    preview = preview_import(data, "form.csv", coordinator.branch)
    assert [(e.line, e.field) for e in preview.errors] == [
        (3, "consent"), (4, "consent"), (5, "consent"), (6, "consent")]
    assert "может быть" in preview.errors[-1].message
    with pytest.raises(ImportRefused):
        run_import(data, "form.csv", coordinator.branch, preview.mapping, "all_or_nothing",
                   coordinator)
    db.session.rollback()
    outcome = run_import(data, "form.csv", coordinator.branch, preview.mapping, "valid_only",
                         coordinator)
    db.session.commit()
    assert (outcome.imported, outcome.invalid) == (2, 4)
    names = set(db.session.scalars(select(Observer.full_name)))
    assert names == {"Асель Нурланова", "Последняя Да"}
    assert all(db.session.scalars(select(Observer.consent_at)))


def test_without_a_consent_column_the_import_needs_the_paper_confirmation(app, make_user):
    coordinator = make_user("coordinator")
    headers = {k: v for k, v in GOOGLE_FORMS["ru"].items() if k != "consent"}
    data = to_csv([volunteer()], headers)
    preview = preview_import(data, "roster.csv", coordinator.branch)
    assert preview.consent_source == "" and "consent" in preview.missing_fields
    with pytest.raises(ImportRefused, match="no consent column"):
        run_import(data, "roster.csv", coordinator.branch, preview.mapping, "valid_only",
                   coordinator)
    db.session.rollback()
    assert count_observers() == 0

    confirmed = preview_import(data, "roster.csv", coordinator.branch, paper_consent=True)
    assert confirmed.consent_source == "paper" and not confirmed.missing_fields
    run_import(data, "roster.csv", coordinator.branch, preview.mapping, "valid_only",
               coordinator, paper_consent=True)
    db.session.commit()
    observer = db.session.execute(select(Observer)).scalar_one()
    assert observer.consent_at is not None and observer.declared_independent_at is not None


def test_the_upload_form_asks_for_the_paper_confirmation(client, login):
    login("coordinator")
    headers = {k: v for k, v in GOOGLE_FORMS["ru"].items() if k != "consent"}
    data = to_csv([volunteer()], headers)
    mapping = {f"map_{k}": v for k, v in headers.items()}

    token = token_of(upload(client, data, "roster.csv"))
    page = client.get(f"/observers/import/{token}?lang=en").get_data(as_text=True)
    assert 'id="consent-source"' in page and "no consent column" in page
    refused = client.post(f"/observers/import/{token}", data={**mapping, "import_valid": "1"})
    assert refused.status_code == 200 and count_observers() == 0

    token = token_of(upload(client, data, "roster.csv", paper_consent="y"))
    done = client.post(f"/observers/import/{token}", data={**mapping, "import_valid": "1"})
    assert done.status_code == 302 and count_observers() == 1


# --- phone errors and names ---------------------------------------------------------------------

def test_phone_errors_show_the_value_and_the_reason(app, make_user):
    coordinator = make_user("coordinator")
    rows = [volunteer(phone="+7 600 123 45 67"), volunteer(name="Короткий Номер", phone="8 701 23"),
            volunteer(name="Длинный Номер", phone="+7 701 234 56 78 90"),
            volunteer(name="Чужой Номер", phone="+998 90 123 45 67")]
    preview = preview_import(to_csv(rows, GOOGLE_FORMS["ru"]), "form.csv", coordinator.branch)
    messages = {e.line: e.message for e in preview.errors if e.field == "phone"}
    assert "“+7 600 123 45 67”" in messages[2] and "operator code (600)" in messages[2]
    assert "“8 701 23”" in messages[3] and "too short" in messages[3]
    assert "“+7 701 234 56 78 90”" in messages[4] and "too long" in messages[4]
    assert "“+998 90 123 45 67”" in messages[5] and "not a Kazakh number" in messages[5]


def test_names_with_emoji_are_row_errors(app, make_user):
    coordinator = make_user("coordinator")
    rows = [volunteer(name="Асель 🌷 Нурланова"), volunteer(name="Әлия Сәрсенқызы")]
    preview = preview_import(to_csv(rows, GOOGLE_FORMS["ru"]), "form.csv", coordinator.branch)
    assert [(e.line, e.field) for e in preview.errors] == [(2, "full_name")]


# --- duplicates in other branches are not revealed ------------------------------------------

def test_a_duplicate_in_another_branch_is_not_linked(client, login, make_user):
    other = make_user("coordinator")
    theirs = volunteer(name="Чужая Наблюдательница")
    run_import(to_csv([theirs], GOOGLE_FORMS["ru"]), "theirs.csv", other.branch, None,
               "valid_only", other)
    db.session.commit()
    their_id = db.session.scalar(select(Observer.id))
    login("coordinator")
    data = to_csv([theirs, volunteer(name="Новая Наблюдательница")], GOOGLE_FORMS["ru"])
    token = token_of(upload(client, data, "mine.csv"))
    html = client.get(f"/observers/import/{token}?lang=en").get_data(as_text=True)
    assert 'id="import-duplicates"' in html
    assert f"/observers/{their_id}" not in html and f"#{their_id}" not in html
    assert other.branch.name not in html


def test_the_upload_form_offers_the_paper_confirmation(client, login):
    login("coordinator")
    html = client.get("/observers/import?lang=en").get_data(as_text=True)
    assert 'name="paper_consent"' in html and "Consent was collected on paper" in html
