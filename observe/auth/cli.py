"""`flask users ...`: creating accounts and API tokens from the command line."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from observe.auth import services
from observe.branches.models import Branch
from observe.common.transaction import transactional
from observe.extensions import db
from observe.permissions import Role

users_cli = AppGroup("users", help="Create accounts and API tokens.")


def find_branch(value: str) -> Branch | None:
    """A branch by id, or by name ignoring case."""
    if value.isdigit():
        return db.session.get(Branch, int(value))
    return db.session.execute(
        select(Branch).where(func.lower(Branch.name) == value.strip().lower())
    ).scalar_one_or_none()


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--branch", "branch_ref", help="Branch id or name (coordinators and observers).")
@click.option("--name", "full_name", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for when not given.")
@transactional
def create_command(email, role, branch_ref, full_name, password):
    """Create an account."""
    branch = None
    if branch_ref:
        branch = find_branch(branch_ref)
        if branch is None:
            raise click.ClickException(f"No branch {branch_ref!r}.")
    try:
        user = services.create_user(email=email, role=role, full_name=full_name, branch=branch,
                                    password=password)
    except services.AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users_cli.command("token")
@click.option("--email", required=True)
@click.option("--name", default="cli", help="A label to recognise the token by.")
@transactional
def token_command(email, name):
    """Print a new API token for the account (shown once; only its hash is stored)."""
    user = services.find_user_by_email(email)
    if user is None or not user.is_active:
        raise click.ClickException(f"No active account {email!r}.")
    token = services.create_api_token(user, name=name)
    click.echo(token)
