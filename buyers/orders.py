"""Orders placed as a guest become the account's once the address is proven."""

from allauth.account.models import EmailAddress
from django.db.models import Q

from shop.models import Order

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def normalise_email(address):
    """The one form two e-mail addresses are compared in: `Alice@Example.COM` → `alice@example.com`.

    Surrounding spaces go, and A–Z become a–z in both parts; every other
    character is kept exactly as it is:

    - The domain is case-insensitive (DNS), but only in ASCII. Unicode case
      mapping is how `gmaıl.com` (dotless ı, a domain anyone can register)
      became `GMAIL.COM` on PostgreSQL, handing over another buyer's orders;
      IDNA conversion would merge domains that are registered apart
      (`straße.de` and `strasse.de` under IDNA 2003). An internationalised
      address matches only when written the same way, so at worst an order
      is not attached, never attached to someone else.
    - The local part is lower-cased too (ASCII only). The RFCs allow a mailbox
      to care about case, but no mail host one buys from does, allauth already
      treats the account's address case-insensitively (one account per address
      whatever the case), and a guest typing `Alice@…` at checkout is the same
      person as the account `alice@…`.
    """
    return (address or "").strip().translate(_ASCII_LOWER)


def attach_guest_orders(user, emails=None):
    """Gives `user` the orders placed without an account under their verified e-mails.

    Only verified addresses count: owning the mailbox is the proof that
    the guest and the account holder are the same person. Addresses match
    only if `normalise_email` makes them equal; the database's
    case-insensitive match (wider: PostgreSQL upper-cases all of Unicode)
    only narrows the rows Python then compares.
    """
    if emails is None:
        emails = EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    wanted = {normalise_email(email) for email in emails} - {""}
    if not wanted:
        return 0
    candidates = Q()
    for email in wanted:
        candidates |= Q(email__iexact=email)
    guest_orders = Order.objects.filter(candidates, user__isnull=True)
    ids = [
        order_id
        for order_id, email in guest_orders.values_list("id", "email")
        if normalise_email(email) in wanted
    ]
    if not ids:
        return 0
    # user__isnull again: an order taken by another account meanwhile stays theirs.
    return Order.objects.filter(id__in=ids, user__isnull=True).update(user=user)
