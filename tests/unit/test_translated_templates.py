"""Templates compiled in a language say exactly what gettext said at run time."""
from pathlib import Path

import pytest
from jinja2 import DictLoader

from portal.text.lazy_text import forced
from portal.web.translated_templates import TranslatingLoader

TEMPLATES = Path(__file__).resolve().parents[2] / "portal" / "templates"


def literal_calls(environment):
    """Every `_("literal")` of every template, as Jinja's lexer reads them."""
    found = set()
    for path in TEMPLATES.rglob("*.*"):
        tokens = [(token.type, token.value) for token in environment.lexer.tokenize(path.read_text())]
        for index in range(len(tokens) - 3):
            if tokens[index] == ("name", "_") and [k for k, _ in tokens[index + 1:index + 4]] == [
                    "lparen", "string", "rparen"]:
                found.add(tokens[index + 2][1])
    return sorted(found)


@pytest.fixture
def probe(app):
    """A template named probe.html, loaded as the app loads its own."""
    environment = app.jinja_env
    kept = environment.loader
    sources = {}
    environment.loader = TranslatingLoader(DictLoader(sources))
    yield environment, sources
    environment.loader = kept
    environment.cache.clear()


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("autoescape", [True, False], ids=["html", "text"])
def test_every_literal_in_every_template_reads_as_gettext_gave_it(app, probe, language, autoescape):
    environment, sources = probe
    msgids = literal_calls(environment)
    assert len(msgids) > 500
    # Each call as a whole output tag, kept in a variable then written out, and joined to markup.
    source = "".join(f"<{i}>{{{{ _({s!r}) }}}}|{{% set v = _({s!r}) %}}{{{{ v }}}}|{{{{ _({s!r}) ~ '&' }}}}\n"
                     for i, s in enumerate(msgids))
    sources["probe.html"] = source
    environment.autoescape = autoescape
    try:
        with app.test_request_context(f"/{language}/"), forced(language):
            at_run_time = environment.from_string(source).render()  # no name: gettext at each call
            compiled = environment.get_template("probe.html").render()
    finally:
        environment.autoescape = True
    assert compiled == at_run_time


def test_a_string_in_raw_text_or_a_call_with_arguments_is_left_as_it_is(app, probe):
    environment, sources = probe
    sources["probe.html"] = ('{% raw %}{{ _("Help") }}{% endraw %} {{ _("Help") }} '
                             '{{ _("Welcome, %(name)s", name="<b>") }} {{ x._("Help") }}')
    with app.test_request_context("/fr/"), forced("fr"):
        page = environment.get_template("probe.html").render(x={"_": lambda s: "attribute"})
    assert page == '{{ _("Help") }} Aide Bienvenue, &lt;b&gt; attribute'


def test_each_language_has_its_own_compiled_copy_and_a_page_s_parts_are_in_its_language(app, probe):
    environment, sources = probe
    sources["probe.html"] = '{% extends "base.txt" %}{% block b %}{{ _("Help") }}{% endblock %}'
    sources["base.txt"] = '{{ _("Yes") }} {% block b %}{% endblock %}'
    pages = {}
    for language in ("fr", "nl", "en"):
        with app.test_request_context(f"/{language}/"), forced(language):
            pages[language] = environment.get_template("probe.html").render()
    assert pages == {"fr": "Oui Aide", "nl": "Ja Hulp", "en": "Yes Help"}
