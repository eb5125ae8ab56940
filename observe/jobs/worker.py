"""The Celery worker's entry point: `celery -A observe.jobs.worker worker --loglevel=info`.

It builds the app from the same environment as the web nodes (DATABASE_URL, UPLOAD_FOLDER,
CELERY_BROKER_URL, ...), so tasks see the same database and files.
"""

from observe import create_app

flask_app = create_app()
celery_app = app = flask_app.extensions["celery"]
