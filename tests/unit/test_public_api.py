"""The portal reads its libraries through their public API only, so that a minor release of one cannot
break it: no private name imported, read or overridden (peewee's documented `Model._meta` and werkzeug's
`_get_current_object` excepted)."""
import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import peewee

import portal

PORTAL = Path(portal.__file__).parent
ALLOWED = {"_meta", "_get_current_object"}
# Python's own special names the code may use; a library's dunder-named internals (peewee's __data__, __rel__)
# are not among them.
PYTHON_DUNDERS = {name for kind in (object, type, dict, list, str) for name in dir(kind)} | {
                  "__dict__", "__name__", "__class__", "__subclasses__", "__init__", "__html__", "__slots__",
                  "__file__", "__module__", "__qualname__", "__doc__", "__str__", "__func__", "__getattr__", "__mro__",
                  "__call__", "__wrapped__"}


def sources():
    return {path.relative_to(PORTAL): path.read_text() for path in sorted(PORTAL.rglob("*.py"))
            if "migrations" not in path.parts}


def own_names(trees):
    """Every name the portal itself defines: functions, classes, attributes it assigns, names it sets by text."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
                names.add(node.value)  # __slots__ entries, names set with setattr
    return names


def private_reads(files):
    trees = {name: ast.parse(text) for name, text in files.items()}
    ours = own_names(trees.values())
    found = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            where = f"{name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.ImportFrom) and not node.level:
                found += [f"{where} imports {alias.name} from {node.module}" for alias in node.names
                          if alias.name.startswith("_")]
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and node.attr not in ALLOWED:
                dunder = node.attr.startswith("__") and node.attr.endswith("__")
                if node.attr not in PYTHON_DUNDERS if dunder else node.attr not in ours:
                    found.append(f"{where} reads .{node.attr}")
    return found


def private_overrides(classes):
    """Methods of the portal's classes that replace a library class's private one."""
    found = []
    for cls in classes:
        outside = [base for base in cls.__mro__[1:] if not base.__module__.startswith("portal")]
        found += [f"{cls.__module__}.{cls.__name__}.{name}" for name, value in vars(cls).items()
                  if name.startswith("_") and not name.startswith("__") and _method(value)
                  and any(hasattr(b, name) for b in outside)]
    return found


def _method(value):
    return inspect.isfunction(value) or isinstance(value, (classmethod, staticmethod, property))


def portal_classes():
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".migrations" not in module.name:
            loaded = importlib.import_module(module.name)
            yield from (value for value in vars(loaded).values()
                        if inspect.isclass(value) and value.__module__ == loaded.__name__)


def test_no_private_name_of_a_library_is_imported_or_read():
    assert private_reads(sources()) == []


def test_no_template_reads_a_private_name():
    ours = own_names(ast.parse(text) for text in sources().values())
    found = [f"{path.relative_to(PORTAL)}: .{name}" for path in sorted((PORTAL / "templates").rglob("*.*"))
             for name in re.findall(r"\.(_\w+)", path.read_text())
             if name not in ALLOWED and name not in ours and name not in PYTHON_DUNDERS]
    assert found == []


def test_no_private_method_of_a_library_is_overridden():
    assert private_overrides(portal_classes()) == []


def test_the_checks_find_what_they_look_for():
    """Each check finds a private name where there is one: they are not checks that cannot pass wrongly."""
    sample = {"sample.py": "from flask.globals import _cv_app\nrow.__data__['x'] = 1\nquery._get_cursor_wrapper(c)\n"
                           "self._mine = 1\nself._mine\nModel._meta\n"}
    assert private_reads(sample) == ["sample.py:1 imports _cv_app from flask.globals", "sample.py:2 reads .__data__",
                                     "sample.py:3 reads ._get_cursor_wrapper"]

    class Pool(peewee.SqliteDatabase):
        def _connect(self):
            return super()._connect()

        def _own(self):
            return 1
    Pool.__module__ = "portal.sample"
    assert private_overrides([Pool]) == ["portal.sample.Pool._connect"]
