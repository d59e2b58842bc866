"""Access rights: what a person may do for a company, and the agency's applications."""
