"""A briefing's print page and downloads (PDF, XLSX, CSV of incidents, text for Telegram)."""

from flask import Response, render_template
from flask_babel import force_locale

from observe.briefings import bp, exports, services
from observe.briefings.views.briefings import load_briefing
from observe.briefings.views.dashboard import vocabulary
from observe.permissions import requires

MIMETYPES = {"pdf": "application/pdf",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8", "txt": "text/plain; charset=utf-8"}


@bp.get("/<int:briefing_id>/print")
@requires("briefings.view")
def print_page(briefing_id: int):
    briefing = load_briefing(briefing_id)
    with force_locale(briefing.language):
        return render_template("briefings/print.html", briefing=briefing,
                               figures=services.figures_of(briefing),
                               title=exports.heading(briefing), **vocabulary())


@bp.get("/<int:briefing_id>/briefing.<any(pdf, xlsx, csv, txt):fmt>")
@requires("briefings.view")
def download(briefing_id: int, fmt: str):
    briefing = load_briefing(briefing_id)
    figures = services.figures_of(briefing)
    body = {"pdf": lambda: exports.briefing_pdf(briefing, figures),
            "xlsx": lambda: exports.briefing_xlsx(briefing, figures),
            "csv": lambda: exports.incidents_csv(briefing),
            "txt": lambda: exports.telegram_text(briefing, figures)}[fmt]()
    stamp = briefing.cutoff_at.strftime("%Y%m%d-%H%M")
    name = f"briefing-{briefing.id}-v{briefing.version}-{stamp}"
    name += "-incidents.csv" if fmt == "csv" else f".{fmt}"
    disposition = "inline" if fmt == "txt" else "attachment"
    return Response(body, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'{disposition}; filename="{name}"',
        "Cache-Control": "no-store"})
