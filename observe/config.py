"""Configuration read from the environment.

Every setting that differs between machines comes from an environment variable documented in the
README; nothing secret has a usable default in production.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

INSECURE_DEV_KEY = "dev-only-not-secret"


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
    SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_DEV_KEY
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "25")) * 1024 * 1024

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
    ASSOCIATION_NAME = os.environ.get("ASSOCIATION_NAME", "Public Association «Observe Demo»")
    ASSOCIATION_ADDRESS = os.environ.get("ASSOCIATION_ADDRESS", "")
    ASSOCIATION_BIN = os.environ.get("ASSOCIATION_BIN", "")
    ASSOCIATION_PHONE = os.environ.get("ASSOCIATION_PHONE", "")
    ASSOCIATION_EMAIL = os.environ.get("ASSOCIATION_EMAIL", "")
    ASSOCIATION_CHAIR = os.environ.get("ASSOCIATION_CHAIR", "")

    # Behind a reverse proxy, trust this many X-Forwarded-* hops (0 when serving directly).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    FORCE_HTTPS = False


class ProductionConfig(Config):
    OBSERVE_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "1"))


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    # Cheap scrypt parameters: hundreds of users are hashed in the suite.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", "/tmp/observe-test-uploads")
    SMTP_HOST = ""


def config_for_environment(env: str | None = None) -> type[Config]:
    """Pick the config class named by `env`, by default the OBSERVE_ENV environment variable."""
    env = env or os.environ.get("OBSERVE_ENV", "development")
    return {"production": ProductionConfig, "testing": TestingConfig}.get(env, Config)
