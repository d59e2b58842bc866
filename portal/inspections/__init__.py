"""Inspections (the company's “Mes contrôles”): the questionnaire, the dossiers, their documents."""
