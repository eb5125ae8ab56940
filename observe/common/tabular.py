"""The one entry point to pandas for spreadsheets: read CSV/XLSX, find the header, guess columns,
write CSV/XLSX.

A table read here has every cell as a string ("" for an empty cell) and is indexed by its
spreadsheet line number, so errors point people to the line they see in Excel. The header is found
among the first lines (a title and a blank line above it are skipped); its line is in
`frame.attrs["header_line"]`.

Reading is bounded before anything is built: at most MAX_IMPORT_ROWS rows, MAX_IMPORT_COLUMNS
columns and MAX_IMPORT_CELLS cells (rows times columns of the part in use; trailing empty rows and
columns do not count). A file past a limit is refused with a message that says which. A file read
from disk (a pending upload) is parsed once: its lines are kept beside it and read back after.
"""

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
from flask import current_app, has_app_context
from flask_babel import gettext as _

from observe.common import xlsx
from observe.common.errors import DomainError

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_ROWS = 10  # the header is looked for among the first ten non-empty lines
MAX_LINE_CHARS = 1_000_000  # one line of a CSV file; a real row is a few KB at most
DEFAULT_LIMITS = {"MAX_IMPORT_ROWS": 100_000, "MAX_IMPORT_COLUMNS": 200,
                  "MAX_IMPORT_CELLS": 5_000_000}
# An XLSX may unpack to this much per allowed cell (inline strings take ~64 bytes a cell).
UNPACKED_BYTES_PER_CELL = 64
MIN_UNPACKED_BYTES = 16 << 20
GRID_CACHE_VERSION = 1


@dataclass(frozen=True)
class Limits:
    """How much of a file an import reads (configuration keys in DEFAULT_LIMITS)."""

    rows: int
    columns: int
    cells: int

    @property
    def last_line(self) -> int:
        """The last spreadsheet line that may hold data: the rows, and room for a title above."""
        return self.rows + HEADER_SEARCH_ROWS

    @classmethod
    def current(cls) -> "Limits":
        """The limits of the running app (the defaults outside one)."""
        config = current_app.config if has_app_context() else {}
        return cls(*(int(config.get(key) or default) for key, default in DEFAULT_LIMITS.items()))


@dataclass
class RowError:
    """A bad cell of an import: its spreadsheet line, the field it maps to, and why."""

    line: int
    field: str
    message: str


@dataclass
class TablePreview:
    """What the check step of an import shows: the mapping, the first rows, every bad row."""

    filename: str
    columns: list[str]
    mapping: dict[str, str | None]
    rows: list[list[str]]  # the first lines of the file, cells in the order of `columns`
    lines: list[int]  # their line numbers
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    header_line: int = 1  # the line the column names were taken from

    @property
    def bad_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})

    @property
    def can_import(self) -> bool:
        """Whether importing would add anything: every required column chosen, a valid row."""
        return not self.missing_fields and getattr(self, "valid_count", 0) > 0


class TableError(DomainError):
    """The file cannot be read as a table; the message is ready to show (on the file field)."""

    def __init__(self, message: str):
        super().__init__(message, field="file")


def _not_a_spreadsheet() -> TableError:
    return TableError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))


def _too_large(what: str, limits: Limits) -> TableError:
    if what == "rows":
        return TableError(_("The file has more than %(num)d rows. Import at most %(num)d rows "
                            "at a time: split the file.", num=limits.rows))
    if what == "columns":
        return TableError(_("The file has more than %(num)d columns. Delete the columns you do "
                            "not need and upload it again.", num=limits.columns))
    if what == "cells":
        return TableError(_("The table of the file is too large: at most %(num)d cells (rows "
                            "times columns) are read at once. Split the file or delete the "
                            "columns you do not need.", num=limits.cells))
    return TableError(_("The file is too large once unpacked. Split it or delete what you do "
                        "not need."))


@dataclass
class Grid:
    """The non-empty lines of a sheet: their line numbers and their cells (trailing empty cells
    dropped)."""

    lines: list[int]
    rows: list[list[str]]


def read_grid(source, filename: str, limits: Limits | None = None) -> Grid:
    """The non-empty lines of a CSV or XLSX file (bytes or a path), within the limits.

    For a path, the lines are kept beside the file and read back next time, so a pending upload
    is parsed once however often its check step is shown.
    """
    limits = limits or Limits.current()
    if isinstance(source, bytes | bytearray | memoryview):
        return _parse(bytes(source), filename, limits)
    path = Path(source)
    grid = _cached_grid(path)
    if grid is None:
        grid = _parse(path.read_bytes(), filename, limits)
        _keep_grid(path, grid)
    return grid


def _parse(data: bytes, filename: str, limits: Limits) -> Grid:
    if not data.strip():
        raise TableError(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        grid = _xlsx_grid(data, limits)
    elif (filename or "").lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise _not_a_spreadsheet()
    else:
        text = decode_text(data)
        grid = _csv_grid(text, _delimiter(text), limits)
    if not grid.rows:
        raise TableError(_("The file is empty."))
    return grid


def decode_text(data: bytes) -> str:
    """Text of a CSV upload: UTF-16 with a BOM, UTF-8 (with or without BOM) or Windows-1251."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise _not_a_spreadsheet()
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _not_a_spreadsheet()


_LINE_END = re.compile(r"\r\n|\r|\n")


def _physical_lines(text: str) -> Iterator[str]:
    """The lines of the text with their endings, each at most MAX_LINE_CHARS long."""
    start, number = 0, 0
    for number, end in enumerate(_LINE_END.finditer(text), start=1):
        if end.end() - start > MAX_LINE_CHARS:
            raise TableError(_("Line %(line)d of the file is too long.", line=number))
        yield text[start:end.end()]
        start = end.end()
    if start < len(text):
        if len(text) - start > MAX_LINE_CHARS:
            raise TableError(_("Line %(line)d of the file is too long.", line=number + 1))
        yield text[start:]


def _delimiter(text: str) -> str:
    """The delimiter used most in the first lines (a title line above the header has few)."""
    lines = []
    for line in _physical_lines(text):
        if line.strip():
            lines.append(line)
            if len(lines) >= HEADER_SEARCH_ROWS:
                break
    return max(DELIMITERS, key=lambda d: sum(line.count(d) for line in lines))


def _csv_records(text: str, delimiter: str, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-empty record, trailing empty cells dropped, within limits."""
    reader = csv.reader(_physical_lines(text), delimiter=delimiter)
    rows = width = 0
    try:
        for line, row in enumerate(reader, start=1):
            while row and not row[-1].strip():
                row.pop()
            if not row:
                continue
            if line > limits.last_line:
                raise _too_large("rows", limits)
            if len(row) > limits.columns:
                raise _too_large("columns", limits)
            rows, width = rows + 1, max(width, len(row))
            if rows * width > limits.cells:
                raise _too_large("cells", limits)
            yield line, row
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise TableError(_("Line %(line)d of the file is too long.",
                               line=reader.line_num)) from None
        raise _not_a_spreadsheet() from None


def _csv_grid(text: str, delimiter: str, limits: Limits) -> Grid:
    grid = Grid([], [])
    for line, row in _csv_records(text, delimiter, limits):
        grid.lines.append(line)
        grid.rows.append(row)
    return grid


def csv_rows(text: str, delimiter: str, limits: Limits | None = None) -> list[list[str]]:
    """Every record of a CSV text, blank ones as [], within the limits (for readers that look for
    their own header, like Zoom's report). Raises csv.Error when it does not parse."""
    limits = limits or Limits.current()
    rows: list[list[str]] = []
    for line, row in _csv_records(text, delimiter, limits):
        rows.extend([] for _blank in range(line - 1 - len(rows)))
        rows.append(row)
    return rows


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_grid(data: bytes, limits: Limits) -> Grid:
    """The first sheet's non-empty rows, read with calamine (openpyxl takes ~10x longer) once
    the workbook was measured: calamine allocates its whole used range up front."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        xlsx.check_workbook(data, max_line=limits.last_line, max_columns=limits.columns,
                            max_cells=limits.cells,
                            max_unpacked=max(limits.cells * UNPACKED_BYTES_PER_CELL,
                                             MIN_UNPACKED_BYTES))
    except xlsx.Oversize as error:
        raise _too_large(error.what, limits) from None
    except xlsx.Unreadable:
        raise _not_a_spreadsheet() from None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise TableError(_("The file is empty."))
        sheet = workbook.get_sheet_by_index(0)
        # skip_empty_area=False keeps leading blank rows, so line numbers match the sheet's.
        values = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as error:
        if isinstance(error, TableError):
            raise
        raise _not_a_spreadsheet() from None
    grid = Grid([], [])
    for line, row in enumerate(values, start=1):
        cells = [value if value.__class__ is str else _cell(value) for value in row]
        while cells and not cells[-1].strip():
            cells.pop()
        if cells:
            grid.lines.append(line)
            grid.rows.append(cells)
    return grid


def xlsx_rows(data: bytes, limits: Limits | None = None) -> tuple[list[str], list[list[str]]]:
    """The first sheet as (first line, the lines after it), blank lines as [], within limits."""
    grid = _xlsx_grid(data, limits or Limits.current())
    if not grid.rows:
        raise TableError(_("The file is empty."))
    rows: list[list[str]] = []
    for line, row in zip(grid.lines, grid.rows, strict=True):
        rows.extend([] for _blank in range(line - 1 - len(rows)))
        rows.append(row)
    return rows[0], rows[1:]


def _grid_cache(path: Path) -> Path:
    return path.with_name(path.name + ".grid.json")


def _cached_grid(path: Path) -> Grid | None:
    try:
        stat = path.stat()
        with _grid_cache(path).open(encoding="utf-8") as handle:
            stored = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("version") != GRID_CACHE_VERSION \
            or stored.get("source") != [stat.st_size, stat.st_mtime_ns]:
        return None
    return Grid(stored["lines"], stored["rows"])


def _keep_grid(path: Path, grid: Grid) -> None:
    """Write the grid beside the file (JSON, readable by the app's user only); best effort."""
    cache = _grid_cache(path)
    partial = cache.with_name(f"{cache.name}.{os.getpid()}.partial")
    try:
        stat = path.stat()
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            # dumps then one write: json.dump streams small chunks, several times slower.
            handle.write(json.dumps({"version": GRID_CACHE_VERSION,
                                     "source": [stat.st_size, stat.st_mtime_ns],
                                     "lines": grid.lines, "rows": grid.rows},
                                    ensure_ascii=False, separators=(",", ":")))
        os.replace(partial, cache)
    except OSError:
        partial.unlink(missing_ok=True)


@dataclass
class Sheet:
    """A file's table: column names, and each data row (padded to the columns' width) with its
    spreadsheet line number. What read_table gives as a DataFrame, without pandas (an import of
    20,000 rows spends a good part of its time converting to a DataFrame and back)."""

    columns: list[str]
    lines: list[int]
    rows: list[list[str]]
    header_line: int


def read_sheet(source, filename: str, synonyms: dict[str, list[str]] | None = None, *,
               limits: Limits | None = None) -> Sheet:
    """Read a CSV or XLSX file into a Sheet; see read_table."""
    limits = limits or Limits.current()
    grid = read_grid(source, filename, limits)
    at = header_index(grid.rows, synonyms)
    data_rows, data_lines = grid.rows[at + 1:], grid.lines[at + 1:]
    if len(data_rows) > limits.rows:
        raise _too_large("rows", limits)
    columns, rows = _columns(grid.rows[at], data_rows)
    return Sheet(columns, data_lines, rows, grid.lines[at])


def read_table(source, filename: str, synonyms: dict[str, list[str]] | None = None, *,
               limits: Limits | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX file into a DataFrame of strings indexed by spreadsheet line number.

    With `synonyms` ({field: [header, ...]}) the header is the first line naming the most known
    columns; without, the first line with more than one cell. Its line number is in
    `frame.attrs["header_line"]`. Raises TableError for a file that cannot be read or is past
    the limits.
    """
    sheet = read_sheet(source, filename, synonyms, limits=limits)
    frame = pd.DataFrame(sheet.rows, columns=sheet.columns,
                         index=pd.Index(sheet.lines, name="line"), dtype=object)
    frame.attrs["header_line"] = sheet.header_line
    return frame


def _header_cells(row: list[str]) -> list[str]:
    # A long text is an answer, not a column name: it is not weighed.
    return [" ".join(str(cell).split()) if len(str(cell)) <= 200 else "" for cell in row]


def header_index(rows: list[list[str]], synonyms: dict[str, list[str]] | None = None) -> int:
    """Which of the first lines is the header: the one whose cells name the most fields (the
    earliest on a tie). A line counts when it names a field exactly ("Область") or three fields
    in passing (the questions of a Google Form): data cells like "Карагандинская область" or
    "Сарань район" name a field or two in passing too. With no such line, the first
    line with more than one cell (a merged title row has one), else the first."""
    candidates = rows[:HEADER_SEARCH_ROWS]
    if synonyms:
        keys = {name: {normalize_header(w) for w in words} for name, words in synonyms.items()}
        best, best_score = None, (0, 0)
        for index, row in enumerate(candidates):
            mapping = guess_mapping(_header_cells(row), synonyms)
            found = [(name, column) for name, column in mapping.items() if column]
            exact = sum(1 for name, column in found if normalize_header(column) in keys[name])
            score = (len(found), exact)
            if (exact or len(found) >= 3) and score > best_score:
                best, best_score = index, score
        if best is not None:
            return best
    filled = [sum(1 for cell in row if str(cell).strip()) for row in candidates]
    return next((index for index, count in enumerate(filled) if count > 1), 0)


def _columns(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The columns' names (unnamed ones numbered) and the rows padded to their width."""
    header = [" ".join(str(h or "").split()) for h in header]
    if not any(header):
        raise TableError(_("The first line of the file must name the columns."))
    if not rows:
        raise TableError(_("The file has no rows below the header."))
    # Columns past the header's last name that hold data get a name; empty ones are formatting.
    width = max(len(header), max(len(row) for row in rows))
    names, seen = [], {}
    for position in range(1, width + 1):
        title = header[position - 1] if position <= len(header) else ""
        title = title or _("Column %(n)d", n=position)
        if title in seen:
            seen[title] += 1
            title = f"{title} ({seen[title]})"
        else:
            seen[title] = 1
        names.append(title)
    cells = [row + [""] * (width - len(row)) if len(row) < width else row for row in rows]
    return names, cells


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
MAX_RUN_WORDS = 8  # no synonym has more words than this


def normalize_header(text: str) -> str:
    """A header reduced to lower-case letters and digits, for comparing with synonyms."""
    return _NOT_WORD.sub("", str(text).casefold().replace("ё", "е"))


def _word_runs(header) -> set[str]:
    """Every run of consecutive whole words of a header, joined as normalize_header joins them
    ("E-mail" is "email"): a synonym matches whole words, never part of one."""
    words = [w for w in _NOT_WORD.split(str(header).casefold().replace("ё", "е")) if w]
    return {"".join(words[i:j]) for i in range(len(words))
            for j in range(i + 1, min(len(words), i + MAX_RUN_WORDS) + 1)}


def guess_mapping(columns, synonyms: dict[str, list[str]]) -> dict[str, str | None]:
    """For each field, the column whose header matches one of its synonyms (None if none does).

    An exact match (ignoring case, spaces and punctuation) wins; otherwise a header containing
    a synonym as whole words ("Ваше ФИО", "Укажите номер телефона") is taken, the longest
    synonym first. Whole words, never substrings: "Метка" is not inside "Отметка времени".
    Each column is used for at most one field.
    """
    normalized = {column: normalize_header(column) for column in columns}
    runs = {column: _word_runs(column) for column in columns}
    mapping: dict[str, str | None] = dict.fromkeys(synonyms)
    used: set[str] = set()
    for name, words in synonyms.items():
        keys = {normalize_header(w) for w in words}
        for column, norm in normalized.items():
            if column not in used and norm in keys:
                mapping[name] = column
                used.add(column)
                break
    candidates = sorted(((len(normalize_header(w)), name, normalize_header(w))
                         for name, words in synonyms.items() for w in words), reverse=True)
    for _length, name, key in candidates:
        if mapping[name] is not None or len(key) < 3:
            continue
        for column in normalized:
            if column not in used and key in runs[column]:
                mapping[name] = column
                used.add(column)
                break
    return mapping


# --- writing ------------------------------------------------------------------------------------

_RISKY_FIRST = frozenset("=@\t\r+-")  # what a spreadsheet may take for the start of a formula
_SIGNED_NUMBER = re.compile(r"^[+-][\d\s().-]*$")


def _safe(value):
    """Keep spreadsheet programs from running cell text as a formula (CSV/formula injection):
    text starting with = @ tab or CR, or with + or - unless it is a signed number or a phone,
    gets a leading apostrophe."""
    if value is None:
        return ""
    if not isinstance(value, str) or not value or value[0] not in _RISKY_FIRST:
        return value
    if value[0] in "+-" and _SIGNED_NUMBER.match(value):
        return value
    return "'" + value


def _safe_rows(rows: Iterable[Sequence]) -> Iterator[list]:
    for row in rows:
        yield [_safe(value) for value in row]


def csv_chunks(rows: Iterable[Sequence], columns: Sequence, batch: int = 1000
               ) -> Iterator[bytes]:
    """The table as CSV in UTF-8 with a BOM, `batch` rows at a time, as the rows come."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    buffer.write("\ufeff")
    writer.writerow([str(c) for c in columns])
    for count, row in enumerate(_safe_rows(rows), start=1):
        writer.writerow(row)
        if count % batch == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(rows, columns) -> bytes:
    """Rows (sequences in the order of `columns`, the headers) as CSV in UTF-8 with a BOM."""
    return b"".join(csv_chunks(rows, columns))


def write_xlsx(rows, columns, sheet_name: str = "Sheet1") -> bytes:
    """Rows (sequences in the order of `columns`, the headers) as an XLSX workbook."""
    buffer = io.BytesIO()
    xlsx.write_workbook(buffer, [str(c) for c in columns], _safe_rows(rows), sheet_name)
    return buffer.getvalue()


SPREADSHEET_MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _file_chunks(handle, size: int = 1 << 20) -> Iterator[bytes]:
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()


def spreadsheet_download(rows, headers, fmt: str, basename: str, sheet_name: str = "Sheet1"):
    """A Flask response with the table as a dated CSV or XLSX attachment (never cached).

    `rows` may be a generator reading the database as it goes: CSV is streamed to the client
    while it is read; XLSX is written row by row to a temporary file (memory stays flat) and
    sent from there.
    """
    from flask import Response, stream_with_context
    from flask_babel import to_user_timezone

    from observe.common.db import utcnow

    day = to_user_timezone(utcnow()).date().isoformat()
    headers_out = {"Content-Disposition": f'attachment; filename="{basename}-{day}.{fmt}"',
                   "Cache-Control": "no-store"}
    if fmt == "csv":
        body = stream_with_context(csv_chunks(rows, headers))
    else:
        spool = tempfile.TemporaryFile()  # noqa: SIM115  closed by _file_chunks once sent
        try:
            xlsx.write_workbook(spool, [str(h) for h in headers], _safe_rows(rows),
                                sheet_name=sheet_name)
            headers_out["Content-Length"] = str(spool.tell())
            spool.seek(0)
        except BaseException:
            spool.close()
            raise
        body = _file_chunks(spool)
    return Response(body, mimetype=SPREADSHEET_MIMETYPES[fmt], headers=headers_out)
