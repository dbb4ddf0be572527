from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context

from gallery.models import GallerySettings
from pgp_site.client_ip import client_ip
from shop.cart import SESSION_KEY as CART_SESSION_KEY

from .lockout import LOGIN_FAILED_MESSAGE


def artist_name(request):
    return GallerySettings.for_request(request).artist_name if request else ""


class AccountAdapter(DefaultAccountAdapter):
    """The site's name in account e-mails, and a cart that outlives logging out."""

    # A wrong password and a locked account (allauth's own limit or axes')
    # get the same words, so neither tells an attacker which it was.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": LOGIN_FAILED_MESSAGE,
        "too_many_login_attempts": LOGIN_FAILED_MESSAGE,
    }

    def get_client_ip(self, request):
        # allauth's rate limits count per address the same way as axes and the shop.
        return client_ip(request)

    def send_mail(self, template_prefix, email, context_data):
        context_data = {"artist_name": artist_name(context.request), **context_data}
        super().send_mail(template_prefix, email, context_data)

    def format_email_subject(self, subject):
        name = artist_name(context.request)
        return f"{subject} — {name}" if name else subject

    def logout(self, request):
        # Logging out flushes the session; the paintings in the cart are not
        # personal data, so they stay in the new, anonymous session. (Logging
        # in keeps session data already: Django only cycles the key.)
        cart = request.session.get(CART_SESSION_KEY)
        super().logout(request)
        if cart:
            request.session[CART_SESSION_KEY] = cart
