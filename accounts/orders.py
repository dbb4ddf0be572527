"""Orders placed as a guest become the account's once the address is proven."""

from allauth.account.models import EmailAddress
from django.db.models import Q

from shop.models import Order


def attach_guest_orders(user, emails=None):
    """Gives `user` the orders placed without an account under their verified e-mails.

    Only verified addresses count: owning the mailbox is the proof that
    the guest and the account holder are the same person.
    """
    if emails is None:
        emails = EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    matches = Q()
    for email in emails:
        matches |= Q(email__iexact=email)
    if not matches:
        return 0
    return Order.objects.filter(matches, user__isnull=True).update(user=user)
