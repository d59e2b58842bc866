"""What each member of the agency's staff may do in the back office (ASVS 8.2.1): one or more roles, each
opening its own pages. A staff member without a role opens none."""
from portal.text.lazy_text import lazy_gettext as _l

REVIEWER, INSPECTOR, ALL_DOSSIERS, FINANCE, ACCOUNT_SUPPORT, ADMINISTRATOR = (
    "reviewer", "inspector", "all_dossiers", "finance", "account_support", "administrator")
# reviewer: registration requests, identity changes, Belgian requests, the companies' register;
# inspector: inspection dossiers (and the register, where a dossier is opened), only those where they are
# the inspector (ASVS 8.2.2); all_dossiers: the inspector's second right, every dossier, and naming
# another inspector to a new one (alone it opens nothing: it widens the inspector's role); finance:
# contribution years and declarations; account support: people, their accounts, new devices;
# administrator: staff members and their roles.
EVERY_ROLE = (REVIEWER, INSPECTOR, ALL_DOSSIERS, FINANCE, ACCOUNT_SUPPORT, ADMINISTRATOR)
# A right that widens a role, and that role.
WIDENS = {ALL_DOSSIERS: INSPECTOR}
ROLE_LABELS = {  # what an administrator reads when giving a role: its name and what it opens
    REVIEWER: (_l("Reviewer"), _l("Registration requests, identity changes, Belgian requests, the companies' register.")),
    INSPECTOR: (_l("Inspector"), _l("Inspection dossiers where they are the inspector, the questionnaire the law asks for, the risk indicator.")),
    ALL_DOSSIERS: (_l("Inspector: all dossiers"), _l("With the inspector's role: every inspection dossier, and naming another inspector to a new one.")),
    FINANCE: (_l("Finance"), _l("Contribution years and their parameters, declarations, exports.")),
    ACCOUNT_SUPPORT: (_l("Account support"), _l("People, their accounts and sessions, new devices.")),
    ADMINISTRATOR: (_l("Administrator"), _l("Staff members and their roles.")),
}


def stored(roles):
    """The column's value for a set of roles."""
    unknown = set(roles) - set(EVERY_ROLE)
    if unknown:
        raise ValueError(f"unknown staff roles: {', '.join(sorted(unknown))}")
    alone = [right for right, role in WIDENS.items() if right in set(roles) and role not in set(roles)]
    if alone:
        raise ValueError(f"{', '.join(alone)} widens {', '.join(WIDENS[right] for right in alone)}: give both")
    return " ".join(role for role in EVERY_ROLE if role in set(roles))
