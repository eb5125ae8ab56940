"""A job's page (a progress bar that refreshes itself), its status as JSON, and its file."""

from flask import abort, jsonify, render_template, send_file, url_for
from flask_login import current_user, login_required

from observe.common import files
from observe.jobs import bp
from observe.jobs.queries import job_for, jobs_of, status_of
from observe.jobs.services import file_of


def _load(job_id: int):
    # 404, not 403, for someone else's job: ids are not to be probed.
    job = job_for(current_user._get_current_object(), job_id)
    if job is None:
        abort(404)
    return job


@bp.get("/")
@login_required
def index():
    return render_template("jobs/index.html", jobs=jobs_of(current_user._get_current_object()))


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    job = _load(job_id)
    return render_template("jobs/show.html", job=job,
                           download_url=url_for(".download", job_id=job.id)
                           if file_of(job) else None)


@bp.get("/<int:job_id>.json")
@login_required
def status(job_id: int):
    job = _load(job_id)
    body = status_of(job)
    body["download_url"] = url_for(".download", job_id=job.id) if file_of(job) else None
    return jsonify(body), 200, {"Cache-Control": "no-store"}


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id: int):
    stored = file_of(_load(job_id))
    if stored is None:
        abort(404)
    response = send_file(files.path(stored), mimetype=stored.mimetype, as_attachment=True,
                         download_name=stored.filename, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
