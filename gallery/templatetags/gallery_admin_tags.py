"""The admin's title: the artist's own name, not the project's."""

from django import template
from django.conf import settings
from wagtail.models import Site

from gallery.models import GallerySettings

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_title(context):
    """'Mara Quinn — Gallery admin': the artist's name from the gallery settings of
    the site the admin is opened on, then WAGTAIL_SITE_NAME."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    artist = GallerySettings.for_request(request).artist_name.strip() if site else ""
    return f"{artist} — {settings.WAGTAIL_SITE_NAME}" if artist else settings.WAGTAIL_SITE_NAME
