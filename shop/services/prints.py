"""Numbered prints: reserved lowest number first, sold, released, put back on sale.

The same rule as the originals (shop.sale_status): available → reserved (by an
order, until a time) → sold, a lapsed reservation counting as available. Two
checkouts of one edition queue on the edition's row, so no number is ever
handed out twice; numbers are then locked in id order.
"""

from django.db import transaction

from certificates.issuing import void_certificate_of_print
from gallery.models import PaintingPage, PrintEdition

from ..models import OrderLine, PrintNumber
from ..sale_status import SaleStatus, free_condition
from .rows import (
    CheckoutError,
    flag,
    hold_reserved,
    lock_print_numbers,
    move_to,
    print_number_ids,
    print_numbers_changed,
    release_reserved,
)

# A buyer may take up to this many prints of one edition in one checkout.
MAX_PRINTS_PER_EDITION = 5


def edition_price(edition, proof):
    return edition.proof_price if proof else edition.price


def buyable_editions(keys):
    """The editions asked for that can be bought: on a visible page, offered, priced,
    and for an artist's proof only if the artist sells them. Locked, in id order."""
    visible_pages = PaintingPage.objects.visible()
    editions = (
        PrintEdition.objects.select_for_update(of=("self",))
        .filter(pk__in={edition_id for edition_id, _ in keys}, page__in=visible_pages)
        .filter(for_sale=True)
        .select_related("page", "process")
        .order_by("pk")
    )
    return {edition.pk: edition for edition in editions}


def free_numbers(edition, proof, count, now):
    """The `count` lowest free numbers of an edition (the caller holds the edition's lock)."""
    return list(
        PrintNumber.objects.select_for_update()
        .filter(edition=edition, proof=proof)
        .filter(free_condition(now))
        .order_by("number")[:count]
    )


def describe(edition, proof, count=2):
    """'5 prints of “Morning Tide” (…)', '1 artist's proof of …'."""
    kind = "artist's proof" if proof else "print"
    plural = "" if count == 1 else "s"
    return f"{count} {kind}{plural} of “{edition.page.title}” ({edition.label})"


def reserve_prints(order, prints, now):
    """Reserves the lowest free numbers for `prints` ({(edition id, proof): how many}) and
    adds a line per number to the order; returns their total price.

    Inside the checkout's transaction: a CheckoutError rolls everything back.
    """
    if not prints:
        return 0
    if any(not 1 <= count <= MAX_PRINTS_PER_EDITION for count in prints.values()):
        raise CheckoutError(
            f"One checkout takes 1 to {MAX_PRINTS_PER_EDITION} prints of an edition."
        )
    editions = buyable_editions(prints)
    problems = []
    chosen = []
    for (edition_id, proof), count in sorted(prints.items()):
        edition = editions.get(edition_id)
        if edition is None or (proof and not edition.proofs_on_sale):
            problems.append("a print edition that is no longer offered")
            continue
        numbers = free_numbers(edition, proof, count, now)
        if len(numbers) < count:
            left = f"only {len(numbers)} left" if numbers else "none left"
            problems.append(f"{describe(edition, proof, count)}: {left}")
            continue
        chosen += [(edition, proof, number) for number in numbers]
    if problems:
        raise CheckoutError("Sorry, these can't be bought right now: " + "; ".join(problems) + ".")

    total = 0
    for edition, proof, number in chosen:
        number.edition = edition
        price = edition_price(edition, proof)
        OrderLine.objects.create(
            order=order,
            painting=edition.page,
            is_print=True,
            print_number=number,
            title=line_title(edition, number),
            price=price,
        )
        total += price
        move_to(number, SaleStatus.RESERVED, order, order.reserved_until)
    print_numbers_changed([number for _, _, number in chosen])
    return total


def line_title(edition, number):
    """'Morning Tide — Giclée on cotton rag, 50 × 35 cm, 7/30'."""
    return f"{edition.page.title} — {edition.label}, {number.label}"[:255]


def release_prints(order):
    """The order ended unpaid: its reserved numbers are free again."""
    print_numbers_changed(release_reserved(lock_print_numbers(print_number_ids(order)), order))


def hold_prints(order):
    """The bank has yet to confirm: the order's numbers are held as long as its paintings."""
    print_numbers_changed(hold_reserved(lock_print_numbers(print_number_ids(order)), order))


def sell_prints(order, now):
    """The order is paid: its numbers are sold to it. Returns the print lines sold.

    A number whose reservation lapsed and went to another buyer is replaced by
    the lowest free number of the same edition (prints of an edition are alike);
    if none is left the order is flagged for a refund. Never a number twice.
    Locks editions, then numbers, in id order, as a checkout does.
    """
    lines = list(order.lines.filter(is_print=True).select_related("print_number"))
    edition_ids = {line.print_number.edition_id for line in lines if line.print_number}
    editions = {
        edition.pk: edition
        for edition in PrintEdition.objects.select_for_update(of=("self",))
        .filter(pk__in=edition_ids)
        .select_related("page", "process")
        .order_by("pk")
    }
    numbers = {n.pk: n for n in lock_print_numbers(print_number_ids(order))}
    sold = []
    for line in lines:
        number = numbers.get(line.print_number_id)
        ours = number is not None and number.order_id == order.pk
        if number is None or not (ours or number.effective_status == SaleStatus.AVAILABLE):
            edition = editions.get(line.print_number.edition_id) if line.print_number else None
            number = _replacement(edition, line.print_number, now)
            if number is None:
                flag(order, f"“{line.title}” went to another order before this payment: refund.")
                continue
            line.print_number = number
            line.title = line_title(edition, number)
            line.save(update_fields=["print_number", "title"])
        move_to(number, SaleStatus.SOLD, order)
        sold.append(line)
    print_numbers_changed([line.print_number for line in sold])
    return sold


def _replacement(edition, previous, now):
    """The lowest free number of the same edition and kind, if there is one."""
    if edition is None or previous is None:
        return None
    numbers = free_numbers(edition, previous.proof, 1, now)
    if not numbers:
        return None
    numbers[0].edition = edition
    return numbers[0]


def make_print_available_again(number_id):
    """The artist's decision (after a refund) to sell a sold number again."""
    with transaction.atomic():
        numbers = lock_print_numbers([number_id])
        if not numbers or numbers[0].status != SaleStatus.SOLD:
            return numbers[0] if numbers else None
        number = numbers[0]
        void_certificate_of_print(number.pk)
        move_to(number, SaleStatus.AVAILABLE)
        print_numbers_changed([number])
    return number
