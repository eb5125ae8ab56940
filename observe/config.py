"""Configuration read from the environment.

Every setting that differs between machines comes from an environment variable documented in the
README; nothing secret has a usable default in production.
"""

import logging
import os
import secrets
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# Keys anyone can read in this repository: a session signed with one of them can be forged.
INSECURE_DEV_KEY = "dev-only-not-secret"
TESTING_KEY = "testing-secret"
KNOWN_KEYS = frozenset({INSECURE_DEV_KEY, TESTING_KEY})


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE / 'observe.sqlite3'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    OBSERVE_ENV = os.environ.get("OBSERVE_ENV", "development")
    # Unset outside production: a random key is made once in SECRET_KEY_FILE (see instance_key).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SECRET_KEY_FILE = os.environ.get("SECRET_KEY_FILE", str(INSTANCE / "secret_key"))
    SQLALCHEMY_DATABASE_URI = _database_url()
    # No ping before each checkout (a round trip on every request): connections are renewed
    # after half an hour, a connection found dead invalidates the pool (SQLAlchemy does that on
    # any disconnect error), and the API retries its first statement once on a fresh one.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": False, "pool_recycle": 1800}

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "25")) * 1024 * 1024
    # How much of a spreadsheet an import reads; a file past a limit is refused before it is
    # built (cells: rows times columns of the part in use).
    MAX_IMPORT_ROWS = int(os.environ.get("MAX_IMPORT_ROWS", "100000"))
    MAX_IMPORT_COLUMNS = int(os.environ.get("MAX_IMPORT_COLUMNS", "200"))
    MAX_IMPORT_CELLS = int(os.environ.get("MAX_IMPORT_CELLS", "5000000"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "http"

    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    LANGUAGES = ("ru", "kk", "en")

    BOOTSTRAP_SERVE_LOCAL = True

    WTF_CSRF_TIME_LIMIT = None  # tied to the session; a long polling day must not expire forms

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Failed sign-ins allowed from one address, and for one account, before a 429.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "30 per 10 minutes")
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 10 minutes")
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
    # Requests one API token may make (Flask-Limiter syntax), counted per token.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")

    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 10
    RESET_LINK_HOURS = int(os.environ.get("RESET_LINK_HOURS", "48"))

    # E-mail goes to the outbox table always, and out through SMTP only when SMTP_HOST is set.
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "1") not in ("0", "false", "no")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Observe <no-reply@localhost>")

    # Public recruitment form: submissions allowed from one address.
    JOIN_RATE_LIMIT = os.environ.get("JOIN_RATE_LIMIT", "10 per hour")

    # At most this many observers of a role per station and shift ("role=N,..."; others unlimited).
    ASSIGNMENT_LIMITS = os.environ.get("ASSIGNMENT_LIMITS", "stationary=1")

    # The association that signs the observers' mandate letters (its letterhead and signatory).
    # Demo values outside production, so the demo's letters look like real ones.
    ASSOCIATION_NAME = os.environ.get("ASSOCIATION_NAME",
                                      "Общественное объединение «Observe Демо»")
    ASSOCIATION_ADDRESS = os.environ.get(
        "ASSOCIATION_ADDRESS", "010000, г. Астана, район Есиль, пр. Мәңгілік Ел, 55/20, офис 12")
    ASSOCIATION_BIN = os.environ.get("ASSOCIATION_BIN", "240340012345")
    ASSOCIATION_PHONE = os.environ.get("ASSOCIATION_PHONE", "+7 7172 55 00 00")
    ASSOCIATION_EMAIL = os.environ.get("ASSOCIATION_EMAIL", "info@example.org")
    ASSOCIATION_CHAIR = os.environ.get("ASSOCIATION_CHAIR", "Серикбаева Айгуль Маратовна")

    # Polling-day reports: the largest evidence file, and how long "X is on it" shows on a report.
    EVIDENCE_MAX_MB = int(os.environ.get("EVIDENCE_MAX_MB", "20"))
    REPORT_LOCK_MINUTES = int(os.environ.get("REPORT_LOCK_MINUTES", "10"))
    # Elections still in planning take reports for practice runs everywhere but production,
    # unless this says otherwise.
    if "REPORTS_ALLOW_PLANNING" in os.environ:
        REPORTS_ALLOW_PLANNING = os.environ["REPORTS_ALLOW_PLANNING"] not in ("", "0", "false",
                                                                               "no")

    # Polling-day roll-call: silent after this many hours without a report; the afternoon
    # shift's arrival time; how often the board refreshes itself (seconds).
    FIELDOPS_SILENT_HOURS = float(os.environ.get("FIELDOPS_SILENT_HOURS", "3"))
    FIELDOPS_AFTERNOON_ARRIVAL = os.environ.get("FIELDOPS_AFTERNOON_ARRIVAL", "13:30")
    FIELDOPS_REFRESH_SECONDS = int(os.environ.get("FIELDOPS_REFRESH_SECONDS", "30"))

    # Background jobs on Celery: a Redis (redis://127.0.0.1:6379/0) or RabbitMQ
    # (amqp://guest:guest@127.0.0.1:5672//) broker; unset, every task runs inline after the commit.
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
    # An observer import of more rows than this is applied by a background job with a progress bar.
    IMPORT_JOB_ROWS = int(os.environ.get("IMPORT_JOB_ROWS", "2000"))
    # A cache both app nodes share (redis://127.0.0.1:6379/2); unset, each process keeps its own.
    CACHE_URL = os.environ.get("CACHE_URL", "").strip()
    # The dashboard's and briefings' incident counts are summed from a tally rebuilt when older
    # than this (seconds); one scope's dashboard figures are shared for DASHBOARD_CACHE_SECONDS.
    FIGURES_STALE_SECONDS = float(os.environ.get("FIGURES_STALE_SECONDS", "30"))
    DASHBOARD_CACHE_SECONDS = float(os.environ.get("DASHBOARD_CACHE_SECONDS", "5"))

    # Behind a reverse proxy, trust this many X-Forwarded-* hops (0 when serving directly).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    FORCE_HTTPS = False


class ProductionConfig(Config):
    OBSERVE_ENV = "production"
    # A real letter never carries the demo's BIN or chair: only what the environment gives.
    ASSOCIATION_NAME = os.environ.get("ASSOCIATION_NAME", "")
    ASSOCIATION_ADDRESS = os.environ.get("ASSOCIATION_ADDRESS", "")
    ASSOCIATION_BIN = os.environ.get("ASSOCIATION_BIN", "")
    ASSOCIATION_PHONE = os.environ.get("ASSOCIATION_PHONE", "")
    ASSOCIATION_EMAIL = os.environ.get("ASSOCIATION_EMAIL", "")
    ASSOCIATION_CHAIR = os.environ.get("ASSOCIATION_CHAIR", "")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "1"))


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = TESTING_KEY
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    # Cheap scrypt parameters: hundreds of users are hashed in the suite.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", "/tmp/observe-test-uploads")
    SMTP_HOST = ""
    # Tasks run inline: a test that wants a real worker builds its own app with a broker.
    CELERY_BROKER_URL = ""
    CACHE_URL = ""
    # Every read sees the reports as they are; the tests of the tally and cache set their own.
    FIGURES_STALE_SECONDS = 0
    DASHBOARD_CACHE_SECONDS = 0


def config_for_environment(env: str | None = None) -> type[Config]:
    """Pick the config class named by `env`, by default the OBSERVE_ENV environment variable."""
    env = env or os.environ.get("OBSERVE_ENV", "development")
    return {"production": ProductionConfig, "testing": TestingConfig}.get(env, Config)


def instance_key(path: str | os.PathLike) -> str:
    """The development secret key kept in `path`, made (random, mode 0600) on the first run.

    Several workers may start at once: the first creates the file exclusively, the others read
    what it wrote.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


def _read_key(path: Path) -> str:
    for _attempt in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)  # another worker is writing it
    raise RuntimeError(f"The secret key file {path} is empty; delete it or set SECRET_KEY.")


def check_secret_key(config) -> None:
    """Settle the app's SECRET_KEY, or refuse to start with one that would let sessions be forged.

    Production needs a real key from the environment. Elsewhere a missing key comes from the
    instance file; a key published in this repository is accepted only by the test suite and
    the `flask` command line (`flask run` on a developer's machine), never under gunicorn.
    """
    key = config.get("SECRET_KEY")
    if config.get("OBSERVE_ENV") == "production":
        # No exemption for TESTING: a production config with a known key must never start.
        if not key or key in KNOWN_KEYS:
            raise RuntimeError("OBSERVE_ENV=production needs a SECRET_KEY in the environment.")
        return
    if not key:
        config["SECRET_KEY"] = instance_key(config.get("SECRET_KEY_FILE")
                                            or INSTANCE / "secret_key")
        return
    started_by_flask_cli = os.environ.get("FLASK_RUN_FROM_CLI") == "true"
    if key in KNOWN_KEYS and not config.get("TESTING") and not started_by_flask_cli:
        raise RuntimeError("SECRET_KEY is a key published with the code: anyone could sign a "
                           "session. Unset it (a random key is kept in instance/secret_key) "
                           "or set a secret one.")


def check_config(config) -> None:
    """Settle the secret key (see check_secret_key) and warn about settings unfit for production."""
    check_secret_key(config)
    uri = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if config.get("OBSERVE_ENV") == "production" and uri.startswith("memory://"):
        # Each gunicorn worker would count on its own: 4 workers allow 4x the sign-in attempts.
        logging.getLogger("observe").warning(
            "RATELIMIT_STORAGE_URI is memory://: every worker keeps its own rate-limit counters. "
            "Set RATELIMIT_STORAGE_URI=redis://... in production.")
    if config.get("OBSERVE_ENV") == "production" and not config.get("CELERY_BROKER_URL"):
        # Letters, exports and large imports would then run inside the web workers' requests.
        logging.getLogger("observe").warning(
            "CELERY_BROKER_URL is not set: background jobs run inline in the web workers. Set "
            "CELERY_BROKER_URL=redis://... and run `celery -A observe.jobs.worker worker`.")
