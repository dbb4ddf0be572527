"""Links that carry their own proof: an order number signed with SECRET_KEY.

Stripe fills `{CHECKOUT_SESSION_ID}` into the success URL only, so the cancel
link needs another way to say which order it is for; and a buyer whose bank
app sends them back in a different browser still holds the link Stripe gave
them. Only the buyer's own Checkout page shows these links, and they stop
working once the checkout is long over.
"""

from datetime import timedelta

from django.core import signing

SALT = "shop.order-link"
# A Checkout Session lives at most a day, and a bank may take a while to send
# the buyer back: two days covers both.
LINK_LIFETIME = timedelta(days=2)


def order_token(order_number):
    return signing.TimestampSigner(salt=SALT).sign(order_number)


def order_number_from(token):
    """The order number a token was made for, or None if forged, garbled or too old."""
    try:
        return signing.TimestampSigner(salt=SALT).unsign(token, max_age=LINK_LIFETIME)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
