"""Whole public pages kept in the shared cache, and never served once stale.

One **generation** id lives in Django's ``default`` cache (the database cache,
or Redis with ``REDIS_URL``). Every stored page records the generation it was
rendered under, read *before* rendering; a page is served only while that
generation is still the current one. Any change a page could show replaces
the generation with a new random id when its transaction commits
(``invalidate``), so everything rendered before is unreachable at once, and a
render racing the change can never be stored under the new id. A hit costs
one ``get_many`` (one SQL query on the database cache).

Time can make a page wrong with no event at all (a reservation lapses): each
entry also records the time it must go, bounded by ``PAGE_CACHE_EXPIRES_BY``
(the earliest end of a live reservation, given by the shop).

This package imports no app of the project; the apps call
``pagecache.store.invalidate``.
"""
