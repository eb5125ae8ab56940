"""The complaint document: its draft from the incidents, in Russian or Kazakh, and its PDF and
DOCX. The text is the letter's own language (chosen per complaint), never the interface's; the
legal team edits the body, the header and signature come from the complaint and the association.
"""

import io
from functools import lru_cache
from zoneinfo import ZoneInfo

import fontpkg
from flask import current_app
from flask_babel import force_locale
from fpdf import FPDF

from observe.reports.rules import CATEGORY_LABELS

ZONE = ZoneInfo("Asia/Almaty")

# Everything the letter says, in each of its two languages.
TEXTS = {
    "ru": {
        "title": "ЖАЛОБА",
        "subject": "о нарушении законодательства о выборах на избирательном участке № {number}",
        "to": "Кому",
        "from": "От",
        "intro": ("{association} сообщает о нарушениях, выявленных наблюдателями в ходе "
                  "выборов «{election}» (день голосования {polling_day}) на избирательном "
                  "участке № {number} ({address}):"),
        "people": "Участники",
        "evidence": "Доказательства (файлы хранятся в неизменном виде, контрольные суммы "
                    "SHA-256):",
        "no_evidence": "Файлы доказательств не приложены.",
        "bytes": "байт",
        "request": ("На основании изложенного, руководствуясь Конституционным законом "
                    "Республики Казахстан «О выборах в Республике Казахстан», просим провести "
                    "проверку изложенных фактов, принять меры к устранению нарушений и "
                    "привлечению виновных лиц к ответственности, а о результатах рассмотрения "
                    "сообщить в установленный законом срок."),
        "signatory": "Председатель",
        "date": "Дата",
        "number": "Исх. №",
        "incoming": "Вх. №",
    },
    "kk": {
        "title": "ШАҒЫМ",
        "subject": "№ {number} сайлау учаскесінде сайлау туралы заңнаманың бұзылуы туралы",
        "to": "Кімге",
        "from": "Кімнен",
        "intro": ("{association} байқаушылары «{election}» сайлауы барысында (дауыс беру күні "
                  "{polling_day}) № {number} сайлау учаскесінде ({address}) мынадай "
                  "бұзушылықтарды анықтағанын хабарлайды:"),
        "people": "Қатысушылар",
        "evidence": "Дәлелдемелер (файлдар өзгеріссіз сақталады, SHA-256 бақылау сомалары):",
        "no_evidence": "Дәлелдеме файлдары қоса берілмеген.",
        "bytes": "байт",
        "request": ("Жоғарыда баяндалғанның негізінде, «Қазақстан Республикасындағы сайлау "
                    "туралы» Қазақстан Республикасының Конституциялық заңын басшылыққа ала "
                    "отырып, баяндалған фактілерді тексеруді, бұзушылықтарды жою және кінәлі "
                    "тұлғаларды жауапкершілікке тарту шараларын қабылдауды, қарау нәтижелері "
                    "туралы заңда белгіленген мерзімде хабарлауды сұраймыз."),
        "signatory": "Төраға",
        "date": "Күні",
        "number": "Шығ. №",
        "incoming": "Кір. №",
    },
}

BODY_NAMES = {
    "ru": {"precinct": "Участковая избирательная комиссия",
           "district": "Районная (городская) избирательная комиссия",
           "territorial": "Территориальная (областная) избирательная комиссия",
           "cec": "Центральная избирательная комиссия Республики Казахстан",
           "prosecutor": "Прокуратура", "court": "Суд"},
    "kk": {"precinct": "Учаскелік сайлау комиссиясы",
           "district": "Аудандық (қалалық) сайлау комиссиясы",
           "territorial": "Аумақтық (облыстық) сайлау комиссиясы",
           "cec": "Қазақстан Республикасының Орталық сайлау комиссиясы",
           "prosecutor": "Прокуратура", "court": "Сот"},
}


def _texts(language: str) -> dict:
    return TEXTS.get(language, TEXTS["ru"])


def _association() -> dict:
    config = current_app.config
    return {key: config.get(f"ASSOCIATION_{key.upper()}", "") or ""
            for key in ("name", "address", "chair")}


def _local(value) -> str:
    return value.astimezone(ZONE).strftime("%d.%m.%Y %H:%M") if value else ""


def addressee(complaint) -> str:
    """The body as the letter names it: the complaint's own wording, else the generic name."""
    names = BODY_NAMES.get(complaint.language, BODY_NAMES["ru"])
    return complaint.body_name or names.get(complaint.body, complaint.body)


def draft_text(incidents, election, station, language: str) -> str:
    """The editable body of the letter: the facts of each incident and its evidence hashes."""
    texts = _texts(language)
    association = _association()
    address = ", ".join(p for p in (station.address, station.premises) if p) if station else ""
    lines = [texts["intro"].format(
        association=association["name"], election=election.name,
        polling_day=election.polling_day.strftime("%d.%m.%Y"),
        number=station.number if station else "—", address=address or "—"), ""]
    evidence = []
    with force_locale(language):
        for number, incident in enumerate(incidents, start=1):
            when = _local(incident.occurred_at or incident.received_at)
            category = str(CATEGORY_LABELS.get(incident.category, incident.category))
            lines.append(f"{number}. {when} — {category} ({incident.reference}). "
                         f"{incident.description.strip()}")
            if incident.people_involved.strip():
                lines.append(f"   {texts['people']}: {incident.people_involved.strip()}")
            evidence += [(incident, item) for item in incident.evidence]
    lines += ["", texts["evidence"] if evidence else texts["no_evidence"]]
    for incident, item in evidence:
        lines.append(f"— {incident.reference}: {item.original_name or item.storage_name} "
                     f"({item.content_type}, {item.size} {texts['bytes']}), "
                     f"SHA-256: {item.sha256}")
    lines += ["", texts["request"]]
    return "\n".join(lines)


def document_data(complaint) -> dict:
    """Everything the PDF and the DOCX show, in the complaint's language."""
    texts = _texts(complaint.language)
    association = _association()
    station = complaint.station
    return {
        "title": texts["title"],
        "subject": texts["subject"].format(number=station.number if station else "—"),
        "header": [(texts["to"], addressee(complaint)),
                   (texts["from"], ", ".join(p for p in (association["name"],
                                                         association["address"]) if p))],
        "reference": f"{texts['number']} {complaint.reference}"
                     + (f" · {texts['incoming']} {complaint.incoming_number}"
                        if complaint.incoming_number else ""),
        "paragraphs": complaint.document_text.split("\n"),
        "signature": f"{texts['signatory']} ____________ / {association['chair'] or '________'} /",
        "date": f"{texts['date']}: "
                + (complaint.filed_at.astimezone(ZONE).strftime("%d.%m.%Y")
                   if complaint.filed_at else "«___» __________ 20__"),
        "language": complaint.language,
    }


@lru_cache(maxsize=1)
def _font_files() -> tuple[str, str]:
    # PT Serif, as the mandate letters: it has every Kazakh letter (ә, ғ, қ, ң, ө, ұ, ү, һ, і).
    return (str(fontpkg.path("PT Serif", weight=400)), str(fontpkg.path("PT Serif", weight=700)))


def complaint_pdf(complaint, *, compress: bool = True) -> bytes:
    """The complaint as an A4 PDF (`compress=False` leaves its text readable for tests)."""
    data = document_data(complaint)
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_margins(25, 20, 15)
    pdf.set_auto_page_break(True, margin=20)
    regular, bold = _font_files()
    pdf.add_font("PTSerif", "", regular)
    pdf.add_font("PTSerif", "B", bold)
    pdf.set_creator("Observe")
    pdf.set_lang(data["language"])
    pdf.set_title(f"{data['title']} {complaint.reference}")
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("PTSerif", "", 11)
    for label, value in data["header"]:
        pdf.set_x(pdf.l_margin + width / 2)
        pdf.multi_cell(width / 2, 5.5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(width, 5.5, data["reference"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("PTSerif", "B", 15)
    pdf.cell(width, 8, data["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("PTSerif", "", 11)
    pdf.multi_cell(width, 5.5, data["subject"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("PTSerif", "", 11.5)
    for paragraph in data["paragraphs"]:
        if not paragraph.strip():
            pdf.ln(3)
            continue
        pdf.multi_cell(width, 6, paragraph, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.multi_cell(width, 6, data["signature"], new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 6, data["date"], new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def complaint_docx(complaint) -> bytes:
    """The complaint as a Word document the legal team can edit further."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    data = document_data(complaint)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "PT Serif"
    style.font.size = Pt(12)
    document.core_properties.title = f"{data['title']} {complaint.reference}"
    document.core_properties.language = data["language"]
    for label, value in data["header"]:
        paragraph = document.add_paragraph(f"{label}: {value}")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(data["reference"])
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(data["title"]).bold = True
    subject = document.add_paragraph(data["subject"])
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for paragraph in data["paragraphs"]:
        document.add_paragraph(paragraph).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    document.add_paragraph("")
    document.add_paragraph(data["signature"])
    document.add_paragraph(data["date"])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
