"""The rows money and paintings move through: locked in painting-id order, then
editions and print numbers in id order, so two checkouts that share paintings or
prints queue up instead of deadlocking; review notes; and the error a buyer or
the artist is shown when a move is refused."""

from pagecache.store import invalidate

from ..models import PrintNumber, SaleState
from ..sale_status import SaleStatus


class CheckoutError(Exception):
    """Something the shopper should be told; nothing was changed."""


def painting_ids(order):
    """The originals in the order (its prints are print numbers, not the painting's state)."""
    lines = order.lines.filter(is_print=False).exclude(painting=None)
    return list(lines.values_list("painting_id", flat=True))


def print_number_ids(order):
    lines = order.lines.filter(is_print=True).exclude(print_number=None)
    return list(lines.values_list("print_number_id", flat=True))


def lock_sale_states(painting_ids):
    """The sale-state rows of these paintings, created if new, locked in id order."""
    ids = sorted(set(painting_ids))
    SaleState.objects.bulk_create([SaleState(painting_id=pk) for pk in ids], ignore_conflicts=True)
    return list(
        SaleState.objects.select_for_update().filter(painting_id__in=ids).order_by("painting_id")
    )


def lock_print_numbers(number_ids):
    """Print-number rows locked in id order (after any paintings' rows)."""
    return list(
        PrintNumber.objects.select_for_update(of=("self",))
        .filter(pk__in=set(number_ids))
        .select_related("edition")
        .order_by("pk")
    )


def move_to(row, status, order=None, reserved_until=None):
    """Puts a locked HeldForSale row (a painting's sale state, a print number) in a status."""
    row.status = status
    row.order = order
    row.reserved_until = reserved_until
    row.save(update_fields=["status", "order", "reserved_until", "updated_at"])


def reserved_by(row, order):
    return row.order_id == order.pk and row.status == SaleStatus.RESERVED


def release_reserved(rows, order):
    """Of these locked rows, those the order reserved are available again; returns them.
    (A row that lapsed and went to another order meanwhile is left alone.)"""
    released = [row for row in rows if reserved_by(row, order)]
    for row in released:
        move_to(row, SaleStatus.AVAILABLE)
    return released


def hold_reserved(rows, order):
    """Of these locked rows, those the order reserved stay so until its reserved_until."""
    held = [row for row in rows if reserved_by(row, order)]
    for row in held:
        row.reserved_until = order.reserved_until
        row.save(update_fields=["reserved_until", "updated_at"])
    return held


def append_note(text, line):
    return f"{text}\n{line}".strip()


def flag(order, reason):
    order.needs_review = True
    order.review_reason = append_note(order.review_reason, reason)


def sale_states_changed(states):
    """Public pages show sale state: every stored one is stale once this commits
    (and a CDN in front drops these paintings' pages and their parents')."""
    if states:
        invalidate(page_ids=[state.painting_id for state in states])


def print_numbers_changed(numbers):
    """As sale_states_changed, for print numbers: their paintings' pages show what is left."""
    if numbers:
        invalidate(page_ids={number.edition.page_id for number in numbers})
