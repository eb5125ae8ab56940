"""The briefings blueprint's pages: the dashboard and the briefings themselves."""

from observe.briefings.views import briefings, dashboard  # noqa: F401
