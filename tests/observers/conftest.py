"""Recruitment fixtures live in tests/conftest.py (make_applicant is shared with training)."""
