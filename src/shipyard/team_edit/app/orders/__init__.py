"""Orders: the team's own domain, registered in app/domains.py."""
