"""People: persons and their accounts, login sessions, passwords, one-time codes, devices, notices."""
