"""The agency's work in numbers, for reviewers: requests waiting for review by age, decisions per month
and the median time to a decision, as charts with their tables (registrations.work_numbers)."""
from flask import request

from portal.access_control import role_required
from portal.backoffice import bp
from portal.people.staff_roles import REVIEWER
from portal.registrations.states import KINDS
from portal.registrations.work_numbers import MONTHS, work_numbers
from portal.text.date_formats import format_month
from portal.text.languages import texts
from portal.web import charts
from portal.web.rendering import render


@bp.get("/<lang:lang>/staff/registrations/numbers")
@role_required(REVIEWER)
def numbers_page():
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    figures = work_numbers(kind)
    months = figures.months
    return render(
        "backoffice/numbers.html", block="figures", figures=figures, kind=kind, kinds=texts(KINDS), months=MONTHS,
        waiting=charts.bar_chart((str(name), count) for name, count in figures.waiting),
        decisions=charts.month_columns((month.month, month.decisions) for month in months),
        decision_rows=[(format_month(month.month), charts.shown(month.validated), charts.shown(month.refused),
                        charts.shown(month.decisions)) for month in months],
        medians=charts.month_columns((month.month, month.median_days) for month in months),
        median_rows=[(format_month(month.month), charts.shown(month.median_days), charts.shown(month.decisions))
                     for month in months],
    )
