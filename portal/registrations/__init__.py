"""Registration requests: their states, the Belgian enterprises' first link, the tally of the queue."""
