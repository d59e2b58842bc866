"""The portal's home after login: who you are, for which company."""
from flask import request, session
from flask_login import current_user

from ..access_control import login_required
from ..countries import country_name
from ..models import Company, LegalRepresentative
from ..rendering import render
from . import bp

COMPANY_KEY = "company"


def companies_of(person):
    return list(Company.select().join(LegalRepresentative)
                .where(LegalRepresentative.person == person).order_by(Company.name_key))


@bp.get("/<lang:lang>/portal")
@login_required
def dashboard():
    companies = companies_of(current_user.person)
    chosen = request.args.get("company", type=int) or session.get(COMPANY_KEY)
    current = next((c for c in companies if c.id == chosen), None)
    if current is None and len(companies) == 1:
        current = companies[0]
    if current is not None:
        session[COMPANY_KEY] = current.id  # only ever one of the person's own companies
    return render("tiles/dashboard.html", companies=companies, current=current, country_name=country_name)
