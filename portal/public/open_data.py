"""The public register as open data: its downloads (CSV in three languages, JSON), the "Open data" page
that links them, and each listed firm's own page (a stable link to what the register says about it).

The downloads are written while they are sent (a generator, one batch of firms per query), with an ETag
and a Last-Modified date from the register's version: a client that has this version gets 304.
"""
import datetime
import hashlib
import re

from flask import Response, abort, current_app, redirect, request, stream_with_context, url_for
from werkzeug.http import is_resource_modified

from portal.activities import register
from portal.activities.models import ACTIVITY_KINDS
from portal.activities.register_files import csv_pieces, iso_date, json_pieces
from portal.public import bp
from portal.public.firm_list import listing_version
from portal.text.countries import country_name
from portal.text.languages import LANGUAGES
from portal.web import rate_limit
from portal.web.page_cache import shared_page
from portal.web.rendering import render

MAX_AGE = 60  # seconds a client or a shared cache may keep a download before asking again (then 304)


def licence():
    return {"name": current_app.config["OPEN_DATA_LICENCE"], "url": current_app.config["OPEN_DATA_LICENCE_URL"]}


def _version_and_date():
    version = listing_version()
    return version, register.data_date(version)


def _tag(version, *what):
    """An ETag for this version of the register, as this file (format, language, licence) shows it."""
    text = "|".join(map(str, (version, *what, licence()["name"], licence()["url"])))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def download(pieces, mimetype, tag, date, filename=None):
    """The streamed answer, or 304 when the client already has this version."""
    modified = datetime.datetime.fromtimestamp(date, datetime.UTC)
    if not is_resource_modified(request.environ, etag=tag, last_modified=modified):
        response = Response(status=304)
    elif request.method == "GET" and rate_limit.exceeded(rate_limit.DOWNLOADS):  # a whole file costs seconds
        abort(429)
    else:
        response = Response(stream_with_context(pieces()), mimetype=mimetype)
        if filename:
            response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.set_etag(tag)
    response.last_modified = modified
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/open-data/register.csv")
def register_csv():
    language = request.args.get("lang", "fr")
    if language not in LANGUAGES:
        abort(404)
    version, date = _version_and_date()
    return download(lambda: csv_pieces(register.listed_in_batches(), language, date), "text/csv",
                    _tag(version, "csv", language), date, f"famhp-register-{language}.csv")


@bp.route("/open-data/register.json")
def register_json():
    version, date = _version_and_date()
    about = {"data_date": iso_date(date), "licence": licence(),  # the portal's own address, not the Host header's
             "source": current_app.config["BASE_URL"].rstrip("/") + url_for("public.register_json")}
    return download(lambda: json_pieces(register.listed_in_batches(), about), "application/json",
                    _tag(version, "json"), date)


@bp.route("/<lang:lang>/open-data")
@shared_page(max_age=30, version=listing_version)
def open_data():
    _, date = _version_and_date()
    return render("public/open_data.html", data_date=_moment(date), firm_count=register.listed_count(),
                  licence=licence(), languages=LANGUAGES)


@bp.route("/<lang:lang>/firms/<number>")
@shared_page(max_age=30, version=listing_version)
def firm(number):
    if not re.fullmatch(r"\d{1,10}", number):
        abort(404)
    found = register.listed_firm(number.lstrip("0").zfill(6))
    if found is None:
        abort(404)
    if number != found.agency_number:  # /fr/firms/102: the firm's one address is /fr/firms/000102
        return redirect(url_for("public.firm", number=found.agency_number), 301)
    _, date = _version_and_date()
    return render("public/firm.html", firm=found, country=country_name(found.country),
                  activities=[ACTIVITY_KINDS[kind] for kind in found.kinds], data_date=_moment(date))


def _moment(seconds):
    """A naive UTC datetime, as the date filters take them."""
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).replace(tzinfo=None)
