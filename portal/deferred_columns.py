"""A model read without some of its columns, which reads them when first asked.

"Who is asking" runs on every request. Its account row used to carry the
password hash, the TOTP secret and the lockout counters each time, for the
few requests (a password change, a code) that use them. It now leaves them
out. A column left out is never read as None by mistake: the first read of one
on such a row fetches all the missing ones by id, in one statement, fresh.

Only rows marked with `narrow()` load this way. Elsewhere a model read without
a column reads it as None, as peewee does.
"""
from peewee import FieldAccessor, ForeignKeyAccessor, ForeignKeyField

_NARROW = "_narrow_row"


def narrow(instance):
    """Mark a row read without some of its columns: they load on first read."""
    instance.__dict__[_NARROW] = True
    return instance


def _load_missing(instance):
    """Every column the row was read without, by its id, in one statement."""
    model = type(instance)
    missing = [field for field in model._meta.sorted_fields if field.name not in instance.__data__]
    if missing:
        row = (model.select(*missing).where(model._meta.primary_key == instance._pk).tuples().first())
        if row is None:  # still marked: a later read fails the same way, never reads None
            raise model.DoesNotExist(f"{model.__name__} {instance._pk} is gone")
        for field, value in zip(missing, row):
            instance.__data__.setdefault(field.name, field.python_value(value))  # a value set since wins
    instance.__dict__.pop(_NARROW, None)  # only once every column is there


class _LoadingAccessor(FieldAccessor):
    def __get__(self, instance, instance_type=None):
        if instance is None:
            return self.field
        try:
            return instance.__data__[self.name]
        except KeyError:
            if _NARROW not in instance.__dict__:
                return None
            _load_missing(instance)
            return instance.__data__.get(self.name)


class _LoadingForeignKeyAccessor(ForeignKeyAccessor):
    def __get__(self, instance, instance_type=None):
        if instance is not None and self.name not in instance.__data__ and _NARROW in instance.__dict__:
            _load_missing(instance)
        return super().__get__(instance, instance_type)


def install(model):
    """Let `model`'s rows be read narrow (its fields' accessors load what is missing)."""
    for field in model._meta.sorted_fields:
        plain, loading = ((ForeignKeyAccessor, _LoadingForeignKeyAccessor) if isinstance(field, ForeignKeyField)
                          else (FieldAccessor, _LoadingAccessor))
        if type(model.__dict__.get(field.name)) is not plain:
            raise TypeError(f"{model.__name__}.{field.name} has an accessor of its own")
        setattr(model, field.name, loading(model, field, field.name))
    return model
