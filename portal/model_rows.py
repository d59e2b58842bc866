"""A prepared query's rows made into models the way peewee makes them, with
the plan worked out once.

Peewee builds each model of a row by calling the model with no values and then
`setattr` for every column: a Python descriptor call and a "dirty" mark per
column, then the marks cleared. Here each
model's data is one dict built from the row's slice, and the joins are linked
exactly as peewee links them (`ModelCursorWrapper.process_row`, copied with
its rules: an outer join that found nothing is None, not an empty model).

`plan(wrapper)` takes the cursor wrapper peewee initialised for the first
cursor of the query, and gives a `read(rows)`, or None for a shape it does not
cover (a join into a dict, a model alias, a model with its own `__init__`,
a column that is no plain field), which peewee then keeps reading itself.
"""
from operator import itemgetter

from peewee import (
    Field,
    FieldAccessor,
    ForeignKeyAccessor,
    ForeignKeyField,
    IntegerField,
    Model,
    ModelCursorWrapper,
    ModelObjectCursorWrapper,
    _StringField,
)

_PLAIN_SETTERS = (FieldAccessor.__set__, ForeignKeyAccessor.__set__)


def _plain_model(constructor):
    """A model whose instances peewee makes with Model.__init__ alone."""
    return isinstance(constructor, type) and issubclass(constructor, Model) \
        and constructor.__init__ is Model.__init__


def _plain_field(model, name):
    """A column read into __data__ under `name` by peewee's own setattr."""
    field = model._meta.fields.get(name)
    accessor = model.__dict__.get(name)
    return field is not None and isinstance(accessor, FieldAccessor) and type(accessor).__set__ in _PLAIN_SETTERS


def _kept_as(field, converter):
    """The type a value of this field already has when peewee's converter would
    give it back unchanged (text for a text field, an int for an integer or a
    reference to one: the driver's usual answer), so that the call can be
    skipped for it; None when the converter must always run."""
    if isinstance(field, ForeignKeyField):
        if converter != field.python_value or type(field).python_value is not ForeignKeyField.python_value:
            return None
        field, converter = field.rel_field, field.rel_field.python_value
    if converter != field.python_value or type(field).python_value is not Field.python_value:
        return None
    adapt = type(field).adapt
    return str if adapt is _StringField.adapt else int if adapt is IntegerField.adapt else None


def _blank(model):
    instance = model.__new__(model)
    instance.__data__ = {}
    instance._dirty = set()
    instance.__rel__ = {}
    return instance


class _Columns:
    """One model's columns of a row: which positions, under which names, with
    which converters; and the positions of columns that are no field (an
    alias such as a count), set as attributes the way peewee does."""

    __slots__ = ("names", "take", "converted", "unless", "extras")

    def __init__(self, model, spec):
        fields = [(index, name, converter) for index, name, converter, plain in spec if plain]
        self.names = tuple(name for _, name, _ in fields)
        indices = [index for index, _, _ in fields]
        self.take = (itemgetter(*indices) if len(indices) > 1
                     else (lambda row, i=indices[0]: (row[i],)) if indices else (lambda row: ()))
        converted = [(name, converter, _kept_as(model._meta.fields[name], converter))
                     for _, name, converter in fields if converter is not None]
        self.converted = tuple((name, converter) for name, converter, kept in converted if kept is None)
        self.unless = tuple((name, converter, kept) for name, converter, kept in converted if kept is not None)
        self.extras = tuple((index, name, converter) for index, name, converter, plain in spec if not plain)

    def fill(self, instance, row):
        """The instance's data from the row, every value through its converter as
        peewee does (None included); True when any raw value is not NULL."""
        values = self.take(row)
        found = any(value is not None for value in values)
        data = instance.__data__ = dict(zip(self.names, values))
        for name, converter in self.converted:
            data[name] = converter(data[name])
        for name, converter, kept in self.unless:
            value = data[name]
            if value is not None and type(value) is not kept:
                data[name] = converter(value)
        for index, name, converter in self.extras:
            value = row[index]
            found = found or value is not None
            setattr(instance, name, converter(value) if converter is not None else value)
        return found


def plan(wrapper):
    """`read(rows)` for what this initialised wrapper reads, or None."""
    if isinstance(wrapper, ModelCursorWrapper):
        return _joined_plan(wrapper)
    if isinstance(wrapper, ModelObjectCursorWrapper):
        return _single_plan(wrapper)
    return None


def _single_plan(wrapper):
    model = wrapper.constructor
    if not wrapper.is_model or not _plain_model(model):
        return None
    names = wrapper.unique_columns
    spec = [(index, names[index], wrapper.converters[index], _plain_field(model, names[index]))
            for index in range(wrapper.ncols)]
    if len(set(names)) != len(names):
        return None
    columns = _Columns(model, spec)

    def read(rows):
        made = []
        for row in rows:
            instance = _blank(model)
            columns.fill(instance, row)
            instance._dirty.clear()  # an extra column set through an accessor may have marked one
            made.append(instance)
        return made
    return read


def _joined_plan(wrapper):
    constructors = wrapper._constructor_list
    if not all(is_model and _plain_model(constructor) and key is constructor
               for key, constructor, is_model in constructors):
        return None
    keys = [key for key, _, _ in constructors]
    spec = {key: [] for key in keys}
    for index, key, column, converter in wrapper._row_spec:
        target = key if key in spec else wrapper.model
        spec[target].append((index, column, converter, _plain_field(target, column)))
    for key, columns in spec.items():
        if len({name for _, name, _, _ in columns}) != len(columns):
            return None  # two columns of one name: peewee's last one wins; left to peewee
    readers = [(key, _Columns(key, spec[key])) for key in keys]
    links = tuple(wrapper.src_to_dest)
    reachable = dict(wrapper._dest_reachable)
    root = wrapper.model

    def read(rows):
        made = []
        for row in rows:
            objects = {}
            set_keys = set()
            for key, columns in readers:
                instance = objects[key] = _blank(key)
                if columns.fill(instance, row):
                    set_keys.add(key)
            for src, attr, dest, is_dict, is_outer, is_fk in links:
                _link(objects, set_keys, reachable, src, attr, dest, is_outer, is_fk)
            for instance in objects.values():
                instance._dirty.clear()
            made.append(objects[root])
        return made
    return read


def _link(objects, set_keys, reachable, src, attr, dest, is_outer, is_fk):
    """peewee's ModelCursorWrapper.process_row, its loop over the joins."""
    instance = objects.get(src)
    joined = objects.get(dest)
    if joined is None and dest not in objects:
        return
    assign = False
    if dest not in set_keys and dest in reachable:
        assign = bool(reachable[dest] & set_keys)
    if dest not in set_keys and not assign:
        if is_outer:
            joined = None
        else:
            return
    if src not in set_keys and dest not in set_keys and is_outer:
        return
    if is_fk and joined is None:
        instance.__rel__[attr] = None
    else:
        setattr(instance, attr, joined)
