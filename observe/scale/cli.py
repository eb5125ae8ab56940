"""`flask seed-scale`: a national election at polling-day scale, for benchmarks and rehearsals."""

import time
from datetime import date

import click
from flask.cli import with_appcontext

from observe.common.errors import DomainError
from observe.common.transaction import transactional
from observe.scale.generator import seed_scale


@click.command("seed-scale")
@click.option("--stations", type=click.IntRange(min=1), default=10_000, show_default=True)
@click.option("--observers", type=click.IntRange(min=0), default=20_000, show_default=True)
@click.option("--incidents", type=click.IntRange(min=0), default=100_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True,
              help="Same seed, same data; the election is named after it.")
@click.option("--polling-day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The election's date (default 2030-03-17).")
@click.option("--name", default="", help="The election's name (default: from the seed).")
@with_appcontext
@transactional
def seed_scale_command(stations, observers, incidents, seed, polling_day, name):
    """Generate an election with stations, observers, assignments and a polling day in bulk."""
    started = time.perf_counter()

    def progress(message: str) -> None:
        click.echo(f"[{time.perf_counter() - started:7.1f} s] {message}")

    day: date | None = polling_day.date() if polling_day else None
    try:
        counts = seed_scale(stations=stations, observers=observers, incidents=incidents,
                            seed=seed, polling_day=day, name=name, progress=progress)
    except DomainError as error:
        raise click.ClickException(" ".join(error.messages)) from error
    click.echo(f"Election {counts['election_id']} seeded in "
               f"{time.perf_counter() - started:.1f} s (committing).")
