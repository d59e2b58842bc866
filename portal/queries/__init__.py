"""Queries written once per process (prepared) and their rows made into models (rows)."""
