"""visible() and reachable() at every depth: ancestors found by their exact paths down
to INDEXED_ANCESTOR_DEPTH, by prefix comparison below it (gallery.query)."""

import pytest
from wagtail.models import Page, PageViewRestriction

from gallery.query import INDEXED_ANCESTOR_DEPTH, all_pages
from tests.factories import HomePageFactory, StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """Home (depth 2) and standard pages below it, one per level, down to depth 16."""
    pages = [HomePageFactory(site=True)]
    while pages[-1].depth < INDEXED_ANCESTOR_DEPTH + 4:
        pages.append(StandardPageFactory(parent=pages[-1], title=f"Level {pages[-1].depth + 1}"))
    return {page.depth: page for page in pages}


def visible_depths():
    return set(all_pages().visible().filter(depth__gt=1).values_list("depth", flat=True))


def reachable_depths():
    return set(all_pages().reachable().filter(depth__gt=1).values_list("depth", flat=True))


def test_every_level_is_visible_when_nothing_hides_it(chain):
    assert visible_depths() == reachable_depths() == set(chain)


@pytest.mark.parametrize(
    "hidden_depth",
    [3, INDEXED_ANCESTOR_DEPTH, INDEXED_ANCESTOR_DEPTH + 1, INDEXED_ANCESTOR_DEPTH + 3],
)
def test_an_unpublished_page_hides_itself_and_everything_below(chain, hidden_depth):
    Page.objects.filter(pk=chain[hidden_depth].pk).update(live=False)

    expected = {depth for depth in chain if depth < hidden_depth}
    assert visible_depths() == reachable_depths() == expected


@pytest.mark.parametrize("restricted_depth", [4, INDEXED_ANCESTOR_DEPTH + 2])
def test_a_view_restriction_hides_a_section_from_listings_not_from_routing(chain, restricted_depth):
    PageViewRestriction.objects.create(
        page=chain[restricted_depth], restriction_type="password", password="studio"
    )

    assert visible_depths() == {depth for depth in chain if depth < restricted_depth}
    assert reachable_depths() == set(chain)  # Wagtail asks for the password when serving
