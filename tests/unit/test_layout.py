"""The shape of portal/ (docs/architecture.md): parts on top, subjects in the middle, plumbing and the
database layer at the bottom, imports going down only, no circle, small files."""
import ast
import subprocess
import sys
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"
PARTS = {"public", "wizard", "auth", "backoffice", "tiles", "access"}
SUBJECTS = {"companies", "people", "logins", "registrations", "rights", "activities", "inspections", "contributions",
            "partners", "bce", "approvals"}
PLUMBING = {"web", "text", "data", "backups"}
DEMO = {"demo"}
ROOT_MODULES = {"__init__", "cli", "config", "clock", "extensions", "access_control", "models"}
# What each layer may import, besides itself and the root's clock and config (which import nothing of portal).
MAY_IMPORT = {
    "part": SUBJECTS | PLUMBING | {"access_control", "extensions", "models"},
    "subject": SUBJECTS | PLUMBING,
    "plumbing": PLUMBING,
    "demo": SUBJECTS | PLUMBING | DEMO,
}
LEAVES = {"clock", "config"}


def modules():
    """{dotted name: path} of every module under portal/."""
    found = {}
    for path in PORTAL.rglob("*.py"):
        parts = path.relative_to(PORTAL.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(path):
    """The portal modules a file imports (at any depth of the file: a function's import counts too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("portal"):
            if node.module != "portal":  # `from portal import clock` imports portal.clock, not create_app's module
                names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("portal"))
    return names


def graph():
    known = modules()
    return {name: {imported for imported in imports_of(path) if imported in known and imported != name}
            for name, path in known.items()}


def layer(module):
    top = module.split(".")[1] if "." in module else ""
    if top in PARTS:
        return "part"
    if top in SUBJECTS:
        return "subject"
    if top in PLUMBING:
        return "plumbing"
    if top in DEMO:
        return "demo"
    return "root"


def test_the_root_of_portal_holds_a_few_modules_and_no_file_is_long():
    assert {path.stem for path in PORTAL.glob("*.py")} <= ROOT_MODULES
    assert len(ROOT_MODULES) <= 12
    long = {str(path.relative_to(PORTAL)): n for path in PORTAL.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > 450}
    assert long == {}


def test_every_package_is_a_part_a_subject_plumbing_or_demo():
    packages = {path.parent.name for path in PORTAL.glob("*/__init__.py")}
    assert packages == PARTS | SUBJECTS | PLUMBING | DEMO


def wrong_imports(edges):
    """Each import that goes up or sideways: `module -> target`."""
    wrong = []
    for module, imported in edges.items():
        kind = layer(module)
        if kind == "root":
            continue
        own = module.split(".")[1]
        for target in imported:
            top = target.split(".")[1] if "." in target else ""
            if top == own or top in LEAVES:
                continue
            if top not in MAY_IMPORT[kind]:
                wrong.append(f"{module} -> {target}")
    return sorted(wrong)


def circles_in(edges):
    """Each circle of imports between packages (a part's __init__ importing its own route modules, which
    attach their views to its blueprint, is how Flask blueprints are built, and stays)."""
    circles, state = [], {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                circles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    return [c for c in circles if len({".".join(m.split(".")[:2]) for m in c}) > 1]


def test_imports_go_down_only():
    assert wrong_imports(graph()) == []


def test_no_circle_of_imports_between_packages():
    assert circles_in(graph()) == []


def test_the_checks_see_a_wrong_import_and_a_circle(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def late():\n    from portal.tiles import company\nimport portal.wizard.routes\n")
    assert imports_of(sample) == {"portal.tiles", "portal.tiles.company", "portal.wizard.routes"}
    edges = {"portal.companies.records": {"portal.tiles.company", "portal.web.csrf", "portal.people.sessions"},
             "portal.web.csrf": {"portal.people.sessions"}, "portal.people.sessions": set(),
             "portal.demo.firms": {"portal.backoffice.routes"}}
    assert wrong_imports(edges) == ["portal.companies.records -> portal.tiles.company",
                                    "portal.demo.firms -> portal.backoffice.routes",
                                    "portal.web.csrf -> portal.people.sessions"]
    assert circles_in({"portal.a.x": {"portal.b.y"}, "portal.b.y": {"portal.a.x"}}) == [
        ["portal.a.x", "portal.b.y", "portal.a.x"]]


def test_test_modules_share_helpers_through_helper_modules_never_through_each_other():
    tests = PORTAL.parent / "tests"
    wrong = []
    for path in tests.rglob("*.py"):
        if "node_modules" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests."):
                last = node.module.rsplit(".", 1)[-1]
                if last.startswith("test_") or last == "conftest":
                    wrong.append(f"{path.relative_to(tests)} -> {node.module}")
    assert wrong == []


def test_the_architecture_document_names_every_package_and_every_module_of_the_lower_layers():
    text = (PORTAL.parent / "docs" / "architecture.md").read_text()
    packages = sorted(path.parent.name for path in PORTAL.glob("*/__init__.py"))
    assert [name for name in packages if f"`{name}/`" not in text and f" {name}/ " not in text] == []
    lower = sorted(f"{path.parent.name}.{path.stem}" for path in PORTAL.glob("*/*.py")
                   if path.parent.name in SUBJECTS | PLUMBING and path.stem not in {"__init__", "models"})
    assert [name for name in lower if f"`{name.split('.')[1]}`" not in text] == []


def test_every_foreign_key_points_to_a_table_of_the_portal_once_the_tables_are_imported():
    """In a fresh process, as a server starts (a migration's own model classes, named like ours, would
    otherwise resolve a key still waiting for its table: the tests' process runs the migrations)."""
    script = ("import peewee\nfrom portal.models import ALL_MODELS\n"
              "print([f'{m.__name__}.{f.name}' for m in ALL_MODELS for f in m._meta.fields.values()"
              " if isinstance(f, peewee.DeferredForeignKey)"
              " or (isinstance(f, peewee.ForeignKeyField) and f.rel_model not in ALL_MODELS)])")
    done = subprocess.run([sys.executable, "-c", script], cwd=PORTAL.parent, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


WRITES = {"update", "create", "delete", "insert", "insert_many", "insert_from", "replace", "get_or_create",
          "bulk_create", "bulk_update"}


def table_writes(path, root=PORTAL):
    """`Model.update(…)`, `Model.create(…)` … and `row.save()`, `row.delete_instance()` in a file."""
    found, tree = [], ast.parse(path.read_text())
    modules = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               and (node.module or "").startswith("portal") for alias in node.names
               if (PORTAL.parent / node.module.replace(".", "/") / f"{alias.name}.py").exists()}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, name = node.func.value, node.func.attr
            if (name in WRITES and isinstance(owner, ast.Name) and owner.id[:1].isupper()) or (
                    name in {"save", "delete_instance"} and not (isinstance(owner, ast.Name) and owner.id in modules)):
                found.append((node.lineno, f"{path.relative_to(root)}:{node.lineno} {name}"))
    return [write for _, write in sorted(found)]


def test_views_write_no_table():
    writes = [write for path in sorted(PORTAL.glob("*/*.py")) if path.parent.name in PARTS
              for write in table_writes(path)]
    assert writes == []


def test_the_write_check_sees_a_write(tmp_path):
    sample = tmp_path / "sample_view.py"
    sample.write_text("from portal.registrations import drafts as steps\n"
                      "def view():\n    Account.update(x=1).where(Account.id == 1).execute()\n    row.save()\n"
                      "    d.update(a=1)\n    steps.save(draft, answers)\n")
    assert table_writes(sample, tmp_path) == ["sample_view.py:3 update", "sample_view.py:4 save"]
