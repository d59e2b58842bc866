"""Whole page or fragment: the one place that decides.

A route renders one template. An htmx partial request (not a history
restore) gets only the named block that changes; anything else gets the whole
page, so every URL works with and without JavaScript.
"""
from flask import make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment():
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Request-Type", "partial") == "partial"
    )


def to_page(url):
    """After a form sent: the whole page at `url` (303; with htmx, which would swap a redirect's answer into
    the form's target, an HX-Redirect that loads the page)."""
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)


def render(template, block=None, status=200, **context):
    """The page, or its `block` alone for an htmx swap. Templates see
    `fragment` (True when only the block is sent), e.g. to give a swapped
    block its <title>."""
    fragment = block is not None and wants_fragment()
    context["fragment"] = fragment
    body = render_block(template, block, **context) if fragment else render_template(template, **context)
    return make_response(body, status)


def pages_around(page, pages, size=2):
    """The page numbers a pager links (macros/pager.html): the first, the last, and a few around `page`."""
    shown = {1, pages} | set(range(page - size, page + size + 1))
    return sorted(number for number in shown if 1 <= number <= pages)
