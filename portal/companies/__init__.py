"""Companies: their records, their identity and its changes (checked by the agency), VIES."""
