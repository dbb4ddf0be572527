"""Print editions: a row per number made on publish, lowest numbers reserved first,
never a number twice, and an edition that cannot shrink below a number sold."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from certificates.models import Certificate
from gallery.models import PaintingPage, PrintEdition
from shop import services
from shop.models import Order, PrintNumber
from shop.sale_status import SaleStatus, free_condition, held_condition, state_status
from tests.factories import add_edition, shop_tree

pytestmark = pytest.mark.django_db


def numbers(edition, **filters):
    return list(
        PrintNumber.objects.filter(edition=edition, **filters).values_list("number", flat=True)
    )


def reserve(edition, count=1, proof=False):
    return services.reserve_for_checkout(
        [], prints={(edition.pk, proof): count}, reservation_minutes=30, currency="EUR"
    )


def pay(order):
    return services.fulfil_order(
        order.pk,
        amount_total_minor=int(order.total * 100),
        details={"name": "Ada", "email": "ada@example.com", "country": "FR"},
    )


@pytest.fixture
def painting():
    return shop_tree(prices=("2400.00",)).paintings[0]


def test_publishing_makes_each_number_once_and_follows_the_size(painting):
    edition = add_edition(painting, size=30, proofs=3)
    assert numbers(edition, proof=False) == list(range(1, 31))
    assert numbers(edition, proof=True) == [1, 2, 3]

    painting = PaintingPage.objects.get(pk=painting.pk)
    painting.save_revision().publish()
    assert PrintNumber.objects.filter(edition=edition).count() == 33

    edition.edition_size = 35
    edition.save()
    painting.save_revision().publish()
    assert numbers(edition, proof=False)[-1] == 35
    edition.edition_size = 28
    edition.save()
    painting.save_revision().publish()
    assert numbers(edition, proof=False)[-1] == 28


def test_checkouts_take_the_lowest_free_numbers_and_a_lapse_frees_them(painting):
    edition = add_edition(painting, size=10, proofs=3)
    first = reserve(edition, 2)
    second = reserve(edition, 1)
    assert [line.print_number.number for line in first.lines.all()] == [1, 2]
    line = second.lines.get()
    assert line.print_number.number == 3
    assert line.title == f"{painting.title} — Giclée on cotton rag, 50 × 35 cm, 3/10"
    assert second.subtotal == Decimal("180.00")

    services.release_order(first.pk)
    assert [line.print_number.number for line in reserve(edition, 2).lines.all()] == [1, 2]

    PrintNumber.objects.filter(order=second).update(reserved_until=timezone.now())
    assert reserve(edition, 1).lines.get().print_number.number == 3


def test_asking_for_more_than_are_left_reserves_nothing(painting):
    edition = add_edition(painting, size=3, proofs=3)
    with pytest.raises(services.CheckoutError) as refused:
        reserve(edition, 5)
    assert "only 3 left" in str(refused.value)
    with pytest.raises(services.CheckoutError):
        reserve(edition, 6)
    assert not Order.objects.exists()
    assert set(PrintNumber.objects.values_list("status", flat=True)) == {SaleStatus.AVAILABLE}


def test_proofs_and_withdrawn_editions_are_not_sold_unless_offered(painting):
    edition = add_edition(painting, size=3, proofs=2)
    with pytest.raises(services.CheckoutError):
        reserve(edition, 1, proof=True)
    edition.offer_proofs, edition.proof_price = True, Decimal("240.00")
    edition.save()
    order = reserve(edition, 1, proof=True)
    assert order.lines.get().title.endswith("AP 1/2")
    assert order.subtotal == Decimal("240.00")

    edition.for_sale = False
    edition.save()
    with pytest.raises(services.CheckoutError):
        reserve(edition, 1)


def test_paying_sells_the_numbers_once_and_certifies_each(painting):
    edition = add_edition(painting, size=30, proofs=3)
    order = reserve(edition, 2)
    for _ in range(3):
        pay(order)
    assert numbers(edition, status=SaleStatus.SOLD) == [1, 2]
    certificates = Certificate.objects.filter(line__order=order).order_by("edition")
    assert [c.edition for c in certificates] == ["1/30", "2/30"]
    assert certificates[0].medium == "Giclée on cotton rag"
    assert certificates[0].size_cm == "50 × 35 cm"
    # The original is untouched by the sale of its prints.
    assert (
        painting.sale_state.status == SaleStatus.AVAILABLE
        if hasattr(painting, "sale_state")
        else True
    )


def test_a_payment_after_its_numbers_went_elsewhere_gets_other_numbers_or_a_refund(painting):
    edition = add_edition(painting, size=2, proofs=3)
    late = reserve(edition, 1)
    PrintNumber.objects.filter(order=late).update(reserved_until=timezone.now() - timedelta(1))
    other = reserve(edition, 1)  # takes number 1, which `late` had
    assert other.lines.get().print_number.number == 1

    pay(late)
    late.refresh_from_db()
    assert late.lines.get().print_number.number == 2
    assert late.lines.get().title.endswith("2/2")
    assert not late.needs_review

    with pytest.raises(services.CheckoutError, match="1 print of .*: none left"):
        reserve(edition, 1)
    PrintNumber.objects.filter(order=other).update(reserved_until=timezone.now() - timedelta(1))
    third = reserve(edition, 1)
    PrintNumber.objects.filter(order=third).update(reserved_until=timezone.now() - timedelta(1))
    pay(other)  # number 1 was free, lapsed: it is still its own
    pay(third)  # number 1 is sold to `other`, and none is left
    third.refresh_from_db()
    assert third.needs_review and "refund" in third.review_reason
    assert sorted(numbers(edition, proof=False, status=SaleStatus.SOLD)) == [1, 2]


def test_a_refunded_number_can_be_sold_again_and_its_certificate_is_void(painting):
    edition = add_edition(painting, size=5, proofs=3)
    order = reserve(edition, 1)
    pay(order)
    number = order.lines.get().print_number
    services.mark_refunded(order.pk)
    services.make_print_available_again(number.pk)
    number.refresh_from_db()
    assert number.status == SaleStatus.AVAILABLE
    assert Certificate.objects.get(line__print_number=number).is_void
    assert reserve(edition, 1).lines.get().print_number == number


class TestTheArtistsForm:
    """The painting's admin form, posted as the artist's browser would."""

    @pytest.fixture
    def artist(self, client):
        client.force_login(get_user_model().objects.create_superuser("artist", "a@b.c", "pw"))
        return client

    def form(self, painting, edition, **changes):
        fields = {
            "id": edition.pk,
            "process": edition.process_id,
            "support": edition.support,
            "image_width_cm": "50",
            "image_height_cm": "35",
            "sheet_width_cm": "60",
            "sheet_height_cm": "45",
            "edition_size": edition.edition_size,
            "artist_proofs": edition.artist_proofs,
            "price": "180.00",
            "for_sale": "on",
            "signed_and_numbered": "on",
            "notes": "",
            "proof_price": "",
        }
        fields.update(changes)
        deleted = fields.pop("DELETE", False)
        formset = inline_formset([fields], initial=1)
        if deleted:
            formset["0-DELETE"] = "1"
        return nested_form_data(
            {
                "title": painting.title,
                "slug": painting.slug,
                "gallery_images": inline_formset([]),
                "editions": formset,
                "width_cm": str(painting.width_cm),
                "height_cm": str(painting.height_cm),
                "price": str(painting.price),
                "for_sale": "on",
                "description": rich_text(""),
                "tags": "",
                "action-publish": "publish",
            }
        )

    def test_the_edition_cannot_shrink_below_a_number_sold(self, artist, painting):
        edition = add_edition(painting, size=30, proofs=3)
        pay(reserve(edition, 5))  # numbers 1 to 5 sold
        url = f"/admin/pages/{painting.pk}/edit/"

        response = artist.post(url, self.form(painting, edition, edition_size=4))
        assert response.status_code == 200
        assert "Number 5 is already sold or reserved" in response.content.decode()
        edition.refresh_from_db()
        assert edition.edition_size == 30
        assert numbers(edition, proof=False)[-1] == 30

        response = artist.post(url, self.form(painting, edition, edition_size=5))
        assert response.status_code == 302
        edition.refresh_from_db()
        assert edition.edition_size == 5
        assert numbers(edition) == [1, 2, 3, 4, 5, 1, 2, 3]

    def test_an_edition_with_sales_cannot_be_deleted_only_withdrawn(self, artist, painting):
        edition = add_edition(painting, size=30, proofs=3)
        reserve(edition, 1)
        url = f"/admin/pages/{painting.pk}/edit/"
        response = artist.post(url, self.form(painting, edition, DELETE=True))
        assert response.status_code == 200
        assert "cannot be deleted" in response.content.decode()
        assert PrintEdition.objects.filter(pk=edition.pk).exists()

        response = artist.post(url, self.form(painting, edition, for_sale=""))
        assert response.status_code == 302
        edition.refresh_from_db()
        assert not edition.for_sale

    def test_an_edition_without_sales_is_deleted_with_its_numbers(self, artist, painting):
        edition = add_edition(painting, size=30, proofs=3)
        response = artist.post(
            f"/admin/pages/{painting.pk}/edit/", self.form(painting, edition, DELETE=True)
        )
        assert response.status_code == 302
        assert not PrintEdition.objects.filter(pk=edition.pk).exists()
        assert not PrintNumber.objects.exists()


BUYERS = 20
ROUNDS = 10


def reserve_at_once(edition, buyers):
    """Each buyer asks for one print in its own thread and connection, released together."""
    barrier = threading.Barrier(buyers)
    results = [None] * buyers

    def buyer(index):
        try:
            barrier.wait()
            results[index] = reserve(edition, 1)
        except Exception as error:  # counted by the caller
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_buyers_at_once_for_three_numbers_left():
    painting = shop_tree(prices=("2400.00",)).paintings[0]
    edition = add_edition(painting, size=30, proofs=3)
    for round_number in range(ROUNDS):
        PrintNumber.objects.filter(edition=edition).update(
            status=SaleStatus.SOLD, order=None, reserved_until=None
        )
        PrintNumber.objects.filter(edition=edition, number__in=[7, 19, 30]).update(
            status=SaleStatus.AVAILABLE
        )
        results = reserve_at_once(edition, BUYERS)

        orders = [r for r in results if isinstance(r, Order)]
        refusals = [r for r in results if isinstance(r, services.CheckoutError)]
        others = [r for r in results if not isinstance(r, Order | services.CheckoutError)]
        assert not others, f"round {round_number}: {others}"
        assert len(orders) == 3 and len(refusals) == BUYERS - 3
        taken = sorted(order.lines.get().print_number.number for order in orders)
        assert taken == [7, 19, 30]
        assert all("none left" in str(r) for r in refusals)
    print(f"\n{ROUNDS} rounds on {connection.vendor}: 3 reservations and 17 refusals each")


def test_the_painting_page_still_renders_with_editions(painting):
    add_edition(painting, proofs=3)
    assert Client().get(painting.url).status_code == 200
    assert PaintingPage.objects.get(pk=painting.pk).editions.count() == 1


def test_the_admin_lists_numbers_and_puts_a_refunded_one_back_on_sale(admin_client, painting):
    edition = add_edition(painting, size=3, proofs=0)
    order = reserve(edition, 1)
    pay(order)
    services.mark_refunded(order.pk)

    listing = admin_client.get("/admin/shop/print-numbers/?effective=sold").content.decode()
    assert "1/3" in listing and order.number in listing and "2/3" not in listing
    number = order.lines.get().print_number
    confirm_url = f"/admin/shop/print-numbers/{number.pk}/make-available/"
    assert confirm_url in listing

    page = admin_client.get(confirm_url).content.decode()
    assert "voids its certificate" in page
    admin_client.post(confirm_url)
    number.refresh_from_db()
    assert number.status == SaleStatus.AVAILABLE
    assert Certificate.objects.get(line__print_number=number).is_void


@pytest.mark.parametrize(
    "status, until",
    [
        (SaleStatus.AVAILABLE, None),
        (SaleStatus.RESERVED, timedelta(minutes=20)),
        (SaleStatus.RESERVED, timedelta(seconds=-1)),
        (SaleStatus.RESERVED, None),
        (SaleStatus.SOLD, None),
    ],
)
def test_the_sql_conditions_for_a_number_agree_with_the_one_rule(painting, status, until):
    edition = add_edition(painting, size=1, proofs=0)
    now = timezone.now()
    PrintNumber.objects.filter(edition=edition).update(
        status=status, reserved_until=now + until if until is not None else None
    )
    number = PrintNumber.objects.get(edition=edition)
    free = PrintNumber.objects.filter(free_condition(now), pk=number.pk).exists()
    held = PrintNumber.objects.filter(held_condition(now), pk=number.pk).exists()
    expected = state_status(number.status, number.reserved_until, now)
    assert free == (expected == SaleStatus.AVAILABLE)
    assert held == (expected != SaleStatus.AVAILABLE)


def test_a_revision_published_without_the_form_cannot_shrink_below_a_number_sold(painting):
    edition = add_edition(painting, size=30, proofs=0)
    draft = PaintingPage.objects.get(pk=painting.pk)
    children = list(draft.editions.all())
    for child in children:
        child.edition_size = 5
    draft.editions = children
    revision = draft.save_revision()  # made while nothing was sold, as a scheduled change
    pay(reserve(edition, 5))
    pay(reserve(edition, 2))  # numbers 6 and 7 sold after the draft was made
    revision.publish()

    edition.refresh_from_db()
    assert edition.edition_size == 7
    assert numbers(edition, proof=False) == [1, 2, 3, 4, 5, 6, 7]


def test_a_bank_transfer_holds_the_print_numbers_as_long_as_the_order(painting):
    edition = add_edition(painting, size=1, proofs=0)
    order = reserve(edition, 1)
    services.hold_for_async_payment(order.pk, {"name": "Ada", "email": "ada@example.com"})
    order.refresh_from_db()
    number = order.lines.get().print_number
    number.refresh_from_db()
    assert number.reserved_until == order.reserved_until
    assert order.reserved_until > timezone.now() + timedelta(days=9)
    with pytest.raises(services.CheckoutError, match="none left"):
        reserve(edition, 1)
