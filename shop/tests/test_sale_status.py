"""One rule decides whether a painting can be bought: the Python answer (for a
locked row) and the SQL answer (for listings, search, the admin) must agree in
every case: live or not, public or not, under live and public pages or not,
offered or not, priced or not, and each sale state with its reservation time
still to come, passed, or missing."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from gallery.models import PaintingPage
from shop.models import SaleState
from shop.sale_status import SaleStatus, sale_status_of
from tests.factories import (
    CollectionPageFactory,
    PaintingPageFactory,
    SaleStateFactory,
    shop_tree,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()
STATES = {
    "none": None,
    "available": (SaleStatus.AVAILABLE, None),
    "reserved": (SaleStatus.RESERVED, NOW + timedelta(minutes=20)),
    "reserved, lapsed": (SaleStatus.RESERVED, NOW - timedelta(seconds=1)),
    "reserved, no end": (SaleStatus.RESERVED, None),
    "sold": (SaleStatus.SOLD, None),
}
OFFERS = {
    "offered": (True, Decimal("500")),
    "not offered": (False, Decimal("500")),
    "no price": (True, None),
}
# A painting nobody holds that a visitor cannot open is "unpublished"; a held one stays held.
UNPUBLISHED_UNLESS_HELD = {SaleStatus.AVAILABLE: SaleStatus.UNPUBLISHED}
PLACES = ["public", "unpublished", "password", "in unpublished series", "in private series"]


def restrict(page):
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")


def wagtails_own_visibility(page):
    """Visible, as Wagtail's own API tells it, independently of gallery.query."""
    public = PaintingPage.objects.live().public().filter(pk=page.pk).exists()
    return public and not page.get_ancestors().filter(live=False).exists()


@pytest.fixture
def table():
    shop = shop_tree(prices=())
    gallery = shop.collection.get_parent()
    series = {
        "public": shop.collection,
        "in unpublished series": CollectionPageFactory(parent=gallery, title="Drafts"),
        "in private series": CollectionPageFactory(parent=gallery, title="Private"),
    }
    series["in unpublished series"].unpublish()
    restrict(series["in private series"])
    cases = {}
    for index, (place, offer, state) in enumerate(itertools.product(PLACES, OFFERS, STATES)):
        parent = series.get(place, shop.collection)
        for_sale, price = OFFERS[offer]
        painting = PaintingPageFactory(
            parent=parent, title=f"Case {index}", width_cm=30, for_sale=for_sale, price=price
        )
        if place == "unpublished":
            painting.unpublish()
        elif place == "password":
            restrict(painting)
        if STATES[state]:
            status, until = STATES[state]
            SaleStateFactory(painting=painting, status=status, reserved_until=until)
        cases[painting.pk] = (place, offer, state)
    return cases


def test_python_and_sql_agree_on_every_case(table):
    in_sql = dict(PaintingPage.objects.with_sale_status(now=NOW).values_list("pk", "sale_status"))
    states = {state.painting_id: state for state in SaleState.objects.all()}
    disagreements = []
    for painting in PaintingPage.objects.filter(pk__in=table):
        in_python = sale_status_of(
            visible=wagtails_own_visibility(painting),
            for_sale=painting.for_sale,
            price=painting.price,
            state=states.get(painting.pk),
            now=NOW,
        )
        if in_python != in_sql[painting.pk]:
            disagreements.append((table[painting.pk], in_python, in_sql[painting.pk]))
    assert not disagreements
    assert len(table) == len(PLACES) * len(OFFERS) * len(STATES) == 90

    # Only a visible, offered painting that nobody holds can be bought.
    buyable = {table[pk] for pk in PaintingPage.objects.buyable().values_list("pk", flat=True)}
    free = {"none", "available", "reserved, lapsed", "reserved, no end"}
    assert buyable == {("public", "offered", state) for state in free}


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("none", SaleStatus.AVAILABLE),
        ("reserved", SaleStatus.RESERVED),
        ("reserved, lapsed", SaleStatus.AVAILABLE),
        ("sold", SaleStatus.SOLD),
    ],
)
def test_the_rule_by_hand(state, expected):
    """A few cases stated plainly, so the table above cannot agree on a wrong rule."""
    row = STATES[state]
    held = SaleState(status=row[0], reserved_until=row[1]) if row else None
    answer = sale_status_of(visible=True, for_sale=True, price=Decimal("1"), state=held, now=NOW)
    assert answer == expected
    hidden = UNPUBLISHED_UNLESS_HELD.get(expected, expected)
    assert sale_status_of(visible=False, for_sale=True, price=None, state=held, now=NOW) == hidden


def test_publishing_the_page_again_never_unsells_it():
    painting = shop_tree(prices=("500.00",)).paintings[0]
    SaleStateFactory(painting=painting, status=SaleStatus.SOLD)
    revision = painting.save_revision()
    painting.save_revision().publish()
    revision.publish()  # an older draft, as "revert" does
    assert PaintingPage.objects.with_sale_status().get(pk=painting.pk).sale_status == "sold"
