"""Blank form fields are kept rendered; a field with a value or an error is
rendered each time, shows exactly what was typed, and is never kept."""
from flask import render_template_string

PAGE = ('{% from "macros/fields.html" import text_field, textarea_field %}'
        '{{ text_field("turnover", "Turnover", value, error, hint="In euros") }}'
        '{{ textarea_field("reason", "Reason", value, error) }}')


def render(app, language, value="", error=None):
    with app.test_request_context(f"/{language}/"):
        app.preprocess_request()
        return render_template_string(PAGE, value=value, error=error)


def test_a_blank_field_reads_the_same_kept_or_not(app):
    first, again = render(app, "en"), render(app, "en")
    assert first == again and 'value=""' in first and 'id="hint-turnover"' in first
    assert "aria-invalid" not in first


def test_what_was_typed_shows_even_a_zero_and_is_never_kept(app):
    store = app.extensions["fragment_cache"]
    before = len(store)
    page = render(app, "en", value=0)
    assert 'value="0"' in page and ">0</textarea>" in page
    page = render(app, "en", value='Jan <b>"Peeters"</b>')
    assert "Jan &lt;b&gt;&#34;Peeters&#34;&lt;/b&gt;" in page
    render(app, "en", error="Type a number")
    entries = [str(value) for value in store.values()]
    assert len(store) == before and not any("Peeters" in entry for entry in entries)


def test_an_error_shows_next_to_the_field_after_a_blank_one_was_kept(app):
    render(app, "fr")
    page = render(app, "fr", error="Indiquez un nombre")
    assert 'aria-invalid="true"' in page and "Indiquez un nombre" in page and "Erreur" in page


def test_each_language_keeps_its_own_blank_field(app):
    french, dutch, english = (render_optional(app, language) for language in ("fr", "nl", "en"))
    assert "(facultatif)" in french and "(facultatief)" in dutch and "(optional)" in english


def render_optional(app, language):
    with app.test_request_context(f"/{language}/"):
        app.preprocess_request()
        return render_template_string('{% from "macros/fields.html" import text_field %}'
                                      '{{ text_field("box", "Box", optional=True) }}')


def test_a_kept_piece_carries_each_readers_own_csrf_token(app):
    """A form kept rendered holds a placeholder; each reader gets their own token in its place, and a
    page shared by everyone (page_cache) keeps the placeholder for its own substitution."""
    from flask import g, session

    from portal.web.page_cache import PLACEHOLDER

    piece = '{% cache "token test" %}<input name="csrf_token" value="{{ csrf_token() }}">{% endcache %}'
    pages = []
    for _ in range(2):  # two readers, each with a session of their own
        with app.test_request_context("/en/"):
            app.preprocess_request()
            pages.append((render_template_string(piece), session["csrf_token"]))
    (first, first_token), (second, second_token) = pages
    assert first_token != second_token
    assert f'value="{first_token}"' in first and f'value="{second_token}"' in second
    with app.test_request_context("/en/"):
        app.preprocess_request()
        g.shared_page = True
        assert f'value="{PLACEHOLDER}"' in render_template_string(piece)


def test_a_kept_pager_follows_its_list_filters_and_page(app):
    """The pager is kept rendered by its endpoint, arguments and page: another filter or page is another
    piece, and arguments that cannot be a key (a list in them) are rendered each time."""
    page = '{% from "macros/pager.html" import pager %}{{ pager("public.firms", args, page, pages, "r", "t") }}'

    def pager(**context):
        with app.test_request_context("/en/"):
            app.preprocess_request()
            return render_template_string(page, **context)

    first = pager(args={"name": "medi"}, page=1, pages=3)
    assert "name=medi" in first and "page=2" in first and 'rel="prev"' not in first
    other = pager(args={"name": "lab"}, page=2, pages=3)
    assert "name=lab" in other and "name=medi" not in other and 'rel="prev"' in other
    assert pager(args={"name": "medi"}, page=1, pages=3) == first
    listed = pager(args={"country": ["BE", "FR"]}, page=1, pages=2)
    assert "country=BE" in listed and "country=FR" in listed
    assert pager(args={}, page=1, pages=1).strip() == ""


def test_a_piece_keyed_none_is_rendered_each_time_and_kept_nowhere(app):
    store = app.extensions["fragment_cache"]
    page = '{% cache none if secret else ("greeting", name) %}<p>{{ secret or "Hello" }} {{ name }}</p>{% endcache %}'
    with app.test_request_context("/en/"):
        app.preprocess_request()
        before = len(store)
        assert render_template_string(page, secret="Jan's own", name="a") == "<p>Jan&#39;s own a</p>"
        assert len(store) == before
        assert render_template_string(page, secret="", name="a") == "<p>Hello a</p>"
        assert len(store) == before + 1
