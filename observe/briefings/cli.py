"""`flask briefings refresh-figures`: rebuild the incident tally of the elections on polling day
ahead of the dashboard's readers (once, or every N seconds until stopped), so that no reader
waits for a rebuild. Without it the tally is still rebuilt once older than
FIGURES_STALE_SECONDS: by a worker when a broker is configured, else by the reader who found it
stale."""

import time

import click
from sqlalchemy import select

from observe.briefings import bp, tally
from observe.common.transaction import committed
from observe.elections.models import Election
from observe.extensions import db


def _elections(chosen: tuple[int, ...]) -> list[int]:
    if chosen:
        return list(chosen)
    return list(db.session.scalars(select(Election.id).where(Election.status == "polling_day")))


@bp.cli.command("refresh-figures")
@click.option("--election", "elections", type=int, multiple=True,
              help="An election's id (repeatable); by default every election on polling day.")
@click.option("--every", type=float, default=0.0,
              help="Seconds between rebuilds; 0 (the default) rebuilds once and stops.")
def refresh_figures(elections: tuple[int, ...], every: float) -> None:
    """Rebuild the incident tally of the elections now."""
    while True:
        for election_id in _elections(elections):
            with committed():
                started = time.perf_counter()
                tally.ensure_fresh(election_id, older_than=0, in_background=False)
            click.echo(f"election {election_id}: tally rebuilt in "
                       f"{time.perf_counter() - started:.2f} s")
        db.session.remove()
        if every <= 0:
            return
        time.sleep(every)
