"""The session cart: painting page ids and print choices, never prices; and the
cart as the shopper sees it now (`cart_lines`).

The session holds one list: an int per original, and a
{"edition": id, "proof": bool, "quantity": 1..5} per print choice. Whatever
comes back from the session is re-checked: anything else is dropped.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from gallery.models import PaintingPage, PrintEdition

from .models import PrintNumber, WorkKind
from .sale_status import SaleStatus, free_condition
from .services.prints import MAX_PRINTS_PER_EDITION, edition_price

SESSION_KEY = "cart"
# Different prints (edition and kind) one cart holds: enough for any buyer, and
# a tampered session cannot make a cart page with hundreds of lines.
MAX_PRINT_CHOICES = 10
# The orders whose purchases already left the cart (their success page, reloaded).
BOUGHT_KEY = "cart_bought"
BOUGHT_REMEMBERED = 20


@dataclass(frozen=True)
class PrintChoice:
    edition_id: int
    proof: bool
    quantity: int

    @property
    def key(self):
        return (self.edition_id, self.proof)

    @property
    def form_value(self):
        """How the checkout form names this line: '12' for prints, '12-ap' for proofs."""
        return f"{self.edition_id}-ap" if self.proof else str(self.edition_id)

    def to_session(self):
        return {"edition": self.edition_id, "proof": self.proof, "quantity": self.quantity}


def _strict_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _print_choice(item):
    """A PrintChoice from what the session held, or None if it is not one."""
    edition, proof, quantity = (item.get(k) for k in ("edition", "proof", "quantity"))
    if not (_strict_int(edition) and edition > 0 and isinstance(proof, bool)):
        return None
    if not (_strict_int(quantity) and 1 <= quantity <= MAX_PRINTS_PER_EDITION):
        return None
    return PrintChoice(edition, proof, quantity)


class Cart:
    def __init__(self, request):
        self.request = request
        self.session = request.session
        raw = self.session.get(SESSION_KEY, [])
        raw = raw if isinstance(raw, list) else []
        self.ids = [i for i in raw if _strict_int(i)]
        self.prints = []
        for item in raw:
            choice = _print_choice(item) if isinstance(item, dict) else None
            if choice and choice.key not in self._print_keys():
                self.prints.append(choice)
        del self.prints[MAX_PRINT_CHOICES:]
        self._note_count()

    def _print_keys(self):
        return {choice.key for choice in self.prints}

    def _note_count(self):
        # For the header's count cookie (shop.middleware.CartCountCookieMiddleware).
        self.request.cart_count = len(self)

    def __contains__(self, page_id):
        return page_id in self.ids

    def __len__(self):
        """Originals and prints: what the header's count says."""
        return len(self.ids) + sum(choice.quantity for choice in self.prints)

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

    def print_quantity(self, edition_id, proof):
        return next((c.quantity for c in self.prints if c.key == (edition_id, proof)), 0)

    def is_full_of_prints(self, edition_id, proof):
        """True if this would be one print choice too many for the cart."""
        return (edition_id, proof) not in self._print_keys() and (
            len(self.prints) >= MAX_PRINT_CHOICES
        )

    def set_prints(self, edition_id, proof, quantity):
        """How many prints of the edition the cart holds (1..5, the caller checks)."""
        choice = PrintChoice(edition_id, proof, quantity)
        for index, held in enumerate(self.prints):
            if held.key == choice.key:
                self.prints[index] = choice
                break
        else:
            self.prints.append(choice)
        self._save()

    def remove_prints(self, edition_id, proof):
        kept = [choice for choice in self.prints if choice.key != (edition_id, proof)]
        if len(kept) == len(self.prints):
            return False
        self.prints = kept
        self._save()
        return True

    def remove_bought(self, order_number, painting_ids, print_counts):
        """What an order bought leaves the cart, once per order (its success page may
        be reloaded): its originals, and as many prints of each edition as it bought,
        so a quantity raised in another tab after checkout keeps what was added.

        print_counts: {(edition id, proof): how many the order bought}.
        """
        done = self.session.get(BOUGHT_KEY, [])
        done = done if isinstance(done, list) else []
        if order_number in done:
            return
        self.ids = [page_id for page_id in self.ids if page_id not in painting_ids]
        kept = []
        for choice in self.prints:
            left = choice.quantity - print_counts.get(choice.key, 0)
            if left > 0:
                kept.append(PrintChoice(choice.edition_id, choice.proof, left))
        self.prints = kept
        self.session[BOUGHT_KEY] = [*done, order_number][-BOUGHT_REMEMBERED:]
        self._save()

    def clear(self):
        self.ids = []
        self.prints = []
        self._save()

    def _save(self):
        self.session[SESSION_KEY] = [*self.ids, *(c.to_session() for c in self.prints)]
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

    @property
    def total(self):
        return self.painting.price


@dataclass
class PrintLine:
    """Prints of one edition in the cart, priced and counted from the live edition."""

    choice: PrintChoice
    edition: PrintEdition | None
    painting: PaintingPage | None
    # Numbers this buyer could have now: free ones, and their own checkout's.
    left: int = 0

    @property
    def quantity(self):
        return self.choice.quantity

    @property
    def offered(self):
        """The edition is on a page on show, for sale, and (for proofs) the proofs too."""
        if self.edition is None or self.painting is None or not self.edition.for_sale:
            return False
        return self.edition.proofs_on_sale if self.choice.proof else True

    @property
    def can_buy(self):
        return self.offered and self.left > 0

    @property
    def too_many(self):
        """More asked for than are left: checkout will say so."""
        return self.can_buy and self.quantity > self.left

    @property
    def title(self):
        kind = "Artist's proof — " if self.choice.proof else ""
        return f"{self.painting.title} — {kind}{self.edition.label}"

    @property
    def unit_price(self):
        return edition_price(self.edition, self.choice.proof)

    @property
    def total(self):
        return self.unit_price * self.quantity

    @property
    def of(self):
        return self.edition.artist_proofs if self.choice.proof else self.edition.edition_size

    @property
    def label(self):
        """'12 of 30 left', 'Only 2 left', 'Sold out', or why it can't be bought."""
        if self.painting is None:
            return SaleStatus.UNPUBLISHED.label
        if not self.offered:
            return "No longer offered"
        if self.left <= 0:
            return "Sold out"
        if self.left <= 2 or self.too_many:
            return f"Only {self.left} left"
        return f"{self.left} of {self.of} left"


def cart_lines(painting_ids, buyers_orders=(), prints=()):
    """The cart as the shopper should see it now: (painting lines, print lines),
    in a fixed number of queries whatever the cart holds.

    buyers_orders: the pending orders of this buyer, whose reservations a new
    checkout takes over (see pending_orders_of).
    """
    own = {order.pk: order for order in buyers_orders}
    editions = {
        edition.pk: edition
        for edition in PrintEdition.objects.filter(
            pk__in=[choice.edition_id for choice in prints]
        ).select_related("process")
    }
    edition_pages = {edition.page_id for edition in editions.values()}
    pages = PaintingPage.objects.visible().filter(pk__in={*painting_ids, *edition_pages})
    by_id = {page.pk: page for page in pages.with_card_data()}
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
    takeable = [pk for pk, order in own.items() if not order.awaiting_bank_since]
    left = numbers_left(list(editions), takeable) if editions else {}
    print_lines = []
    for choice in prints:
        edition = editions.get(choice.edition_id)
        page = by_id.get(edition.page_id) if edition else None
        print_lines.append(PrintLine(choice, edition, page, left.get(choice.key, 0)))
    return lines, print_lines


def numbers_left(edition_ids, own_order_ids=()):
    """{(edition id, proof): numbers free now, or held by these (the buyer's own) checkouts}."""
    now = timezone.now()
    own = Q(status=SaleStatus.RESERVED, order__in=own_order_ids)
    counts = (
        PrintNumber.objects.filter(edition__in=edition_ids)
        .filter(free_condition(now) | own)
        .values("edition", "proof")
        .annotate(left=Count("pk"))
        .order_by()
    )
    return {(row["edition"], row["proof"]): row["left"] for row in counts}


def subtotal(lines):
    return sum((line.total for line in lines if line.can_buy), start=Decimal("0"))


def work_kinds(painting_lines, print_lines):
    """The kinds of work the lines ship (for the shipping rates that can carry them)."""
    kinds = set()
    if painting_lines:
        kinds.add(WorkKind.ORIGINALS)
    if print_lines:
        kinds.add(WorkKind.PRINTS)
    return kinds
