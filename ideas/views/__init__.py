"""The ideas' pages: browse.py lists them (/ideas/, /roadmap/); actions.py changes them (vote,
status)."""
