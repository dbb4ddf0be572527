"""Guest orders join the account when an address is verified or the buyer signs in;
a password reset lifts a lockout."""

from allauth.account.signals import email_confirmed, password_reset
from axes.utils import reset as reset_lockout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .orders import attach_guest_orders


@receiver(email_confirmed, dispatch_uid="buyers_attach_orders_on_confirm")
def attach_orders_on_confirmation(sender, request, email_address, **kwargs):
    attach_guest_orders(email_address.user, [email_address.email])


@receiver(user_logged_in, dispatch_uid="buyers_attach_orders_on_login")
def attach_orders_on_login(sender, request, user, **kwargs):
    # Covers guest orders placed with the account's address while signed out.
    attach_guest_orders(user)


@receiver(password_reset, dispatch_uid="buyers_unlock_on_password_reset")
def unlock_on_password_reset(sender, request, user, **kwargs):
    # Whoever reset the password owns the mailbox: a stranger's five wrong
    # guesses every 15 minutes must not keep the artist out of her own admin.
    reset_lockout(username=user.get_username())
