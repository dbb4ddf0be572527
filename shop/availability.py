"""Read-only answers about whether a painting can be bought right now."""

from .models import SaleState

NOT_FOR_SALE = "not_for_sale"

LABELS = {
    SaleState.AVAILABLE: "Available",
    SaleState.RESERVED: "Reserved",
    SaleState.SOLD: "Sold",
    NOT_FOR_SALE: "Not for sale",
}


def status_of(painting):
    """'available', 'reserved', 'sold' or 'not_for_sale'.

    Uses the painting's sale_state as loaded (list pages select_related it),
    so asking costs no query there.
    """
    try:
        state = painting.sale_state
    except SaleState.DoesNotExist:
        state = None
    if state is not None and state.effective_status != SaleState.AVAILABLE:
        return state.effective_status
    if not painting.for_sale or painting.price is None:
        return NOT_FOR_SALE
    return SaleState.AVAILABLE
