"""Demo content for `manage.py seed_demo`, written by the Agora team in French and English."""
