"""Template helpers for the gallery's pages: share images, JSON-LD, navigation."""

import json
from urllib.parse import urlsplit

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from gallery.images import PAINTING_IMAGE, SHARE_IMAGE, rendition_specs
from gallery.models import GallerySettings
from shop.models import ShopSettings
from shop.sale_status import SaleStatus

from .shared_filter_images import shared_filter

register = template.Library()

# Schema.org availability for each sale status; statuses not listed get no offer.
OFFER_AVAILABILITY = {
    SaleStatus.AVAILABLE: "https://schema.org/InStock",
    SaleStatus.RESERVED: "https://schema.org/LimitedAvailability",
    SaleStatus.SOLD: "https://schema.org/SoldOut",
}

# JSON is safe inside <script> once these cannot close the element or open a comment.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

DEFAULT_SHARE_IMAGE = "images/share.jpg"

# The largest JPEG the painting page already renders: the whole work, uncropped.
FULL_PAINTING_JPEG = shared_filter(rendition_specs(PAINTING_IMAGE)[-1])
SHARE_IMAGE_FILTER = shared_filter(SHARE_IMAGE)


def absolute_url(request, url):
    if urlsplit(url).netloc or request is None:
        return url
    return request.build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def share_image(context, page=None):
    """The OpenGraph/Twitter image: the page's own, else the home page hero, else a default.

    Returns a dict with an absolute url, width, height and alt text.
    """
    request = context.get("request")
    image = page.get_share_image() if hasattr(page, "get_share_image") else None
    if image is None:
        site_root = context.get("site_root")
        home = site_root.specific if site_root is not None else None
        if hasattr(home, "get_share_image"):
            image = home.get_share_image()
    if image is None:
        return {
            "url": absolute_url(request, static(DEFAULT_SHARE_IMAGE)),
            "width": 1200,
            "height": 630,
            "alt": "",
        }
    rendition = image.get_rendition(SHARE_IMAGE_FILTER)
    return {
        "url": absolute_url(request, rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": image.title,
    }


def json_ld_script(data):
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308 - escaped above


def quantity_cm(value):
    return {"@type": "QuantitativeValue", "value": float(value), "unitCode": "CMT"}


@register.simple_tag(takes_context=True)
def painting_json_ld(context, painting):
    """A schema.org VisualArtwork with its Offer, as a ld+json script element."""
    request = context.get("request")
    url = painting.get_full_url(request)
    artist_name = GallerySettings.for_request(request).artist_name if request else ""
    data = {
        "@context": "https://schema.org",
        "@type": "VisualArtwork",
        "name": painting.title,
        "url": url,
        "creator": {"@type": "Person", "name": artist_name},
        "width": quantity_cm(painting.width_cm),
        "height": quantity_cm(painting.height_cm),
    }
    if painting.depth_cm:
        data["depth"] = quantity_cm(painting.depth_cm)
    if painting.image:
        data["image"] = absolute_url(request, painting.image.get_rendition(FULL_PAINTING_JPEG).url)
    if painting.year:
        data["dateCreated"] = str(painting.year)
    if painting.medium_id:
        data["artMedium"] = painting.medium.name
    if painting.support:
        data["artworkSurface"] = painting.get_support_display()
    if painting.get_meta_description():
        data["description"] = painting.get_meta_description()

    # The painting page's offered editions (PaintingPage.get_editions), one Offer each.
    editions = context.get("editions") or []
    availability = OFFER_AVAILABILITY.get(painting.sale_status)
    original_offered = availability and painting.price is not None
    if not (original_offered or editions):
        return json_ld_script(data)
    currency = ShopSettings.for_request(request).currency if request else "EUR"
    offers = []
    if original_offered:
        offers.append(
            {
                "@type": "Offer",
                "price": f"{painting.price:.2f}",
                "priceCurrency": currency,
                "availability": availability,
                "url": url,
            }
        )
    for edition in editions:
        offers += edition.schema_offers(painting.title, url, currency)
    data["offers"] = offers if editions else offers[0]
    return json_ld_script(data)


@register.filter
def is_within(page, section):
    """True when `page` is `section` or one of its descendants (for menu highlighting)."""
    if page is None or section is None or not hasattr(page, "url_path"):
        return False
    return page.url_path.startswith(section.url_path)
