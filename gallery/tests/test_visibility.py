"""Only paintings a visitor could open are offered: listed, found, in the sitemap.

A painting is hidden by a view restriction (on it or an ancestor) or by an
unpublished ancestor, which Wagtail's `live()` does not see. Every check goes
through real requests on the real page tree.
"""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from gallery.models import (
    CollectionPage,
    GalleryIndexPage,
    HomePage,
    HomePageFeaturedPainting,
    PaintingPage,
)

pytestmark = pytest.mark.django_db

PASSWORD = "studio"


def add_painting(collection, slug):
    return collection.add_child(
        instance=PaintingPage(
            title=f"Harbour {slug}",
            slug=slug,
            width_cm=Decimal("50"),
            height_cm=Decimal("40"),
            price=Decimal("500"),
        )
    )


@pytest.fixture
def tree():
    """Home → gallery → sea (open and password-protected paintings), hidden
    (unpublished, with a live painting); and an unpublished gallery whose
    collection and painting are live."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="visibility-home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "testserver", "port": 80, "root_page": home},
    )
    gallery = home.add_child(instance=GalleryIndexPage(title="Gallery", slug="gallery"))
    sea = gallery.add_child(instance=CollectionPage(title="Sea", slug="sea"))
    hidden = gallery.add_child(instance=CollectionPage(title="Hidden series", slug="hidden"))
    old_gallery = home.add_child(instance=GalleryIndexPage(title="Old gallery", slug="old"))
    archive = old_gallery.add_child(instance=CollectionPage(title="Archive", slug="archive"))
    t = SimpleNamespace(
        home=home,
        gallery=gallery,
        sea=sea,
        hidden=hidden,
        archive=archive,
        public=add_painting(sea, "public"),
        protected=add_painting(sea, "protected"),
        orphan=add_painting(hidden, "orphan"),
        buried=add_painting(archive, "buried"),
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
    members = tree.gallery.add_child(instance=CollectionPage(title="Members", slug="members"))
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
