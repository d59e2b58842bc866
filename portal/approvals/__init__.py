"""Four eyes: what could take over an account or move money takes effect only when a second staff member
of the right role approves it."""
