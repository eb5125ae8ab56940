"""`flask privacy erase [--dry-run]` and `flask complaints remind`: the retention job and the
reminders of answers falling due. Both are safe to run again (cron): an erased observer is never
erased twice, a reminder is queued once per complaint and kind."""

import click
from flask.cli import AppGroup

from observe.common.transaction import transactional

privacy_cli = AppGroup("privacy", help="Retention of observers' personal data.")
complaints_cli = AppGroup("complaints", help="Complaints to commissions and courts.")


@privacy_cli.command("erase")
@click.option("--dry-run", is_flag=True, help="List who would be erased; change nothing.")
@transactional
def erase_command(dry_run: bool) -> None:
    """Erase the personal data of observers whose elections' retention has run out."""
    from observe.audit.services import record
    from observe.complaints.privacy import services

    if dry_run:
        planned = services.plan()
        for item in planned:
            observer = item.observer
            click.echo(f"observer {observer.id}\tbranch {observer.branch_id}\t"
                       f"election {item.election_id}\t{', '.join(item.fields) or '-'}")
        click.echo(f"would erase: {len(planned)}")
        # The plan names people (by id): who looked at it is on record too.
        record("privacy.erase_plan", object_type="observer", summary=f"{len(planned)}")
        return
    done = services.run_retention()
    for item in done:
        click.echo(f"observer {item.observer.id}\t-> {item.pseudonym}")
    click.echo(f"erased: {len(done)}")


@complaints_cli.command("remind")
@transactional
def remind_command() -> None:
    """Queue reminders for complaints whose answer is due within a day or overdue."""
    from observe.complaints.services import send_reminders

    click.echo(f"reminders: {send_reminders()}")
