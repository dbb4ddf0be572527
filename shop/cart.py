"""The session cart: painting page ids only, never prices; and the cart as the
shopper sees it now (`cart_lines`)."""

from dataclasses import dataclass

from gallery.models import PaintingPage

from .sale_status import SaleStatus

SESSION_KEY = "cart"


class Cart:
    def __init__(self, request):
        self.request = request
        self.session = request.session
        raw = self.session.get(SESSION_KEY, [])
        self.ids = [i for i in raw if isinstance(i, int)] if isinstance(raw, list) else []
        self._note_count()

    def _note_count(self):
        # For the header's count cookie (shop.middleware.CartCountCookieMiddleware).
        self.request.cart_count = len(self.ids)

    def __contains__(self, page_id):
        return page_id in self.ids

    def __len__(self):
        return len(self.ids)

    def add(self, page_id):
        """Adds the painting; False if it was already there (originals are one of a kind)."""
        if page_id in self.ids:
            return False
        self.ids.append(page_id)
        self._save()
        return True

    def remove(self, page_id):
        if page_id not in self.ids:
            return False
        self.ids.remove(page_id)
        self._save()
        return True

    def clear(self):
        self.ids = []
        self._save()

    def _save(self):
        self.session[SESSION_KEY] = list(self.ids)
        self.session.modified = True
        self._note_count()


@dataclass
class CartLine:
    painting_id: int
    painting: PaintingPage | None
    status: SaleStatus
    # Reserved by this buyer's own unfinished checkout (they came back from Stripe).
    reserved_for_buyer: bool = False
    # Paid for by this buyer with a delayed method: the bank has yet to confirm.
    awaiting_bank: bool = False

    @property
    def can_buy(self):
        return self.status == SaleStatus.AVAILABLE or self.reserved_for_buyer

    @property
    def label(self):
        if self.reserved_for_buyer:
            return "Reserved for you while you pay"
        if self.awaiting_bank:
            return "Yours once your bank confirms the payment"
        return self.status.label


def cart_lines(painting_ids, buyers_orders=()):
    """The cart as the shopper should see it now, in two queries.

    buyers_orders: the pending orders of this buyer, whose reservations a new
    checkout takes over (see pending_orders_of).
    """
    pages = PaintingPage.objects.visible().filter(pk__in=painting_ids).with_card_data()
    by_id = {page.pk: page for page in pages}
    own = {order.pk: order for order in buyers_orders}
    lines = []
    for pk in painting_ids:
        page = by_id.get(pk)
        if page is None:
            lines.append(CartLine(pk, None, SaleStatus.UNPUBLISHED))
            continue
        status = SaleStatus(page.sale_status)
        order = own.get(page.sale_state.order_id) if status == SaleStatus.RESERVED else None
        lines.append(
            CartLine(
                pk,
                page,
                status,
                reserved_for_buyer=bool(order and not order.awaiting_bank_since),
                awaiting_bank=bool(order and order.awaiting_bank_since),
            )
        )
    return lines
