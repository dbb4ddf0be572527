"""Print numbers follow the published editions: a row per number, made once."""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gallery.forms import highest_held_numbers
from gallery.models import PrintEdition

from ..models import PrintNumber
from ..sale_status import free_condition

logger = logging.getLogger(__name__)


def sync_print_numbers(painting):
    """Makes the missing rows of the painting's published editions (1…N, AP 1…k) and
    removes free ones beyond an edition's size. A number sold or reserved is never removed
    (the admin form refuses an edition smaller than it)."""
    with transaction.atomic():
        # Locked as a checkout locks them (id order), so no number is reserved between
        # finding it free beyond the size and deleting it.
        editions = list(
            PrintEdition.objects.select_for_update(of=("self",))
            .filter(page=painting)
            .order_by("pk")
        )
        keep_sold_numbers_inside(editions)
        existing = set(
            PrintNumber.objects.filter(edition__in=editions).values_list(
                "edition_id", "proof", "number"
            )
        )
        missing = [
            PrintNumber(edition=edition, proof=proof, number=number)
            for edition in editions
            for proof, count in ((False, edition.edition_size), (True, edition.artist_proofs))
            for number in range(1, count + 1)
            if (edition.pk, proof, number) not in existing
        ]
        # Two publishes at once may both find a number missing; the constraint keeps one.
        PrintNumber.objects.bulk_create(missing, ignore_conflicts=True)
        for edition in editions:
            beyond = Q(proof=False, number__gt=edition.edition_size) | Q(
                proof=True, number__gt=edition.artist_proofs
            )
            PrintNumber.objects.filter(edition=edition).filter(beyond).filter(
                free_condition(timezone.now())
            ).delete()


def keep_sold_numbers_inside(editions):
    """An edition never declares fewer prints than a number sold or reserved.

    The admin form refuses it, but a revision can go live without the form (a
    scheduled publish, a workflow approval) after more numbers sold: the live
    edition then keeps the highest number held, and the artist is told in the log.
    """
    held = highest_held_numbers([edition.pk for edition in editions])
    for edition in editions:
        grown = {}
        sold, proofs_sold = held.get((edition.pk, False)), held.get((edition.pk, True))
        if sold and edition.edition_size < sold:
            grown["edition_size"] = sold
        if proofs_sold and edition.artist_proofs < proofs_sold:
            grown["artist_proofs"] = proofs_sold
        if grown:
            logger.warning(
                "Edition %s published smaller than its sales; kept at %s", edition.pk, grown
            )
            PrintEdition.objects.filter(pk=edition.pk).update(**grown)
            for field, value in grown.items():
                setattr(edition, field, value)
