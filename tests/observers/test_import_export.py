"""Spreadsheet import of observer rosters and export of the registry."""

import io
import re
from datetime import date
from itertools import count

import flask_babel
import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.common.tabular import TableError, guess_mapping, read_table
from observe.extensions import db
from observe.observers import imports
from observe.observers.imports import (
    SYNONYMS,
    ImportRefused,
    parse_languages,
    preview_import,
    run_import,
)
from observe.observers.models import Application, Observer, StatusChange
from observe.observers.rules import CONSENT_VERSION, iin_control_digit

_serials = count(1)
_phones = count(1000)


def make_iin(birth: date, female: bool = False) -> str:
    """A valid IIN for the date of birth (a fresh serial each call)."""
    century = 3 if birth.year < 2000 else 5
    while True:
        first = (f"{birth:%y%m%d}{century + int(female)}{next(_serials) % 10000:04d}")
        control = iin_control_digit(first)
        if control is not None:
            return first + str(control)


def make_phone() -> str:
    return f"+7701{next(_phones):07d}"


def person(name="Асель Нурланова", birth=date(1990, 5, 17), **overrides) -> dict:
    row = {"full_name": name, "iin": make_iin(birth), "birth_date": birth.strftime("%d.%m.%Y"),
           "phone": make_phone(), "email": "", "city": "Караганда",
           "languages": "казахский, русский", "consent": "Да"}
    row.update(overrides)
    return row


RU = {"full_name": "ФИО", "iin": "ИИН", "birth_date": "Дата рождения", "phone": "Телефон",
      "email": "Почта", "city": "Город/район", "languages": "Языки", "channel": "Откуда узнали",
      "consent": "Согласие на обработку персональных данных"}
KK = {"full_name": "Аты-жөні", "iin": "ЖСН", "birth_date": "Туған күні", "phone": "Телефон",
      "email": "Электрондық пошта", "city": "Қала", "languages": "Тілдер", "consent": "Келісім"}
EN = {"full_name": "Full name", "iin": "IIN", "birth_date": "Date of birth", "phone": "Phone",
      "email": "E-mail", "city": "City", "languages": "Languages", "channel": "Source",
      "consent": "Consent"}


def frame(rows, headers, order=None) -> pd.DataFrame:
    order = order or list(headers)
    return pd.DataFrame([{headers[k]: row.get(k, "") for k in order} for row in rows],
                        columns=[headers[k] for k in order])


def to_csv(rows, headers, order=None, sep=",", encoding="utf-8") -> bytes:
    return frame(rows, headers, order).to_csv(index=False, sep=sep).encode(encoding)


def to_xlsx(rows, headers, order=None) -> bytes:
    buffer = io.BytesIO()
    frame(rows, headers, order).to_excel(buffer, index=False)
    return buffer.getvalue()


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Observer, Application, StatusChange))


def errors_by_line(preview) -> dict[int, set[str]]:
    result: dict[int, set[str]] = {}
    for error in preview.errors:
        result.setdefault(error.line, set()).add(error.field)
    return result


# --- reading files ---------------------------------------------------------------------------

def test_read_table_detects_cp1251_and_semicolons(app):
    data = to_csv([person()], RU, sep=";", encoding="cp1251")
    table = read_table(data, "roster.csv")
    assert list(table.columns)[:3] == ["ФИО", "ИИН", "Дата рождения"]
    assert list(table.index) == [2]


def test_read_table_keeps_line_numbers_across_blank_lines(app):
    data = "ФИО,ИИН\nА,1\n\nБ,2\n".encode()
    table = read_table(data, "x.csv")
    assert list(table.index) == [2, 4]


@pytest.mark.parametrize("data,filename", [
    (b"", "empty.csv"), (b"   \n", "empty.csv"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.xlsx"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv"),
    (b"PK\x03\x04garbage", "broken.xlsx"),
    (b",,,\n1,2,3\n", "no-header.csv"),
    ("ФИО;ИИН\n".encode(), "header-only.csv"),
])
def test_unreadable_files_raise_table_error(app, data, filename):
    with pytest.raises(TableError) as error:
        read_table(data, filename)
    assert str(error.value)


def test_guess_mapping_handles_case_punctuation_and_questions():
    columns = ["  фио ", "Ваш номер телефона", "E-MAIL", "Дата  рождения:", "Что-то ещё"]
    mapping = guess_mapping(columns, SYNONYMS)
    assert mapping["full_name"] == "  фио "
    assert mapping["phone"] == "Ваш номер телефона"
    assert mapping["email"] == "E-MAIL"
    assert mapping["birth_date"] == "Дата  рождения:"
    assert mapping["iin"] is None


@pytest.mark.parametrize("text,codes", [
    ("казахский, русский", ["kk", "ru"]), ("қазақ", ["kk"]), ("kk, ru", ["kk", "ru"]),
    ("Kazakh; Russian", ["kk", "ru"]), ("Русский и английский", ["ru", "other"]),
    ("Қазақ тілі, орыс тілі", ["kk", "ru"]),
])
def test_parse_languages(text, codes):
    assert parse_languages(text)[0] == codes


# --- preview and import ----------------------------------------------------------------------

def test_russian_headers_in_any_order_are_imported(app, make_user):
    coordinator = make_user("coordinator")
    rows = [person(), person("Иван Петров", date(1985, 1, 2), languages="русский",
                             channel="Telegram")]
    order = ["phone", "languages", "full_name", "channel", "birth_date", "iin", "city", "consent"]
    data = to_csv(rows, RU, order=order, sep=";")
    preview = preview_import(data, "roster.csv", coordinator.branch)
    assert preview.mapping["full_name"] == "ФИО" and preview.mapping["iin"] == "ИИН"
    assert preview.mapping["phone"] == "Телефон" and preview.mapping["channel"] == "Откуда узнали"
    assert not preview.errors and not preview.missing_fields
    assert preview.valid_count == 2 and preview.lines == [2, 3]

    outcome = run_import(data, "roster.csv", coordinator.branch, preview.mapping, "all_or_nothing",
                         coordinator)
    db.session.commit()
    assert outcome.imported == 2
    first = db.session.execute(select(Observer).where(Observer.iin == rows[0]["iin"])).scalar_one()
    assert first.languages == ["kk", "ru"] and first.branch_id == coordinator.branch.id
    assert first.status == "applied" and first.channel == "import"
    assert first.consent_version == CONSENT_VERSION and first.consent_at is not None
    assert first.declared_independent_at is None  # the file said nothing about it
    assert first.birth_date == date(1990, 5, 17) and first.phone == rows[0]["phone"]
    assert [a.channel for a in first.applications] == ["import"]
    assert first.history[0].to_status == "applied"
    assert "roster.csv" in first.history[0].reason  # "Imported from roster.csv", translated
    assert first.history[0].actor_id == coordinator.id
    second = db.session.execute(select(Observer).where(Observer.iin == rows[1]["iin"])).scalar_one()
    assert second.channel == "telegram" and second.languages == ["ru"]
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "observer.import")
                               ).scalar_one()
    assert entry.after["imported"] == 2 and entry.actor_id == coordinator.id


def test_kazakh_headers_xlsx(app, make_user):
    coordinator = make_user("coordinator")
    data = to_xlsx([person(languages="қазақ"), person("Ерлан Сапаров", date(2001, 12, 31))], KK)
    preview = preview_import(data, "тізім.xlsx", coordinator.branch)
    assert all(preview.mapping[k] == v for k, v in KK.items())
    assert preview.valid_count == 2 and not preview.errors


def test_english_headers_and_iin_stored_as_a_number(app, make_user):
    coordinator = make_user("coordinator")
    young = person("Dana Smith", date(2003, 2, 1), languages="Kazakh; Russian", channel="Instagram")
    assert young["iin"].startswith("0")
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    order = list(EN)
    sheet.append([EN[k] for k in order])
    sheet.append([int(young[k]) if k == "iin" else young[k] for k in order])  # Excel's leading 0
    workbook.save(buffer)
    preview = preview_import(buffer.getvalue(), "form.xlsx", coordinator.branch)
    assert not preview.errors, preview.errors
    outcome = run_import(buffer.getvalue(), "form.xlsx", coordinator.branch, preview.mapping,
                         "valid_only", coordinator)
    assert outcome.imported == 1
    observer = db.session.execute(select(Observer)).scalar_one()
    assert observer.iin == young["iin"] and observer.channel == "instagram"


def test_bad_rows_are_listed_with_their_line_numbers(app, make_user):
    coordinator = make_user("coordinator")
    good = person()
    bad_checksum = person("Плохая Контрольная")
    bad_checksum["iin"] = bad_checksum["iin"][:11] + str((int(bad_checksum["iin"][11]) + 1) % 10)
    mismatch = person("Не Та Дата", birth_date="18.05.1990")
    minor_birth = date(date.today().year - 16, 3, 3)
    minor = person("Юный Наблюдатель", minor_birth, iin=make_iin(minor_birth))
    bad_phone = person("Плохой Телефон", phone="12345")
    rows = [good, bad_checksum, mismatch, minor, bad_phone, person("Последний Хороший")]
    preview = preview_import(to_csv(rows, RU), "roster.csv", coordinator.branch)
    lines = errors_by_line(preview)
    assert lines == {3: {"iin"}, 4: {"iin"}, 5: {"birth_date"}, 6: {"phone"}}
    assert preview.bad_lines == [3, 4, 5, 6]
    assert preview.valid_count == 2


def test_all_or_nothing_refuses_and_changes_nothing(app, make_user):
    coordinator = make_user("coordinator")
    rows = [person(), person("Плохой Телефон", phone="12345")]
    before = counts()
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ImportRefused, match="1 row"):
        run_import(to_csv(rows, RU), "r.csv", coordinator.branch, None, "all_or_nothing",
                   coordinator)
    db.session.rollback()
    assert [e.line for e in preview_import(to_csv(rows, RU), "r.csv", None).errors] == [3]
    assert counts() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audits


def test_valid_only_imports_the_good_rows(app, make_user):
    coordinator = make_user("coordinator")
    rows = [person(), person("Плохой Телефон", phone="12345"), person("Третий Хороший")]
    outcome = run_import(to_csv(rows, RU), "r.csv", coordinator.branch, None, "valid_only",
                         coordinator)
    db.session.commit()
    assert (outcome.imported, outcome.invalid) == (2, 1)
    assert counts() == (2, 2, 2)


def test_duplicates_are_listed_and_never_imported(app, make_user):
    coordinator = make_user("coordinator")
    existing = person("Уже Есть")
    run_import(to_csv([existing], RU), "first.csv", coordinator.branch, None, "valid_only",
               coordinator)
    db.session.commit()
    existing_id = db.session.scalar(select(Observer.id))
    same_phone = person("Другой ИИН", phone=existing["phone"])
    twin = person("Близнец")
    twin_again = dict(twin, full_name="Близнец Снова", phone=make_phone())
    fresh = person("Новый")
    rows = [existing, same_phone, twin, twin_again, fresh]
    preview = preview_import(to_csv(rows, RU), "second.csv", coordinator.branch,
                             actor=coordinator)
    found = {(d.line, d.observer_id, d.same_as_line) for d in preview.duplicates}
    assert found == {(2, existing_id, None), (3, existing_id, None), (5, None, 4)}
    assert preview.valid_count == 2 and not preview.errors
    outcome = run_import(to_csv(rows, RU), "second.csv", coordinator.branch, None,
                         "all_or_nothing", coordinator)
    db.session.commit()
    assert (outcome.imported, outcome.duplicates) == (2, 3)
    assert counts()[0] == 3


def test_missing_required_columns_refuse_the_import(app, make_user):
    coordinator = make_user("coordinator")
    headers = dict(RU, phone="Контакт")
    data = to_csv([person()], headers)
    preview = preview_import(data, "r.csv", coordinator.branch)
    assert preview.mapping["phone"] is None and preview.missing_fields == ["phone"]
    with pytest.raises(ImportRefused):
        run_import(data, "r.csv", coordinator.branch, preview.mapping, "valid_only", coordinator)
    assert counts() == (0, 0, 0)
    fixed = run_import(data, "r.csv", coordinator.branch, {**preview.mapping, "phone": "Контакт"},
                       "valid_only", coordinator)
    assert fixed.imported == 1


# --- the web pages ---------------------------------------------------------------------------

def upload(client, data: bytes, filename: str, **fields):
    return client.post("/observers/import", data={"file": (io.BytesIO(data), filename), **fields},
                       content_type="multipart/form-data")


def token_of(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    match = re.search(r"/observers/import/([0-9a-f]+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def test_upload_preview_fix_mapping_and_import(client, login):
    coordinator = login("coordinator")
    headers = dict(RU, phone="Контакт")
    rows = [person(), person("Плохой Телефон", phone="12345"), person("Третий")]
    token = token_of(upload(client, to_csv(rows, headers, sep=";"), "roster.csv"))

    page = client.get(f"/observers/import/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Контакт" in html and 'name="map_phone"' in html

    mapping = {f"map_{k}": v for k, v in headers.items()}
    checked = client.post(f"/observers/import/{token}", data={**mapping, "check": "1"})
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and 'id="import-errors"' in html
    assert "<td>3</td>" in html  # the bad phone, on line 3

    refused = client.post(f"/observers/import/{token}", data={**mapping, "import_all": "1"})
    assert refused.status_code == 200 and counts() == (0, 0, 0)

    done = client.post(f"/observers/import/{token}", data={**mapping, "import_valid": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/observers/")
    assert counts() == (2, 2, 2)
    branches = set(db.session.scalars(select(Observer.branch_id)))
    assert branches == {coordinator.branch_id}
    assert client.get(f"/observers/import/{token}").status_code == 404  # used up


def test_unreadable_upload_is_explained(client, login):
    login("coordinator")
    # A PNG named .xlsx is refused on upload: its content is sniffed, not its name trusted.
    response = client.post("/observers/import?lang=en", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
                                          "photo.xlsx")})
    assert response.status_code == 200
    assert "does not match its name" in response.get_data(as_text=True)
    # A text file that is no table passes the upload and is explained by the check step.
    token = token_of(upload(client, "ФИО\n".encode(), "names.csv"))
    page = client.get(f"/observers/import/{token}?lang=en", follow_redirects=True)
    assert "no rows below the header" in page.get_data(as_text=True)
    wrong_type = upload(client, b"hello", "notes.txt")
    assert wrong_type.status_code == 200 and counts() == (0, 0, 0)


def test_coordinator_cannot_use_another_users_token(app, client, login, make_user):
    login("coordinator")
    token = token_of(upload(client, to_csv([person()], RU), "r.csv"))
    other = make_user("coordinator")
    other_client = app.test_client()
    other_client.post("/login", data={"email": other.email, "password": "correct-horse-battery"})
    assert other_client.get(f"/observers/import/{token}").status_code == 404
    # Same browser, another account: the token is in the session but not this user's.
    client.post("/logout")
    login(user=other)
    assert client.get(f"/observers/import/{token}").status_code == 404
    assert client.post(f"/observers/import/{token}",
                       data={"import_valid": "1"}).status_code == 404


def test_coordinator_imports_only_into_own_branch(client, login, make_branch):
    coordinator = login("coordinator")
    elsewhere = make_branch(name="Elsewhere")
    token = token_of(upload(client, to_csv([person()], RU), "r.csv", branch_id=str(elsewhere.id)))
    client.post(f"/observers/import/{token}",
                data={**{f"map_{k}": v for k, v in RU.items()}, "import_valid": "1"})
    assert list(db.session.scalars(select(Observer.branch_id))) == [coordinator.branch_id]


def test_admin_chooses_the_branch(client, login, make_branch):
    login("admin")
    branch = make_branch(name="Astana")
    token = token_of(upload(client, to_xlsx([person()], EN), "r.xlsx", branch_id=str(branch.id)))
    response = client.post(f"/observers/import/{token}",
                           data={**{f"map_{k}": v for k, v in EN.items()}, "import_all": "1"})
    assert response.status_code == 302
    assert list(db.session.scalars(select(Observer.branch_id))) == [branch.id]


def _seed(branch, actor, n=2, **overrides):
    rows = [person(f"Наблюдатель {'АБВГДЕЖ'[i]}", **overrides) for i in range(n)]
    run_import(to_csv(rows, RU), "seed.csv", branch, None, "valid_only", actor)
    db.session.commit()
    # The test's app context is shared with the client's requests: forget the locale chosen
    # outside a request, so ?lang= applies to the next one.
    flask_babel.refresh()
    return rows


def test_hq_export_has_no_personal_data(client, login, make_user):
    coordinator = make_user("coordinator")
    rows = _seed(coordinator.branch, coordinator)
    login("hq")
    response = client.get("/observers/export.csv", query_string={"lang": "en"})
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    table = read_table(response.data, "export.csv")
    assert len(table) == 2
    assert "Full name" in table.columns
    assert "IIN" not in table.columns and "Phone" not in table.columns
    assert "E-mail" not in table.columns and "Date of birth" not in table.columns
    assert rows[0]["iin"] not in response.data.decode("utf-8-sig")
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "observer.export")
                              ).scalar_one().after["rows"] == 2


def test_coordinator_export_is_limited_to_the_branch_and_filters(client, login, make_user):
    other = make_user("coordinator")
    _seed(other.branch, other)
    coordinator = login("coordinator")
    mine = _seed(coordinator.branch, coordinator, n=3)
    response = client.get("/observers/export.xlsx", query_string={"lang": "en"})
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    table = read_table(response.data, "export.xlsx")
    assert len(table) == 3
    assert set(table["IIN"]) == {row["iin"] for row in mine}
    assert set(table["Branch"]) == {coordinator.branch.name}
    filtered = read_table(client.get("/observers/export.csv",
                                     query_string={"q": mine[0]["full_name"]}).data, "x.csv")
    assert list(filtered["Full name"]) == [mine[0]["full_name"]]


def test_registry_page_shows_the_actions(client, login):
    login("coordinator")
    html = client.get("/observers/?status=applied").get_data(as_text=True)
    assert "/observers/import" in html and "/observers/export.csv?status=applied" in html


ROUTES = [("get", "/observers/import"), ("post", "/observers/import"),
          ("get", "/observers/import/abc123"), ("post", "/observers/import/abc123"),
          ("get", "/observers/export.csv"), ("get", "/observers/export.xlsx")]


@pytest.mark.parametrize("method,url", ROUTES)
def test_observers_are_forbidden(client, login, method, url):
    login("observer")
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("method,url", ROUTES)
def test_anonymous_are_sent_to_login(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("method,url", ROUTES[:4])
def test_hq_cannot_import(client, login, method, url):
    login("hq")
    assert getattr(client, method)(url).status_code == 403


def test_fields_have_labels():
    assert set(imports.FIELDS) == set(SYNONYMS)


def test_xlsx_date_cells_numbers_and_skipped_rows_keep_their_lines(app):
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ФИО", "Дата рождения", "Телефон"])
    sheet.append(["Первый", date(1990, 5, 17), 77011234567])
    sheet.cell(row=5, column=1, value="Пятая строка")
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "dates.xlsx")
    assert list(table.index) == [2, 5]
    assert table.loc[2].tolist() == ["Первый", "1990-05-17", "77011234567"]
    assert table.loc[5, "ФИО"] == "Пятая строка"
