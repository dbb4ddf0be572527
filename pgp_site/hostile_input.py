"""Refuses a NUL byte in the URL or a cookie: 400, before any view sees it.

PostgreSQL refuses NUL in a string, so a NUL that reaches a lookup (a query
parameter read with `request.GET.get`, a path captured as `<str:…>`, a
session cookie the session store looks up) ends in a 500. Django's forms
reject NUL, raw lookups do not; no browser sends one.
Invalid UTF-8 needs nothing: Django decodes it to U+FFFD.
"""

from django.views.defaults import bad_request

NUL = "\x00"


def has_nul(request):
    if NUL in request.path:
        return True
    if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
        return True
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
    )


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            return bad_request(request, exception=None)
        return self.get_response(request)
