"""The agency's applications that an access manager grants (guide 3.2.2,
Figure 19), and which tile of the portal needs which."""
from portal.text.lazy_text import lazy_gettext as _l

# code -> (name, description), in the guide's order
APPLICATIONS = {
    "autocontrole": (_l("Autocontrôle (FAMHP)"),
                     _l("Autocontrôle lets the agency's inspectors set a risk score for the actors of health care.")),
    "contributions": (_l("Contributions"),
                      _l("Contributions lets companies declare, in a web application, the turnover of their "
                         "distribution of medical devices on the Belgian market.")),
    "sara": (_l("Authentic source of authorised representatives"),
             _l("SARA lets companies manage their directory of manufacturers or suppliers of medical products, "
                "and their production sites.")),
    "medseip": (_l("MEDSEIP portal"),
                _l("The portal for welcoming and communicating with the actors, together with the Federal Agency "
                   "for Medicines and Health Products.")),
    "saa": (_l("Authentic source of actors (AFMPS)"),
            _l("SAA lets companies register their contact details with the agency.")),
    "sanac": (_l("Authentic source of activities and classes"),
              _l("SANAC lets companies register their activities (distribution, manufacturing, import, services) "
                 "and classes of activities with the agency.")),
    "sacex": (_l("Authentic source of export certificates"),
              _l("SACEX lets companies apply for export certificates.")),
    "sadm": (_l("Authentic source of medical devices"),
             _l("SADM lets companies (distributors and manufacturers) register their medical devices with the "
                "agency.")),
    "ehealth": (_l("eHealth monitoring dashboard"),
                _l("A dashboard to monitor the service levels of the eHealth services.")),
}
PORTAL = "medseip"  # needed to enter the portal at all

# tile -> the application it needs (issue "Access management", guide 5)
TILE_APPLICATIONS = {
    "company": "saa",
    "activities": "sanac",
    "controls": "autocontrole",
    "partners": "sara",
    "contributions": "contributions",
}


def name(code):
    return APPLICATIONS[code][0] if code in APPLICATIONS else code
