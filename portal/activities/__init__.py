"""Activities a company notifies to the agency (“Mes activités”)."""
