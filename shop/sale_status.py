"""Can this painting be bought now? The one place that decides, and its words.

The answer is written twice, side by side, and nowhere else: in Python for a
row the shop has locked (`sale_status_of`, `state_status`) and as a database
expression for listings, search and the admin (`sale_status_expression`).
shop/tests/test_sale_status.py runs a table of every case through both and
asserts that they agree.

    sold                      the fact of a sale outlives everything else
    reserved                  a reservation whose time has not passed
    unpublished               a visitor could not open the page
    not_for_sale              the artist does not offer it, or it has no price
    available                 otherwise

A reservation whose time has passed counts as available, so a lost webhook can
never lock a painting for good.

This module imports nothing from the shop's other modules: the gallery may read
it (and shop.models) to show a painting's status, and nothing more.
"""

from django.db import models
from django.db.models import Case, Q, Value, When


class SaleStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    RESERVED = "reserved", "Reserved"
    SOLD = "sold", "Sold"
    NOT_FOR_SALE = "not_for_sale", "Not for sale"
    UNPUBLISHED = "unpublished", "No longer on show"


# What a shop.SaleState row stores; the other two are read off the page.
STORED_STATUSES = [SaleStatus.AVAILABLE, SaleStatus.RESERVED, SaleStatus.SOLD]


def state_status(status, reserved_until, now):
    """The state row's status as it stands at `now` (a lapsed reservation is available)."""
    if status == SaleStatus.RESERVED and (reserved_until is None or reserved_until <= now):
        return SaleStatus.AVAILABLE
    return SaleStatus(status)


def sale_status_of(*, visible, for_sale, price, state, now):
    """A painting's status from its page's fields and its (locked) sale-state row.

    state: the painting's SaleState, or None when it has none yet.
    """
    held = state_status(state.status, state.reserved_until, now) if state else None
    if held in (SaleStatus.SOLD, SaleStatus.RESERVED):
        return held
    if not visible:
        return SaleStatus.UNPUBLISHED
    if not for_sale or price is None:
        return SaleStatus.NOT_FOR_SALE
    return SaleStatus.AVAILABLE


def _sold(prefix):
    return Q(**{f"{prefix}status": SaleStatus.SOLD})


def _reserved(now, prefix):
    return Q(**{f"{prefix}status": SaleStatus.RESERVED, f"{prefix}reserved_until__gt": now})


def held_condition(now, prefix=""):
    """`state_status` in SQL: the row is sold, or reserved by a reservation not lapsed."""
    return _sold(prefix) | _reserved(now, prefix)


def free_condition(now, prefix=""):
    """`state_status` in SQL: the row is available, or its reservation has lapsed."""
    status = f"{prefix}status"
    lapsed = Q(**{f"{prefix}reserved_until__lte": now}) | Q(**{f"{prefix}reserved_until": None})
    return Q(**{status: SaleStatus.AVAILABLE}) | (Q(**{status: SaleStatus.RESERVED}) & lapsed)


def _held(now, prefix):
    """The SQL conditions for a sale, and for a reservation that has not lapsed."""
    sold = _sold(prefix)
    reserved = _reserved(now, prefix)
    return [
        When(sold, then=Value(SaleStatus.SOLD.value)),
        When(reserved, then=Value(SaleStatus.RESERVED.value)),
    ]


def sale_status_expression(*, visible, now, prefix="sale_state__"):
    """`sale_status_of` in SQL, for a query of paintings.

    visible: a condition true where a visitor could open the page (the gallery's).
    """
    return Case(
        *_held(now, prefix),
        When(~visible, then=Value(SaleStatus.UNPUBLISHED.value)),
        When(Q(for_sale=False) | Q(price__isnull=True), then=Value(SaleStatus.NOT_FOR_SALE.value)),
        default=Value(SaleStatus.AVAILABLE.value),
        output_field=models.CharField(),
    )
