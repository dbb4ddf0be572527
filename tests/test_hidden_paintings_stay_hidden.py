"""What a hostile review found: a painting a visitor may not open never shows through
another page, and a print process renamed in the admin reaches cached pages."""

import pytest
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from gallery.models import PaintingPage, PrintProcess
from tests.factories import PaintingPageFactory, StandardPageFactory, add_edition
from tests.helpers import is_hit, search_for, titles, visit

pytestmark = pytest.mark.django_db


def test_renaming_a_print_process_reaches_cached_painting_pages(shop, commit):
    painting = shop.paintings[0]
    with commit():
        add_edition(painting)
    visit(painting.url)
    response, page = visit(painting.url)
    assert is_hit(response) and "Giclée on cotton rag" in page
    with commit():
        process = PrintProcess.objects.get(name="Giclée")
        process.name = "Stone lithograph"
        process.save()
    response, page = visit(painting.url)
    assert not is_hit(response)
    assert "Stone lithograph on cotton rag" in page and "Giclée" not in page


@pytest.mark.parametrize("hide", ["password", "collection login", "unpublished collection"])
def test_a_painting_block_never_shows_a_painting_a_visitor_may_not_open(shop, hide):
    secret = shop.paintings[0]
    secret.title = "The secret commission"
    secret.save_revision().publish()
    if hide == "password":
        PageViewRestriction.objects.create(
            page=secret, restriction_type=PageViewRestriction.PASSWORD, password="hunter2"
        )
    elif hide == "collection login":
        PageViewRestriction.objects.create(
            page=shop.collection, restriction_type=PageViewRestriction.LOGIN
        )
    else:
        shop.collection.unpublish()
    about = StandardPageFactory(parent=shop.home, title="About", slug="about-me")
    about.body = [("painting", {"painting": secret})]
    about.save_revision().publish()

    page = visit(about.url)[1]
    assert "The secret commission" not in page and secret.url not in page
    # The artist's choice is kept: shown again once the painting is.
    stored = Page.objects.get(pk=about.pk).specific
    assert stored.body[0].value["painting"].pk == secret.pk


def test_a_painting_block_shows_a_painting_on_show(shop):
    shown = shop.paintings[1]
    about = StandardPageFactory(parent=shop.home, title="About", slug="about-me")
    about.body = [("painting", {"painting": shown})]
    about.save_revision().publish()
    assert shown.url in visit(about.url)[1]


@pytest.mark.parametrize("sort", ["", "price"])
def test_search_hides_a_painting_under_a_restricted_collection(shop, sort):
    secret = shop.paintings[0]
    secret.title = "Zanzibar nocturne"
    secret.save_revision().publish()
    PageViewRestriction.objects.create(
        page=shop.collection, restriction_type=PageViewRestriction.LOGIN
    )
    params = {"q": "Zanzibar nocturne"} | ({"sort": sort} if sort else {})
    response = search_for(Client(), **params)
    assert "Zanzibar nocturne" not in titles(response)
    assert secret.url not in response.content.decode()


def test_view_restrictions_in_one_query_match_wagtails_under_an_alias(shop):
    source = shop.collection
    PageViewRestriction.objects.create(page=source, restriction_type=PageViewRestriction.LOGIN)
    alias = source.create_alias(parent=shop.home, update_slug="alias-of-sea", recursive=True)
    plain = PaintingPageFactory(parent=alias, title="Under the alias")
    for painting in [*PaintingPage.objects.all(), plain]:
        ours = set(painting.get_view_restrictions().values_list("pk", flat=True))
        wagtails = set(Page.get_view_restrictions(painting).values_list("pk", flat=True))
        assert ours == wagtails and ours, painting
