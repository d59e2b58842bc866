"""The portal's home after login (Figure 31): the company chosen, the tiles
the person's access opens, or why it opens none (FAQ 13).

The page itself reads only who is asking, their companies and their rights
(at most four queries); each tile then loads its summary as a fragment
(`hx-trigger="load"`), so that a slow tile never holds the page. Without
JavaScript a tile is a plain link to its page."""
from dataclasses import dataclass

from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.access_control import choose_company, company_required, current_company, login_required
from portal.rights.access_rights import CAUSES, may_manage_access, rights
from portal.rights.applications import TILE_APPLICATIONS
from portal.rights.applications import name as application_name
from portal.text.countries import country_name
from portal.text.identifiers import format_bce
from portal.text.lazy_text import lazy_gettext as _l
from portal.tiles import activities, bp, contributions, controls, partners
from portal.tiles import company as company_tile
from portal.web.rendering import render


@dataclass(frozen=True)
class Tile:
    code: str
    title: str
    page: str = None      # the tile's own page (an endpoint), if it has one yet
    action: str = None    # the words of the link to it (Figure 31)
    summary: object = None  # company -> the summary's context; None: nothing to load

    @property
    def application(self):
        return TILE_APPLICATIONS.get(self.code)


TILES = (
    Tile("company", _l("My company"), "tiles.company", _l("Manage my company data"), company_tile.summary),
    Tile("activities", _l("My activities"), "tiles.activities", _l("Manage my activities"), activities.summary),
    Tile("partners", _l("My manufacturers and authorised representatives"), "tiles.partners",
         _l("Manage my manufacturers and authorised representatives"), partners.summary),
    Tile("controls", _l("My inspections"), "tiles.controls", _l("Manage my inspections"), controls.summary),
    Tile("contributions", _l("My contributions"), "tiles.contributions", _l("Manage my contributions"),
         contributions.summary),
)
BY_CODE = {tile.code: tile for tile in TILES}


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
    context = {"current": company, "format_bce": format_bce}
    if company is None:  # several companies and no choice yet, or none at all
        return render("tiles/dashboard.html", **context)
    granted = rights(current_user.person, company)
    return render("tiles/dashboard.html", rights=granted, cause=CAUSES.get(granted.cause), tiles=TILES,
                  application_name=application_name,
                  manages_access=may_manage_access(current_user.person, company), **context)


@bp.get("/<lang:lang>/portal/tiles/<code>")
@company_required
def summary(code):
    """One tile's summary, for the dashboard to swap in. Asked for outside
    htmx (a bookmark, a copied link), it leads to the tile's page instead."""
    tile = BY_CODE.get(code)
    if tile is None or tile.summary is None:
        abort(404)
    if "HX-Request" not in request.headers:
        return redirect(url_for(tile.page) if tile.page else url_for("tiles.dashboard"), 303)
    company = current_company()
    granted = rights(current_user.person, company)
    if not granted.may_enter or (tile.application and not granted.has(tile.application)):
        abort(403)
    return render("tiles/summary.html", block="summary", tile=tile, current=company, rights=granted,
                  country_name=country_name, **tile.summary(company))
