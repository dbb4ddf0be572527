"""Print numbers follow the published editions: a row per number, made once."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gallery.models import PrintEdition

from ..models import PrintNumber
from ..sale_status import free_condition


def sync_print_numbers(painting):
    """Makes the missing rows of the painting's published editions (1…N, AP 1…k) and
    removes free ones beyond an edition's size. A number sold or reserved is never removed
    (the admin form refuses an edition smaller than it)."""
    with transaction.atomic():
        editions = list(PrintEdition.objects.filter(page=painting))
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
