"""Time the polling station import: `python bench/import_stations.py [--rows N] [--format csv]`.

Builds a CSV (or XLSX) of an official station list in a temp directory, creates the app on a
temporary SQLite database (and on a temporary PostgreSQL database when --database-url is given),
applies the migrations, and times reading + preview, the first import (all inserts), and a
re-import of an updated list (every tenth station changed, so it also reads, compares and updates).
"""

import argparse
import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.import_observers import postgres_database  # noqa: E402
from observe import create_app  # noqa: E402
from observe.config import TestingConfig  # noqa: E402
from observe.extensions import db  # noqa: E402

HEADERS = ["№ участка", "Область", "Район/Город", "Адрес", "Помещение", "Комиссия",
           "Число избирателей", "Широта", "Долгота"]
REGIONS = ["Карагандинская область", "Қарағанды облысы", "г. Алматы", "Almaty Region",
           "Акмолинская область", "Туркестанская область", "г. Шымкент", "Astana city"]


def build_rows(n: int, changed: bool = False) -> list[list[str]]:
    rows = []
    for i in range(n):
        voters = 500 + i % 2500 + (10 if changed and i % 10 == 0 else 0)
        rows.append([str(i + 1), REGIONS[i % len(REGIONS)], f"Район {i % 40}",
                     f"ул. Абая {i % 300}, {i}", f"Школа № {i % 120}", f"УИК № {i + 1}",
                     str(voters), f"{43 + (i % 900) / 100:.4f}", f"{51 + (i % 2500) / 100:.4f}"])
    return rows


def build_xlsx(rows) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=HEADERS).to_excel(buffer, index=False)
    return buffer.getvalue()


def build_csv(rows) -> bytes:
    return pd.DataFrame(rows, columns=HEADERS).to_csv(index=False).encode("utf-8")


def run(database_url: str, first: Path, second: Path, rows: int) -> dict:
    from flask_migrate import upgrade

    from observe.auth import services as auth_services
    from observe.elections import services
    from observe.elections.imports import preview_import, run_import
    from observe.elections.models import PollingStation

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url)
    app = create_app(config)
    timings = {}
    with app.app_context(), app.test_request_context():
        upgrade()
        user = auth_services.create_user(email="bench@example.org", role="hq", full_name="Bench",
                                         password="bench-password-123")
        election = services.create_election(actor=user, name="Bench",
                                            polling_day=date(2026, 3, 15))
        db.session.commit()
        started = time.perf_counter()
        preview = preview_import(first, first.name, election)
        timings["read + preview"] = time.perf_counter() - started
        assert preview.created == rows and not preview.errors, preview.errors[:5]
        started = time.perf_counter()
        outcome = run_import(first, first.name, election, preview.mapping, "all_or_nothing",
                             user)
        db.session.commit()
        timings["import (inserts)"] = time.perf_counter() - started
        assert outcome.created == rows
        started = time.perf_counter()
        preview = preview_import(second, second.name, election)
        outcome = run_import(second, second.name, election, preview.mapping, "all_or_nothing",
                             user)
        db.session.commit()
        timings["preview + re-import"] = time.perf_counter() - started
        assert (outcome.created, outcome.updated) == (0, (rows + 9) // 10), outcome
        assert db.session.scalar(select(func.count()).select_from(PollingStation)) == rows
        db.session.remove()
        db.engine.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--database-url", help="a PostgreSQL server URL to bench on as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / f"stations.{args.format}"
        second = Path(tmp) / f"stations-updated.{args.format}"
        build = build_csv if args.format == "csv" else build_xlsx
        started = time.perf_counter()
        first.write_bytes(build(build_rows(args.rows)))
        second.write_bytes(build(build_rows(args.rows, changed=True)))
        print(f"built 2 x {args.rows} rows in {time.perf_counter() - started:.1f} s "
              f"({first.stat().st_size // 1024} KiB each)")
        results = {"sqlite": run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", first, second,
                                 args.rows)}
        if args.database_url:
            url, drop = postgres_database(args.database_url)
            try:
                results["postgresql"] = run(url, first, second, args.rows)
            finally:
                drop()
    steps = list(next(iter(results.values())))
    print(f"{'backend':<12}" + "".join(f"{step:>24}" for step in steps) + f"{'total':>10}"
          + f"{'rows/s':>10}")
    for backend, timings in results.items():
        # rows/s of the first import: reading and checking the file, then the inserts.
        first_import = timings["read + preview"] + timings["import (inserts)"]
        print(f"{backend:<12}" + "".join(f"{timings[s]:>22.2f} s" for s in steps)
              + f"{sum(timings.values()):>8.2f} s{args.rows / first_import:>10.0f}")


if __name__ == "__main__":
    main()
