"""The database layer: the peewee database, the migrations runner, prepared queries and their rows."""
