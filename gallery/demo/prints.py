"""The demo's print editions and their past sales.

Editions are content: added to their painting before it is saved, so they go
into its published revision as the artist's would. Their numbers and sales
are the shop's: made once the pages exist, one row per number (as publishing
makes them), the lowest numbers sold to a past collector's shipped order, as
checkouts take them. A sold original gets the same collector's order.
"""

from datetime import timedelta
from decimal import Decimal

from shop.models import Order, OrderLine, PrintNumber, SaleState
from shop.sale_status import SaleStatus

from ..models import PaintingPage, PrintEdition, PrintProcess
from .content import DEMO_COLLECTOR, EDITIONS


class DemoPrints:
    def __init__(self, now):
        self.now = now
        self.processes = {}
        self.offered = {}  # painting title → its edition specs, for the first so titled

    def add_editions(self, painting):
        """Gives the painting its demo editions (unsaved, with the page), if it has any."""
        specs = [spec for spec in EDITIONS if spec.painting == painting.title]
        if not specs or painting.title in self.offered:
            return
        self.offered[painting.title] = specs
        for order, spec in enumerate(specs):
            image_width, image_height = image_size(painting, spec.long_side)
            painting.editions.add(
                PrintEdition(
                    process=self.process(spec.process),
                    support=spec.support,
                    image_width_cm=image_width,
                    image_height_cm=image_height,
                    sheet_width_cm=image_width + 2 * spec.margin,
                    sheet_height_cm=image_height + 2 * spec.margin,
                    edition_size=spec.edition_size,
                    artist_proofs=spec.artist_proofs,
                    price=spec.price,
                    offer_proofs=spec.proof_price is not None,
                    proof_price=spec.proof_price,
                    notes=spec.notes,
                    sort_order=order,
                )
            )

    def process(self, name):
        if name not in self.processes:
            self.processes[name] = PrintProcess.objects.get_or_create(name=name)[0]
        return self.processes[name]

    def record_sales(self, paintings):
        """Numbers for every demo edition, and the past sales of the specs."""
        for painting in paintings:
            specs = self.offered.pop(painting.title, None)
            if specs is None:
                continue
            editions = list(PrintEdition.objects.filter(page=painting).order_by("sort_order"))
            for spec, edition in zip(specs, editions, strict=True):
                numbers = self.make_numbers(edition)
                sold = numbers[False][: spec.sold] + numbers[True][: spec.proofs_sold]
                if sold:
                    self.sell_prints(painting, edition, sold)
            if any(spec.original_sold for spec in specs):
                self.sell_original(painting)

    def make_numbers(self, edition):
        numbers = {
            proof: [
                PrintNumber(edition=edition, proof=proof, number=number)
                for number in range(1, count + 1)
            ]
            for proof, count in ((False, edition.edition_size), (True, edition.artist_proofs))
        }
        PrintNumber.objects.bulk_create(numbers[False] + numbers[True])
        return numbers

    def past_order(self, days_ago, subtotal):
        paid_at = self.now - timedelta(days=days_ago)
        return Order.objects.create(
            status=Order.Status.SHIPPED,
            **DEMO_COLLECTOR,
            subtotal=subtotal,
            amount_paid=subtotal,
            created_at=paid_at,
            paid_at=paid_at,
            shipped_at=paid_at + timedelta(days=2),
        )

    def sell_prints(self, painting, edition, numbers):
        prices = [edition.proof_price if n.proof else edition.price for n in numbers]
        order = self.past_order(days_ago=30 + edition.pk % 60, subtotal=sum(prices, Decimal(0)))
        for number in numbers:
            number.status, number.order = SaleStatus.SOLD, order
        PrintNumber.objects.bulk_update(numbers, ["status", "order"])
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                painting=painting,
                title=f"{painting.title} — {edition.label}, {number.label}",
                price=price,
                is_print=True,
                print_number=number,
            )
            for number, price in zip(numbers, prices, strict=True)
        )

    def sell_original(self, painting):
        price = painting.price or Decimal("1000.00")
        order = self.past_order(days_ago=120, subtotal=price)
        OrderLine.objects.create(order=order, painting=painting, title=painting.title, price=price)
        SaleState.objects.update_or_create(
            painting=painting, defaults={"status": SaleStatus.SOLD, "order": order}
        )


def image_size(painting, long_side):
    """The print's image in the painting's proportions, its longest side `long_side` cm."""
    width, height = painting.width_cm, painting.height_cm
    scale = Decimal(long_side) / max(width, height)
    return (width * scale).quantize(Decimal("0.1")), (height * scale).quantize(Decimal("0.1"))


def delete_demo_sales(homes):
    """Every number of the demo's editions (one sold cannot go with its edition
    otherwise, whoever bought it) and the demo collector's orders."""
    paintings = PaintingPage.objects.none()
    for home in homes:
        paintings |= PaintingPage.objects.descendant_of(home)
    PrintNumber.objects.filter(edition__page__in=paintings).delete()
    Order.objects.filter(email=DEMO_COLLECTOR["email"]).delete()
