"""The artist's site-wide settings and the list of media she extends."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.snippets.models import register_snippet


@register_snippet
class Medium(models.Model):
    """Oil, acrylic, watercolour, …: a list the artist extends in the admin."""

    name = models.CharField(max_length=80, unique=True)

    panels = [FieldPanel("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "media"

    def __str__(self):
        return self.name


@register_setting(icon="user")
class GallerySettings(BaseSiteSetting):
    artist_name = models.CharField(max_length=120, default="The Artist")
    tagline = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    instagram_url = models.URLField(blank=True)
    facebook_url = models.URLField(blank=True)
    pinterest_url = models.URLField(blank=True)
    footer_text = models.CharField(max_length=300, blank=True)

    panels = [
        FieldPanel("artist_name"),
        FieldPanel("tagline"),
        FieldPanel("contact_email"),
        MultiFieldPanel(
            [FieldPanel("instagram_url"), FieldPanel("facebook_url"), FieldPanel("pinterest_url")],
            heading="Social links",
        ),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = "gallery settings"

    @property
    def social_links(self):
        links = [
            ("Instagram", self.instagram_url),
            ("Facebook", self.facebook_url),
            ("Pinterest", self.pinterest_url),
        ]
        return [(name, url) for name, url in links if url]
