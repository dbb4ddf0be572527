"""review1: the first miss of a new worker after an ordinary publish."""

import pytest
from django.core.cache import cache
from django.test import Client

from gallery.tests.test_query_budget import BUDGET, add_paintings, site_tree  # noqa: F401
from pagecache import store
from tests.test_page_cache_queries import forget_process_memory, page_urls, statements

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("tag", [None, "a-new-tag"])
def test_a_painting_published_with_a_new_tag_keeps_the_budget(site_tree, settings, tag):  # noqa: F811
    """taggit.Tag is in PAGE_CACHE_INVALIDATED_BY, so a new tag drops every page
    (right); but `everything` also counts as site-wide, though no tag is among what
    every render reads alike (primed.py): every worker reads the site again."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.ALLOWED_HOSTS = ["testserver"]
    home, collection = site_tree
    painting = add_paintings(home, collection, 30)
    urls = page_urls(home, collection, painting)
    for url in [urls["home"], *urls.values()]:
        Client().get(url)
    before = cache.get(store.SITE_GENERATION_KEY)
    painting = painting.specific
    if tag:
        painting.tags.add(tag)
    painting.save_revision().publish()
    forget_process_memory()
    miss, miss_sql = statements(urls["home"])
    assert miss["X-Page-Cache"] == "miss"
    assert len(miss_sql) <= BUDGET, "\n".join(miss_sql)
    assert cache.get(store.SITE_GENERATION_KEY) == before
