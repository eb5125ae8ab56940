"""`flask mail send`: retry outbox messages that SMTP has not accepted yet."""

import click
from flask.cli import AppGroup

from observe.mail.services import deliver_unsent

mail_cli = AppGroup("mail", help="The e-mail outbox.")


@mail_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages to try in one run.")
def send_command(limit: int) -> None:
    """Send unsent outbox messages through SMTP (needs SMTP_HOST)."""
    click.echo(f"sent: {deliver_unsent(limit)}")
