"""Fixtures the page-cache tests share (tests/test_page_cache*.py)."""

import pytest
from django.core.cache import cache

from pagecache import store
from tests.factories import shop_tree


@pytest.fixture
def page_cache(settings):
    """The page cache on. The test client's host is named in ALLOWED_HOSTS, as in
    production: a page is stored only under a host the site answers for by name."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    # What earlier tests changed without "committing" is not this test's to flush.
    store.pending().clear()
    store.pending_site_wide()[0] = False
    return settings


@pytest.fixture
def shop(db, page_cache):
    """shop_tree() (home → gallery → sea, three paintings) with the page cache on and empty."""
    tree = shop_tree()
    cache.clear()
    return tree


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` — what happens inside commits, and its on_commit work runs.

    Tests run in a transaction that never commits; this runs the invalidations
    a change registers when it "commits", as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
