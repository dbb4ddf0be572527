"""The shop in the Wagtail admin."""
