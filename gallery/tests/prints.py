"""Print editions for the gallery's tests: numbers sold or reserved as checkouts leave
them, and the painting page's print offer forms as a browser reads them."""

from datetime import timedelta
from html.parser import HTMLParser

from django.utils import timezone

from shop.models import Order, PrintNumber
from shop.sale_status import SaleStatus


def hold(edition, count, status=SaleStatus.SOLD, proof=False, minutes=30):
    """The lowest `count` available numbers sold to (or reserved by, for `minutes`,
    negative for a reservation that has lapsed) one order."""
    order = Order.objects.create(
        status=Order.Status.PAID if status == SaleStatus.SOLD else Order.Status.PENDING
    )
    ids = list(
        PrintNumber.objects.filter(edition=edition, proof=proof, status=SaleStatus.AVAILABLE)
        .order_by("number")
        .values_list("pk", flat=True)[:count]
    )
    until = timezone.now() + timedelta(minutes=minutes) if status == SaleStatus.RESERVED else None
    PrintNumber.objects.filter(pk__in=ids).update(status=status, order=order, reserved_until=until)
    return order


class FormsParser(HTMLParser):
    """The page's <form class="print-offer"> elements: action, fields and options."""

    def __init__(self):
        super().__init__()
        self.forms, self.form, self.select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "print-offer" in (attrs.get("class") or "").split():
            self.form = {"action": attrs.get("action"), "fields": {}, "options": {}, "labels": []}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input":
            self.form["fields"][attrs.get("name")] = attrs.get("value")
        elif tag == "select":
            self.select = attrs.get("name")
            self.form["fields"][self.select] = attrs.get("id")
            self.form["options"][self.select] = []
        elif tag == "option" and self.select:
            self.form["options"][self.select].append(attrs.get("value"))
        elif tag == "label":
            self.form["labels"].append(attrs.get("for"))
        elif tag == "button":
            self.form["button"] = attrs

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def print_forms(html):
    parser = FormsParser()
    parser.feed(html)
    return parser.forms
