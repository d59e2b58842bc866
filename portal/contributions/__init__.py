"""The annual contributions (“Mes contributions”)."""
