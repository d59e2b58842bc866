"""Which passwords people may choose."""
import pytest
from flask_babel import force_locale

from portal.auth.password_policy import problems

PERSONAL = ("85073003328", "Jan", "Peeters", "jan.peeters")


@pytest.mark.parametrize("password", ["short pw", "x" * 129, "password1234", "Password12345",
                                      "qwertyuiop123", "aaaaaaaaaaaaaaa", "ababababababab",
                                      "my niss 85073003328", "peeters rules 2026", "I am jan.peeters!"])
def test_refused(app, password):
    with app.test_request_context(), force_locale("en"):
        assert problems(password, PERSONAL) is not None


@pytest.mark.parametrize("password", ["correct horse battery", "Vier woorden zijn sterk", "12 pommes vertes !"])
def test_accepted(app, password):
    with app.test_request_context(), force_locale("en"):
        assert problems(password, PERSONAL) is None
