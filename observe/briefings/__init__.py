"""HQ on polling day: the live dashboard, briefings (builder, narrative, workflow, exports)."""
