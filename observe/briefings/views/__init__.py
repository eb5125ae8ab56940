"""The briefings blueprint's pages: the dashboard, the briefings, and their exports."""

from observe.briefings.views import briefings, dashboard, exports  # noqa: F401
