"""The register in numbers: the public list's firms by country, by activity and by the month they first
registered, as charts with their tables, kept rendered until the list's version moves."""
from portal.activities.models import ACTIVITY_KINDS
from portal.activities.register_numbers import MONTHS, register_numbers
from portal.clock import today
from portal.public import bp
from portal.public.firm_list import listing_version
from portal.text.countries import country_name
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import charts
from portal.web.page_cache import shared_page
from portal.web.rendering import render

OTHER_COUNTRIES = _l("Other countries")


@bp.route("/<lang:lang>/numbers")
@shared_page(version=listing_version)  # counted again once a firm or an activity changes
def numbers():
    figures = register_numbers()
    return render(
        "public/numbers.html", figures=figures, counted_on=today(), months=MONTHS,
        by_country=charts.bar_chart((country_name(code) if code else OTHER_COUNTRIES, count)
                                    for code, count in figures.by_country),
        by_activity=charts.bar_chart((ACTIVITY_KINDS[kind], count) for kind, count in figures.by_activity),
        by_month=charts.month_columns(figures.by_month),
    )
