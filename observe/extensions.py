"""Flask extensions, created unbound and bound to the app in create_app."""

import time

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import MemoryStorage
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic can alter and drop them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SweptMemoryStorage(MemoryStorage):
    """The rate limiter's memory:// storage without its expiry thread.

    limits' MemoryStorage starts a new 10 ms Timer thread whenever the last one has ended, so
    under steady traffic nearly every counted request starts a thread (about 1 ms of CPU per API
    call in bench/profile_submission.py). Expired counters are dropped when read anyway
    (`get`); the sweep of the others runs inline at most once a second. Registered under the
    same scheme, so memory:// (development, tests, a one-process server) uses it; production
    counts in Redis.
    """

    STORAGE_SCHEME = ["memory"]
    SWEEP_EVERY = 1.0  # seconds

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()
        self._swept_at = time.monotonic()

    # MemoryStorage calls its private __schedule_expiry on every write; this replaces it.
    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802
        now = time.monotonic()
        if now - self._swept_at >= self.SWEEP_EVERY:
            self._swept_at = now
            self._MemoryStorage__expire_events()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
