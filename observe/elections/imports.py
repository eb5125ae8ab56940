"""Import of an election's official polling station list: CSV or XLSX, ru/kk/en headers.

Two steps, as for the observer roster: `preview_import` reads the file, guesses the column
mapping, validates every row and says what would be created or changed; `run_import` does the
same with the chosen mapping and writes: new stations inserted, stations already known (same
election, region and number) updated. Views get plain dataclasses, never a DataFrame.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from observe.audit.services import record
from observe.branches.regions import REGIONS
from observe.common.bulk import insert_rows
from observe.common.tabular import RowError, TablePreview, guess_mapping, read_sheet
from observe.elections.models import Election, PollingStation
from observe.elections.services import STATION_LIMITS, ElectionError
from observe.extensions import db

FIELDS = {
    "number": _l("Station number"),
    "region": _l("Region"),
    "district": _l("District or city"),
    "address": _l("Address"),
    "premises": _l("Premises"),
    "commission": _l("Commission"),
    "registered_voters": _l("Registered voters"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
}
# Without these columns no row can be placed.
REQUIRED_FIELDS = ("number", "region")
# Hand-made settings (priority, language) are never touched by an import.
IMPORTED_FIELDS = tuple(FIELDS)

SYNONYMS: dict[str, list[str]] = {
    "number": ["№ участка", "Номер участка", "№ УИК", "Номер УИК", "Участок", "№", "Номер",
               "Учаске нөмірі", "Учаске №", "Учаскенің нөмірі", "Учаске", "Нөмір",
               "Station number", "Station No", "Station", "Polling station", "Number", "No"],
    "region": ["Область", "Регион", "Область/город", "Облыс", "Өңір", "Аймақ", "Region",
               "Oblast", "Province"],
    "district": ["Район/Город", "Район", "Город", "Населенный пункт", "Аудан/Қала", "Аудан",
                 "Қала", "Елді мекен", "District", "City", "District or city", "Town"],
    "address": ["Адрес", "Адрес участка", "Мекенжай", "Мекенжайы", "Address"],
    "premises": ["Помещение", "Место нахождения", "Здание", "Үй-жай", "Ғимарат", "Premises",
                 "Building", "Venue"],
    "commission": ["Комиссия", "УИК", "Участковая комиссия", "Комиссия атауы", "Комиссиясы",
                   "Commission", "PEC", "Election commission"],
    "registered_voters": ["Избирателей", "Число избирателей", "Количество избирателей",
                          "Кол-во избирателей", "Сайлаушылар саны", "Сайлаушылар",
                          "Registered voters", "Voters", "Number of voters"],
    "latitude": ["Широта", "Ендік", "Latitude", "Lat"],
    "longitude": ["Долгота", "Бойлық", "Longitude", "Lon", "Lng", "Long"],
}

# A region cell is reduced to its core name: the words saying "region" or "city" are dropped.
_REGION_WORDS = frozenset({"область", "обл", "облысы", "облыс", "region", "oblast", "oblysy",
                           "province"})
_CITY_WORDS = frozenset({"г", "гор", "город", "қаласы", "қала", "city", "q", "qalasy", "қ"})
_REGION_CORES = {
    "abai": ("абайская", "абай", "abai", "abay"),
    "akmola": ("акмолинская", "ақмола", "акмола", "akmola", "aqmola"),
    "aktobe": ("актюбинская", "ақтөбе", "актобе", "aktobe", "aqtobe", "aktyubinsk"),
    "almaty_region": ("алматинская",),
    "atyrau": ("атырауская", "атырау", "atyrau"),
    "east_kazakhstan": ("восточно казахстанская", "шығыс қазақстан", "east kazakhstan", "вко"),
    "zhambyl": ("жамбылская", "жамбыл", "zhambyl", "jambyl"),
    "zhetysu": ("жетысуская", "жетісу", "жетысу", "zhetysu", "jetisu", "zhetisu"),
    "west_kazakhstan": ("западно казахстанская", "батыс қазақстан", "west kazakhstan", "зко"),
    "karaganda": ("карагандинская", "қарағанды", "караганды", "караганда", "karaganda",
                  "qaragandy", "karagandy"),
    "kostanay": ("костанайская", "қостанай", "костанай", "kostanay", "qostanay", "kostanai"),
    "kyzylorda": ("кызылординская", "қызылорда", "кызылорда", "kyzylorda", "qyzylorda"),
    "mangystau": ("мангистауская", "маңғыстау", "мангистау", "мангыстау", "mangystau",
                  "mangistau"),
    "pavlodar": ("павлодарская", "павлодар", "pavlodar"),
    "north_kazakhstan": ("северо казахстанская", "солтүстік қазақстан", "north kazakhstan",
                         "ско"),
    "turkistan": ("туркестанская", "түркістан", "туркестан", "turkistan", "turkestan"),
    "ulytau": ("улытауская", "ұлытау", "улытау", "ulytau"),
    "astana": ("астана", "astana", "нур султан", "нұр сұлтан", "nur sultan"),
    "almaty": ("алматы", "almaty"),
    "shymkent": ("шымкент", "shymkent"),
}
_CORE_TO_REGION = {core: code for code, cores in _REGION_CORES.items() for core in cores}
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


@lru_cache(maxsize=4096)  # an official list repeats a handful of spellings thousands of times
def region_code(text: str) -> str | None:
    """The REGIONS code of a region cell: a code, or a name in Russian, Kazakh or English.

    "Алматы" alone is the city; "Алматы облысы" or "Almaty Region" is the oblast around it.
    """
    raw = " ".join(str(text or "").split()).casefold().replace("ё", "е")
    if not raw:
        return None
    if raw in REGIONS:
        return raw
    words = [w for w in _NOT_WORD.sub(" ", raw.replace("_", " ")).split() if w]
    is_region = any(w in _REGION_WORDS for w in words)
    core = " ".join(w for w in words if w not in _REGION_WORDS and w not in _CITY_WORDS)
    code = _CORE_TO_REGION.get(core)
    if code == "almaty" and is_region:
        return "almaty_region"
    return code


_NUMBER_PREFIX = re.compile(r"^(?:№|no|nr|n|#)\s*\.?\s*(?=\d)", re.IGNORECASE)


def station_number(text: str) -> str:
    """A station number as stored: "№ 012" and "12" are the same station, kept as "12"."""
    value = " ".join(str(text or "").split())
    value = _NUMBER_PREFIX.sub("", value).strip()
    if value.isdigit():
        return str(int(value))
    return value


def _integer(text: str) -> int | None:
    value = "".join(str(text).split()).replace("\u00a0", "")
    if value.endswith(".0"):
        value = value[:-2]
    return int(value) if value.isdigit() else None


def _float(text: str) -> float | None:
    try:
        return float(str(text).strip().replace(",", "."))
    except ValueError:
        return None


@dataclass
class Duplicate:
    line: int
    number: str
    region: str
    same_as_line: int


@dataclass
class StationChange:
    line: int
    station_id: int
    number: str
    region: str
    fields: dict[str, tuple]  # field -> (before, after)


@dataclass
class ImportPreview(TablePreview):
    duplicates: list[Duplicate] = field(default_factory=list)
    created: int = 0  # stations the import would add
    updated: int = 0  # known stations it would change
    unchanged: int = 0  # known stations it would leave as they are
    changes: list[StationChange] = field(default_factory=list)
    not_in_file: int = 0  # stations of the election the file does not list

    @property
    def valid_count(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    duplicates: int = 0
    not_in_file: int = 0
    refused: bool = False
    refusal: str = ""  # why nothing was imported, in the user's words
    errors: list[RowError] = field(default_factory=list)
    changes: list[StationChange] = field(default_factory=list)


def _clean_mapping(mapping: dict | None, columns: list[str]) -> dict[str, str | None]:
    if mapping is None:
        return guess_mapping(columns, SYNONYMS)
    return {name: (mapping.get(name) if mapping.get(name) in columns else None)
            for name in FIELDS}


def _validate_row(line: int, row: list, positions: dict[str, int | None],
                  errors: list[RowError]) -> dict | None:
    """The clean values of the mapped fields of one row, or None (errors appended)."""
    cell = {name: " ".join(row[position].split()) if position is not None else ""
            for name, position in positions.items()}
    clean: dict = {}
    problems: list[tuple[str, str]] = []
    clean["number"] = station_number(cell["number"])
    if not clean["number"]:
        problems.append(("number", _("The station number is missing.")))
    region = region_code(cell["region"])
    if region is None:
        problems.append(("region", _("Unknown region: %(value)s", value=cell["region"])
                         if cell["region"] else _("The region is missing.")))
    clean["region"] = region
    for name, limit in STATION_LIMITS.items():
        if positions.get(name) is not None and name != "number":
            clean[name] = cell[name]
        if len(cell.get(name) or "") > limit:
            problems.append((name, _("At most %(num)d characters.", num=limit)))
    if positions.get("registered_voters") is not None:
        voters = _integer(cell["registered_voters"])
        if voters is None:
            problems.append(("registered_voters",
                             _("The number of voters must be a whole number, 0 or more.")))
        clean["registered_voters"] = voters
    if positions.get("latitude") is not None or positions.get("longitude") is not None:
        for name, bound in (("latitude", 90), ("longitude", 180)):
            text = cell.get(name, "")
            value = _float(text) if text else None
            if text and value is None:
                problems.append((name, _("Not a number: %(value)s", value=text)))
            elif value is not None and not -bound <= value <= bound:
                problems.append((name, _("Must be between %(low)d and %(high)d.",
                                         low=-bound, high=bound)))
            clean[name] = value
        if bool(cell.get("latitude")) != bool(cell.get("longitude")):
            problems.append(("longitude",
                             _("Give both the latitude and the longitude, or neither.")))
    if problems:
        errors.extend(RowError(line, name, message) for name, message in problems)
        return None
    return clean


@dataclass
class _Plan:
    preview: ImportPreview
    inserts: list[dict]
    updates: list[dict]  # {"id": ..., changed fields}


def _existing(election_id: int) -> dict[tuple[str, str], dict]:
    """The election's stations keyed by (region, number as the import writes it), one query."""
    columns = [PollingStation.id, PollingStation.number, *(getattr(PollingStation, name)
                                                            for name in IMPORTED_FIELDS
                                                            if name != "number")]
    rows = db.session.execute(select(*columns).where(
        PollingStation.election_id == election_id)).mappings()
    return {(row["region"], station_number(row["number"])): dict(row) for row in rows}


def _plan(path, filename: str, election: Election, mapping: dict | None,
          preview_size: int = 10) -> _Plan:
    # The header may sit under a title row; a pending file (a path) is parsed once, then reread.
    sheet = read_sheet(path, filename, SYNONYMS)
    columns = sheet.columns
    mapping = _clean_mapping(mapping, columns)
    preview = ImportPreview(
        filename=filename, columns=columns, mapping=mapping,
        rows=sheet.rows[:preview_size], lines=sheet.lines[:preview_size],
        total_rows=len(sheet.rows),
        missing_fields=[name for name in REQUIRED_FIELDS if not mapping.get(name)],
        header_line=sheet.header_line)
    plan = _Plan(preview, [], [])
    if preview.missing_fields:
        return plan
    existing = _existing(election.id)
    seen: dict[tuple[str, str], int] = {}
    mapped = [name for name in IMPORTED_FIELDS if name != "number" and mapping.get(name)]
    positions = {name: columns.index(column) if column else None
                 for name, column in mapping.items()}
    for line, row in zip(sheet.lines, sheet.rows, strict=True):
        clean = _validate_row(line, row, positions, preview.errors)
        if clean is None:
            continue
        key = (clean["region"], clean["number"])
        if key in seen:
            preview.duplicates.append(Duplicate(line, clean["number"], clean["region"],
                                                seen[key]))
            continue
        seen[key] = line
        current = existing.get(key)
        if current is None:
            plan.inserts.append({
                "election_id": election.id, "number": clean["number"],
                "region": clean["region"], "district": clean.get("district", ""),
                "address": clean.get("address", ""), "premises": clean.get("premises", ""),
                "commission": clean.get("commission", ""),
                "registered_voters": clean.get("registered_voters") or 0,
                "latitude": clean.get("latitude"), "longitude": clean.get("longitude"),
                "language": "", "is_priority": False, "priority_note": ""})
            continue
        changed = {name: (current[name], clean[name]) for name in mapped
                   if current[name] != clean[name]}
        if not changed:
            preview.unchanged += 1
            continue
        plan.updates.append({"id": current["id"],
                             **{name: after for name, (_before, after) in changed.items()}})
        preview.changes.append(StationChange(line, current["id"], current["number"],
                                             clean["region"], changed))
    preview.created, preview.updated = len(plan.inserts), len(plan.updates)
    preview.not_in_file = len(set(existing) - set(seen))
    return plan


def _refusal(preview: ImportPreview, outcome: ImportOutcome) -> str:
    if preview.missing_fields:
        return _("Nothing was imported: choose the columns for the required fields.")
    if outcome.invalid:
        return ngettext("Nothing was imported: %(num)d row has errors.",
                        "Nothing was imported: %(num)d rows have errors.", outcome.invalid)
    return ngettext("Nothing was imported: %(num)d station is listed twice.",
                    "Nothing was imported: %(num)d stations are listed twice.",
                    outcome.duplicates)


def preview_import(path, filename: str, election: Election,
                   mapping: dict | None = None) -> ImportPreview:
    """Read the file, guess (or apply) the mapping, check every row, say what would change.

    Writes nothing. Raises observe.common.tabular.TableError when the file cannot be read.
    """
    return _plan(path, filename, election, mapping).preview


def run_import(path, filename: str, election: Election, mapping: dict | None, mode: str,
               actor) -> ImportOutcome:
    """Add the file's new stations and update the known ones (by region and number).

    In "all_or_nothing" mode a bad row or a station listed twice refuses the whole file; in
    "valid_only" mode bad rows are left out and the first line of a repeated station wins.
    Flushes; the caller commits. Raises ElectionError when another import added some of the
    stations meanwhile.
    """
    if mode not in ("all_or_nothing", "valid_only"):
        raise ValueError(f"unknown import mode {mode!r}")
    plan = _plan(path, filename, election, mapping, preview_size=0)
    preview = plan.preview
    outcome = ImportOutcome(invalid=len(preview.bad_lines), duplicates=len(preview.duplicates),
                            errors=preview.errors, not_in_file=preview.not_in_file)
    if preview.missing_fields or (mode == "all_or_nothing"
                                  and (preview.errors or preview.duplicates)):
        outcome.refused, outcome.refusal = True, _refusal(preview, outcome)
        return outcome
    if plan.inserts:
        try:
            with db.session.begin_nested():  # a clash leaves the transaction usable
                insert_rows(PollingStation.__table__, plan.inserts)
        except IntegrityError:
            raise ElectionError(_("Some of these stations were added meanwhile. Check the file "
                                  "again.")) from None
    # Rows differ in which fields changed; one executemany per set of fields.
    by_fields: dict[tuple, list[dict]] = {}
    for row in plan.updates:
        by_fields.setdefault(tuple(sorted(row)), []).append(row)
    for rows in by_fields.values():
        db.session.execute(update(PollingStation), rows)
    outcome.created, outcome.updated = preview.created, preview.updated
    outcome.unchanged, outcome.changes = preview.unchanged, preview.changes
    record("station.import", election, actor=actor,
           summary=f"{filename}: +{outcome.created} ~{outcome.updated}",
           after={"file": filename, "mode": mode, "rows": preview.total_rows,
                  "created": outcome.created, "updated": outcome.updated,
                  "unchanged": outcome.unchanged, "invalid": outcome.invalid,
                  "duplicates": outcome.duplicates, "not_in_file": outcome.not_in_file,
                  "mapping": {k: v for k, v in preview.mapping.items() if v}})
    db.session.flush()
    return outcome


def field_label(name: str) -> str:
    """A station field's name in the current language."""
    return str(FIELDS.get(name, name))


def region_label(code: str | None) -> str:
    """A region's name in the current language."""
    return str(REGIONS.get(code or "", code or ""))

