"""XLSX at the byte level: a bounded look at a workbook before anything builds it, and a writer that
streams rows into a workbook in constant memory.

Why the look: calamine (our fast reader) allocates the whole rectangle from A1 to the last cell
that has a value, 32 bytes a cell, before Python sees a single row. One cell at XFD1048576 in a
1.5 KB file asks for 512 GiB and aborts the worker. `check_workbook` inflates the parts itself
(never trusting the sizes a zip declares), finds the first sheet's last row and column that hold
a value, and raises `Oversize` past the limits, so calamine only ever gets a bounded workbook.

This module knows nothing of Flask: `observe.common.tabular` turns its exceptions into messages.
"""

import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence

CHUNK = 1 << 20  # bytes inflated at a time
SMALL_PART = 16 << 20  # workbook.xml and its relationships are a few KB in real files
MAX_TAIL = 8 << 20  # unparsed bytes carried between chunks; no real cell tag is this long
MAX_MEMBERS = 10_000
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384


class Unreadable(Exception):
    """Not a workbook we can read safely (broken zip, encrypted, lying sizes, odd references)."""


class Oversize(Exception):
    """The workbook is past a limit: `what` is "rows", "columns", "cells" or "bytes"."""

    def __init__(self, what: str, limit: int):
        super().__init__(what, limit)
        self.what, self.limit = what, limit


def _inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes, chunk by chunk, read from its local header with our own inflater.

    Neither the declared size nor the CRC is trusted: more output than declared is refused, so
    what we scan is what any other reader would get.
    """
    if info.flag_bits & 0x1:
        raise Unreadable("encrypted member")
    offset = info.header_offset
    if data[offset:offset + 4] != b"PK\x03\x04" or len(data) < offset + 30:
        raise Unreadable("bad local header")
    name_length, extra_length = struct.unpack("<HH", data[offset + 26:offset + 30])
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        raise Unreadable("truncated member")
    produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        for position in range(0, len(raw), CHUNK):
            piece = bytes(raw[position:position + CHUNK])
            produced += len(piece)
            yield piece
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            for position in range(0, len(raw), CHUNK // 4):
                pending = bytes(raw[position:position + CHUNK // 4])
                while pending:
                    piece = inflater.decompress(pending, CHUNK)
                    pending = inflater.unconsumed_tail
                    produced += len(piece)
                    if produced > info.file_size:
                        raise Unreadable("member larger than declared")
                    if piece:
                        yield piece
                if inflater.eof:
                    break
            piece = inflater.flush()
        except zlib.error:
            raise Unreadable("bad deflate stream") from None
        produced += len(piece)
        if piece:
            yield piece
    else:
        raise Unreadable("unsupported compression")
    if produced != info.file_size:
        raise Unreadable("member size differs from the declared one")


_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_ATTRIBUTE = re.compile(rb'([^\s=/<>"\']+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_SHEET_TAG = re.compile(rb'<(?:[\w.-]+:)?sheet((?:\s[^>]*)?)/?>')
_RELATIONSHIP_TAG = re.compile(rb'<(?:[\w.-]+:)?Relationship((?:\s[^>]*)?)/?>')


def _fold(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape").translate(_ASCII_LOWER)


def _attributes(text: bytes) -> dict[bytes, bytes]:
    # Raw values, as calamine reads them; a repeated attribute keeps its last value.
    return {key: a if a else b for key, a, b in _ATTRIBUTE.findall(text)}


def _members(infos: list[zipfile.ZipInfo], name: str) -> list[zipfile.ZipInfo]:
    """The members calamine could open for `name` (it compares names ignoring ASCII case)."""
    folded = _fold(name)
    return [info for info in infos if _fold(info.filename) == folded]


def _small_part(data: bytes, infos: list[zipfile.ZipInfo], name: str) -> bytes:
    found = _members(infos, name)
    if len(found) != 1 or found[0].file_size > SMALL_PART:
        raise Unreadable(f"missing, repeated or oversized {name}")
    return b"".join(_inflate(data, found[0]))


def first_sheet_path(data: bytes, infos: list[zipfile.ZipInfo]) -> str:
    """The zip path of the workbook's first sheet, resolved as calamine resolves it."""
    sheet = _SHEET_TAG.search(_small_part(data, infos, "xl/workbook.xml"))
    if sheet is None:
        raise Unreadable("no sheet")
    attributes = _attributes(sheet.group(1))
    rel_id = attributes.get(b"relationships:id", attributes.get(b"r:id"))
    targets = {}
    for tag in _RELATIONSHIP_TAG.finditer(_small_part(data, infos,
                                                      "xl/_rels/workbook.xml.rels")):
        rel = _attributes(tag.group(1))
        targets[rel.get(b"Id", b"")] = rel.get(b"Target", b"")
    target = targets.get(rel_id, b"").decode("utf-8", "replace")
    if not target:
        raise Unreadable("no sheet target")
    if target.startswith("/xl/"):
        return target[1:]
    return target if target.startswith("xl/") else "xl/" + target


def _column_number(letters: bytes) -> int:
    number = 0
    for code in letters.upper():
        number = number * 26 + code - 64
    return number


class _Extent:
    """The last row and column holding a value, checked against the limits as it grows."""

    def __init__(self, max_line: int, max_columns: int, max_cells: int):
        self.limits = (max_line, max_columns, max_cells)
        self.row = self.column = 0

    def add(self, row: int, column: int) -> None:
        max_line, max_columns, max_cells = self.limits
        if row > self.row:
            self.row = row
            if row > max_line:
                raise Oversize("rows", max_line)
        if column > self.column:
            self.column = column
            if column > max_columns:
                raise Oversize("columns", max_columns)
        if self.row * self.column > max_cells:
            raise Oversize("cells", max_cells)


# The fast pass: cells written the usual way (`<c r="B7" s="1" t="s">`, as Excel, LibreOffice,
# openpyxl and pandas write them) give their reference; any other cell tag gives b"" and sends
# the sheet to the exact pass. Empty styled cells count too, so the bound is conservative.
_USUAL_OR_ODD_CELL = re.compile(
    rb'<c(?: r="([A-Z]{1,3}[1-9][0-9]{0,6})"(?=(?: (?:s|t|cm|vm|ph)="[^"<>]*")*\s*/?>)'
    rb'|(?=[\s>/]))')
_PREFIXED_CELL = re.compile(rb':c[\s>/]')
_DIGITS, _LETTERS = b"0123456789", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _fast_extent(chunks: Iterable[bytes]) -> tuple[int, int] | None:
    """(last row, last column) of every cell tag, or None when a cell is written unusually."""
    tail = b""
    rows = 0
    letters: set[bytes] = set()
    for chunk in chunks:
        buffer = tail + chunk
        cut = buffer.rfind(b"<")
        if cut < 0:
            cut = len(buffer)
        body, tail = buffer[:cut], buffer[cut:]
        if len(tail) > MAX_TAIL:
            raise Unreadable("tag too long")
        if _PREFIXED_CELL.search(body):
            return None
        refs = _USUAL_OR_ODD_CELL.findall(body)
        if b"" in refs:
            return None
        if refs:
            rows = max(rows, max(map(int, (ref.lstrip(_LETTERS) for ref in refs))))
            letters.update(ref.rstrip(_DIGITS) for ref in refs)
    if tail.strip() and (_PREFIXED_CELL.search(tail) or _USUAL_OR_ODD_CELL.search(tail)):
        return None  # a cell tag cut off by the end of the part: let the exact pass judge
    return rows, max((_column_number(c) for c in letters), default=0)


# The exact pass: any namespace prefix, attributes in any order and quoting, cells without `r`
# (placed after the previous one, as calamine places them), and only cells with a value count.
_ATTR = rb'\s+[^\s=/<>"\']+\s*=\s*(?:"[^"]*"|\'[^\']*\')'
_TAG = re.compile(rb'<(?:[\w.-]+:)?(row|c)((?:' + _ATTR + rb')*)\s*(/?)>')
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_VALUE_CHILD = re.compile(rb'\s*<(?:[\w.-]+:)?(?:v|is|f)[\s>/]')
_REF = re.compile(rb'\s*([A-Za-z]+)([0-9]+)\s*\Z')
_ROW_NUMBER = re.compile(rb'\s*([0-9]+)\s*\Z')


def _refs(attrs: bytes) -> list[bytes]:
    # Every r attribute: a duplicated one is read by calamine as the last, so take the largest.
    return [a if a is not None else b for a, b in _R_ATTR.findall(attrs)]


def _exact_extent(chunks: Iterable[bytes], extent: _Extent) -> None:
    tail = b""
    row = column = 0
    for chunk in chunks:
        buffer = tail + chunk
        resume = 0
        for match in _TAG.finditer(buffer):
            name, attrs, closed = match.groups()
            refs = _refs(attrs)
            if name == b"row":
                numbers = [_ROW_NUMBER.match(ref) for ref in refs]
                if any(n is None for n in numbers):
                    raise Unreadable("bad row number")
                row = max((int(n.group(1)) for n in numbers), default=row + 1)
                column = 0
                resume = match.end()
                continue
            value = False
            if not closed:
                if buffer.find(b">", match.end()) < 0:
                    resume = match.start()  # its first child is cut: read it with the next chunk
                    break
                value = _VALUE_CHILD.match(buffer, match.end()) is not None
            if refs:
                parsed = [_REF.match(ref) for ref in refs]
                if any(p is None for p in parsed):
                    raise Unreadable("bad cell reference")
                column = max(_column_number(p.group(1)) for p in parsed)
                cell_row = max(int(p.group(2)) for p in parsed)
            else:
                column += 1
                cell_row = row
            if value:
                extent.add(cell_row, column)
            resume = match.end()
        tail = buffer[resume:]
        if len(tail) > MAX_TAIL:
            raise Unreadable("tag too long")


def check_workbook(data: bytes, *, max_line: int, max_columns: int, max_cells: int,
                   max_unpacked: int) -> tuple[int, int]:
    """(last row, last column) with a value in the first sheet; raises Oversize or Unreadable.

    Every part is inflated (at most `max_unpacked` bytes in all), so a zip bomb in the shared
    strings or the styles is caught too. Only the first sheet is measured: it is the one read.
    """
    try:
        members = zipfile.ZipFile(_BytesView(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise Unreadable("not a zip") from None
    if len(members) > MAX_MEMBERS:
        raise Unreadable("too many members")
    sheets = _members(members, first_sheet_path(data, members))
    if len(sheets) != 1:
        raise Unreadable("first sheet missing or repeated")
    limits = (min(max_line, EXCEL_MAX_ROWS), min(max_columns, EXCEL_MAX_COLUMNS), max_cells)
    budget = _Budget(max_unpacked)
    extent = _Extent(*limits)
    for info in members:
        if info is not sheets[0]:
            for _piece in budget.take(_inflate(data, info)):
                pass
            continue
        before = budget.left
        bound = _fast_extent(budget.take(_inflate(data, info)))
        if bound is not None and _within(bound, limits):
            extent.row, extent.column = bound
            continue
        # Rare: an unusual writer, or a far-away cell that may only be styled: look closely.
        budget.left = before
        _exact_extent(budget.take(_inflate(data, info)), extent)
    return extent.row, extent.column


def _within(bound: tuple[int, int], limits: tuple[int, int, int]) -> bool:
    rows, columns = bound
    max_line, max_columns, max_cells = limits
    return rows <= max_line and columns <= max_columns and rows * columns <= max_cells


class _Budget:
    """Bytes that may still be inflated; Oversize("bytes") past it."""

    def __init__(self, limit: int):
        self.limit = self.left = limit

    def take(self, stream: Iterator[bytes]) -> Iterator[bytes]:
        for piece in stream:
            self.left -= len(piece)
            if self.left < 0:
                raise Oversize("bytes", self.limit)
            yield piece


class _BytesView:
    """A read-only seekable file over bytes, without the copy BytesIO(data) would make."""

    def __init__(self, data: bytes):
        self.data, self.position = data, 0

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self.position, len(self.data))[whence]
        self.position = max(0, base + offset)
        return self.position

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size is None or size < 0 else self.position + size
        piece = self.data[self.position:end]
        self.position += len(piece)
        return piece


# --- writing -------------------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>')
_STYLES = (  # style 0: normal; style 1: the bold header
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>')

# XML 1.0 has no place for most control characters; Excel refuses a file that holds them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_MARKUP = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
EXCEL_MAX_TEXT = 32_767
WIDTH_SAMPLE = 200  # rows looked at to size the columns


def column_letters(number: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    if len(value) > EXCEL_MAX_TEXT:
        value = value[:EXCEL_MAX_TEXT]
    if _MARKUP.search(value):
        value = _NOT_XML.sub("", value).translate(_ESCAPES)
    return value


def _cell_xml(ref: str, value, style: str) -> str:
    kind = value.__class__
    if (kind is int or kind is float) and value == value and abs(value) != float("inf"):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    text = value if kind is str else str(value)
    if len(text) > EXCEL_MAX_TEXT or _MARKUP.search(text):
        text = _text(text)
    if text[:1].isspace() or text[-1:].isspace():
        return (f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t>'
                '</is></c>')
    return f'<c r="{ref}"{style} t="inlineStr"><is><t>{text}</t></is></c>'


def _row_xml(number: int, values: Sequence, letters: list[str], style: str = "") -> str:
    suffix = str(number)
    cells = "".join([_cell_xml(letter + suffix, value, style)
                     for letter, value in zip(letters, values, strict=False)
                     if value is not None and value != ""])
    return f'<row r="{suffix}">{cells}</row>'


def write_workbook(target, headers: Sequence, rows: Iterable[Sequence],
                   sheet_name: str = "Sheet1", batch: int = 2000) -> int:
    """Write a one-sheet workbook to a binary file object; returns the number of data rows.

    Rows are turned into XML and compressed as they come, so memory stays flat whatever their
    number. Strings are inline (no shared-strings table to hold), the header row is bold and
    frozen, and the columns are sized from the first rows.
    """
    headers = [str(h) for h in headers]
    letters = [column_letters(n) for n in range(1, len(headers) + 1)]
    # Excel refuses a sheet name with \ / ? * [ ] :, an apostrophe at either end, or over 31.
    name = _SHEET_NAME_FORBIDDEN.sub(" ", _NOT_XML.sub("", sheet_name)).strip(" '")[:31].strip()
    name = _text(name or "Sheet1").replace('"', "&quot;")
    rows = iter(rows)
    sample = []
    for row in rows:
        sample.append(row)
        if len(sample) >= WIDTH_SAMPLE:
            break
    widths = [len(h) for h in headers]
    for row in sample:
        for position, value in enumerate(row[:len(widths)]):
            widths[position] = max(widths[position], len(str(value)) if value is not None else 0)
    count = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(name=name))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_START.encode())
            if headers:
                sheet.write(("<cols>" + "".join(
                    f'<col min="{n}" max="{n}" width="{min(max(w + 2, 8), 60)}" customWidth="1"/>'
                    for n, w in enumerate(widths, start=1)) + "</cols>").encode())
            sheet.write(b"<sheetData>")
            sheet.write(_row_xml(1, headers, letters, ' s="1"').encode())
            pending = []
            for row in _chain(sample, rows):
                count += 1
                pending.append(_row_xml(count + 1, row, letters))
                if len(pending) >= batch:
                    sheet.write("".join(pending).encode())
                    pending = []
            sheet.write("".join(pending).encode())
            sheet.write(b"</sheetData></worksheet>")
    return count


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest
