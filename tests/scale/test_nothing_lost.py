"""The small version of bench/nothing_lost.py: a few hundred API submissions with retries, the
gunicorn master and its workers SIGKILLed in the middle and started again; every acknowledged
report is stored once, and nothing else is."""

import sys
from datetime import date
from pathlib import Path

import pytest

from observe.extensions import db
from observe.scale.accounts import observer_accounts
from observe.scale.generator import seed_scale

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.nothing_lost import run  # noqa: E402


@pytest.mark.postgres_only
def test_a_killed_server_loses_and_doubles_nothing_acknowledged(app, database_url, tmp_path):
    counts = seed_scale(stations=40, observers=30, incidents=200, seed=3,
                        polling_day=date.today())
    reporters = observer_accounts(counts["election_id"], 8, "nothing-lost-password")
    db.session.commit()
    db.session.remove()

    result = run(database_url, reporters, requests=300, clients=8, kills=("master",),
                 uploads=str(tmp_path))

    assert any(event.startswith("SIGKILL master") for event in result["events"])
    assert result["sent"] == result["acknowledged"] == 300, result
    assert (result["lost"], result["duplicated"], result["unknown rows"],
            result["wrong id answered"]) == (0, 0, 0, 0), result
    assert result["stored"] == 300, result
