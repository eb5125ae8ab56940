"""A briefing's exports: PDF (PT Serif, so Kazakh letters render), XLSX with a sheet per table,
CSV of the incidents behind it, and a short plain text for Telegram. Headings are in the
briefing's language; no export carries an observer's name or contact."""

import io
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import fontpkg
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF
from openpyxl import Workbook
from sqlalchemy import select

from observe.branches.regions import region_name
from observe.briefings.queries import Scope, _reports
from observe.common.tabular import write_csv
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.reports.models import Incident, Report
from observe.reports.rules import (
    CATEGORY_LABELS,
    MISMATCH_LABELS,
    PHASE_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
)

TELEGRAM_LIMIT = 4096


def _zone(briefing) -> ZoneInfo:
    return ZoneInfo(briefing.election.timezone or "Asia/Almaty")


def _clock(iso: str | None, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(iso).astimezone(zone).strftime("%H:%M") if iso else ""


def heading(briefing) -> str:
    """"Briefing: Karaganda Region, as of 01.03.2026 14:00 (version 2)" in the current locale."""
    place = region_name(briefing.region) if briefing.region else _("the whole country")
    when = briefing.cutoff_at.astimezone(_zone(briefing)).strftime("%d.%m.%Y %H:%M")
    text = _("%(title)s: %(place)s, as of %(time)s", title=briefing.title or _("Briefing"),
             place=place, time=when)
    if briefing.version > 1:
        text += " " + _("(version %(version)d)", version=briefing.version)
    return text


def tables(briefing, figures: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, headers, rows) of every table of the briefing, in the current locale."""
    zone = _zone(briefing)
    cov, inc = figures["coverage"], figures["incidents"]
    out = [
        (_("Coverage"), [_("Figure"), _("Value")], [
            [_("Polling stations"), cov["stations"]],
            [_("Stations with an observer present"), cov["stations_present"]],
            [_("Observers assigned"), cov["observers_assigned"]],
            [_("Observers checked in"), cov["observers_present"]],
            [_("Regions with observers present"), cov["regions_present"]]]),
        (_("Turnout"), [_("Time"), _("Stations reporting"), _("Voters"),
                        _("Registered voters"), "%"],
         [[f"{r['hour']:02d}:00", r["stations"], r["voters"], r["registered"], r["share"]]
          for r in figures["turnout"]]),
        (_("Incidents"), [_("Category"), _("Region"), _("Verified"), _("Not yet verified"),
                          _("Rejected"), _("Total")],
         [[str(CATEGORY_LABELS.get(r["category"], r["category"])), region_name(r["region"]),
           r["verified"], r["unverified"], r["rejected"], r["total"]] for r in inc["matrix"]]),
        (_("Serious incidents"), [_("Time"), _("Station"), _("Region"), _("District"),
                                  _("Category"), _("Severity"), _("What happened")],
         [[_clock(r["received_at"], zone), r["station"], region_name(r["region"]),
           r["district"], str(CATEGORY_LABELS.get(r["category"], r["category"])),
           str(SEVERITY_LABELS.get(r["severity"], r["severity"])), r["description"]]
          for r in figures["serious"]]),
        (_("Checklists"), [_("Phase"), _("Question"), _("Checklists"), "%"],
         [[str(PHASE_LABELS.get(r["phase"], r["phase"])),
           (r["text"] or {}).get(str(briefing.language)) or (r["text"] or {}).get("ru")
           or r["question"], r["count"], r["rate"]] for r in figures["questions"]]),
        (_("Protocols"), [_("Figure"), _("Value")],
         [[_("Protocol copies received"), figures["protocols"]["received"]],
          [_("With mismatches"), figures["protocols"]["flagged"]]]
         + [[str(MISMATCH_LABELS.get(code, code)), n]
            for code, n in figures["protocols"]["codes"].items()]),
    ]
    if figures.get("changes"):
        labels = {"stations_present": _("Stations with an observer present"),
                  "observers_present": _("Observers checked in"),
                  "incidents": _("Incidents reported"), "verified": _("Incidents verified"),
                  "rejected": _("Incidents rejected"),
                  "protocol_mismatches": _("Protocols with mismatches")}
        out.append((_("Change"), [_("Figure"), _("Before"), _("Now"), _("Change")],
                    [[labels.get(k, k), v["before"], v["now"], v["delta"]]
                     for k, v in figures["changes"].items()]))
    return out


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    return (str(fontpkg.path("PT Serif", weight=400)), str(fontpkg.path("PT Serif", weight=700)))


def briefing_pdf(briefing, figures: dict, *, compress: bool = True) -> bytes:
    """The briefing as an A4 PDF: heading, text, then every table."""
    with force_locale(briefing.language):
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_compression(compress)
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(True, margin=15)
        regular, bold = _fonts()
        pdf.add_font("PTSerif", "", regular)
        pdf.add_font("PTSerif", "B", bold)
        pdf.set_creator("Observe")
        pdf.set_lang(briefing.language)
        title = heading(briefing)
        pdf.set_title(title)
        pdf.add_page()
        pdf.set_font("PTSerif", "B", 14)
        pdf.multi_cell(pdf.epw, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("PTSerif", "", 10)
        pdf.multi_cell(pdf.epw, 5, briefing.election.name, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.set_font("PTSerif", "", 11)
        pdf.multi_cell(pdf.epw, 5.5, briefing.narrative or "", new_x="LMARGIN", new_y="NEXT")
        for name, headers, rows in tables(briefing, figures):
            pdf.ln(4)
            pdf.set_font("PTSerif", "B", 12)
            pdf.cell(pdf.epw, 7, name, new_x="LMARGIN", new_y="NEXT")
            if not rows:
                pdf.set_font("PTSerif", "", 10)
                pdf.cell(pdf.epw, 6, "—", new_x="LMARGIN", new_y="NEXT")
                continue
            pdf.set_font("PTSerif", "", 9)
            with pdf.table(line_height=5, text_align="LEFT") as table:
                header = table.row()
                for text in headers:
                    header.cell(str(text))
                for values in rows:
                    row = table.row()
                    for value in values:
                        row.cell(str(value))
        return bytes(pdf.output())


def _safe(value):
    # A spreadsheet must not run cell text as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def briefing_xlsx(briefing, figures: dict) -> bytes:
    """The briefing as a workbook: the text on the first sheet, then a sheet per table."""
    with force_locale(briefing.language):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Text")[:31]
        sheet.append([_safe(heading(briefing))])
        sheet.append([_safe(briefing.narrative or "")])
        used = {sheet.title}
        for name, headers, rows in tables(briefing, figures):
            title = name[:31]
            while title in used:
                title = title[:29] + "_" + str(len(used))
            used.add(title)
            sheet = book.create_sheet(title)
            sheet.append([str(h) for h in headers])
            for row in rows:
                sheet.append([_safe(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def incident_rows(briefing):
    """The incidents behind a briefing (its scope, up to its cut-off, duplicates left out):
    reference, time, place, category, severity, status, description; never the observer."""
    incident = Incident.__table__
    scope = Scope(briefing.election_id, region=briefing.region, cutoff=briefing.cutoff_at)
    stmt = _reports(select(Report.id, Report.received_at, PollingStation.region,
                           PollingStation.district, PollingStation.number, incident.c.category,
                           Report.severity, Report.status, incident.c.description)
                    .join(incident, incident.c.id == Report.id), scope, "incident")
    stmt = stmt.where(Report.status != "duplicate").order_by(Report.received_at, Report.id)
    zone = _zone(briefing)
    for row in db.session.execute(stmt):
        yield [f"I-{row.id}", row.received_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
               region_name(row.region), row.district, row.number,
               str(CATEGORY_LABELS.get(row.category, row.category)),
               str(SEVERITY_LABELS.get(row.severity, row.severity)),
               str(STATUS_LABELS.get(row.status, row.status)), row.description or ""]


def incidents_csv(briefing) -> bytes:
    """The incidents behind the briefing as CSV (UTF-8 with a BOM)."""
    with force_locale(briefing.language):
        headers = [_("Reference"), _("Received"), _("Region"), _("District"), _("Station"),
                   _("Category"), _("Severity"), _("Status"), _("Description")]
        return write_csv(list(incident_rows(briefing)), headers)


def telegram_text(briefing, figures: dict) -> str:
    """A short plain text for a Telegram post: heading, text, the headline numbers."""
    with force_locale(briefing.language):
        cov, totals = figures["coverage"], figures["incidents"]["totals"]
        lines = [heading(briefing), "", briefing.narrative or "", "",
                 _("Stations with an observer present: %(present)d of %(total)d",
                   present=cov["stations_present"], total=cov["stations"]),
                 _("Incidents: %(total)d, verified %(verified)d",
                   total=totals["total"], verified=totals["verified"])]
        text = "\n".join(lines).strip()
    return text if len(text) <= TELEGRAM_LIMIT else text[:TELEGRAM_LIMIT - 1] + "…"
