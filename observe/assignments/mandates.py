"""Mandate letters (направление, жолдама): what the association's letter says, and its PDF.

The letter is an official document, so its text is Russian with a Kazakh title whatever the
interface language; only the pages around it are translated.
"""

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import fontpkg
from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale
from fpdf import FPDF, FontFace

from observe.assignments.rules import ROLES, SHIFTS
from observe.branches.regions import region_name

ISSUE_TIMEZONE = ZoneInfo("Asia/Almaty")
LETTER_LOCALE = "ru"

TITLE = "НАПРАВЛЕНИЕ"
TITLE_KK = "ЖОЛДАМА"
BODY = ("Настоящим {association} направляет своего наблюдателя для наблюдения за ходом "
        "выборов «{election}» в день голосования {polling_day} на избирательном участке "
        "№ {number} в соответствии с Конституционным законом Республики Казахстан "
        "«О выборах в Республике Казахстан».")
CLOSING = ("Просим избирательную комиссию оказывать наблюдателю содействие в осуществлении "
           "его полномочий. Направление действительно при предъявлении документа, "
           "удостоверяющего личность.")
SIGNATORY = "Председатель"
SEAL = "М.П."
SIGNATURE_HINT = "(подпись)"
NOTHING = "—"


def _long_date(value: date) -> str:
    """'5 марта 2026 г.': the letter's dates, in Russian whatever the interface language."""
    # CLDR puts a narrow no-break space before "г."; PT Serif has only the ordinary one.
    return format_date(value, "long", locale=LETTER_LOCALE).replace("\u202f", "\u00a0")


def _association() -> dict:
    config = current_app.config
    return {key: config.get(f"ASSOCIATION_{key.upper()}", "") or ""
            for key in ("name", "address", "bin", "phone", "email", "chair")}


def _letterhead(association: dict) -> list[str]:
    """The lines under the association's name: address, then business id and contacts."""
    contacts = [f"БИН {association['bin']}" if association["bin"] else "",
                f"Тел.: {association['phone']}" if association["phone"] else "",
                f"E-mail: {association['email']}" if association["email"] else ""]
    lines = [association["address"], " · ".join(part for part in contacts if part)]
    return [line for line in lines if line]


def mandate_data(assignment, *, today: date | None = None) -> dict:
    """Everything a mandate letter shows, for the HTML page and the PDF alike."""
    association = _association()
    observer, election, station = assignment.observer, assignment.election, assignment.station
    issued_on = today or datetime.now(ISSUE_TIMEZONE).date()
    with force_locale(LETTER_LOCALE):
        role = str(ROLES.get(assignment.role, assignment.role))
        shift = str(SHIFTS.get(assignment.shift, assignment.shift))
        region = region_name(station.region)
    address = ", ".join(part for part in (station.address, station.premises) if part)
    place = ", ".join(part for part in (region, station.district) if part)
    polling_day = _long_date(election.polling_day)
    return {
        "number": assignment.id,
        "reference": f"Исх. № {assignment.id}",
        "association": association,
        "letterhead": _letterhead(association),
        "observer_name": observer.full_name,
        "observer_iin": observer.iin or "",
        "election_name": election.name,
        "polling_day": election.polling_day,
        "polling_day_text": polling_day,
        "station_number": station.number,
        "station_address": address,
        "station_region": region,
        "station_district": station.district,
        "role": role,
        "shift": shift,
        "issued_on": issued_on,
        "issued_on_text": _long_date(issued_on),
        "title": TITLE,
        "title_kk": TITLE_KK,
        "body": BODY.format(association=association["name"], election=election.name,
                            polling_day=polling_day, number=station.number),
        "facts": [
            ("Наблюдатель", observer.full_name),
            ("ИИН", observer.iin or NOTHING),
            ("Выборы", election.name),
            ("День голосования", polling_day),
            ("Избирательный участок", f"№ {station.number}"),
            ("Адрес участка", address or NOTHING),
            ("Регион, район", place or NOTHING),
            ("Роль и смена", f"{role}; {shift}"),
        ],
        "closing": CLOSING,
        "signatory": SIGNATORY,
        "chair": association["chair"],
        "signature_hint": SIGNATURE_HINT,
        "seal": SEAL,
        "date_line": f"Дата: {_long_date(issued_on)}",
    }


@lru_cache(maxsize=1)
def _font_files() -> tuple[str, str]:
    # fontpkg-pt-serif: ParaType's PT Serif (Kazakh letters too) from PyPI, no system fonts needed.
    return (str(fontpkg.path("PT Serif", weight=400)), str(fontpkg.path("PT Serif", weight=700)))


def _new_document(compress: bool) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    regular, bold = _font_files()
    pdf.add_font("PTSerif", "", regular)
    pdf.add_font("PTSerif", "B", bold)
    pdf.set_creator("Observe")
    pdf.set_lang(LETTER_LOCALE)
    return pdf


def _write_letter(pdf: FPDF, letter: dict) -> None:
    association = letter["association"]
    pdf.add_page()
    pdf.start_section(f"{letter['observer_name']}, № {letter['station_number']}")
    width = pdf.epw
    # Letterhead.
    pdf.set_font("PTSerif", "B", 13)
    pdf.multi_cell(width, 6.5, association["name"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("PTSerif", "", 9.5)
    for line in letter["letterhead"]:
        pdf.multi_cell(width, 4.8, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(3)
    pdf.set_font("PTSerif", "", 10.5)
    pdf.cell(width / 2, 6, letter["reference"])
    pdf.cell(width / 2, 6, letter["issued_on_text"], align="R", new_x="LMARGIN", new_y="NEXT")
    # Title, Russian then Kazakh.
    pdf.ln(12)
    pdf.set_font("PTSerif", "B", 20)
    pdf.cell(width, 10, letter["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("PTSerif", "B", 13)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(width, 7, letter["title_kk"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(8)
    # Body and the facts the commission checks.
    pdf.set_font("PTSerif", "", 12)
    pdf.multi_cell(width, 6.5, letter["body"], align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    label_face = FontFace(color=(90, 90, 90))
    with pdf.table(col_widths=(55, width - 55), borders_layout="NONE",
                   first_row_as_headings=False, line_height=6.5, padding=(1, 0, 1, 0),
                   text_align=("LEFT", "LEFT")) as table:
        for label, value in letter["facts"]:
            row = table.row()
            row.cell(f"{label}:", style=label_face)
            row.cell(value)
    pdf.ln(4)
    pdf.multi_cell(width, 6.5, letter["closing"], align="J", new_x="LMARGIN", new_y="NEXT")
    # Signature block, kept together at the foot of the page when there is room.
    pdf.set_y(max(pdf.get_y() + 14, pdf.h - pdf.b_margin - 38))
    chair = letter["chair"] or "_" * 18
    pdf.set_font("PTSerif", "", 12)
    pdf.cell(55, 7, letter["signatory"])
    pdf.cell(width - 55 - 60, 7, "_" * 24, align="C")
    pdf.cell(60, 7, f"/ {chair} /", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("PTSerif", "", 9)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(55, 5, "")
    pdf.cell(width - 55 - 60, 5, letter["signature_hint"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)
    pdf.set_font("PTSerif", "B", 12)
    pdf.cell(55, 7, letter["seal"])
    pdf.set_font("PTSerif", "", 12)
    pdf.cell(width - 55, 7, letter["date_line"], align="R",
             new_x="LMARGIN", new_y="NEXT")


def mandate_pdf(assignments, *, compress: bool = True, progress=None) -> bytes:
    """One A4 page per assignment: the association's letter sending the observer to the station.

    `compress=False` leaves the page streams readable, for tests; `progress(done, total)` hears
    of every letter written (a background job shows it).
    """
    letters = [mandate_data(assignment) for assignment in assignments]
    pdf = _new_document(compress)
    title = TITLE if len(letters) != 1 else f"{TITLE} — {letters[0]['observer_name']}"
    pdf.set_title(title)
    pdf.set_author(letters[0]["association"]["name"] if letters else "")
    for number, letter in enumerate(letters, start=1):
        _write_letter(pdf, letter)
        if progress is not None:
            progress(number, len(letters))
    return bytes(pdf.output())
