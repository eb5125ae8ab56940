"""The recruitment pages, one module per part: the public join form, the registry, import/export."""
