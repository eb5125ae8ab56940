"""A briefing's print page and downloads (PDF, XLSX, CSV of incidents, text for Telegram).

The page's PDF and Excel buttons queue a background job (`briefings/jobs.py`); the GET downloads
stay for scripts and for the public updates page.
"""

from flask import Response, redirect, render_template, url_for
from flask_babel import force_locale
from flask_login import current_user

from observe.briefings import bp, exports, services
from observe.briefings.jobs import queue_briefing_export
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


@bp.post("/<int:briefing_id>/export.<any(pdf, xlsx):fmt>")
@requires("briefings.view")
def export_job(briefing_id: int, fmt: str):
    briefing = load_briefing(briefing_id)
    job = queue_briefing_export(briefing, fmt, actor=current_user._get_current_object(),
                                back_url=url_for(".show", briefing_id=briefing.id))
    return redirect(url_for("jobs.show", job_id=job.id))
