"""Manufacturers, suppliers, represented companies and marketed devices (“Mes fabricants”)."""
