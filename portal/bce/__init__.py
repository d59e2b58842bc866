"""The BCE/KBO register: its enterprises as the portal uses them, and its import."""
