"""`flask fieldops sweep`: raise late and silent alerts from cron (idempotent)."""

import click
from flask.cli import AppGroup

from observe.common.transaction import transactional
from observe.fieldops.services import sweep

fieldops_cli = AppGroup("fieldops", help="Polling-day roll-call and alerts.")


@fieldops_cli.command("sweep")
@transactional
def sweep_command() -> None:
    """Evaluate every watched station now and raise the late/silent alerts not raised yet."""
    click.echo(f"alerts raised: {sweep()}")
