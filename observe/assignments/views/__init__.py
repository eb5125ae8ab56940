"""Assignment pages: the board, the observer's own page, coverage, auto-assignment, mandates."""
