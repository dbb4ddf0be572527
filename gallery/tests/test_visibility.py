"""Only paintings a visitor could open are offered: listed, found, in the sitemap.

A painting is hidden by a view restriction (on it or an ancestor) or by an
unpublished ancestor, which Wagtail's `live()` does not see. Every check goes
through real requests on the real page tree.
"""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from gallery.models import (
    CollectionPage,
    HomePageFeaturedPainting,
    PaintingPage,
)
from tests.factories import (
    CollectionPageFactory,
    GalleryIndexPageFactory,
    HomePageFactory,
    PaintingPageFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "studio"


@pytest.fixture
def tree():
    """Home → gallery → sea (open and password-protected paintings), hidden
    (unpublished, with a live painting); and an unpublished gallery whose
    collection and painting are live."""
    home = HomePageFactory(site__hostname="testserver", site__port=80)
    gallery = GalleryIndexPageFactory(parent=home)
    sea = CollectionPageFactory(parent=gallery)
    hidden = CollectionPageFactory(parent=gallery, title="Hidden series", slug="hidden")
    old_gallery = GalleryIndexPageFactory(parent=home, title="Old gallery", slug="old")
    archive = CollectionPageFactory(parent=old_gallery, title="Archive")
    t = SimpleNamespace(
        home=home,
        gallery=gallery,
        sea=sea,
        hidden=hidden,
        archive=archive,
        public=PaintingPageFactory(parent=sea, title="Harbour public", slug="public"),
        protected=PaintingPageFactory(parent=sea, title="Harbour protected", slug="protected"),
        orphan=PaintingPageFactory(parent=hidden, title="Harbour orphan", slug="orphan"),
        buried=PaintingPageFactory(parent=archive, title="Harbour buried", slug="buried"),
    )
    PageViewRestriction.objects.create(
        page=t.protected, restriction_type=PageViewRestriction.PASSWORD, password=PASSWORD
    )
    hidden.unpublish()
    old_gallery.unpublish()
    for order, painting in enumerate([t.public, t.protected, t.orphan, t.buried]):
        HomePageFeaturedPainting.objects.create(page=home, painting=painting, sort_order=order)
    return t


def slugs_shown(content):
    return set(re.findall(r"/(public|protected|orphan|buried)/", content))


def test_visible_is_one_query_and_leaves_out_every_hidden_painting(tree):
    # Wagtail's own filters miss the unpublished ancestors.
    assert PaintingPage.objects.live().public().count() == 3
    with CaptureQueriesContext(connection) as queries:
        assert list(PaintingPage.objects.visible()) == [tree.public]
    assert len(queries) == 1
    assert set(CollectionPage.objects.visible()) == {tree.sea}


def test_a_restriction_on_an_ancestor_hides_what_is_under_it(tree):
    PageViewRestriction.objects.create(page=tree.gallery, restriction_type="login")
    assert not PaintingPage.objects.visible().exists()
    # Routing still reaches them: Wagtail asks for the login when serving.
    assert set(PaintingPage.objects.reachable()) == {tree.public, tree.protected}


def test_collection_page_lists_only_visible_paintings(client, tree):
    response = client.get("/gallery/sea/")
    assert response.status_code == 200
    assert slugs_shown(response.content.decode()) == {"public"}


def test_gallery_index_lists_only_visible_collections(client, tree):
    members = CollectionPageFactory(parent=tree.gallery, title="Members")
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    content = client.get("/gallery/").content.decode()
    assert "/gallery/sea/" in content
    assert "/gallery/hidden/" not in content
    assert "/gallery/members/" not in content


def test_home_features_only_visible_paintings(client, tree):
    tree.home.featured_collection = tree.archive
    tree.home.save()
    content = client.get("/").content.decode()
    assert slugs_shown(content) == {"public"}
    assert "Archive" not in content


def test_search_finds_only_visible_paintings(client, tree):
    content = client.get("/search/", {"q": "harbour"}).content.decode()
    assert slugs_shown(content) == {"public"}


def test_search_filters_offer_only_visible_paintings_and_collections(client, tree):
    content = client.get("/search/", {"available": "on"}).content.decode()
    assert slugs_shown(content) == {"public"}
    collection_options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', content)
    assert "Sea" in collection_options
    assert not {"Hidden series", "Archive"} & set(collection_options)
    # Asking for a hidden collection by its id shows nothing of it.
    content = client.get("/search/", {"collection": tree.archive.pk}).content.decode()
    assert slugs_shown(content) == {"public"}


def test_sitemap_lists_only_visible_pages(client, tree):
    content = client.get("/sitemap.xml").content.decode()
    locations = set(re.findall(r"<loc>http://testserver(/[^<]*)</loc>", content))
    assert {"/", "/gallery/", "/gallery/sea/", "/gallery/sea/public/"} <= locations
    assert not {loc for loc in locations if re.search(r"protected|hidden|old|buried", loc)}


@pytest.mark.parametrize("url", ["/gallery/hidden/orphan/", "/old/archive/buried/"])
def test_pages_under_an_unpublished_page_are_not_found(client, tree, url):
    assert client.get(url).status_code == 404


def test_nothing_is_served_under_an_unpublished_home_page(client, tree):
    assert client.get("/gallery/sea/public/").status_code == 200
    tree.home.unpublish()
    for url in ("/", "/gallery/", "/gallery/sea/", "/gallery/sea/public/"):
        assert client.get(url).status_code == 404, url


def test_wagtails_own_routing_refuses_pages_under_an_unpublished_page(client, tree):
    # A site rooted at the gallery is routed by Wagtail's level-by-level walk,
    # not by HomePage.route.
    Site.objects.create(hostname="gallery.example", port=80, root_page=tree.gallery)
    assert client.get("/sea/public/", HTTP_HOST="gallery.example").status_code == 200
    assert client.get("/hidden/orphan/", HTTP_HOST="gallery.example").status_code == 404


def test_password_protected_painting_opens_with_its_password(client, tree):
    response = client.get("/gallery/sea/protected/")
    assert response.status_code == 200
    assert "Harbour protected" not in response.content.decode()
    form = re.search(r'<form[^>]*action="([^"]+)"', response.content.decode())
    response = client.post(
        form[1], {"password": PASSWORD, "return_url": "/gallery/sea/protected/"}, follow=True
    )
    assert response.status_code == 200
    assert "Harbour protected" in response.content.decode()


def test_an_address_below_a_page_goes_to_that_pages_own_routing(client, tree, monkeypatch):
    """A page with sub-routes (RoutablePageMixin, say) still gets its own URLs:
    HomePage.route falls back to Wagtail's walk when no page has the address."""

    def route_by_year(page, request, path_components):
        # As RoutablePageMixin does: sub-routes of a live page only.
        if page.live and path_components == ["2026"]:
            return RouteResult(page)
        raise Http404

    monkeypatch.setattr(CollectionPage, "route", route_by_year)
    assert client.get("/gallery/sea/2026/").status_code == 200
    assert client.get("/gallery/sea/1999/").status_code == 404
    assert client.get("/gallery/hidden/2026/").status_code == 404
