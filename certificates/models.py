"""A certificate of authenticity for each work sold: one per order line, never two.

What it certifies is copied onto it when it is issued (title, year, medium,
size, edition), because the painting page is revisioned and may change or be
deleted later; the certificate must keep saying what was sold.
"""

import secrets

from django.db import models
from django.utils import timezone

from . import links

# No 0/O or 1/I/L: the number is typed from paper.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
NUMBER_GROUPS = 4
NUMBER_GROUP_LENGTH = 4


def new_certificate_number():
    """16 random characters of 31 (79 bits): printed, but never guessed or enumerated."""
    groups = (
        "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_GROUP_LENGTH))
        for _ in range(NUMBER_GROUPS)
    )
    return "-".join(groups)


NUMBER_MAX_LENGTH = NUMBER_GROUPS * (NUMBER_GROUP_LENGTH + 1) - 1


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(voided_at__isnull=True)


class Certificate(models.Model):
    number = models.CharField(
        max_length=NUMBER_MAX_LENGTH, unique=True, default=new_certificate_number, editable=False
    )
    # One certificate per line, enforced by the database: a replayed webhook or
    # a second worker can never issue a second one for the same work.
    line = models.OneToOneField(
        "shop.OrderLine", on_delete=models.PROTECT, related_name="certificate"
    )
    title = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    medium = models.CharField(max_length=200, blank=True)
    size_cm = models.CharField(max_length=100, blank=True)
    size_in = models.CharField(max_length=100, blank=True)
    # "7/30" or "AP 1/3" for a print; empty for an original.
    edition = models.CharField(max_length=100, blank=True)
    sold_on = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now)
    reissued_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return f"{self.number} — {self.title}"

    @property
    def is_void(self):
        return self.voided_at is not None

    @property
    def verify_path(self):
        return links.verify_path(self)

    @property
    def download_path(self):
        """The buyer's signed link to the PDF (order pages and the shipping e-mail)."""
        return links.download_path(self)

    @property
    def painting(self):
        """The painting page, while it exists (for its picture); the text never needs it."""
        return self.line.painting

    def copy_details(self, painting, print_number=None):
        """Takes title, year, medium and size from the painting page as it is now; for a
        print, the edition's process, support, image size and the number."""
        self.title = painting.title
        self.year = painting.year
        if print_number is None:
            self.medium = painting.medium_label
            self.size_cm = painting.size_cm
            self.size_in = painting.size_in
            return
        edition = print_number.edition
        self.medium = f"{edition.process} on {edition.support}"[:200]
        self.size_cm = edition.size_cm
        self.size_in = edition.size_in
        self.edition = print_number.label
