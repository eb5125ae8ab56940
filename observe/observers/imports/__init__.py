"""Import of an observer roster from a spreadsheet: CSV or XLSX, Russian, Kazakh or English headers.

Two steps: `preview_import` reads the file, guesses the column mapping and validates every row;
`run_import` takes the same verdicts (the rules are checked once per file and mapping in a
process), looks the file's IINs and phones up in the database again, and inserts the valid rows
in bulk, or none at all. Views get plain dataclasses, never a DataFrame. `columns` names the
fields and their headers; `cells` reads the values people write in them.
"""

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import Integer, String, any_, bindparam, func, insert, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError

from observe.audit.services import record
from observe.common.bulk import insert_rows
from observe.common.db import UTCDateTime, utcnow
from observe.common.errors import DomainError
from observe.common.tabular import RowError, TablePreview, guess_mapping, read_sheet
from observe.extensions import db
from observe.observers.choices import Status
from observe.observers.imports.cells import (
    check_form_columns,
    parse_consent,
    parse_languages,
    parse_timestamp,
    raw_row,
)
from observe.observers.imports.columns import FIELDS, REQUIRED_FIELDS, SYNONYMS
from observe.observers.models import Application, Observer, StatusChange
from observe.observers.rules import CONSENT_VERSION, reference_day, validate_applicant
from observe.permissions import in_scope

__all__ = ["FIELDS", "REQUIRED_FIELDS", "SYNONYMS", "ImportOutcome", "ImportPreview",
           "ImportRefused", "parse_consent", "parse_languages", "parse_timestamp",
           "preview_import", "run_import"]


@dataclass
class Duplicate:
    line: int
    full_name: str
    observer_id: int | None = None  # an observer already registered, that the user may open
    same_as_line: int | None = None  # an earlier line of the same file
    registered: bool = False  # an observer already registered (perhaps in another branch)


@dataclass
class ImportPreview(TablePreview):
    duplicates: list[Duplicate] = field(default_factory=list)
    valid_count: int = 0
    # Where consent comes from: "column", "paper" (confirmed on the upload form) or "" (nowhere,
    # so nothing may be imported).
    consent_source: str = ""


@dataclass
class ImportOutcome:
    imported: int = 0
    invalid: int = 0
    duplicates: int = 0


class ImportRefused(DomainError):
    """Nothing was imported; the message says why (the check page lists the bad rows).

    `errors` lists the rows found wrong only at the moment of the insert (registered meanwhile).
    """

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or []


def _clean_mapping(mapping: dict | None, columns: list[str]) -> dict[str, str | None]:
    if mapping is None:
        return guess_mapping(columns, SYNONYMS)
    return {name: (mapping.get(name) if mapping.get(name) in columns else None)
            for name in FIELDS}


@dataclass
class _Analysis:
    preview: ImportPreview
    valid: list[tuple[int, dict]]  # (line, clean values) of rows to insert


def _one_of(column, values: list[str]):
    """`column IN values`, with the values as one parameter: an array on PostgreSQL, a JSON
    list read by json_each on SQLite. One query and one statement text for any number of
    values (an IN list of 20,000 is rendered, re-parsed and planned value by value)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(String)))
    if dialect == "sqlite":
        listed = func.json_each(bindparam(None, json.dumps(values), type_=String))
        return column.in_(select(listed.table_valued("value").c.value))
    return column.in_(values)


def _registered(rows: list[tuple[int, dict]]) -> tuple[dict, dict]:
    """({iin: (observer id, branch id)}, {phone: ...}) of the rows' people already registered.

    Only the file's own IINs and phones are looked up, in one query.
    """
    iins = sorted({clean["iin"] for _line, clean in rows})
    phones = sorted({clean["phone"] for _line, clean in rows})
    wanted_iins, wanted_phones = set(iins), set(phones)
    by_iin: dict[str, tuple[int, int]] = {}
    by_phone: dict[str, tuple[int, int]] = {}
    query = select(Observer.iin, Observer.phone, Observer.id, Observer.branch_id)
    for iin, phone, observer_id, branch_id in db.session.execute(query.where(or_(
            _one_of(Observer.iin, iins), _one_of(Observer.phone, phones)))):
        if iin in wanted_iins:
            by_iin[iin] = (observer_id, branch_id)
        if phone in wanted_phones:
            by_phone[phone] = (observer_id, branch_id)
    return by_iin, by_phone


# The last validated files of this process: the preview and the import of the same file with the
# same mapping validate it once. Only the rules' verdicts are kept; duplicates are always checked
# afresh against the database. Another worker process simply validates again.
_VALIDATED: "OrderedDict[tuple, tuple]" = OrderedDict()
_VALIDATED_KEPT = 2


def _validate(path, filename: str, mapping: dict | None, preview_size: int, progress=None):
    data = path if isinstance(path, bytes | bytearray) else Path(path).read_bytes()
    # The header may sit under a title row; a pending file (a path) is parsed once, then reread.
    sheet = read_sheet(path, filename, SYNONYMS)
    columns, rows, lines = sheet.columns, sheet.rows, sheet.lines
    mapping = _clean_mapping(mapping, columns)
    age_on = reference_day()  # once per file: it asks the database for the next polling day
    key = (hashlib.sha256(data).hexdigest(), tuple(sorted(mapping.items(), key=str)),
           age_on, str(get_locale()))  # messages are in the user's language
    head = (rows[:preview_size], lines[:preview_size], sheet.header_line)
    if key in _VALIDATED:
        _VALIDATED.move_to_end(key)
        return columns, mapping, len(rows), head, *_VALIDATED[key]
    errors: list[RowError] = []
    passed: list[tuple[int, dict]] = []
    consent_column = bool(mapping.get("consent"))
    positions = {name: columns.index(column) if column else None
                 for name, column in mapping.items()}
    total = len(rows)
    for number, (line, row) in enumerate(zip(lines, rows, strict=True)):
        if progress is not None and number % 250 == 0:
            progress(number, total)
        raw = raw_row(row, positions)
        clean, problems = validate_applicant(raw, require_email=False, age_on=age_on)
        check_form_columns(raw, clean, problems, consent_column)
        if problems:
            errors.extend(RowError(line, name, message) for name, message in problems.items())
        else:
            passed.append((line, clean))
    _VALIDATED[key] = (errors, passed)
    while len(_VALIDATED) > _VALIDATED_KEPT:
        _VALIDATED.popitem(last=False)
    return columns, mapping, total, head, errors, passed


def _analyse(path, filename: str, mapping: dict | None, *, actor=None, paper_consent=False,
             preview_size: int = 10, progress=None) -> _Analysis:
    columns, mapping, total, (rows, lines, header_line), errors, passed = _validate(
        path, filename, mapping, preview_size, progress)
    preview = ImportPreview(
        filename=filename, columns=columns, mapping=mapping, rows=rows, lines=lines,
        header_line=header_line,
        total_rows=total, errors=list(errors),
        missing_fields=[name for name in REQUIRED_FIELDS if not mapping.get(name)],
        consent_source="column" if mapping.get("consent") else ("paper" if paper_consent else ""),
    )
    if not preview.consent_source:
        # Never record a consent the file did not give and nobody confirmed.
        preview.missing_fields.append("consent")
    by_iin, by_phone = _registered(passed)
    seen_iin: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    valid: list[tuple[int, dict]] = []
    for line, clean in passed:
        iin, phone = clean["iin"], clean["phone"]
        existing = by_iin.get(iin) or by_phone.get(phone)
        earlier = seen_iin.get(iin) or seen_phone.get(phone)
        if existing:
            # Linked only when the user may open it: a file must not reveal other branches.
            observer_id, branch_id = existing
            visible = actor is not None and in_scope(actor, branch_id)
            preview.duplicates.append(Duplicate(line, clean["full_name"],
                                                observer_id if visible else None,
                                                registered=True))
            continue
        if earlier:
            preview.duplicates.append(Duplicate(line, clean["full_name"], same_as_line=earlier))
            continue
        seen_iin[iin] = seen_phone[phone] = line
        valid.append((line, clean))
    preview.valid_count = len(valid)
    return _Analysis(preview, valid)


def preview_import(path, filename: str, branch, mapping: dict | None = None, *, actor=None,
                   paper_consent: bool = False, progress=None) -> ImportPreview:
    """Read the file, guess (or apply) the column mapping and check every row; write nothing.

    `paper_consent`: the coordinator confirmed that consent was collected on paper, which
    stands in for a consent column. `progress(done, total)` hears how many rows were checked
    (a background import shows it). Raises observe.common.tabular.TableError when the file
    cannot be read.
    """
    return _analyse(path, filename, mapping, actor=actor, paper_consent=paper_consent,
                    progress=progress).preview


def run_import(path, filename: str, branch, mapping: dict | None, mode: str, actor, *,
               paper_consent: bool = False) -> ImportOutcome:
    """Insert the file's valid rows as applicants of the branch, skipping duplicates.

    In "all_or_nothing" mode a single bad row refuses the whole file (ImportRefused); in
    "valid_only" mode the bad rows are left out. Without a consent column and without the
    coordinator's confirmation of paper consent nothing is imported. Flushes; the caller
    commits.
    """
    if mode not in ("all_or_nothing", "valid_only"):
        raise ValueError(f"unknown import mode {mode!r}")
    analysis = _analyse(path, filename, mapping, actor=actor, paper_consent=paper_consent,
                        preview_size=0)
    preview = analysis.preview
    outcome = ImportOutcome(invalid=len(preview.bad_lines), duplicates=len(preview.duplicates))
    if not preview.consent_source:
        raise ImportRefused(_("Nothing was imported: the file has no consent column. Choose "
                              "it, or upload the file again confirming that the volunteers "
                              "gave their consent on paper."))
    if preview.missing_fields:
        raise ImportRefused(_("Nothing was imported: choose the columns for the required "
                              "fields."))
    if mode == "all_or_nothing" and preview.errors:
        raise ImportRefused(ngettext("Nothing was imported: %(num)d row has errors.",
                                     "Nothing was imported: %(num)d rows have errors.",
                                     outcome.invalid))
    if analysis.valid:
        try:
            # A savepoint: after a refused insert the database can still say who clashed.
            with db.session.begin_nested():
                _insert(analysis.valid, branch, filename, actor, preview.consent_source)
        except IntegrityError:
            # Another coordinator registered one of these people since the lookup above.
            raise _registered_meanwhile(analysis.valid) from None
    outcome.imported = len(analysis.valid)
    record("observer.import", branch, actor=actor,
           summary=f"{filename}: {outcome.imported}",
           after={"file": filename, "mode": mode, "rows": preview.total_rows,
                  "imported": outcome.imported, "invalid": outcome.invalid,
                  "duplicates": outcome.duplicates, "consent": preview.consent_source,
                  "mapping": {k: v for k, v in preview.mapping.items() if v}})
    db.session.flush()
    return outcome


def _registered_meanwhile(valid: list[tuple[int, dict]]) -> ImportRefused:
    """The refusal naming every line whose IIN or phone the database now holds."""
    by_iin, by_phone = _registered(valid)
    errors = []
    for line, clean in valid:
        if clean["iin"] in by_iin:
            errors.append(RowError(line, "iin", _("An observer with this IIN was registered "
                                                  "while the file was being imported.")))
        if clean["phone"] in by_phone:
            errors.append(RowError(line, "phone", _("An observer with this phone number was "
                                                    "registered while the file was being "
                                                    "imported.")))
    lines = sorted({error.line for error in errors})
    if not lines:  # a clash the lookup cannot place (it was undone meanwhile): say so plainly
        return ImportRefused(_("Some of these observers were registered meanwhile. Check "
                               "the file again."))
    shown = ", ".join(str(line) for line in lines[:20]) + (" …" if len(lines) > 20 else "")
    return ImportRefused(ngettext(
        "Nothing was imported: %(num)d observer was registered meanwhile (line %(lines)s). "
        "Check the file again.",
        "Nothing was imported: %(num)d observers were registered meanwhile (lines %(lines)s). "
        "Check the file again.", len(lines), lines=shown), errors)


def _insert(valid: list[tuple[int, dict]], branch, filename: str, actor,
            consent_source: str) -> None:
    now = utcnow()
    paper = consent_source == "paper"
    applied = Status.APPLIED.value  # once: an enum member's .value is a slow descriptor
    observers = []
    for _line, clean in valid:
        # The form's timestamp is the application date; consent was given with the form, or
        # on paper (which, as when adding by hand, also covers the declaration).
        row = dict(clean)
        applied_at = row.pop("applied_at", None) or now
        row.update(branch_id=branch.id, status=applied,
                   consent_version=CONSENT_VERSION, consent_at=now if paper else applied_at,
                   declared_independent_at=now if paper else None, applied_at=applied_at,
                   status_changed_at=now, rejection_reason="")
        observers.append(row)
    insert_rows(Observer.__table__, observers)
    # Their application and first status are copied from the new rows inside the database
    # (found by IIN): no ids travel back to Python and no second and third 20,000-row upload.
    reason = _("Imported from %(file)s", file=filename)
    new = _one_of(Observer.iin, [row["iin"] for row in observers])
    db.session.execute(insert(Application).from_select(
        ["observer_id", "channel", "campaign", "is_repeat", "email", "submitted_at"],
        select(Observer.id, Observer.channel, Observer.campaign, literal(False), literal(""),
               Observer.applied_at).where(new)))
    db.session.execute(insert(StatusChange).from_select(
        ["observer_id", "from_status", "to_status", "reason", "actor_id", "changed_at"],
        select(Observer.id, literal(""), literal(applied), literal(reason),
               literal(getattr(actor, "id", None), Integer), literal(now, UTCDateTime()))
        .where(new)))
