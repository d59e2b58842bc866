"""Demo data for `make run`, made through the same rules as real data."""
