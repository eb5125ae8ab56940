"""The header is found under a title row, errors keep the sheet's line numbers, nothing mapped is
an error (never "Import 0 valid rows"), headers match by whole words, and a pending file is parsed
once for its upload and every reload of the check step."""

import io
import re

import openpyxl
from sqlalchemy import func, select

from observe.common import tabular
from observe.common.tabular import guess_mapping, header_index, read_table
from observe.elections.imports import SYNONYMS as STATION_SYNONYMS
from observe.elections.models import PollingStation
from observe.extensions import db

TITLE = "Список избирательных участков по Карагандинской области"
HEADER = ["№ участка", "Область", "Район/Город", "Адрес", "Число избирателей"]
ROWS = [["1", "Карагандинская область", "Казыбек би", "пр. Бухар-Жырау 47", "2450"],
        ["2", "Карагандинская область", "Темиртау", "ул. Республики 8", "1650"],
        ["3", "Марс", "", "", "10"],
        ["4", "Карагандинская область", "Сарань", "ул. Жамбыла 2", "900"]]


def cec_list() -> bytes:
    """A CEC station list as it comes: a merged title row, an empty row, the header on row 3."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:E1")
    for column, title in enumerate(HEADER, start=1):
        sheet.cell(row=3, column=column, value=title)
    for row_number, row in enumerate(ROWS, start=4):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=row_number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_header_under_a_title_row_is_found_and_lines_are_the_sheets():
    frame = read_table(cec_list(), "cec.xlsx", STATION_SYNONYMS)
    assert frame.attrs["header_line"] == 3
    assert list(frame.columns) == HEADER
    assert frame.index.tolist() == [4, 5, 6, 7]
    # The same from a CSV whose title line has no delimiters at all.
    text = "\n".join([TITLE, "", ";".join(HEADER)] + [";".join(r) for r in ROWS]) + "\n"
    frame = read_table(text.encode(), "cec.csv", STATION_SYNONYMS)
    assert frame.attrs["header_line"] == 3 and frame.index.tolist() == [4, 5, 6, 7]


def test_header_index_prefers_the_line_naming_most_fields():
    rows = [[TITLE], HEADER, *ROWS]
    assert header_index(rows, STATION_SYNONYMS) == 1
    # A data row may contain a word of a header ("область"): the header still names more.
    assert header_index([HEADER, *ROWS], STATION_SYNONYMS) == 0
    # Data cells name fields in passing ("... область", "... район"): not a header.
    assert header_index([["Код", "Что-то", "Ещё"], ["1", "Карагандинская область",
                                                      "Сарань район"]], STATION_SYNONYMS) == 0
    # Unknown headers: the first line with more than one cell (a merged title has one).
    assert header_index([["Ведомость"], ["a", "b"], ["1", "2"]], {"x": ["zzz"]}) == 1
    assert header_index([["a", "b"], ["1", "2"]]) == 0


def test_headers_match_whole_words_never_substrings():
    synonyms = {"campaign": ["Метка"], "availability": ["Время"], "email": ["E-mail"]}
    assert guess_mapping(["Отметка времени", "Ваш e-mail"], synonyms) == {
        "campaign": None, "availability": None, "email": "Ваш e-mail"}
    assert guess_mapping(["Отметка времени", "Метка"], synonyms)["campaign"] == "Метка"


def upload(client, election, data: bytes, filename: str) -> str:
    response = client.post(f"/elections/{election.id}/stations/import",
                           data={"file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def selected(page: str, field: str) -> str:
    select_html = re.search(rf'<select[^>]*name="map_{field}"[^>]*>(.*?)</select>', page,
                            re.S).group(1)
    chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                       select_html)
    return next((g for g in chosen.groups() if g), "") if chosen else ""


def test_station_import_takes_the_header_from_row_three(client, login, make_election):
    login("hq")
    election = make_election()
    location = upload(client, election, cec_list(), "cec.xlsx")
    page = client.get(location + "?lang=en").get_data(as_text=True)
    assert "Column names were taken from line 3 of the file." in page
    assert selected(page, "number") == "№ участка" and selected(page, "region") == "Область"
    errors = re.search(r'<table[^>]*id="import-errors".*?</table>', page, re.S).group(0)
    assert re.findall(r"<tr><td>(\d+)</td>", errors) == ["6"]  # the sheet's row of "Марс"
    assert 'id="import-actions"' in page and "Import the 3 valid rows" in page
    form = {f"map_{name}": selected(page, name) for name in STATION_SYNONYMS}
    done = client.post(location, data=form | {"import_valid": "1"})
    assert done.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(PollingStation)) == 3


def test_nothing_mapped_is_an_error_and_nothing_is_offered(client, login, make_election):
    login("hq")
    election = make_election()
    data = "Код;Что-то;Ещё\n1;Карагандинская область;x\n".encode()
    page = client.get(upload(client, election, data, "odd.csv") + "?lang=en")
    html = page.get_data(as_text=True)
    assert 'id="import-missing"' in html and "Station number" in html
    assert 'id="import-blocked"' in html and 'id="import-actions"' not in html
    assert "Import the 0" not in html and "No errors found" not in html


def test_observer_import_finds_its_header_too(client, login):
    login("coordinator")
    text = "\n".join(["Список наблюдателей филиала", ";;;",
                      "ФИО;ИИН;Дата рождения;Телефон;Языки", "Асель;1;x;y;z"]) + "\n"
    response = client.post("/observers/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(text.encode()), "roster.csv")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Column names were taken from line 3 of the file." in page
    assert selected(page, "full_name") == "ФИО" and selected(page, "iin") == "ИИН"


def test_a_pending_file_is_parsed_once_for_upload_and_two_checks(client, login, make_election,
                                                                  monkeypatch):
    calls = []
    parse = tabular._parse
    monkeypatch.setattr(tabular, "_parse", lambda *a: calls.append(a[1]) or parse(*a))
    login("hq")
    election = make_election()
    location = upload(client, election, cec_list(), "cec.xlsx")
    first = client.get(location)
    form = {f"map_{name}": selected(first.get_data(as_text=True), name)
            for name in STATION_SYNONYMS}
    second = client.post(location, data=form | {"check": "1"})
    assert first.status_code == second.status_code == 200
    assert calls == ["cec.xlsx"]
