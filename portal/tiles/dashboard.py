"""The portal's home after login (Figure 31): the company chosen, the tiles
the person's access opens, or why it opens none (FAQ 13)."""
from flask import redirect, request, url_for
from flask_login import current_user

from ..access_control import choose_company, current_company, login_required
from ..access_rights import CAUSES, may_manage_access, rights
from ..applications import TILE_APPLICATIONS, name as application_name
from ..countries import country_name
from ..identifiers import format_bce
from ..rendering import render
from . import bp

TILES = ("company", "activities", "controls", "partners", "contributions")


@bp.post("/<lang:lang>/portal/company")
@login_required
def choose():
    """Figure 8, "Choisissez votre profil": a POST, so that no link from elsewhere switches the company
    under a form that is open."""
    choose_company(request.form.get("company", type=int))
    return redirect(url_for("tiles.dashboard"), 303)


@bp.get("/<lang:lang>/portal")
@login_required
def dashboard():
    company = current_company()
    if request.args.get("choose"):  # "Change company": the choice again
        company = None
    context = {"current": company, "country_name": country_name, "format_bce": format_bce}
    if company is None:  # several companies and no choice yet, or none at all
        return render("tiles/dashboard.html", **context)
    granted = rights(current_user.person, company)
    tiles = [(tile, TILE_APPLICATIONS.get(tile)) for tile in TILES]
    return render("tiles/dashboard.html", rights=granted, cause=CAUSES.get(granted.cause), tiles=tiles,
                  application_name=application_name,
                  manages_access=may_manage_access(current_user.person, company), **context)
