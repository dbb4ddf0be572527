"""Found by a hostile review: ways the site reads every render shares
(pagecache/primed.py) and the CDN purge could outlive a change."""

import json
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import Site
from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION

from gallery.models import GallerySettings
from pagecache import primed, store
from tests.factories import StandardPageFactory
from tests.helpers import is_hit, reserve, visit
from tests.test_page_cache_cdn import BASE, cdn  # noqa: F401

pytestmark = pytest.mark.django_db


def cached_twice(url, **headers):
    visit(url, **headers)
    response, page = visit(url, **headers)
    assert is_hit(response)
    return page


def later_by_the_page_cache_s_lifetime(monkeypatch, settings):
    moment = time.time() + settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(store, "now", lambda: moment)


def test_loaddata_of_site_settings_shows_within_the_page_cache_s_lifetime(
    shop, commit, tmp_path, monkeypatch, settings
):
    """loaddata sends raw signals, which pagecache ignores, and replaces no
    generation: the site reads kept per worker and shared must not outlive
    PAGE_CACHE_SECONDS, as stored pages don't (nor survive a worker's restart)."""
    painting = shop.paintings[0]
    settings_row = GallerySettings.for_site(shop.site)
    with commit():
        settings_row.save()
    cached_twice(painting.url)
    fixture = tmp_path / "settings.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "gallery.gallerysettings",
                    "pk": settings_row.pk,
                    "fields": {"site": shop.site.pk, "artist_name": "Loaded Artist"},
                }
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    with commit():
        reserve(painting)  # an ordinary sale: replaces the page generation only
    later_by_the_page_cache_s_lifetime(monkeypatch, settings)
    response, page = visit(painting.url)
    assert not is_hit(response)
    assert "Loaded Artist" in page
    primed.REMEMBERED.clear()  # a worker restarted
    assert "Loaded Artist" in visit(shop.paintings[1].url)[1]


def test_a_queryset_update_of_settings_shows_within_the_page_cache_s_lifetime(
    shop, commit, monkeypatch, settings
):
    painting = shop.paintings[0]
    with commit():
        GallerySettings.for_site(shop.site).save()
    cached_twice(painting.url)
    GallerySettings.objects.filter(site=shop.site).update(artist_name="Updated Artist")
    later_by_the_page_cache_s_lifetime(monkeypatch, settings)
    response, page = visit(painting.url)
    assert not is_hit(response)
    assert "Updated Artist" in page


def test_a_site_whose_root_page_is_deeper_than_2_shows_its_published_changes(
    shop, commit, settings
):
    """Wagtail lets a Site's root page be any page; signals.is_site_root judges by
    depth, so the root page kept per process (primed.py) outlives its publish."""
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "second.test"]
    section = StandardPageFactory(parent=shop.home, title="Section", slug="section")
    microsite = StandardPageFactory(parent=section, title="Microsite", slug="microsite")
    with commit():
        Site.objects.create(hostname="second.test", port=80, root_page=microsite)
    with commit():  # its first render makes its settings rows (committed at once in production)
        visit("/", HTTP_HOST="second.test")
    cached_twice("/", HTTP_HOST="second.test")
    with commit():
        microsite = microsite.specific
        microsite.title = "A renamed microsite"
        microsite.save_revision().publish()
    response, page = visit("/", HTTP_HOST="second.test")
    assert not is_hit(response)
    assert "A renamed microsite" in page


def test_a_deleted_painting_shown_in_a_block_purges_the_page_showing_it(shop, commit, cdn):  # noqa: F811
    painting = shop.paintings[0]
    about = StandardPageFactory(parent=shop.home, title="About", slug="about-me")
    about.body = [("painting", {"painting": painting})]
    with commit():
        about.save_revision().publish()
    cdn.clear()
    with commit():
        painting.delete()
    assert BASE + about.url in cdn


def test_a_deeper_site_root_renamed_gives_its_pages_their_new_urls(shop, commit, settings):
    """The slug of a Site's root page is in the root paths every render keeps
    (primed.py); a root deeper than depth 2 is not judged site-wide."""
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "second.test"]
    with commit():
        Site.objects.create(hostname="second.test", port=80, root_page=shop.collection)
    painting = shop.paintings[0]
    with commit():  # its first render makes its settings rows (committed at once in production)
        visit(f"/{painting.slug}/", HTTP_HOST="second.test")
    page = cached_twice(f"/{painting.slug}/", HTTP_HOST="second.test")
    assert f'rel="canonical" href="http://second.test/{painting.slug}/"' in page
    with commit():
        collection = shop.collection.specific
        collection.slug = "sea-renamed"
        collection.save_revision().publish()
    response, page = visit(f"/{painting.slug}/", HTTP_HOST="second.test")
    assert not is_hit(response)
    assert f'rel="canonical" href="http://second.test/{painting.slug}/"' in page


def test_root_paths_a_render_cached_before_the_commit_do_not_outlive_wagtails_hour(
    shop, commit, monkeypatch, settings
):
    """Wagtail drops its root-paths cache entry when the root page is saved, before
    the commit: a render on another connection in between stores the old paths
    again for an hour (simulated here). What primed.py read then must not be
    kept past Wagtail's hour and the page cache's lifetime."""
    painting = shop.paintings[0]
    url = painting.url  # the root page's slug is in no public URL
    with commit():
        GallerySettings.for_site(shop.site).save()
    cached_twice(url)
    old_paths = Site.get_site_root_paths()
    with commit():
        home = shop.home.specific
        home.slug = "home-renamed"
        home.save_revision().publish()
        cache.set(SITE_ROOT_PATHS_CACHE_KEY, old_paths, 3600, version=SITE_ROOT_PATHS_CACHE_VERSION)
    visit(url)  # renders under the new site generation with the old paths
    cache.delete(SITE_ROOT_PATHS_CACHE_KEY, version=SITE_ROOT_PATHS_CACHE_VERSION)  # an hour on
    later_by_the_page_cache_s_lifetime(monkeypatch, settings)
    response, page = visit(url)
    assert not is_hit(response)
    assert f'rel="canonical" href="http://localhost{url}"' in page


def test_a_painting_on_a_live_page_is_purged_there_after_a_draft_dropped_it(shop, commit, cdn):  # noqa: F811
    """Wagtail's reference index follows the latest draft, not the live page: a draft
    that no longer shows the painting hides the live page that still does."""
    painting = shop.paintings[0]
    about = StandardPageFactory(parent=shop.home, title="About", slug="about-me")
    about.body = [("painting", {"painting": painting})]
    with commit():
        about.save_revision().publish()
    about.body = []
    with commit():
        about.save_revision()  # a draft: the live page still shows the painting
    cdn.clear()
    with commit():
        reserve(painting)
    assert BASE + about.url in cdn
