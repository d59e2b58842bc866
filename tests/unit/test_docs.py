"""The security map names tests that exist: a renamed or deleted test fails here, not silently."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_named_in_the_security_map_exists():
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(tests/[\w/]+\.py)::(\w+)", text))
    assert len(named) > 50
    missing = [f"{path}::{name}" for path, name in sorted(named)
               if not re.search(rf"^\s*def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.M)]
    assert not missing, missing
