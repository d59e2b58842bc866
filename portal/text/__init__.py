"""Plumbing of text: the languages, translations, date and number formats, what a form field may hold, countries, names and business identifiers."""
