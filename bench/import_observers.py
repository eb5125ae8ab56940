"""Time the observer import on a generated roster: `python bench/import_observers.py [--rows N]`.

Builds an XLSX of valid, unique volunteers in a temp directory, creates the app on a temporary
SQLite database (and on a temporary PostgreSQL database when --database-url is given), applies the
migrations, and times reading + preview and the import itself.
"""

import argparse
import io
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from observe import create_app  # noqa: E402
from observe.config import TestingConfig  # noqa: E402
from observe.extensions import db  # noqa: E402
from observe.observers.rules import iin_control_digit  # noqa: E402

HEADERS = ["ФИО", "ИИН", "Дата рождения", "Телефон", "Почта", "Город/район", "Языки",
           "Откуда узнали", "Согласие на обработку персональных данных"]
# Names are letters only: a number is spelled with these syllables instead of digits.
SYLLABLES = ["ба", "ве", "да", "жа", "ка", "ла", "ма", "на", "са", "та"]


def spelled(number: int) -> str:
    return "".join(SYLLABLES[int(digit)] for digit in str(number)).capitalize()
LANGUAGES = ["казахский, русский", "қазақ", "русский", "kk, ru", "Kazakh; Russian"]


def build_rows(n: int) -> list[list[str]]:
    rows, serial = [], 0
    for i in range(n):
        birth = date(1960, 1, 1) + timedelta(days=i % 15000)
        century = 3 if birth.year < 2000 else 5
        while True:
            serial += 1
            first = f"{birth:%y%m%d}{century + i % 2}{serial % 10000:04d}"
            control = iin_control_digit(first)
            if control is not None:
                break
        rows.append([f"Наблюдатель {spelled(i)}", first + str(control), f"{birth:%d.%m.%Y}",
                     f"+7701{i:07d}", f"observer{i}@example.org", "Караганда",
                     LANGUAGES[i % len(LANGUAGES)], "Telegram", "Да"])
    return rows


def build_xlsx(n: int) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(build_rows(n), columns=HEADERS).to_excel(buffer, index=False)
    return buffer.getvalue()


def run(database_url: str, path: Path, rows: int) -> dict:
    from flask_migrate import upgrade

    from observe.auth import services as auth_services
    from observe.branches import services as branch_services
    from observe.observers.imports import _VALIDATED, preview_import, run_import
    from observe.observers.models import Observer

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url)
    app = create_app(config)
    with app.app_context(), app.test_request_context():
        upgrade()
        branch = branch_services.create_branch(region="karaganda", name="Bench", city="Karaganda",
                                               chairperson="Chair", phone="", email="")
        user = auth_services.create_user(email="bench@example.org", role="coordinator",
                                         full_name="Bench", branch=branch,
                                         password="bench-password-123")
        db.session.commit()
        _VALIDATED.clear()  # a cold preview on each backend
        started = time.perf_counter()
        preview = preview_import(path, path.name, branch)
        preview_seconds = time.perf_counter() - started
        assert preview.valid_count == rows, (preview.valid_count, preview.errors[:5])
        started = time.perf_counter()
        outcome = run_import(path, path.name, branch, preview.mapping, "all_or_nothing", user)
        db.session.commit()
        import_seconds = time.perf_counter() - started
        assert outcome.imported == rows
        assert db.session.scalar(select(func.count()).select_from(Observer)) == rows
        db.session.remove()
        db.engine.dispose()
    return {"read + preview": preview_seconds, "import (incl. commit)": import_seconds}


def postgres_database(server_url: str):
    """Create a throw-away database on the server; return its URL and a function to drop it."""
    if server_url.startswith(("postgres://", "postgresql://")):
        server_url = "postgresql+psycopg://" + server_url.split("://", 1)[1]
    url = make_url(server_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"observe_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL to bench on as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.xlsx"
        started = time.perf_counter()
        path.write_bytes(build_xlsx(args.rows))
        print(f"built {args.rows} rows in {time.perf_counter() - started:.1f} s "
              f"({path.stat().st_size // 1024} KiB)")
        results = {"sqlite": run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", path, args.rows)}
        if args.database_url:
            url, drop = postgres_database(args.database_url)
            try:
                results["postgresql"] = run(url, path, args.rows)
            finally:
                drop()
    steps = list(next(iter(results.values())))
    print(f"{'backend':<12}" + "".join(f"{step:>24}" for step in steps) + f"{'total':>10}"
          + f"{'rows/s':>10}")
    for backend, timings in results.items():
        total = sum(timings.values())
        print(f"{backend:<12}" + "".join(f"{timings[s]:>22.2f} s" for s in steps)
              + f"{total:>8.2f} s{args.rows / total:>10.0f}")


if __name__ == "__main__":
    main()
