"""Which passwords people may choose."""
import pytest

from portal.logins.password_policy import problems
from portal.text.lazy_text import forced

PERSONAL = ("85073003328", "Jan", "Peeters", "jan.peeters")


@pytest.mark.parametrize("password", ["short pw", "x" * 129, "password1234", "Password12345",
                                      "qwertyuiop123", "aaaaaaaaaaaaaaa", "ababababababab",
                                      "my niss 85073003328", "peeters rules 2026", "I am jan.peeters!"])
def test_refused(app, password):
    with app.test_request_context(), forced("en"):
        assert problems(password, PERSONAL) is not None


@pytest.mark.parametrize("password", ["correct horse battery", "Vier woorden zijn sterk", "12 pommes vertes !"])
def test_accepted(app, password):
    with app.test_request_context(), forced("en"):
        assert problems(password, PERSONAL) is None


def test_the_ten_thousand_most_common_passwords_are_refused(app):
    """zxcvbn's list of the most frequent passwords in breach corpora, not a few dozen of our own."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    from portal.logins.password_policy import common_passwords

    top = FREQUENCY_LISTS["passwords"][:10_000]
    assert set(top) <= common_passwords()
    long_ones = [p for p in top if len(p) >= 12][:20]
    assert long_ones
    with app.test_request_context(), forced("en"):
        assert all(problems(p, PERSONAL) is not None for p in long_ones)


@pytest.mark.parametrize("password", ["football1234", "iloveyou2024!", "qazwsxedcrfvtgb", "abc123abc123"])
def test_patterns_attackers_try_are_refused(app, password):
    with app.test_request_context(), forced("en"):
        assert problems(password, PERSONAL) is not None
