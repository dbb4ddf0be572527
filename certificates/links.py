"""Download links for a certificate's PDF, signed so only the buyer's pages and e-mails hold them.

The verification page is public; the PDF is the buyer's document, so its link
carries a signature of the number made with SECRET_KEY. It does not expire:
a collector may need the document years later.
"""

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

SALT = "certificates.download"


def download_key(number):
    return signing.Signer(salt=SALT).signature(number)


def key_is_valid(number, key):
    return bool(key) and constant_time_compare(download_key(number), key)


def download_path(certificate):
    path = reverse("certificates:download", args=[certificate.number])
    return f"{path}?key={download_key(certificate.number)}"


def verify_path(certificate):
    return reverse("certificates:verify", args=[certificate.number])
