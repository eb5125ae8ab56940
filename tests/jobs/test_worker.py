"""A real Celery worker against Redis and against RabbitMQ: a mandate-letters job goes queued ->
running -> done and its PDF downloads. The app that queues and the worker share the PostgreSQL
database and the upload folder, as two machines would."""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from kombu import Connection

from tests.conftest import TEST_PASSWORD, build_app
from tests.jobs.conftest import PAGE, job_id_of

REDIS = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/9")
RABBITMQ = os.environ.get("TEST_CELERY_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request):
    """Redis database 9, emptied, or RabbitMQ's "observe" queue, purged: this test's queue."""
    if request.param == "redis":
        try:
            connection = redis.Redis.from_url(REDIS, socket_connect_timeout=2)
            connection.flushdb()
        except redis.RedisError as error:
            pytest.skip(f"Redis is not reachable at {REDIS}: {error}")
        yield REDIS
        connection.flushdb()
        connection.close()
        return
    with Connection(RABBITMQ, connect_timeout=2) as connection:
        try:
            connection.ensure_connection(max_retries=1)
        except OSError as error:
            pytest.skip(f"RabbitMQ is not reachable at {RABBITMQ}: {error}")
        _purge(connection)
        yield RABBITMQ
        _purge(connection)


def _purge(connection) -> None:
    with connection.channel() as channel, contextlib.suppress(Exception):  # no queue yet
        channel.queue_purge("observe")


def start_worker(database_url: str, broker: str, uploads: str,
                 tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker,
           "UPLOAD_FOLDER": uploads, "OBSERVE_ENV": "development", "SMTP_HOST": "",
           "SECRET_KEY_FILE": str(tmp_path / "secret_key")}
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "observe.jobs.worker", "worker",
         "--pool", "solo", "--loglevel", "warning", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-Q", "observe"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.postgres_only
def test_a_worker_runs_the_mandate_letters_job(app, database_url, broker, letters, tmp_path):
    world = letters(60)
    queuing = build_app(database_url, CELERY_BROKER_URL=broker)
    client = queuing.test_client()
    assert client.post("/login", data={"email": world.coordinator.email,
                                       "password": TEST_PASSWORD}).status_code == 302
    job_id = job_id_of(client.post(f"/assignments/{world.election.id}/mandates/job"))
    # No worker yet: the job waits in Redis.
    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "queued"

    worker = start_worker(database_url, broker, queuing.config["UPLOAD_FOLDER"], tmp_path)
    seen, status = [], {}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = client.get(f"/jobs/{job_id}.json").get_json()
            if not seen or seen[-1] != status["status"]:
                seen.append(status["status"])
            if status["finished"]:
                break
            time.sleep(0.03)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=60)[0]
    assert status.get("status") == "done", (seen, status, output[-3000:])
    assert seen == ["queued", "running", "done"], seen
    pdf = client.get(status["download_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert len(PAGE.findall(pdf.data)) == 60
