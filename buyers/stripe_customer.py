"""Prefilling Stripe Checkout for a signed-in buyer with a saved address.

Checkout cannot take an address directly; it prefills from a Stripe Customer.
So a buyer with a verified e-mail and a saved address gets a Customer (created
once, updated from the profile before each checkout), and the Checkout Session
is opened for that Customer. Nothing here may stop a sale: on any Stripe error
checkout goes ahead without prefilling.
"""

import logging

import stripe
from allauth.account.models import EmailAddress

from shop import payments

from .models import Profile

logger = logging.getLogger(__name__)


def customer_params(user, profile):
    address = profile.stripe_address()
    shipping = {"name": profile.full_name, "address": address}
    params = {
        "email": user.email,
        "name": profile.full_name,
        "shipping": shipping,
        "address": address,
    }
    if profile.phone:
        params["phone"] = shipping["phone"] = profile.phone
    return params


def _has_verified_email(user):
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def sync_customer(profile):
    """Creates or updates the profile's Stripe Customer; returns its id."""
    customers = payments.client().v1.customers
    params = customer_params(profile.user, profile)
    if profile.stripe_customer_id:
        try:
            return customers.update(profile.stripe_customer_id, params=params).id
        except stripe.InvalidRequestError as error:
            # Deleted in the Stripe dashboard: start a new one.
            if error.code != "resource_missing":
                raise
    customer = customers.create(params={**params, "metadata": {"user": str(profile.user.pk)}})
    profile.stripe_customer_id = customer.id
    profile.save(update_fields=["stripe_customer_id", "updated_at"])
    return customer.id


def checkout_params_for(user):
    """Extra Checkout Session parameters for `user` ({} when there is nothing to prefill).

    With "customer" set, the session must not also get "customer_email":
    Stripe takes the e-mail from the Customer.
    """
    if not user.is_authenticated or not user.email:
        return {}
    profile = Profile.objects.filter(user=user).first()
    if profile is None or not profile.has_address or not _has_verified_email(user):
        return {}
    try:
        customer_id = sync_customer(profile)
    except stripe.StripeError as error:
        logger.warning("Stripe customer for user %s not synced: %r", user.pk, error)
        return {}
    return {"customer": customer_id, "customer_update": {"shipping": "auto", "address": "auto"}}


def delete_customer(profile):
    """Removes the buyer's data from Stripe when the account goes (best effort)."""
    if not profile.stripe_customer_id:
        return
    try:
        payments.client().v1.customers.delete(profile.stripe_customer_id)
    except stripe.StripeError as error:
        logger.warning("Stripe customer %s not deleted: %r", profile.stripe_customer_id, error)
