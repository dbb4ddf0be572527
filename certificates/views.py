"""The public verification page and the buyer's PDF download."""

import re
from contextlib import ExitStack

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Site

from gallery.models import GallerySettings, PaintingPage

from .links import key_is_valid, verify_path
from .models import NUMBER_MAX_LENGTH, Certificate
from .pdf import render_certificate

PICTURE_SPEC = "max-1200x1200|format-jpeg"
SIGNATURE_SPEC = "max-900x300|format-png"


def find_certificate(number):
    """The certificate with this number, typed loosely (case, spaces); 404 otherwise."""
    cleaned = re.sub(r"[\s-]", "", number or "").upper()
    if not cleaned or len(cleaned) > NUMBER_MAX_LENGTH:
        raise Http404("No such certificate")
    grouped = "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))
    try:
        return Certificate.objects.select_related("line__painting").get(number=grouped)
    except Certificate.DoesNotExist:
        raise Http404("No such certificate") from None


@require_safe
def verify(request, number):
    """Confirms the work, its edition number and date of sale: never who bought it."""
    certificate = find_certificate(number)
    # The picture only while the painting is on show to everyone.
    shown = PaintingPage.objects.visible().filter(pk=certificate.line.painting_id).first()
    return render(
        request, "certificates/certificate.html", {"certificate": certificate, "painting": shown}
    )


def _gallery_settings(request):
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    return GallerySettings.for_site(site) if site else GallerySettings()


def certificate_pdf(request, certificate):
    """The PDF as an attachment; shared by the buyer's link and the artist's admin."""
    gallery_settings = _gallery_settings(request)
    painting = certificate.painting
    with ExitStack() as files:
        picture = signature = None
        if painting is not None and painting.image_id:
            rendition = painting.image.get_rendition(PICTURE_SPEC)
            picture = files.enter_context(rendition.file.open("rb"))
        if gallery_settings.signature_image_id:
            rendition = gallery_settings.signature_image.get_rendition(SIGNATURE_SPEC)
            signature = files.enter_context(rendition.file.open("rb"))
        pdf = render_certificate(
            certificate,
            verify_url=request.build_absolute_uri(verify_path(certificate)),
            artist_name=gallery_settings.artist_name,
            picture=picture,
            signature=signature,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return response


@require_safe
@cache_control(private=True, no_store=True)
def download(request, number):
    """The buyer's copy: the link in their order page and shipping e-mail carries a key."""
    certificate = find_certificate(number)
    if not key_is_valid(certificate.number, request.GET.get("key", "")):
        raise Http404("No such certificate")
    return certificate_pdf(request, certificate)
