"""Plumbing of the web: rendering, CSRF, headers, caches, addresses, errors, uploads checked by content, mail."""
