"""The `cart_count` cookie: how many paintings the cart holds, for the header.

Public pages are the same for everyone (they may be served from the page
cache or a CDN), so the header's count is filled in by static/js/cart_count.js
from this cookie. It is not HttpOnly on purpose: it says nothing but a number.
Every request that looks at the cart (`shop.cart.Cart`) notes the count; when
the cookie says otherwise (the cart changed, or the session ended), the
response puts it right.
"""

from django.conf import settings

COOKIE_NAME = "cart_count"


class CartCountCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        count = getattr(request, "cart_count", None)
        if count is None or request.COOKIES.get(COOKIE_NAME, "0") == str(count):
            return response
        if count:
            response.set_cookie(
                COOKIE_NAME,
                str(count),
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        else:
            response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return response
