"""The site's search backend (WAGTAILSEARCH_BACKENDS names this package): Wagtail's
database backend, reading the full-text index first on SQLite and PostgreSQL so
that search scales with the matches, not the gallery (search.backends.sqlite and
search.backends.postgres say why each is needed)."""

from django.db import connection
from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for)
    backend = DatabaseSearchBackend(params)
    # Imported by vendor: each module needs its database's index models, which
    # exist only there (Wagtail too imports them by vendor).
    if connection.vendor == "sqlite":
        from .sqlite import index_first
    elif connection.vendor == "postgresql":
        from .postgres import index_first
    else:
        return backend
    return index_first(backend, params)
