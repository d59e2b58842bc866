"""Templates translated when they are loaded say exactly what gettext said at run time."""
from pathlib import Path

import pytest
from flask import render_template_string
from flask_babel import force_locale, get_translations

from portal.translated_templates import _CALL, translate

TEMPLATES = Path(__file__).resolve().parents[2] / "portal" / "templates"


def literal_calls():
    found = set()
    for path in TEMPLATES.rglob("*"):
        if path.is_file():
            found.update(match.group(0) for match in _CALL.finditer(path.read_text()))
    return sorted(found)


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("autoescape", [True, False], ids=["html", "text"])
def test_every_literal_in_every_template_reads_as_gettext_gave_it(app, language, autoescape):
    calls = literal_calls()
    assert len(calls) > 500
    # Each call as a whole output tag, kept in a variable then written out, and joined to markup.
    source = "".join(f"<{i}>{{{{ {call} }}}}|{{% set v = {call} %}}{{{{ v }}}}|{{{{ {call} ~ '&' }}}}\n"
                     for i, call in enumerate(calls))
    app.jinja_env.autoescape = autoescape
    with app.test_request_context(f"/{language}/"), force_locale(language):
        catalog = get_translations()
        at_run_time = app.jinja_env.from_string(source).render()
        translated = translate(source, catalog, autoescape)
        at_load_time = app.jinja_env.from_string(translated).render()
    assert "_(" not in translated
    assert at_load_time == at_run_time
    assert (catalog.ugettext("Help") in at_run_time) and (language == "en" or "Help" not in at_run_time)


def test_a_page_in_each_language_and_an_email_in_another_get_their_own_copy(app):
    with app.test_request_context("/nl/"), force_locale("nl"):
        assert "Hulp" in render_template_string("{% include 'base.html' %}")
        with force_locale("fr"):
            assert "Aide" in render_template_string("{% include 'base.html' %}")
        assert "Hulp" in render_template_string("{% include 'base.html' %}")


def test_a_catalog_never_becomes_template_code_nor_loses_its_spaces(app):
    class Rogue:
        def ugettext(self, message):
            return {"a": "x{%% endraw %%}{{ 7*7 }}{%% raw %%}", "b": "Bonjour ", "c": "{ {"}.get(message, message)

    source = '{{ _("a") }}|{{ _("b") }}{%- if true %}!{% endif %}|{{ _("c") }}{{ 1 }}'
    out = app.jinja_env.from_string(translate(source, Rogue(), autoescape=True)).render()
    assert out == "x{% endraw %}{{ 7*7 }}{% raw %}|Bonjour !|{ {1"
    assert translate('{% raw %}{{ _("b") }}{% endraw %}', Rogue(), True) == '{% raw %}{{ _("b") }}{% endraw %}'


def test_calls_with_arguments_and_translations_with_jinja_syntax_are_left_to_run_time():
    class Catalog:
        def ugettext(self, message):
            return {"a": "{{ 7*7 }}", "b": "l'entreprise \"X\" & co"}.get(message, message)

    source = '{{ _("a") }} {{ _("Step %(n)s", n=2) }} {{ f(_("b")) }} {{ ngettext("x", "y", 2) }}'
    out = translate(source, Catalog(), autoescape=True)
    assert out.startswith('{{ ("{{ 7*7 }}"|_translated) }}')
    assert '_("Step %(n)s", n=2)' in out and 'ngettext("x", "y", 2)' in out
    assert 'f(("l\'entreprise \\"X\\" & co"|_translated))' in out


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_labels_looked_up_once_per_page_read_as_each_lazy_label(app, language):
    from portal.languages import texts
    from portal.registrations import KINDS, SEXES, STATUS_LABELS
    from portal.wizard.steps import STEPS

    with app.test_request_context(f"/{language}/"), force_locale(language):
        for labels in (KINDS, SEXES, STATUS_LABELS):
            assert texts(labels) == {key: str(label) for key, label in labels.items()}
        assert texts(STEPS) == tuple((key, str(label)) for key, label in STEPS)
        if language != "en":
            assert texts(STEPS)[0][1] != "Company identification"


def test_a_label_reads_in_the_language_in_force_even_inside_a_forced_one(app):
    from portal.lazy_text import lazy_gettext

    label, numbered = lazy_gettext("Help"), lazy_gettext("Step %(number)s of %(count)s", number=2, count=5)
    assert str(label) == "Help"  # outside any request: the text as written
    with app.test_request_context("/nl/"), force_locale("nl"):
        assert str(label) == "Hulp" and "2" in str(numbered) and "5" in str(numbered) and "Step" not in str(numbered)
        with force_locale("fr"):
            assert str(label) == "Aide"
        assert str(label) == "Hulp"


def test_each_requests_first_string_is_in_its_own_language_whichever_came_before(app):
    """A request's first string at run time comes from the catalog this process already holds for its
    language (lazy_text._known_catalog): requests in alternating languages, and an e-mail forced into
    another language in the middle of one, each read their own."""
    source = '{{ _("Sent on %(date)s", date="D") }}'
    expected = {"fr": "Envoyée le D", "nl": "Verzonden op D", "en": "Sent on D"}
    for language in ("fr", "nl", "en", "fr", "en", "nl"):
        with app.test_request_context(f"/{language}/"), force_locale(language):
            assert render_template_string(source) == expected[language]
            other = "nl" if language == "fr" else "fr"
            with force_locale(other):
                assert render_template_string(source) == expected[other]
            assert render_template_string(source) == expected[language]

def test_a_template_sees_the_globals_as_jinja_gives_them_its_own_over_the_environments(app):
    """Templates' globals keep Jinja's rules (a template's own over the environment's) while
    their names are read as a plain dict's."""
    from jinja2 import DictLoader

    env = app.jinja_env
    env.loader.loader = DictLoader({"macros.txt": "{% macro m() %}{{ late }}{{ own }}{% endmacro %}",
                                    "page.txt": "{% from 'macros.txt' import m %}[{{ m() }}]",
                                    "own.txt": "{{ late }}{{ own }}"})
    env.cache.clear()
    with app.test_request_context("/en/"):
        env.globals["late"] = "L"
        page = env.get_template("page.txt")
        assert set(page.globals.keys()) == set(env.globals)
        assert page.render() == "[L]"
        mine = env.get_template("own.txt", globals={"own": "O"})
        assert set(mine.globals.keys()) == set(env.globals) | {"own"}
        assert mine.render() == "LO" and "own" not in env.globals


@pytest.mark.parametrize("code", ["fr", "nl", "en", "nl_BE", "sr_Latn_RS", "de_DE"])
def test_a_templates_language_is_named_as_babel_names_its_locale(code):
    from babel import Locale

    from portal.translated_templates import _code

    assert _code(Locale.parse(code)) == str(Locale.parse(code))
