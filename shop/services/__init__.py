"""How paintings and money move: the shop's business rules, in one place.

Views, the Stripe webhook, the success page, the admin and the scheduled jobs
all call these functions; none of them changes sale state or order status by
itself. Whether a painting can be bought at all is decided in shop.sale_status.

    available → reserved (by order O, until T) → sold (to O)
    reserved  → available   when T passes, the session expires, the shopper
                            cancels, or an asynchronous payment fails
    sold      → available   only by the artist, from the admin

- `reserving`: a checkout reserves, and lets go when it ends unpaid;
- `paying`: a completed session is fulfilled, held for the bank or flagged;
  then shipped, refunded, or put back on sale;
- `ending`: a checkout the buyer left, or that failed, is ended at Stripe first;
- `prints`: numbered prints of an edition, reserved lowest number first;
- `editions` (with the signals): every published edition has a row per number;
- `rows`: the row locks (in painting-id order) and review notes they share.
"""

from .ending import abandon_checkout, cancel_checkout
from .paying import (
    adjust_shipping,
    apply_completed_session,
    flag_for_review,
    fulfil_order,
    hold_for_async_payment,
    make_available_again,
    mark_refunded,
    mark_shipped,
    record_buyer_details,
)
from .prints import make_print_available_again
from .reserving import (
    attach_checkout_session,
    earliest_reservation_end,
    offer_shipping,
    pending_orders_of,
    release_order,
    reserve_for_checkout,
)
from .rows import CheckoutError, lock_sale_states

__all__ = [
    "CheckoutError",
    "make_print_available_again",
    "abandon_checkout",
    "adjust_shipping",
    "apply_completed_session",
    "attach_checkout_session",
    "cancel_checkout",
    "earliest_reservation_end",
    "flag_for_review",
    "fulfil_order",
    "hold_for_async_payment",
    "lock_sale_states",
    "make_available_again",
    "mark_refunded",
    "mark_shipped",
    "offer_shipping",
    "pending_orders_of",
    "record_buyer_details",
    "release_order",
    "reserve_for_checkout",
]
