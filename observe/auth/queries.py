"""Read-side of accounts: the API tokens listed on the account page."""

from sqlalchemy import select

from observe.auth.models import ApiToken
from observe.extensions import db


def api_tokens_of(user) -> list[ApiToken]:
    """The user's API tokens, the ones in use first, newest first."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(
        ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())))
