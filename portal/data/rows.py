"""A prepared query's rows made into models through peewee's public API, with
the work peewee does for each new cursor done once.

Peewee reads a joined query's rows by first matching every column of the
cursor to its model and field, and every join to the attribute it fills:
for "who is asking" (four tables joined) that is four times the database's
own time, paid on every request, although the same SQL always gives the same
columns. Here that matching is done once, from the query's public
`selected_columns`: each row's values go through their field's
`python_value`, each model is made by its constructor (`Model(**values)`),
each joined one set on the attribute named after the root's foreign key to
it, and a column that is no field (a count, an aggregate) is set on the root
by its alias, as peewee does.

`Reader.of(query, links)` gives None for a shape it does not cover (a join
through another joined model, two foreign keys to one model without
`links`, a column that is neither a field nor an alias); peewee then keeps
reading those rows itself.
"""
import peewee


class Reader:
    def __init__(self, root, parts, extras):
        self.root = root
        # (owner: a model or its alias, its model, the owner it is joined to, the attribute it fills there
        # (None for the root), whether that is a plain attribute (no foreign key), ((index, name, convert,
        # type kept as it is), …), its fields not read, as None each), each after the one it is joined to
        self.parts = parts
        self.extras = extras  # ((index, name), …)

    @classmethod
    def of(cls, query, names, links=None):
        """The reader for a model query's rows, or None. `names` are the cursor's column names (a column
        that is no field is set by its name); `links` name the joined models' places: {attribute: model
        or alias} on the root, or {attribute: (model or alias, the one it is joined to)}."""
        root = getattr(query, "model", None)
        if not isinstance(root, type) or not issubclass(root, peewee.Model):
            return None
        owners, extras = {}, []
        for index, column in enumerate(query.selected_columns):
            if isinstance(column, peewee.FieldAlias):
                owner, field = column.source, column.field
            elif isinstance(column, peewee.Field):
                owner, field = column.model, column
            else:  # an alias, a count, a subquery: by the name the cursor gives it, on the root, as in peewee
                extras.append((index, names[index]))
                continue
            owners.setdefault(owner, []).append((index, field.name, field.python_value, _kept_as(field)))
        if root not in owners:
            return None
        places = {root: (None, None)}
        for attribute, link in (links or {}).items():
            owner, parent = link if isinstance(link, tuple) else (link, root)
            places[owner] = (parent, attribute)
        parts = []
        for owner, columns in owners.items():
            if len({column[1] for column in columns}) != len(columns):
                return None  # one name twice: which one peewee keeps is its own business
            model = model_of(owner)
            if owner not in places:
                places[owner] = (root, _foreign_key_to(root, owner, model))
            parent, attribute = places[owner]
            if owner is not root and (attribute is None or parent not in owners):
                return None
            read = {column[1] for column in columns}  # a field not selected reads as None, as in peewee
            # a field not read would otherwise hold its default, which is set on every new model
            unread = dict.fromkeys(f.name for f in model._meta.sorted_fields
                                   if f.name not in read and f.default is not None)
            plain = attribute is not None and not isinstance(model_of(parent)._meta.fields.get(attribute),
                                                             peewee.ForeignKeyField)
            parts.append((owner, model, parent, attribute, plain, tuple(columns), unread))
        ordered, placed = [], set()
        while len(ordered) < len(parts):  # each after the one it is joined to
            ready = [part for part in parts if part not in ordered and (part[2] is None or part[2] in placed)]
            if not ready:
                return None
            ordered += ready
            placed.update(part[0] for part in ready)
        return cls(root, tuple(ordered), tuple(extras))

    def read(self, rows):
        made = []
        for row in rows:
            instances = {}
            for owner, model, parent, attribute, plain, columns, unread in self.parts:
                values = {name: value if value is None or type(value) is kept else convert(value)
                          for index, name, convert, kept in columns for value in (row[index],)}
                found = any(value is not None for value in values.values())
                values.update(unread)
                instance = instances[owner] = model(**values) if found or attribute is None else None
                holder = instances.get(parent)
                if attribute is None or holder is None:
                    continue
                if instance is not None or plain:  # an outer join that found nothing: None, as in peewee
                    setattr(holder, attribute, instance)
            root = instances[self.root]
            for index, name in self.extras:
                setattr(root, name, row[index])
            made.append(root)
        return made

    def same_as(self, ours, theirs):
        """Whether this reader made what peewee made of the same rows: the models, the joined ones, the
        extra columns."""
        if len(ours) != len(theirs):
            return False
        for mine, peewees in zip(ours, theirs):
            if type(mine) is not type(peewees) or _values(mine) != _values(peewees):
                return False
            mine_by, theirs_by = {self.root: mine}, {self.root: peewees}
            for owner, _, parent, attribute, _, _, _ in self.parts:
                if attribute is None:
                    continue
                mine_by[owner] = getattr(mine_by[parent], attribute, None) if mine_by.get(parent) else None
                theirs_by[owner] = getattr(theirs_by[parent], attribute, None) if theirs_by.get(parent) else None
                if _values(mine_by[owner]) != _values(theirs_by[owner]):
                    return False
            if any(getattr(mine, name) != getattr(peewees, name) for _, name in self.extras):
                return False
        return True


def _kept_as(field):
    """The type of a value that the field's `python_value` gives back unchanged (text for a text field,
    an int for an integer or a reference to one, as the drivers give them), so that the call is skipped
    for it; None when it must always run. Only for peewee's own conversions: a field that converts
    otherwise is always called."""
    kind = type(field)
    if isinstance(field, peewee.ForeignKeyField):
        if kind.python_value is not peewee.ForeignKeyField.python_value:
            return None
        field = field.rel_field
        kind = type(field)
    if kind.python_value is not peewee.Field.python_value:  # which calls the field's adapt()
        return None
    return {peewee.CharField.adapt: str, peewee.TextField.adapt: str, peewee.IntegerField.adapt: int}.get(kind.adapt)


def model_of(owner):
    """The model of a model or of its alias."""
    return owner.model if isinstance(owner, peewee.ModelAlias) else owner


def _foreign_key_to(root, owner, model):
    """The root's foreign key a joined model fills, when it has one only to that model."""
    if isinstance(owner, peewee.ModelAlias):
        return None
    candidates = [field.name for field in root._meta.sorted_fields
                  if isinstance(field, peewee.ForeignKeyField) and field.rel_model is model]
    return candidates[0] if len(candidates) == 1 else None


def _values(instance):
    """Each field's value (a foreign key's id, never a second read), or None for no row."""
    if instance is None:
        return None
    return {field.name: getattr(instance, field.object_id_name if isinstance(field, peewee.ForeignKeyField)
                                else field.name)
            for field in instance._meta.sorted_fields}
