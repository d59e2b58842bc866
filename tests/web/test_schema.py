"""The migrations build exactly the schema the models describe."""
from playhouse.schema_diff import diff_models

from portal.db import database
from portal.models import ALL_MODELS


def test_migrated_schema_matches_the_models(app, db):
    diff = diff_models(database.obj, ALL_MODELS)
    assert not diff, str(diff)
