"""Backups of the database (where every stored file lives too): made while the portal runs, checked
against their manifest, restored into an empty database and brought up to this release's schema."""
