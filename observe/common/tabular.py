"""The one entry point to pandas for spreadsheets: read CSV/XLSX, guess columns, write CSV/XLSX.

A table read here has every cell as a string ("" for an empty cell) and is indexed by its
spreadsheet line number (the header is line 1, the first data row line 2), so errors can point
people to the line they see in Excel.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
from flask_babel import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")
FIRST_LINE = 2  # the spreadsheet line of the first data row


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

    @property
    def bad_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})


class TableError(ValueError):
    """The file cannot be read as a table; the message is ready to show."""


def _load(path_or_bytes) -> bytes:
    if isinstance(path_or_bytes, bytes | bytearray):
        return bytes(path_or_bytes)
    return Path(path_or_bytes).read_bytes()


def read_table(path_or_bytes, filename: str) -> pd.DataFrame:
    """Read a CSV or XLSX file into a DataFrame of strings indexed by spreadsheet line number."""
    data = _load(path_or_bytes)
    if not data.strip():
        raise TableError(_("The file is empty."))
    name = (filename or "").lower()
    if data.startswith(XLSX_MAGIC):
        header, rows = xlsx_rows(data)
    elif name.endswith((".xlsx", ".xlsm", ".xls")):
        raise TableError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))
    else:
        header, rows = _csv_rows(data)
    return _frame(header, rows)


def decode_text(data: bytes) -> str:
    """Text of a CSV upload: UTF-16 with a BOM, UTF-8 (with or without BOM) or Windows-1251."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise TableError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))


def _csv_rows(data: bytes):
    text = decode_text(data)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise TableError(_("This file is not a spreadsheet. Upload a CSV or XLSX file.")) \
            from None
    if not rows:
        raise TableError(_("The file is empty."))
    return rows[0], rows[1:]


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


def xlsx_rows(data: bytes):
    """The first sheet's rows, read with calamine (openpyxl takes ~10x longer on big files)."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise TableError(_("The file is empty."))
        # skip_empty_area=False keeps leading blank rows, so line numbers match the sheet's.
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as error:
        if isinstance(error, TableError):
            raise
        raise TableError(_("This file is not a spreadsheet. Upload a CSV or XLSX file.")) \
            from None
    rows = [[_cell(value) for value in row] for row in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise TableError(_("The file is empty."))
    return rows[0], rows[1:]


def _frame(header, rows) -> pd.DataFrame:
    header = [" ".join(str(h or "").split()) for h in header]
    # Trailing columns without a header and without data are formatting, not columns.
    while header and not header[-1] and not any(len(r) >= len(header) and r[len(header) - 1]
                                                for r in rows):
        header.pop()
    if not any(header):
        raise TableError(_("The first line of the file must name the columns."))
    width = len(header)
    names, seen = [], {}
    for position, title in enumerate(header, start=1):
        title = title or _("Column %(n)d", n=position)
        if title in seen:
            seen[title] += 1
            title = f"{title} ({seen[title]})"
        else:
            seen[title] = 1
        names.append(title)
    lines, cells = [], []
    for line, row in enumerate(rows, start=FIRST_LINE):
        row = [_cell(v) if not isinstance(v, str) else v for v in row]
        if any(v.strip() for v in row):  # blank lines are skipped but keep their numbers
            lines.append(line)
            cells.append((row + [""] * width)[:width])
    if not cells:
        raise TableError(_("The file has no rows below the header."))
    return pd.DataFrame(cells, columns=names, index=pd.Index(lines, name="line"), dtype=object)


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_header(text: str) -> str:
    """A header reduced to lower-case letters and digits, for comparing with synonyms."""
    return _NOT_WORD.sub("", str(text).casefold().replace("ё", "е"))


def guess_mapping(columns, synonyms: dict[str, list[str]]) -> dict[str, str | None]:
    """For each field, the column whose header matches one of its synonyms (None if none does).

    An exact match (ignoring case, spaces and punctuation) wins; otherwise a header containing
    a synonym ("Ваше ФИО", "Укажите номер телефона") is taken, the longest synonym first.
    Each column is used for at most one field.
    """
    normalized = {column: normalize_header(column) for column in columns}
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
        for column, norm in normalized.items():
            if column not in used and key in norm:
                mapping[name] = column
                used.add(column)
                break
    return mapping


_FORMULA_START = ("=", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"^[+-][\d\s().-]*$")


def _safe(value):
    """Keep spreadsheet programs from running cell text as a formula (CSV/formula injection)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) or (value[:1] in "+-" and value[:1]
                                            and not _SIGNED_NUMBER.match(value)):
        return "'" + value
    return value


def _frame_out(rows, columns) -> pd.DataFrame:
    return pd.DataFrame([[_safe(v) for v in row] for row in rows],
                        columns=[str(c) for c in columns], dtype=object)


def write_csv(rows, columns) -> bytes:
    """Rows (sequences in the order of `columns`, the headers) as CSV in UTF-8 with a BOM."""
    return _frame_out(rows, columns).to_csv(index=False).encode("utf-8-sig")


def write_xlsx(rows, columns, sheet_name: str = "Sheet1") -> bytes:
    """Rows (sequences in the order of `columns`, the headers) as an XLSX workbook."""
    buffer = io.BytesIO()
    frame = _frame_out(rows, columns)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet_name[:31])
        sheet = writer.sheets[sheet_name[:31]]
        for position, column in enumerate(frame.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.column_dimensions[sheet.cell(1, position).column_letter].width = min(
                max(width + 2, 8), 60)
    return buffer.getvalue()


SPREADSHEET_MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_download(rows, headers, fmt: str, basename: str, sheet_name: str = "Sheet1"):
    """A Flask response with the table as a dated CSV or XLSX attachment (never cached)."""
    from flask import Response
    from flask_babel import to_user_timezone

    from observe.common.db import utcnow

    body = write_csv(rows, headers) if fmt == "csv" else write_xlsx(rows, headers,
                                                                     sheet_name=sheet_name)
    day = to_user_timezone(utcnow()).date().isoformat()
    return Response(body, mimetype=SPREADSHEET_MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{basename}-{day}.{fmt}"',
        "Cache-Control": "no-store"})
