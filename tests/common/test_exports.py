"""Exports are streamed: CSV goes out while the database is read, XLSX is written in constant
memory, and both keep the formula-injection guard and the personal-data rules."""

import io
import tracemalloc

import flask_babel
import openpyxl
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from observe.audit.models import AuditEntry
from observe.common import xlsx
from observe.common.tabular import csv_chunks, read_table, write_xlsx
from observe.extensions import db


def _observers(make_applicant, branch):
    make_applicant(branch, full_name="=HYPERLINK(\"http://evil\",\"click\")")
    make_applicant(branch, full_name="Асель Нурланова")
    flask_babel.refresh()


def test_the_registry_csv_is_streamed_and_neutralised(client, login, make_applicant):
    coordinator = login("coordinator")
    _observers(make_applicant, coordinator.branch)
    response = client.get("/observers/export.csv", query_string={"lang": "en"})
    assert response.status_code == 200 and response.is_streamed
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    table = read_table(body, "export.csv")
    assert set(table["Full name"]) == {"'=HYPERLINK(\"http://evil\",\"click\")",
                                       "Асель Нурланова"}
    assert "IIN" in table.columns  # a coordinator may see personal data
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "observer.export")).scalar_one()
    assert entry.after["rows"] == 2 and entry.after["personal_data"] is True


def test_the_registry_xlsx_opens_and_keeps_personal_data_rules(client, login, make_applicant,
                                                               make_user):
    coordinator = make_user("coordinator")
    _observers(make_applicant, coordinator.branch)
    login("hq")
    response = client.get("/observers/export.xlsx", query_string={"lang": "en"})
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.data)
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    assert "Full name" in header and "IIN" not in header and "Phone" not in header
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    names = {row[header.index("Full name")] for row in sheet.iter_rows(min_row=2,
                                                                        values_only=True)}
    assert names == {"'=HYPERLINK(\"http://evil\",\"click\")", "Асель Нурланова"}
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(response.data))
    assert calamine.get_sheet_by_index(0).to_python()[0] == header


def _peak(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _rows(count: int):
    for number in range(count):
        yield [number, f"Наблюдатель Номер {number}", "990101300123", "+77011234567",
               f"observer{number}@example.org", "Карагандинский филиал", "Казахский, Русский",
               "Весь день", "Заявка подана", "Telegram", "01.12.2026 10:00"]


HEADERS = [f"Column {n}" for n in range(11)]


def test_xlsx_and_csv_are_written_in_constant_memory():
    def xlsx_of(count):
        return lambda: xlsx.write_workbook(io.BytesIO(), HEADERS, _rows(count))

    def csv_of(count):
        return lambda: sum(len(chunk) for chunk in csv_chunks(_rows(count), HEADERS))

    # Ten times the rows, about the same memory: only the compressed output grows (BytesIO).
    small, large = _peak(xlsx_of(2_000)), _peak(xlsx_of(20_000))
    assert large < small + 3 * 1024 * 1024, (small, large)
    small, large = _peak(csv_of(2_000)), _peak(csv_of(20_000))
    assert large < small + 256 * 1024, (small, large)


def test_the_workbook_writer_output_reads_back():
    rows = [[1, "a & b <c>", None, 2.5, "  spaced  ", "bad\x01char", True],
            [2, "x" * 40_000, "", -3, "=1+1", "", False]]
    data = write_xlsx(rows, ["n", "text", "empty", "float", "spaces", "control", "flag"],
                      sheet_name="Наблюдатели / 2026")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "Наблюдатели   2026"  # "/" is not allowed in a sheet name
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert values[0] == (1, "a & b <c>", None, 2.5, "  spaced  ", "badchar", "True")
    assert values[1][1] == "x" * 32_767 and values[1][4] == "'=1+1" and values[1][3] == -3
    assert read_table(data, "back.xlsx").index.tolist() == [2, 3]


def test_cells_that_would_run_as_formulas_are_quoted():
    from observe.common.tabular import _safe

    assert [_safe(v) for v in ("=SUM(A1)", "@cmd", "+cmd", "-2+3", "\tx", "+7 701 123 45 67",
                               "-12.5", "plain", 7, None)] == [
        "'=SUM(A1)", "'@cmd", "'+cmd", "'-2+3", "'\tx", "+7 701 123 45 67", "-12.5", "plain", 7,
        ""]
