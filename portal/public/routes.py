from flask import current_app, make_response, redirect, request, url_for

from portal.activities.models import ACTIVITY_KINDS
from portal.public import bp
from portal.public.faq import faq_entries
from portal.public.firm_list import SORTS, FirmSearch, listing_version, search_firms
from portal.text.countries import all_countries, country_name
from portal.text.languages import detect_language
from portal.text.lazy_text import lazy_gettext as _l
from portal.web.page_cache import shared_page
from portal.web.rendering import render


@bp.route("/")
def root():
    response = redirect(url_for("public.home", lang=detect_language()), 302)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.route("/healthz")
def healthz():
    """A bare answer for load balancers (and the bench's baseline)."""
    response = make_response("ok")
    response.mimetype = "text/plain"
    return response


@bp.route("/<lang:lang>/")
@shared_page()
def home():
    details = request.args.get("presentation") == "full"
    return render("public/home.html", block="presentation", details=details)


@bp.route("/<lang:lang>/help")
@shared_page()
def help_page():
    return render("public/help.html")


@bp.route("/<lang:lang>/faq")
@shared_page()
def faq():
    return render("public/faq.html", entries=faq_entries())


@bp.route("/<lang:lang>/guides")
@shared_page()
def guides():
    return render("public/guides.html")


@bp.route("/<lang:lang>/guides/foreign-companies")
@shared_page()
def guide_foreign_companies():
    return render("public/guide_foreign_companies.html")


@bp.route("/<lang:lang>/firms")
@shared_page(max_age=30, version=listing_version)  # a change reaches every server's copy at once; 30 s bounds a race
def firms():
    search = FirmSearch.from_args(request.args)
    result = search_firms(search, current_app.config["FIRMS_PER_PAGE"])
    return render(
        "public/firms.html", block="results",
        search=search, result=result, countries=all_countries(), country_name=country_name,
        activity_kinds=ACTIVITY_KINDS, sorts=SORTS,
    )


# Doors that later parts of the portal open. Until then each answers with a
# clear page in the user's language rather than a 404.
COMING_SOON = {
    "access/setup": _l("Configure my access"),
}


def _coming_soon_view(feature):
    def view():
        return render("public/coming_soon.html", feature=COMING_SOON[feature])
    return view


for _path in COMING_SOON:
    bp.add_url_rule(f"/<lang:lang>/{_path}", "soon_" + _path.replace("/", "_"),
                    _coming_soon_view(_path))
