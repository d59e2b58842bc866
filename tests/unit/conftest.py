"""Unit tests need no database: their app (for a request context, the
translations) points at an SQLite database that nothing ever opens."""
import pytest

from tests.harness import make_app


@pytest.fixture
def app(tmp_path):
    return make_app("sqlite:///:memory:", tmp_path)
