"""The site's search backend (WAGTAILSEARCH_BACKENDS names this package): Wagtail's
database backend, unchanged on PostgreSQL, with an SQLite path that scales
(search.backends.sqlite says why it is needed)."""

from django.db import connection
from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for)
    backend = DatabaseSearchBackend(params)
    if connection.vendor != "sqlite":
        return backend
    # Imported on SQLite only: Wagtail's SQLite module needs the FTS table's
    # model, which exists only there (Wagtail too imports it by vendor).
    from .sqlite import index_first

    return index_first(backend, params)
