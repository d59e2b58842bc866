"""A trail's own pages (issue 31): a page shows its last entries and "See the whole history", which leads
here, newest first, a page at a time. Reads one page more than it shows, so it knows whether there is
a next one without counting the whole trail."""
from flask import abort, request

from portal.web.rendering import render

SHOWN = 10  # entries of a trail on the page it belongs to
PAGE = 50
MOST = 10_000  # pages: an OFFSET the databases hold easily, whatever a visitor types


def requested_page():
    try:
        return max(1, min(int(request.args.get("page", "1")), MOST))
    except ValueError:
        return 1


def history_page(read, size=PAGE):
    """(the entries of the page asked for, how many pages are known) from `read(limit)`, a trail's newest
    entries; 404 past the last page."""
    page = requested_page()
    entries = read(page * size + 1)
    shown = entries[(page - 1) * size:page * size]
    if not shown and page > 1:
        abort(404)
    return shown, page, page + 1 if len(entries) > page * size else page


def history_response(read, line, labels, *, title, subject, back, staff_side=False):
    """A trail's own page (history.html): `read(limit)` gives its newest entries; `line` names how an entry
    is written (macros/trails.html), with its actions' `labels`; `back` is (address, label) of the page
    the trail belongs to. The pager links to this same page: the request's endpoint and arguments."""
    events, page, pages = history_page(read)
    args = {name: value for name, value in request.view_args.items() if name != "lang"}
    return render("history.html", events=events, page=page, pages=pages, line=line, labels=labels, title=title,
                  subject=subject, back=back, endpoint=request.endpoint, args=args, staff_side=staff_side)
