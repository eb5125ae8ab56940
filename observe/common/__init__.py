"""Shared helpers without routes."""
