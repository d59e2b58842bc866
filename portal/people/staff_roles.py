"""What each member of the agency's staff may do in the back office (ASVS 8.2.1): one or more roles, each
opening its own pages. A staff member without a role opens none."""
from portal.text.lazy_text import lazy_gettext as _l

REVIEWER, INSPECTOR, FINANCE, ACCOUNT_SUPPORT, ADMINISTRATOR = (
    "reviewer", "inspector", "finance", "account_support", "administrator")
# reviewer: registration requests, identity changes, Belgian requests, the companies' register;
# inspector: inspection dossiers (and the register, where a dossier is opened); finance: contribution
# years and declarations; account support: people, their accounts, new devices; administrator: staff
# members and their roles.
EVERY_ROLE = (REVIEWER, INSPECTOR, FINANCE, ACCOUNT_SUPPORT, ADMINISTRATOR)
ROLE_LABELS = {  # what an administrator reads when giving a role: its name and what it opens
    REVIEWER: (_l("Reviewer"), _l("Registration requests, identity changes, Belgian requests, the companies' register.")),
    INSPECTOR: (_l("Inspector"), _l("Inspection dossiers, the questionnaire the law asks for, the risk indicator.")),
    FINANCE: (_l("Finance"), _l("Contribution years and their parameters, declarations, exports.")),
    ACCOUNT_SUPPORT: (_l("Account support"), _l("People, their accounts and sessions, new devices.")),
    ADMINISTRATOR: (_l("Administrator"), _l("Staff members and their roles.")),
}


def stored(roles):
    """The column's value for a set of roles."""
    unknown = set(roles) - set(EVERY_ROLE)
    if unknown:
        raise ValueError(f"unknown staff roles: {', '.join(sorted(unknown))}")
    return " ".join(role for role in EVERY_ROLE if role in set(roles))
