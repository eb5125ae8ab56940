"""Polling-day scale: a generator of a realistic national election (`flask seed-scale`), loaded
with bulk inserts (COPY on PostgreSQL), shared by the `bench/` scripts. No routes."""
