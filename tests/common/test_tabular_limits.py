"""Spreadsheets are read within limits: a tiny file naming a far-away cell, a line of a million
columns or a huge line is refused quickly with a clear message, and memory stays small.

The XLSX cases run in a child process with its address space capped: before the fix calamine
asked for 512 GiB (XFD1048576) or 1.7 GB (A1 and AZ1048576) and aborted the worker, which must
fail the test rather than take the test run down with it.
"""

import io
import json
import resource
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from observe.common.tabular import Limits, TableError, read_grid, read_table

ROOT = Path(__file__).resolve().parents[2]
CHILD_ADDRESS_SPACE = 2 << 30  # 2 GiB: plenty for the refusal, far from what calamine wanted

CHILD = """
import json, resource, sys, tracemalloc
sys.path.insert(0, {root!r})
from observe.common.tabular import TableError, read_table
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
try:
    read_table(data, "stations.xlsx")
    outcome = "read"
except TableError as error:
    outcome = str(error)
peak = tracemalloc.get_traced_memory()[1]
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({{"outcome": outcome, "peak": peak, "grown_kb": grown}}))
"""


def _workbook(tmp_path: Path, cells: dict[str, object], name: str = "book.xlsx",
              styled: tuple[str, ...] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for ref, value in cells.items():
        sheet[ref] = value
    for ref in styled:
        sheet[ref].font = Font(bold=True)  # formatting only, no value
    path = tmp_path / name
    workbook.save(path)
    return path


def _read_in_child(path: Path) -> dict:
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))

    done = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(path)],
                          capture_output=True, text=True, timeout=120, preexec_fn=cap)
    assert done.returncode == 0, f"the reader died ({done.returncode}): {done.stderr[-800:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("cells", [
    {"XFD1048576": "x"},
    {"AZ1048576": "x"},
    {"A1": "Номер участка", "XFD1048576": "x"},
    {"A1": "Номер участка", "AZ1048576": "x"},
], ids=["XFD1048576", "AZ1048576", "A1-and-XFD1048576", "A1-and-AZ1048576"])
def test_a_far_away_cell_is_refused_with_little_memory(tmp_path, cells):
    path = _workbook(tmp_path, cells)
    assert path.stat().st_size < 8000  # a few KB on the wire
    result = _read_in_child(path)
    assert result["outcome"] == ("The file has more than 100000 rows. Import at most 100000 "
                                 "rows at a time: split the file.")
    assert result["peak"] < 8 * 1024 * 1024  # Python allocations while reading
    assert result["grown_kb"] < 64 * 1024  # the whole process, native code included


def test_too_many_columns_in_a_workbook(tmp_path):
    path = _workbook(tmp_path, {"A1": "ФИО", "HA2": "x"})  # column 209
    with pytest.raises(TableError, match="more than 200 columns"):
        read_table(path.read_bytes(), "wide.xlsx")


def test_trailing_formatted_cells_do_not_count(tmp_path):
    # Bold formatting down at the last row and column (Ctrl+Down, Ctrl+Right): no values there.
    path = _workbook(tmp_path, {"A1": "Номер участка", "B1": "Область", "A2": "1",
                                "B2": "Карагандинская"}, styled=("XFD1048576", "AZ5000"))
    frame = read_table(path.read_bytes(), "formatted.xlsx")
    assert list(frame.columns) == ["Номер участка", "Область"]
    assert frame.index.tolist() == [2]


def test_rows_columns_and_cells_limits_come_from_the_configuration(app, tmp_path):
    saved = {key: app.config.get(key) for key in
             ("MAX_IMPORT_ROWS", "MAX_IMPORT_COLUMNS", "MAX_IMPORT_CELLS")}
    app.config.update(MAX_IMPORT_ROWS=50, MAX_IMPORT_COLUMNS=5, MAX_IMPORT_CELLS=120)
    try:
        assert Limits.current() == Limits(50, 5, 120)
        rows = "\n".join(f"{i},x" for i in range(60))
        with pytest.raises(TableError, match="more than 50 rows"):
            read_table(("n,v\n" + rows).encode(), "rows.csv")
        # Blank lines and empty trailing cells after the data are not rows or columns.
        fifty = "n,v,,,,,,,,,,\n" + "\n".join(f"{i},x,,,,,,,," for i in range(50)) + "\n" * 500
        assert len(read_table(fifty.encode(), "ok.csv")) == 50
        with pytest.raises(TableError, match="more than 5 columns"):
            read_table(b"a,b,c,d,e,f\n1,2,3,4,5,6\n", "wide.csv")
        with pytest.raises(TableError, match="at most 120 cells"):
            read_table(("a,b,c\n" + "1,2,3\n" * 45).encode(), "cells.csv")
        workbook = _workbook(tmp_path, {"A1": "n", "A70": "x"})  # past 50 + a title
        with pytest.raises(TableError, match="more than 50 rows"):
            read_table(workbook.read_bytes(), "rows.xlsx")
    finally:
        app.config.update(saved)


def _measured(action):
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_line_of_a_million_columns_is_refused_in_little_memory():
    data = ("ФИО," + ",".join("x" for _ in range(1_000_000)) + "\nАсель,1\n").encode()

    def read():
        with pytest.raises(TableError, match="Line 1 of the file is too long"):
            read_table(data, "wide.csv")

    # Before: a list of a million cells, then a DataFrame with a million columns.
    assert _measured(read) < 12 * len(data)


def test_three_hundred_columns_are_refused_by_name():
    data = (",".join(f"c{i}" for i in range(300)) + "\n" + ",".join("1" * 300) + "\n").encode()
    with pytest.raises(TableError, match="more than 200 columns"):
        read_table(data, "wide.csv")


def test_a_huge_line_is_refused_in_little_memory():
    data = b"name,comment\n" + b"x," + b"y" * 20_000_000 + b"\n"

    def read():
        with pytest.raises(TableError, match="Line 2 of the file is too long"):
            read_table(data, "huge.csv")

    assert _measured(read) < 8 * len(data)


def test_a_huge_quoted_cell_is_refused():
    # One cell spread over many short lines: csv's own field limit catches it.
    data = b'name,comment\nx,"' + b"y\n" * 200_000 + b'"\n'
    with pytest.raises(TableError, match="too long"):
        read_table(data, "quoted.csv")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_in_the_shared_strings_is_refused(tmp_path):
    workbook = _workbook(tmp_path, {"A1": "n", "A2": "x"})
    with zipfile.ZipFile(workbook) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/sharedStrings.xml"] = b"<sst>" + b" " * 400_000_000 + b"</sst>"
    bomb = _zip(members)
    assert len(bomb) < 1_000_000

    def read():
        with pytest.raises(TableError, match="too large once unpacked"):
            read_table(bomb, "bomb.xlsx")

    assert _measured(read) < 64 * 1024 * 1024


def test_a_workbook_that_lies_about_its_sizes_is_refused(tmp_path):
    workbook = _workbook(tmp_path, {"A1": "n", "A2": "x"}).read_bytes()
    # Declare the sheet 10 bytes long in the central directory; its content is longer.
    entry = workbook.rindex(b"xl/worksheets/sheet1.xml") - 46
    assert workbook[entry:entry + 4] == b"PK\x01\x02"
    patched = bytearray(workbook)
    patched[entry + 24:entry + 28] = (10).to_bytes(4, "little")  # the uncompressed size
    with pytest.raises(TableError, match="not a spreadsheet"):
        read_table(bytes(patched), "lying.xlsx")


def test_unusual_cell_tags_are_measured_exactly(tmp_path):
    # Cells without r (placed one after another), a namespace prefix, a repeated r: calamine
    # reads all of these, so the check reads them the same way.
    ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    workbook = _workbook(tmp_path, {"A1": "n", "A2": "v"})
    with zipfile.ZipFile(workbook) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    cases = {
        "repeated-r": sheet.replace(b'<c r="A2"', b'<c r="A2" r="XFD1048576"'),
        "prefixed": sheet.replace(b'<c r="A2" t="inlineStr"><is><t>v</t></is></c>',
                                  f'<x:c {ns} r="XFD1048576" t="inlineStr"><x:is><x:t>v</x:t>'
                                  f'</x:is></x:c>'.encode()),
        "no-r": sheet.replace(b'<row r="2">', b'<row r="2">' + b"<c/>" * 300
                              + b'<c t="inlineStr"><is><t>w</t></is></c>'),
    }
    for name, patched in cases.items():
        bad = _zip({**members, "xl/worksheets/sheet1.xml": patched})
        with pytest.raises(TableError, match="more than"):
            read_table(bad, f"{name}.xlsx")


def test_a_pending_file_is_parsed_once(tmp_path, monkeypatch):
    from observe.common import tabular

    calls = []
    parse = tabular._parse
    monkeypatch.setattr(tabular, "_parse", lambda *a: calls.append(a[1]) or parse(*a))
    path = tmp_path / "pending.csv"
    path.write_bytes("ФИО;ИИН\nАсель;1\n".encode())
    first, second = read_grid(path, "r.csv"), read_grid(path, "r.csv")
    assert first == second and calls == ["r.csv"]
    path.write_bytes("ФИО;ИИН\nАсель;2\n".encode())  # a changed file is read again
    assert read_grid(path, "r.csv").rows[1] == ["Асель", "2"] and len(calls) == 2
