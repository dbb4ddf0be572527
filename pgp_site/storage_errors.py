"""A clear answer instead of a server error when the media store is unreachable.

When S3 (or the S3-compatible service) is down or refuses a request, saving an
upload or a new rendition raises from botocore. Wagtail saves an image inside a
transaction, so no half-made record is left behind; this middleware turns the
exception into something an editor or a visitor can act on.
"""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

logger = logging.getLogger(__name__)

STORAGE_UNAVAILABLE = (
    "The file could not be saved because the media storage is not reachable right now. "
    "Nothing was created; please try again in a few minutes."
)


class StorageErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BotoCoreError | ClientError):
            return None
        logger.error("Media storage error on %s %s", request.method, request.path, exc_info=True)

        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's multiple-upload script shows error_message next to the file.
            return JsonResponse({"success": False, "error_message": STORAGE_UNAVAILABLE})
        if request.method == "POST" and request.path.startswith(reverse("wagtailadmin_home")):
            # Back to the form the editor just sent, with the reason at the top.
            messages.error(request, STORAGE_UNAVAILABLE)
            return HttpResponseRedirect(request.get_full_path(), status=303)
        response = HttpResponse(
            "The gallery's pictures are unavailable for a moment. Please try again shortly.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "60"
        return response
