"""Issuing, voiding and reissuing certificates: called by the shop when money moves.

The shop's services call these inside their own transactions, with the order
row locked, so a certificate comes and goes with the sale it certifies.
"""

from django.utils import timezone

from .models import Certificate


def issue_certificate(line, *, sold_on):
    """The certificate for one sold order line; the existing one if it was issued before."""
    certificate, created = Certificate.objects.get_or_create(
        line=line, defaults={"title": line.title, "sold_on": sold_on}
    )
    if created and line.painting is not None:
        certificate.copy_details(line.painting, line.print_number if line.is_print else None)
        certificate.save()
    return certificate


def void_certificates(order):
    """The sale was refunded or undone: its certificates say "void" from now on."""
    return Certificate.objects.valid().filter(line__order=order).update(voided_at=timezone.now())


def void_certificate_of(order, painting_id):
    """An original of an order is for sale again: the certificate of that sale is void."""
    return (
        Certificate.objects.valid()
        .filter(line__order=order, line__painting_id=painting_id, line__is_print=False)
        .update(voided_at=timezone.now())
    )


def void_certificate_of_print(print_number_id):
    """A sold print number is for sale again: the certificate of its sale is void."""
    return (
        Certificate.objects.valid()
        .filter(line__print_number_id=print_number_id)
        .update(voided_at=timezone.now())
    )


def reissue_certificate(certificate):
    """Same number, details taken again from the painting page (after the artist corrected it)."""
    line = certificate.line
    if line.painting is not None and (not line.is_print or line.print_number is not None):
        certificate.copy_details(line.painting, line.print_number if line.is_print else None)
    certificate.reissued_at = timezone.now()
    certificate.save()
    return certificate
