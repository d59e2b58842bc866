"""What each member of the agency's staff may do in the back office (ASVS 8.2.1): one or more roles, each
opening its own pages. A staff member without a role opens none."""
REVIEWER, INSPECTOR, FINANCE, ACCOUNT_SUPPORT, ADMINISTRATOR = (
    "reviewer", "inspector", "finance", "account_support", "administrator")
# reviewer: registration requests, identity changes, Belgian requests, the companies' register;
# inspector: inspection dossiers (and the register, where a dossier is opened); finance: contribution
# years and declarations; account support: people, their accounts, new devices; administrator: staff
# members and their roles.
EVERY_ROLE = (REVIEWER, INSPECTOR, FINANCE, ACCOUNT_SUPPORT, ADMINISTRATOR)


def stored(roles):
    """The column's value for a set of roles."""
    unknown = set(roles) - set(EVERY_ROLE)
    if unknown:
        raise ValueError(f"unknown staff roles: {', '.join(sorted(unknown))}")
    return " ".join(role for role in EVERY_ROLE if role in set(roles))
