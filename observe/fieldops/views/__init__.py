"""Field-operations pages: staff (board, alerts, SOS, calls), broadcasts, observers."""
