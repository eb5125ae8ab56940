"""Polling-day pages: the observer's (observer.py) and the staff's triage (triage.py)."""
