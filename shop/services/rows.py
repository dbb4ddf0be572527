"""The rows money and paintings move through: locked in painting-id order, so two
checkouts that share paintings queue up instead of deadlocking; review notes; and
the error a buyer or the artist is shown when a move is refused."""

from pagecache.store import invalidate

from ..models import SaleState


class CheckoutError(Exception):
    """Something the shopper should be told; nothing was changed."""


def painting_ids(order):
    return list(order.lines.exclude(painting=None).values_list("painting_id", flat=True))


def lock_sale_states(painting_ids):
    """The sale-state rows of these paintings, created if new, locked in id order."""
    ids = sorted(set(painting_ids))
    SaleState.objects.bulk_create([SaleState(painting_id=pk) for pk in ids], ignore_conflicts=True)
    return list(
        SaleState.objects.select_for_update().filter(painting_id__in=ids).order_by("painting_id")
    )


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
