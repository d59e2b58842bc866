"""Logging in: what a person knows and has (the password and its policy, the authenticator's TOTP code, recovery
and enrolment codes), brute-force lockout, the login in progress, device cookies, the federal CSAM login."""
